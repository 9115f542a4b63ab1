import type { ReportKind } from '../../shared/index.js';
import { isoWeekId, monthIdOf } from '../evaluation/period.js';

/**
 * When the scheduled reports run, in China time (UTC+8, no daylight saving): 周报 every Monday at
 * 08:00 for the ISO week that just ended, 月报 on the 1st of each month at 08:00 for the month that
 * just ended — after the night, so that the last day's closures are in, before the morning meeting.
 * Pure: the scheduler (reportArchive.ts) asks it and keeps the clock.
 */

const CHINA_OFFSET_MS = 8 * 3_600_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The local hour both reports run at. */
export const RUN_HOUR = 8;

/** The latest run of a kind at or before `ms`. */
export function lastRun(kind: ReportKind, ms: number): number {
  // Work on the local wall clock shifted so that the run hour is local midnight: the run is then the
  // start of a local day (a Monday, a 1st).
  const shifted = new Date(ms + CHINA_OFFSET_MS - RUN_HOUR * HOUR_MS);
  const dayStart = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate());
  let runLocal: number;
  if (kind === 'weekly') {
    const weekday = (shifted.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
    runLocal = dayStart - weekday * DAY_MS;
  } else {
    runLocal = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), 1);
  }
  return runLocal - CHINA_OFFSET_MS + RUN_HOUR * HOUR_MS;
}

/** The first run of a kind strictly after `ms`. */
export function nextRun(kind: ReportKind, ms: number): number {
  const last = lastRun(kind, ms);
  if (kind === 'weekly') return last + 7 * DAY_MS;
  const d = new Date(last + CHINA_OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - CHINA_OFFSET_MS + RUN_HOUR * HOUR_MS;
}

/** The period a run reports on: the ISO week or the month that ended before it. */
export function periodOfRun(kind: ReportKind, runMs: number): string {
  // The run is 08:00 of the period's first day after; a day back lies inside the period just ended.
  return kind === 'weekly' ? isoWeekId(runMs - DAY_MS) : monthIdOf(runMs - DAY_MS);
}

/** The run that reports on the period just before the one `ms` falls in — its period, when it was due. */
export interface DueRun {
  kind: ReportKind;
  period: string;
  dueAt: number;
}

/**
 * The runs of a kind that should have happened by `nowMs`, newest first: at most `max`, and none whose
 * period ended at or before `sinceMs` (before the district had anything to report). The archive
 * generates those it does not hold yet, so a run missed while the server was down is made at the next
 * start, and one already made is not made again.
 */
export function dueRuns(kind: ReportKind, nowMs: number, sinceMs: number, max: number): DueRun[] {
  const out: DueRun[] = [];
  let run = lastRun(kind, nowMs);
  while (out.length < max) {
    // The period ended at local midnight before the run.
    const periodEnd = run - RUN_HOUR * HOUR_MS;
    if (periodEnd <= sinceMs) break;
    out.push({ kind, period: periodOfRun(kind, run), dueAt: run });
    run = lastRun(kind, run - 1);
  }
  return out;
}
