import { describe, expect, it } from 'vitest';
import type { TownCoverageDay } from '../../server/store/store.js';
import { useStore, type OpenStore } from './records.js';

const row = (day: string, townCode: string, patrolled: number): TownCoverageDay => ({ day, townCode, patrolled, underCamera: 0.12, withInspector: 1 });

export function describeCoverageRepository(open: OpenStore): void {
  describe('CoverageRepository', () => {
    const store = useStore(open);

    it('gives the towns\' days in a range, by day then town; a day stored again replaces the first', async () => {
      const { coverage } = store();
      await coverage.putTownDays([]);
      await coverage.putTownDays([row('2026-12-02', '320412101', 0.7), row('2026-12-01', '320412100', 0.6), row('2026-12-02', '320412100', 0.8), row('2026-12-05', '320412100', 0.9)]);
      expect(await coverage.townDays('2026-12-01', '2026-12-02')).toEqual([row('2026-12-01', '320412100', 0.6), row('2026-12-02', '320412100', 0.8), row('2026-12-02', '320412101', 0.7)]);
      await coverage.putTownDays([row('2026-12-02', '320412100', 0.5)]);
      expect((await coverage.townDays('2026-12-02', '2026-12-02')).map((r) => r.patrolled)).toEqual([0.5, 0.7]);
      expect(await coverage.townDays('2026-11-01', '2026-11-30')).toEqual([]);
    });
  });
}
