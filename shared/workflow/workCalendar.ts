import { z } from 'zod';

/**
 * The working calendar that deadlines are counted against: the local offset (China: UTC+8, no DST),
 * the daily working periods, and per year the public holidays and the adjusted workdays (调休, weekend
 * days that are worked). Admins maintain it as data because the State Council publishes it yearly.
 */
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const WorkCalendarData = z.object({
  timezoneOffsetMinutes: z.number().int().min(-720).max(840),
  workingPeriods: z.array(z.tuple([HHMM, HHMM])).min(1),
  holidays: z.record(z.string().regex(/^\d{4}$/), z.array(IsoDate)),
  adjustedWorkdays: z.record(z.string().regex(/^\d{4}$/), z.array(IsoDate)),
});
export type WorkCalendarData = z.infer<typeof WorkCalendarData>;

export const DAY_MS = 86_400_000;

export interface WorkCalendar {
  /** Offset of local time from UTC, in ms. */
  offsetMs: number;
  /** Working periods as [start, end) in ms after local midnight, sorted. */
  periods: [number, number][];
  isWorkingDay(localDay: number): boolean;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Local day number (days since 1970-01-01 in local time) → ISO date. */
export function isoDateOfLocalDay(localDay: number): string {
  return new Date(localDay * DAY_MS).toISOString().slice(0, 10);
}

export function buildWorkCalendar(data: WorkCalendarData): WorkCalendar {
  const holidays = new Set(Object.values(data.holidays).flat());
  const workdays = new Set(Object.values(data.adjustedWorkdays).flat());
  const periods = data.workingPeriods
    .map(([a, b]) => [minutesOf(a) * 60_000, minutesOf(b) * 60_000] as [number, number])
    .sort((x, y) => x[0] - y[0]);
  for (const [a, b] of periods) if (b <= a) throw new Error(`working period ends before it starts: ${a}–${b}`);
  return {
    offsetMs: data.timezoneOffsetMinutes * 60_000,
    periods,
    isWorkingDay(localDay) {
      const iso = isoDateOfLocalDay(localDay);
      if (workdays.has(iso)) return true;
      if (holidays.has(iso)) return false;
      const weekday = new Date(localDay * DAY_MS).getUTCDay();
      return weekday !== 0 && weekday !== 6;
    },
  };
}
