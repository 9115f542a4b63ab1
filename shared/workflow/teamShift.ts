import type { Shift } from '../schema/team.js';

/** China has one time zone and no daylight saving time: local time is UTC+8 all year. */
export const LOCAL_OFFSET_MINUTES = 8 * 60;

const DAY_MINUTES = 24 * 60;
const MINUTE_MS = 60_000;

/** `HH:MM` (or `24:00`) → minutes after local midnight. */
export function minutesOfDay(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Minutes after local midnight at an instant, in [0, 1440). */
export function localMinuteOfDay(atMs: number, offsetMinutes = LOCAL_OFFSET_MINUTES): number {
  const minutes = Math.floor(atMs / MINUTE_MS) + offsetMinutes;
  return ((minutes % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
}

/** Whether a shift covers a minute of the day: [start, end), wrapping past midnight when end < start. */
export function shiftCoversMinute(shift: Shift, minute: number): boolean {
  const start = minutesOfDay(shift.start);
  const end = minutesOfDay(shift.end);
  if (start === end || (start === 0 && end === DAY_MINUTES)) return true;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * Whether a team with this shift is on duty at an instant. Pure. The shift is in local time (UTC+8
 * by default), from `start` inclusive to `end` exclusive; an end before the start crosses midnight
 * (`16:00`–`02:00` is on duty from 16:00 until 02:00 the next morning); `00:00`–`24:00` is round the
 * clock (so is a shift that starts when it ends, which the schema refuses anyway).
 */
export function onDuty(shift: Shift, atMs: number, offsetMinutes = LOCAL_OFFSET_MINUTES): boolean {
  return shiftCoversMinute(shift, localMinuteOfDay(atMs, offsetMinutes));
}

/** Whether the shift never ends. */
export function roundTheClock(shift: Shift): boolean {
  const start = minutesOfDay(shift.start);
  const end = minutesOfDay(shift.end);
  return start === end || (start === 0 && end === DAY_MINUTES);
}

/**
 * When the team next goes on or off duty after `atMs` (the first whole minute at which `onDuty`
 * changes), or null for a round-the-clock shift.
 */
export function nextDutyChange(shift: Shift, atMs: number, offsetMinutes = LOCAL_OFFSET_MINUTES): number | null {
  if (roundTheClock(shift)) return null;
  const now = shiftCoversMinute(shift, localMinuteOfDay(atMs, offsetMinutes));
  // The boundary is on duty's side that it starts: the next start when off, the next end when on.
  const boundary = minutesOfDay(now ? shift.end : shift.start) % DAY_MINUTES;
  const minute = localMinuteOfDay(atMs, offsetMinutes);
  const ahead = (boundary - minute + DAY_MINUTES) % DAY_MINUTES || DAY_MINUTES;
  return (Math.floor(atMs / MINUTE_MS) + ahead) * MINUTE_MS;
}

/**
 * How many of the shifts are on duty, at the least, in each hour of the local day (index 0 is
 * 00:00–01:00): the figure an admin needs to see that every department can be dispatched at any
 * hour. The least over the hour's minutes, so a gap of one minute (a shift ending at 17:00 and the
 * next starting at 17:30) shows as the hour it falls in.
 */
export function fewestOnDutyByHour(shifts: readonly Shift[]): number[] {
  const perMinute = new Int32Array(DAY_MINUTES);
  for (const s of shifts) {
    for (let m = 0; m < DAY_MINUTES; m++) if (shiftCoversMinute(s, m)) perMinute[m]! += 1;
  }
  return Array.from({ length: 24 }, (_, h) => {
    let least = Infinity;
    for (let m = h * 60; m < (h + 1) * 60; m++) least = Math.min(least, perMinute[m]!);
    return least;
  });
}
