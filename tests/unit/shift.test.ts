import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Shift } from '../../shared/index.js';
import { fewestOnDutyByHour, localMinuteOfDay, minutesOfDay, nextDutyChange, onDuty } from '../../shared/workflow/teamShift.js';
import { defaultShift, ROUND_THE_CLOCK } from '../../server/team/teamRoster.js';
import { cityWithTeams } from '../support/cityWithTeams.js';

/** An instant given in local time (UTC+8). */
const local = (iso: string) => Date.parse(`${iso}+08:00`);
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

const clockTime = fc.integer({ min: 0, max: 24 * 60 - 1 }).map(hhmm);
const shift = fc
  .tuple(clockTime, fc.oneof(clockTime, fc.constant('24:00')))
  .filter(([start, end]) => start !== end)
  .map(([start, end]) => ({ start, end }));
/** Instants from 2000 to 2100. */
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });

describe('a shift', () => {
  it('is on duty from its start (inclusive) to its end (exclusive), local time UTC+8', () => {
    const day = { start: '08:00', end: '20:00' };
    expect(onDuty(day, local('2026-03-02T07:59:59'))).toBe(false);
    expect(onDuty(day, local('2026-03-02T08:00:00'))).toBe(true);
    expect(onDuty(day, local('2026-03-02T19:59:59'))).toBe(true);
    expect(onDuty(day, local('2026-03-02T20:00:00'))).toBe(false);
    // 08:00 local is midnight UTC: the offset is applied, not the machine's zone.
    expect(onDuty(day, Date.UTC(2026, 2, 2, 0, 0))).toBe(true);
    expect(onDuty(day, Date.UTC(2026, 2, 1, 23, 59))).toBe(false);
  });

  it('crosses midnight when it ends before it starts', () => {
    const night = { start: '16:00', end: '02:00' };
    expect(onDuty(night, local('2026-03-02T15:59:00'))).toBe(false);
    expect(onDuty(night, local('2026-03-02T16:00:00'))).toBe(true);
    expect(onDuty(night, local('2026-03-02T23:59:59'))).toBe(true);
    expect(onDuty(night, local('2026-03-03T00:00:00'))).toBe(true);
    expect(onDuty(night, local('2026-03-03T01:59:00'))).toBe(true);
    expect(onDuty(night, local('2026-03-03T02:00:00'))).toBe(false);
    expect(onDuty(night, local('2026-03-03T12:00:00'))).toBe(false);
    expect(nextDutyChange(night, local('2026-03-02T23:30:00'))).toBe(local('2026-03-03T02:00:00'));
    expect(nextDutyChange(night, local('2026-03-03T02:00:00'))).toBe(local('2026-03-03T16:00:00'));
  });

  it('00:00–24:00 is round the clock and never changes', () => {
    fc.assert(fc.property(instant, (at) => onDuty(ROUND_THE_CLOCK, at) && nextDutyChange(ROUND_THE_CLOCK, at) === null));
  });

  it('is on duty exactly for the minutes it covers: as many each day as its length', () => {
    fc.assert(
      fc.property(shift, fc.integer({ min: 0, max: 36_500 }), (s, dayNo) => {
        const midnight = local('2000-01-01T00:00:00') + dayNo * 86_400_000;
        let on = 0;
        for (let m = 0; m < 1440; m++) if (onDuty(s, midnight + m * 60_000)) on++;
        const length = (minutesOfDay(s.end) - minutesOfDay(s.start) + 1440) % 1440 || 1440;
        return on === length;
      }),
      { numRuns: 60 },
    );
  });

  it('agrees with the same shift cut into the part before midnight and the part after', () => {
    fc.assert(
      fc.property(shift, instant, (s, at) => {
        const start = minutesOfDay(s.start);
        const end = minutesOfDay(s.end);
        const m = localMinuteOfDay(at);
        const covers = start < end ? m >= start && m < end : m >= start || m < end;
        return onDuty(s, at) === covers;
      }),
    );
  });

  it('seconds within a minute do not matter, and the same time of day on another day gives the same answer', () => {
    fc.assert(
      fc.property(shift, instant, fc.integer({ min: 0, max: 59_999 }), fc.integer({ min: -400, max: 400 }), (s, at, ms, days) => {
        const minute = Math.floor(at / 60_000) * 60_000;
        return onDuty(s, minute + ms) === onDuty(s, minute) && onDuty(s, minute + days * 86_400_000) === onDuty(s, minute);
      }),
    );
  });

  it('next changes at the first minute that flips, never sooner', () => {
    fc.assert(
      fc.property(shift, instant, (s, at) => {
        const next = nextDutyChange(s, at);
        if (next === null) return s.start === '00:00' && s.end === '24:00';
        const now = onDuty(s, at);
        if (!(next > at && next - at <= 86_400_000 && onDuty(s, next) !== now)) return false;
        // Every whole minute in between is as now.
        for (let m = Math.floor(at / 60_000) + 1; m * 60_000 < next; m += 7) if (onDuty(s, m * 60_000) !== now) return false;
        return true;
      }),
      { numRuns: 200 },
    );
  });

  it('is refused by the schema when it starts when it ends or names no time of day', () => {
    expect(Shift.safeParse({ start: '08:00', end: '08:00' }).success).toBe(false);
    expect(Shift.safeParse({ start: '24:00', end: '08:00' }).success).toBe(false);
    expect(Shift.safeParse({ start: '8:00', end: '17:00' }).success).toBe(false);
    expect(Shift.safeParse({ start: '00:00', end: '24:00' }).success).toBe(true);
    expect(Shift.safeParse({ start: '22:00', end: '06:00' }).success).toBe(true);
  });
});

describe('the default shifts', () => {
  it('are set per department, with one team of each on duty round the clock and one crossing midnight', () => {
    const { teams } = cityWithTeams();
    for (const t of teams) expect(Shift.safeParse(t.shift).success).toBe(true);
    const departments = [...new Set(teams.map((t) => t.department))];
    // At any hour every department has a team on duty.
    for (let h = 0; h < 24; h++) {
      const at = local(`2026-03-02T${String(h).padStart(2, '0')}:30:00`);
      for (const d of departments) expect(teams.some((t) => t.department === d && onDuty(t.shift, at))).toBe(true);
    }
    expect(teams.filter((t) => t.department === 'huanwei').map((t) => t.shift)).toContainEqual({ start: '05:00', end: '21:00' });
    expect(teams.some((t) => minutesOfDay(t.shift.end) < minutesOfDay(t.shift.start))).toBe(true);
    expect(defaultShift('no-such-department', 3, 5)).toEqual(ROUND_THE_CLOCK);
  });
});

describe('fewestOnDutyByHour', () => {
  it('counts the shifts on duty in each hour, at the least, and shows a gap of minutes as its hour', () => {
    const day = { start: '08:00', end: '17:00' };
    const evening = { start: '17:30', end: '02:00' };
    const byHour = fewestOnDutyByHour([day, evening]);
    expect(byHour).toHaveLength(24);
    expect(byHour.slice(8, 17)).toEqual(Array(9).fill(1));
    // 17:00–17:30 nobody: the hour shows 0 though the evening shift starts within it.
    expect(byHour[17]).toBe(0);
    expect(byHour.slice(18, 24)).toEqual(Array(6).fill(1));
    expect(byHour.slice(0, 2)).toEqual([1, 1]);
    expect(byHour.slice(2, 8)).toEqual(Array(6).fill(0));
    expect(fewestOnDutyByHour([{ start: '00:00', end: '24:00' }, day])).toEqual(Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 17 ? 2 : 1)));
    expect(fewestOnDutyByHour([])).toEqual(Array(24).fill(0));
  });

  it('agrees with onDuty at every minute, for any shifts', () => {
    const clock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const shift = fc.tuple(clock, fc.oneof(clock, fc.constant('24:00'))).filter(([a, b]) => a !== b).map(([start, end]) => ({ start, end }));
    fc.assert(
      fc.property(fc.array(shift, { maxLength: 6 }), fc.integer({ min: 0, max: 23 }), (shifts, hour) => {
        let least = Infinity;
        for (let m = hour * 60; m < hour * 60 + 60; m++) {
          // Minute m of the local day, as an instant: local midnight of 2026-03-02 is 16:00 UTC the day before.
          const at = Date.parse('2026-03-01T16:00:00Z') + m * 60_000;
          least = Math.min(least, shifts.filter((s) => onDuty(s, at)).length);
        }
        expect(fewestOnDutyByHour(shifts)[hour]).toBe(least);
      }),
      { numRuns: 200 },
    );
  });
});
