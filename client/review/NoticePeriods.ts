import { monthBefore, monthIdOf, periodLabel } from './reviewPeriods.js';

/**
 * The periods a 通报 is drawn up for (China time, UTC+8): the months and the ISO weeks, the running
 * one first. Pure.
 */
const LOCAL_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** `2026-W49` of an instant, in China time (ISO 8601: weeks start on Monday, week 1 holds 4 January). */
export function isoWeekIdOf(ms: number): string {
  const d = new Date(ms + LOCAL_OFFSET_MS);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const weekday = (d.getUTCDay() + 6) % 7;
  // The Thursday of the week decides its year.
  const thursday = new Date(day + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The notice's periods: `weeks` ISO weeks and `months` months back from now, newest first. */
export function noticePeriods(now: number, weeks = 8, months = 6): { id: string; kind: 'week' | 'month' }[] {
  return [
    ...Array.from({ length: months }, (_, i) => ({ id: monthBefore(monthIdOf(now), i), kind: 'month' as const })),
    ...Array.from({ length: weeks }, (_, i) => ({ id: isoWeekIdOf(now - i * 7 * DAY_MS), kind: 'week' as const })),
  ];
}

/** A notice period's name: 2026年11月, 2026年第48周. */
export function noticePeriodLabel(id: string, zh: boolean): string {
  const w = /^(\d{4})-W(\d{2})$/.exec(id);
  if (w) return zh ? `${w[1]}年第${Number(w[2])}周` : `${w[1]} week ${Number(w[2])}`;
  return periodLabel(id, zh);
}
