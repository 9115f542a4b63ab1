import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadWorkCalendar } from '../../server/catalog/loadCatalog.js';
import { computeDeadline, workingTimeBetween } from '../../shared/workflow/deadlines.js';

const cal = loadWorkCalendar();
/** China local time → epoch ms, written out so that the tests do not share the code under test. */
const cst = (s: string) => Date.parse(`${s}+08:00`);
const h = (n: number) => ({ kind: 'working_hours' as const, amount: n });

describe('deadlines (China time, UTC+8)', () => {
  it('counts urgent hours and calendar days round the clock', () => {
    expect(computeDeadline(cst('2026-11-21T23:30:00'), { kind: 'urgent_hours', amount: 2 }, cal)).toBe(cst('2026-11-22T01:30:00'));
    expect(computeDeadline(cst('2026-11-21T10:00:00'), { kind: 'calendar_days', amount: 3 }, cal)).toBe(cst('2026-11-24T10:00:00'));
  });

  it('counts working hours around lunch, overnight and over the weekend', () => {
    // Monday 10:00 + 4 h: 2 h before lunch, 2 h after → 16:00.
    expect(computeDeadline(cst('2026-11-23T10:00:00'), h(4), cal)).toBe(cst('2026-11-23T16:00:00'));
    // Reported at lunch: counting starts at 14:00.
    expect(computeDeadline(cst('2026-11-23T12:30:00'), h(1), cal)).toBe(cst('2026-11-23T15:00:00'));
    // Monday 17:00 + 4 h: 1 h today, 3 h Tuesday morning → Tuesday 11:00.
    expect(computeDeadline(cst('2026-11-23T17:00:00'), h(4), cal)).toBe(cst('2026-11-24T11:00:00'));
    // Friday 16:00 + 4 h → Monday 10:00.
    expect(computeDeadline(cst('2026-11-27T16:00:00'), h(4), cal)).toBe(cst('2026-11-30T10:00:00'));
    // Ending exactly at noon stays at noon, not 14:00.
    expect(computeDeadline(cst('2026-11-23T08:00:00'), h(4), cal)).toBe(cst('2026-11-23T12:00:00'));
    // Saturday night → Monday.
    expect(computeDeadline(cst('2026-11-28T22:00:00'), h(2), cal)).toBe(cst('2026-11-30T10:00:00'));
  });

  it('skips public holidays and works adjusted weekend workdays', () => {
    // Wednesday 30 Sep 2026 17:00 + 2 h: National Day 1–7 Oct, Thursday 8 Oct is the next working day.
    expect(computeDeadline(cst('2026-09-30T17:00:00'), h(2), cal)).toBe(cst('2026-10-08T09:00:00'));
    // Saturday 10 Oct 2026 is an adjusted workday (调休).
    expect(computeDeadline(cst('2026-10-10T09:00:00'), h(2), cal)).toBe(cst('2026-10-10T11:00:00'));
    // Sunday 20 Sep 2026 too.
    expect(computeDeadline(cst('2026-09-19T18:00:00'), h(1), cal)).toBe(cst('2026-09-20T09:00:00'));
  });

  it('counts working days to the close of the n-th working day after the report', () => {
    expect(computeDeadline(cst('2026-11-23T10:00:00'), { kind: 'working_days', amount: 2 }, cal)).toBe(cst('2026-11-25T18:00:00'));
    expect(computeDeadline(cst('2026-11-28T10:00:00'), { kind: 'working_days', amount: 2 }, cal)).toBe(cst('2026-12-01T18:00:00'));
    // Over Spring Festival 2026 (15–23 Feb; Saturday 14 Feb and 28 Feb are workdays).
    expect(computeDeadline(cst('2026-02-13T10:00:00'), { kind: 'working_days', amount: 1 }, cal)).toBe(cst('2026-02-14T18:00:00'));
    expect(computeDeadline(cst('2026-02-14T10:00:00'), { kind: 'working_days', amount: 1 }, cal)).toBe(cst('2026-02-24T18:00:00'));
  });

  it('does not depend on the machine time zone', () => {
    // All arithmetic is on epoch ms with a fixed offset; the same instant gives the same deadline.
    const t = cst('2026-11-23T10:00:00');
    expect(computeDeadline(t, h(4), cal)).toBe(t + 6 * 3600_000);
  });

  /** An independent minute-by-minute reference: working minutes are 08–12 and 14–18 local on working days. */
  function referenceAddWorkingMinutes(startMs: number, minutes: number): number {
    const isWorkingMinute = (ms: number) => {
      const local = new Date(ms + 8 * 3600_000);
      const iso = local.toISOString().slice(0, 10);
      const hh = local.getUTCHours();
      const workday = ['2026-10-10', '2026-09-20', '2026-05-09', '2026-02-14', '2026-02-28', '2026-01-04'].includes(iso)
        ? true
        : !['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07', '2026-09-25', '2026-09-26', '2026-09-27'].includes(iso) &&
          local.getUTCDay() !== 0 && local.getUTCDay() !== 6;
      return workday && ((hh >= 8 && hh < 12) || (hh >= 14 && hh < 18));
    };
    let t = Math.ceil(startMs / 60_000) * 60_000;
    let left = minutes;
    for (;;) {
      if (isWorkingMinute(t)) {
        left -= 1;
        if (left === 0) return t + 60_000;
      }
      t += 60_000;
    }
  }

  it('agrees with a minute-stepping reference, and its inverse measures the amount back', () => {
    const start = cst('2026-09-01T00:00:00');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 * 24 * 50 }), fc.integer({ min: 1, max: 40 }), (offsetMin, hours) => {
        const s = start + offsetMin * 60_000;
        const d = computeDeadline(s, h(hours), cal);
        expect(d).toBe(referenceAddWorkingMinutes(s, hours * 60));
        expect(workingTimeBetween(s, d, cal)).toBe(hours * 3600_000);
      }),
      { numRuns: 200 },
    );
  });

  it('is never before the start and never decreases as the start moves later', () => {
    const kinds = fc.constantFrom('urgent_hours', 'working_hours', 'working_days', 'calendar_days');
    fc.assert(
      fc.property(
        fc.integer({ min: cst('2025-01-01T00:00:00'), max: cst('2026-12-01T00:00:00') }),
        fc.integer({ min: 0, max: 7 * 86_400_000 }),
        kinds,
        fc.integer({ min: 1, max: 20 }),
        (s, later, kind, amount) => {
          const a = computeDeadline(s, { kind, amount }, cal);
          const b = computeDeadline(s + later, { kind, amount }, cal);
          expect(a).toBeGreaterThan(s);
          expect(b).toBeGreaterThanOrEqual(a);
        },
      ),
      { numRuns: 500 },
    );
  });
});
