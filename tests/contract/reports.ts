import { describe, expect, it } from 'vitest';
import type { StoredReport } from '../../server/store/store.js';
import { T0, useStore, type OpenStore } from './records.js';

const report = (kind: StoredReport['kind'], period: string, dueAt: number, bytes = 100): StoredReport => ({
  id: `${kind}-${period}`,
  kind,
  period,
  dueAt,
  generatedAt: dueAt + 60_000,
  files: [{ format: 'pdf', name: `${kind}-${period}.pdf`, bytes }, { format: 'xlsx', name: `${kind}-${period}.xlsx`, bytes: bytes / 2 }],
});

export function describeReportRepository(open: OpenStore): void {
  describe('ReportRepository', () => {
    const store = useStore(open);

    it('keeps one report per kind and period, lists them newest first, by kind when asked', async () => {
      const { reports } = store();
      expect(await reports.list()).toEqual([]);
      const w47 = report('weekly', '2026-W47', T0 + 16 * 86_400_000);
      const w48 = report('weekly', '2026-W48', T0 + 23 * 86_400_000);
      const nov = report('monthly', '2026-11', T0 + 30 * 86_400_000);
      expect(await reports.add(w47)).toBe(true);
      expect(await reports.add(nov)).toBe(true);
      expect(await reports.add(w48)).toBe(true);
      // A second report of a period is refused, whatever it holds; the first stays.
      expect(await reports.add({ ...report('weekly', '2026-W48', T0, 999), id: 'weekly-2026-W48-bis' })).toBe(false);
      expect(await reports.list()).toEqual([nov, w48, w47]);
      expect(await reports.list('weekly')).toEqual([w48, w47]);
      expect(await reports.get('weekly-2026-W48')).toEqual(w48);
      expect(await reports.get('weekly-2026-W48-bis')).toBeUndefined();
      expect(await reports.ofPeriod('monthly', '2026-11')).toEqual(nov);
      expect(await reports.ofPeriod('weekly', '2026-11')).toBeUndefined();
    });
  });
}
