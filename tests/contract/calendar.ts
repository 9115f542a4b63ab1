import { describe, expect, it } from 'vitest';
import type { StoredCalendarYear } from '../../server/store/store.js';
import { HOUR, sortedBy, T0, useStore, type OpenStore } from './records.js';

export function describeCalendarRepository(open: OpenStore): void {
  describe('CalendarRepository', () => {
    const store = useStore(open);

    it('keeps each edited year with its days sorted', async () => {
      const { calendar } = store();
      expect(await calendar.years()).toEqual([]);
      await calendar.putYear({
        year: 2026,
        holidays: ['2026-10-03', '2026-01-01', '2026-10-01', '2026-10-02'],
        adjustedWorkdays: ['2026-10-10', '2026-09-27'],
        updatedAt: T0,
        updatedBy: 'admin',
      });
      await calendar.putYear({ year: 2027, holidays: ['2027-01-01'], adjustedWorkdays: [], updatedAt: T0 + 1, updatedBy: '值班长 李强' });
      expect(sortedBy(await calendar.years(), (y) => y.year)).toEqual([
        { year: 2026, holidays: ['2026-01-01', '2026-10-01', '2026-10-02', '2026-10-03'], adjustedWorkdays: ['2026-09-27', '2026-10-10'], updatedAt: T0, updatedBy: 'admin' },
        { year: 2027, holidays: ['2027-01-01'], adjustedWorkdays: [], updatedAt: T0 + 1, updatedBy: '值班长 李强' },
      ]);
    });

    it('replaces everything a year had, and only that year; a year edited to no special days stays edited', async () => {
      const { calendar } = store();
      const y2027: StoredCalendarYear = { year: 2027, holidays: ['2027-02-10'], adjustedWorkdays: ['2027-02-07'], updatedAt: T0, updatedBy: 'a' };
      await calendar.putYear({ year: 2026, holidays: ['2026-10-01', '2026-10-02'], adjustedWorkdays: ['2026-09-27'], updatedAt: T0, updatedBy: 'a' });
      await calendar.putYear(y2027);
      // A day may change kind: 10-02 was a holiday, now an adjusted workday.
      const replaced: StoredCalendarYear = { year: 2026, holidays: ['2026-10-05'], adjustedWorkdays: ['2026-10-02'], updatedAt: T0 + HOUR, updatedBy: 'b' };
      await calendar.putYear(replaced);
      expect(sortedBy(await calendar.years(), (y) => y.year)).toEqual([replaced, y2027]);
      const emptied: StoredCalendarYear = { year: 2026, holidays: [], adjustedWorkdays: [], updatedAt: T0 + 2 * HOUR, updatedBy: 'c' };
      await calendar.putYear(emptied);
      expect(sortedBy(await calendar.years(), (y) => y.year)).toEqual([emptied, y2027]);
    });
  });
}
