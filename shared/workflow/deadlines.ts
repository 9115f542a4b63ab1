import type { TimeLimit } from '../schema/category.js';
import { DAY_MS, type WorkCalendar } from './workCalendar.js';

const HOUR_MS = 3_600_000;
/** Far enough for any real limit; stops a misconfigured calendar (no working day at all) from looping forever. */
const MAX_DAYS_SCANNED = 3660;

/**
 * The moment a time limit runs out, for a case whose clock starts at startMs (epoch ms).
 *
 * - urgent_hours: round the clock, start + amount hours.
 * - calendar_days: start + amount × 24 hours.
 * - working_hours: consumes `amount` hours of working time (08:00–12:00 and 14:00–18:00 on working
 *   days); a case reported outside working time starts counting at the next working period.
 * - working_days: ends at the close of the `amount`-th working day after the day of the start, so a
 *   case reported on Monday with 2 working days is due Wednesday at 18:00, and one reported on
 *   Saturday is due on Tuesday. A fractional amount counts as amount × (working hours per day).
 */
export function computeDeadline(startMs: number, limit: TimeLimit, cal: WorkCalendar): number {
  switch (limit.kind) {
    case 'urgent_hours':
      return startMs + limit.amount * HOUR_MS;
    case 'calendar_days':
      return startMs + limit.amount * DAY_MS;
    case 'working_hours':
      return addWorkingTime(startMs, limit.amount * HOUR_MS, cal);
    case 'working_days':
      if (!Number.isInteger(limit.amount)) {
        const perDay = cal.periods.reduce((sum, [a, b]) => sum + (b - a), 0);
        return addWorkingTime(startMs, limit.amount * perDay, cal);
      }
      return endOfNthWorkingDayAfter(startMs, limit.amount, cal);
  }
}

/** Adds `durationMs` of working time to startMs. */
export function addWorkingTime(startMs: number, durationMs: number, cal: WorkCalendar): number {
  let remaining = durationMs;
  const local = startMs + cal.offsetMs;
  let day = Math.floor(local / DAY_MS);
  let cursor = local;
  for (let i = 0; i < MAX_DAYS_SCANNED; i++, day++) {
    if (cal.isWorkingDay(day)) {
      for (const [a, b] of cal.periods) {
        const from = Math.max(cursor, day * DAY_MS + a);
        const to = day * DAY_MS + b;
        if (from >= to) continue;
        if (remaining <= to - from) return from + remaining - cal.offsetMs;
        remaining -= to - from;
      }
    }
    cursor = (day + 1) * DAY_MS;
  }
  throw new Error('working calendar has no working time within ten years');
}

/** Working time (ms) between two instants; the inverse of addWorkingTime, for remaining-time displays. */
export function workingTimeBetween(fromMs: number, toMs: number, cal: WorkCalendar): number {
  if (toMs <= fromMs) return 0;
  let total = 0;
  const from = fromMs + cal.offsetMs;
  const to = toMs + cal.offsetMs;
  for (let day = Math.floor(from / DAY_MS); day * DAY_MS < to; day++) {
    if (!cal.isWorkingDay(day)) continue;
    for (const [a, b] of cal.periods) {
      const s = Math.max(from, day * DAY_MS + a);
      const e = Math.min(to, day * DAY_MS + b);
      if (e > s) total += e - s;
    }
  }
  return total;
}

function endOfNthWorkingDayAfter(startMs: number, n: number, cal: WorkCalendar): number {
  const closing = cal.periods[cal.periods.length - 1]![1];
  let day = Math.floor((startMs + cal.offsetMs) / DAY_MS);
  for (let found = 0, i = 0; i < MAX_DAYS_SCANNED; i++) {
    day++;
    if (cal.isWorkingDay(day) && ++found === n) return day * DAY_MS + closing - cal.offsetMs;
  }
  throw new Error('working calendar has no working day within ten years');
}

/** A nominal length in hours (a working day counts 8), for lists and charts; deadlines use computeDeadline. */
export function nominalHours(limit: TimeLimit): number {
  switch (limit.kind) {
    case 'urgent_hours':
    case 'working_hours':
      return limit.amount;
    case 'working_days':
      return limit.amount * 8;
    case 'calendar_days':
      return limit.amount * 24;
  }
}
