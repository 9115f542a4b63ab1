import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePeriod } from '../../server/evaluation/period.js';
import { dueRuns, lastRun, nextRun, periodOfRun } from '../../server/report/reportSchedule.js';

/**
 * When the scheduled reports run (issue 15): 周报 Monday 08:00 China time for the past ISO week, 月报 the
 * 1st at 08:00 for the past month. The local calendar is read here through Intl's Asia/Shanghai zone,
 * not through the module's own offset arithmetic, so the two must agree.
 */
const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
function wall(ms: number) {
  const parts = Object.fromEntries(local.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { weekday: parts.weekday!, day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute), second: Number(parts.second), ms: ms % 1000 };
}
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// 2000 to 2100, any millisecond.
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
const kind = fc.constantFrom('weekly' as const, 'monthly' as const);

describe('the reports schedule in China time', () => {
  it('the next run is the first Monday 08:00 (weekly) or 1st 08:00 (monthly) strictly after now', () => {
    fc.assert(
      fc.property(instant, kind, (now, k) => {
        const next = nextRun(k, now);
        expect(next).toBeGreaterThan(now);
        const w = wall(next);
        expect([w.hour, w.minute, w.second, w.ms]).toEqual([8, 0, 0, 0]);
        if (k === 'weekly') {
          expect(w.weekday).toBe('Mon');
          expect(next - now).toBeLessThanOrEqual(7 * DAY);
        } else {
          expect(w.day).toBe(1);
          expect(next - now).toBeLessThanOrEqual(31 * DAY);
        }
        // No run between now and the next: the last run before it is at or before now.
        expect(lastRun(k, next - 1)).toBeLessThanOrEqual(now);
        expect(lastRun(k, next)).toBe(next);
      }),
      { numRuns: 2000 },
    );
  });

  it('a run reports on the week or month that ended at local midnight before it', () => {
    fc.assert(
      fc.property(instant, kind, (now, k) => {
        const run = lastRun(k, now);
        expect(run).toBeLessThanOrEqual(now);
        const p = parsePeriod(periodOfRun(k, run));
        expect(p.kind).toBe(k === 'weekly' ? 'week' : 'month');
        expect(p.until).toBe(run - 8 * HOUR);
        const start = wall(p.from);
        expect([start.hour, start.minute]).toEqual([0, 0]);
        if (k === 'weekly') expect(start.weekday).toBe('Mon');
        else expect(start.day).toBe(1);
      }),
      { numRuns: 2000 },
    );
  });

  it('the due runs are consecutive periods, newest first, none ending before the record starts', () => {
    fc.assert(
      fc.property(instant, kind, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 12 }), (now, k, daysBack, max) => {
        const since = now - daysBack * DAY;
        const runs = dueRuns(k, now, since, max);
        expect(runs.length).toBeLessThanOrEqual(max);
        for (const [i, r] of runs.entries()) {
          expect(r.dueAt).toBeLessThanOrEqual(now);
          expect(r.period).toBe(periodOfRun(k, r.dueAt));
          expect(parsePeriod(r.period).until).toBeGreaterThan(since);
          if (i > 0) expect(parsePeriod(r.period).until).toBe(parsePeriod(runs[i - 1]!.period).from);
        }
        if (runs.length > 0) expect(runs[0]!.dueAt).toBe(lastRun(k, now));
        // Fewer than asked only where the next older period ended before the record started.
        if (runs.length < max) {
          const older = runs.length === 0 ? lastRun(k, now) : lastRun(k, runs.at(-1)!.dueAt - 1);
          expect(parsePeriod(periodOfRun(k, older)).until).toBeLessThanOrEqual(since);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('knows the runs around a year end by heart', () => {
    // Monday 2026-12-28 08:00 China = 00:00 UTC; ISO week 2026-W52 ran 21–27 December.
    expect(nextRun('weekly', Date.UTC(2026, 11, 27, 12))).toBe(Date.UTC(2026, 11, 28, 0));
    expect(periodOfRun('weekly', Date.UTC(2026, 11, 28, 0))).toBe('2026-W52');
    // 2027-01-04 08:00 China reports on 2026-W53 (2026 has 53 ISO weeks).
    expect(periodOfRun('weekly', Date.UTC(2027, 0, 4, 0))).toBe('2026-W53');
    // 1 January 2027 at 07:59 China is still before December's run.
    expect(nextRun('monthly', Date.UTC(2026, 11, 31, 23, 59))).toBe(Date.UTC(2027, 0, 1, 0));
    expect(periodOfRun('monthly', Date.UTC(2027, 0, 1, 0))).toBe('2026-12');
  });
});
