/**
 * Evaluation periods (考核周期) in China time (UTC+8, no daylight saving): a month `2026-11`, an ISO
 * week `2026-W48`, a quarter `2026-Q4`, a year `2026`, or a range of days `2026-11-01..2026-11-15`
 * (both days included). Each is the half-open interval [from, until) of epoch milliseconds, so a
 * case closed at 23:59:59.999 on the last day belongs to it and one at 00:00 the next day does not.
 * Pure.
 */

const CHINA_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
/** A range of days longer than this is refused: a year is the longest period the standard knows. */
export const MAX_RANGE_DAYS = 366;

export type PeriodKind = 'month' | 'week' | 'quarter' | 'year' | 'days';

export interface Period {
  id: string;
  kind: PeriodKind;
  from: number;
  until: number;
}

/** Why a period id was refused, as a machine-readable code. */
export class PeriodError extends Error {
  constructor(
    readonly code: 'bad_period' | 'period_in_future' | 'period_too_long',
    message: string,
  ) {
    super(message);
    this.name = 'PeriodError';
  }
}

/** Epoch ms of local (China) midnight starting a calendar day; month and day may overflow as in Date.UTC. */
function localMidnight(year: number, month1: number, day: number): number {
  return Date.UTC(year, month1 - 1, day) - CHINA_OFFSET_MS;
}

/** The local calendar date of an instant. */
function localDate(ms: number): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(ms + CHINA_OFFSET_MS);
  // ISO weekday: Monday 1 … Sunday 7.
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: ((d.getUTCDay() + 6) % 7) + 1 };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function dayId(ms: number): string {
  const d = localDate(ms);
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

/** Local midnight of the Monday of ISO week 1 of an ISO year (the week holding 4 January). */
function isoWeekOneMonday(isoYear: number): number {
  const jan4 = localMidnight(isoYear, 1, 4);
  return jan4 - (localDate(jan4).weekday - 1) * DAY_MS;
}

/** The ISO week an instant falls in, as `YYYY-Www`. */
export function isoWeekId(ms: number): string {
  const { year } = localDate(ms);
  // The ISO year is the calendar year, the one before (early January) or the one after (late December).
  let isoYear = year + 1;
  while (ms < isoWeekOneMonday(isoYear)) isoYear -= 1;
  const week = Math.floor((ms - isoWeekOneMonday(isoYear)) / (7 * DAY_MS)) + 1;
  return `${pad(isoYear, 4)}-W${pad(week)}`;
}

/** The month an instant falls in, local time: `YYYY-MM`, the default period. */
export function monthIdOf(ms: number): string {
  const d = localDate(ms);
  return `${pad(d.year, 4)}-${pad(d.month)}`;
}

/** A period from its id; throws PeriodError (`bad_period`, `period_too_long`) for an id that names none. */
export function parsePeriod(id: string): Period {
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(id))) {
    const y = Number(m[1]);
    return { id, kind: 'year', from: localMidnight(y, 1, 1), until: localMidnight(y + 1, 1, 1) };
  }
  if ((m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(id))) {
    const [y, mo] = [Number(m[1]), Number(m[2])];
    return { id, kind: 'month', from: localMidnight(y, mo, 1), until: localMidnight(y, mo + 1, 1) };
  }
  if ((m = /^(\d{4})-Q([1-4])$/.exec(id))) {
    const [y, q] = [Number(m[1]), Number(m[2])];
    return { id, kind: 'quarter', from: localMidnight(y, 3 * q - 2, 1), until: localMidnight(y, 3 * q + 1, 1) };
  }
  if ((m = /^(\d{4})-W(\d{2})$/.exec(id))) {
    const [y, w] = [Number(m[1]), Number(m[2])];
    const from = isoWeekOneMonday(y) + (w - 1) * 7 * DAY_MS;
    // Week 53 exists only in years whose 28 December falls in it; W00 never.
    if (w < 1 || isoWeekId(from) !== id) throw new PeriodError('bad_period', `${y} has no ISO week ${w}.`);
    return { id, kind: 'week', from, until: from + 7 * DAY_MS };
  }
  if ((m = /^(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})$/.exec(id))) {
    const from = localMidnight(Number(m[1]), Number(m[2]), Number(m[3]));
    const last = localMidnight(Number(m[4]), Number(m[5]), Number(m[6]));
    const [a, b] = id.split('..') as [string, string];
    // Date.UTC rolls 2026-02-30 over to March: a date that does not read back the same is not a date.
    if (dayId(from) !== a || dayId(last) !== b) throw new PeriodError('bad_period', `${id} names a day that does not exist.`);
    if (last < from) throw new PeriodError('bad_period', `${id} ends before it starts.`);
    const days = Math.round((last - from) / DAY_MS) + 1;
    if (days > MAX_RANGE_DAYS) throw new PeriodError('period_too_long', `${id} spans ${days} days; at most ${MAX_RANGE_DAYS}.`);
    return { id, kind: 'days', from, until: last + DAY_MS };
  }
  throw new PeriodError('bad_period', `${id} is not a period: use 2026-11, 2026-W48, 2026-Q4, 2026 or 2026-11-01..2026-11-15.`);
}

/** The period of the same kind just before (a range of days: as many days just before). */
export function previousPeriod(p: Period): Period {
  switch (p.kind) {
    case 'year':
      return parsePeriod(pad(localDate(p.from).year - 1, 4));
    case 'month':
      return parsePeriod(monthIdOf(p.from - 1));
    case 'quarter': {
      const d = localDate(p.from - 1);
      return parsePeriod(`${pad(d.year, 4)}-Q${Math.ceil(d.month / 3)}`);
    }
    case 'week':
      return parsePeriod(isoWeekId(p.from - 1));
    case 'days': {
      const days = Math.round((p.until - p.from) / DAY_MS);
      return parsePeriod(`${dayId(p.from - days * DAY_MS)}..${dayId(p.from - DAY_MS)}`);
    }
  }
}

/**
 * When a period is judged: a closed one as of its end, the running one as of now (what is not due
 * yet is not counted against anyone). A period that has not started is refused.
 */
export function periodAsOf(p: Period, nowMs: number): { asOf: number; running: boolean } {
  if (nowMs < p.from) throw new PeriodError('period_in_future', `${p.id} has not started yet.`);
  return nowMs < p.until ? { asOf: nowMs, running: true } : { asOf: p.until, running: false };
}
