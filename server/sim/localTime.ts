/**
 * China time, fixed at UTC+8 (no daylight saving): the city's rhythm follows local hours whatever
 * time zone the server runs in.
 */
export const LOCAL_OFFSET_MS = 8 * 3_600_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const MINUTES_PER_DAY = 1440;

/** Days since 1970-01-01 in local time. */
export function localDay(ms: number): number {
  return Math.floor((ms + LOCAL_OFFSET_MS) / DAY_MS);
}

/** Minutes since local midnight, 0–1439. */
export function localMinuteOfDay(ms: number): number {
  return Math.floor((((ms + LOCAL_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS / MINUTE_MS);
}

/** Monday to Friday; 1970-01-01 was a Thursday. */
export function isWeekday(day: number): boolean {
  const dow = (((day + 4) % 7) + 7) % 7;
  return dow !== 0 && dow !== 6;
}

export function hhmmToMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}
