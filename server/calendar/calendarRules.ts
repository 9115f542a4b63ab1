import { z } from 'zod';
import { DAY_MS, type WorkCalendar } from '../../shared/workflow/workCalendar.js';
import { Refusal } from '../refusal.js';

/**
 * What an admin may write into the working calendar, and the checks it must pass. Pure: the service
 * and the HTTP edge use it, and the unit tests call it directly.
 */

/** The years the calendar can be edited and read for. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

/** A year as it comes in a path or a query: four digits, within the range. */
export const CalendarYear = z
  .string()
  .regex(/^\d{4}$/, 'a year is four digits')
  .transform(Number)
  .pipe(z.number().int().min(MIN_YEAR).max(MAX_YEAR));

/** A real calendar date written YYYY-MM-DD: 2026-02-30 and 2026-13-01 are refused. */
export const IsoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is written YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'no such date');

/** The body of `PUT /api/calendar/{year}`: the year's holidays and adjusted workdays, replacing what it had. */
export const CalendarYearChange = z.strictObject({
  holidays: z.array(IsoDay).max(366),
  adjustedWorkdays: z.array(IsoDay).max(366),
});
export type CalendarYearChange = z.infer<typeof CalendarYearChange>;

/** Why a well-formed change is still refused (422): the code of a custom issue. */
type Reason = 'date_outside_year' | 'conflicting_dates';

/**
 * The change for one year, with what the shape cannot say: every date lies in that year, and no date
 * is both a holiday and an adjusted workday. Repeated dates are dropped; the lists come back sorted.
 */
export function yearChangeSchema(year: number) {
  return CalendarYearChange.superRefine((v, ctx) => {
    const prefix = `${year}-`;
    for (const key of ['holidays', 'adjustedWorkdays'] as const) {
      v[key].forEach((d, i) => {
        if (!d.startsWith(prefix)) {
          ctx.addIssue({ code: 'custom', path: [key, i], message: `${d} does not lie in ${year}`, params: { reason: 'date_outside_year' satisfies Reason } });
        }
      });
    }
    const holidays = new Set(v.holidays);
    v.adjustedWorkdays.forEach((d, i) => {
      if (holidays.has(d)) {
        ctx.addIssue({ code: 'custom', path: ['adjustedWorkdays', i], message: `${d} cannot be both a holiday and an adjusted workday`, params: { reason: 'conflicting_dates' satisfies Reason } });
      }
    });
  }).transform((v) => ({ holidays: [...new Set(v.holidays)].sort(), adjustedWorkdays: [...new Set(v.adjustedWorkdays)].sort() }));
}

/**
 * Parses a year's change, or throws the Refusal to answer with: 400 `invalid_request` for a body of
 * the wrong shape (missing lists, unknown fields, dates that are not dates), 422 `date_outside_year`
 * or `conflicting_dates` for a well-formed body that cannot be applied. `details` lists every problem.
 */
export function parseYearChange(year: number, body: unknown): CalendarYearChange {
  const parsed = yearChangeSchema(year).safeParse(body);
  if (parsed.success) return parsed.data;
  const reasons = parsed.error.issues.map((i) => (i.code === 'custom' ? (i.params as { reason?: Reason } | undefined)?.reason : undefined));
  const details = { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  if (reasons.every((r) => r !== undefined)) {
    const reason = reasons[0]!;
    const message =
      reason === 'conflicting_dates'
        ? 'A date cannot be both a holiday and an adjusted workday.'
        : `Every date must lie in ${year}.`;
    throw new Refusal(422, reason, message, details);
  }
  throw new Refusal(400, 'invalid_request', 'The calendar change is not valid: it needs {holidays, adjustedWorkdays}, each a list of YYYY-MM-DD dates.', details);
}

/** The local day number (days since 1970-01-01) of 1 January of a year. */
export const firstDayOf = (year: number) => Date.UTC(year, 0, 1) / DAY_MS;

/** How many working days a year has in a calendar. */
export function workingDaysIn(year: number, cal: WorkCalendar): number {
  let n = 0;
  for (let day = firstDayOf(year), end = firstDayOf(year + 1); day < end; day++) if (cal.isWorkingDay(day)) n++;
  return n;
}
