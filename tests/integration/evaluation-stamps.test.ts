import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { IncidentEvent } from '../../shared/index.js';
import { EvaluationService } from '../../server/evaluation/evaluationService.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import { act, incidentRecord } from '../contract/records.js';
import { C1, directory, G1, t, T1 } from '../fixtures/evaluation/november.js';

/**
 * A closed period's answer is kept while the cases of its months stand still (each month's stamp,
 * server/evaluation/evaluationService.ts): today's cases leave last month's rankings standing, and a
 * step of one of its cases that arrives late (a field app syncing after a day offline) gives way to a
 * new answer. On a real SQLite store, its events folded as the server folds them.
 */
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const HOUR = 3_600_000;

describe("a closed period's kept answer", () => {
  it("stands through another month's events and gives way to a step of its own cases", async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-stamps-'));
    const store = new SqliteStore(join(dir, 'gridwatch.db'), { caseNumberPrefix: 'WJ' });
    try {
      const now = t('2026-12-10 10:00');
      const service = await EvaluationService.load({ store, directory, now: () => now });
      const fold = (events: IncidentEvent[]) => service.committed(events);
      const place = { townCode: T1, communityCode: C1, gridCode: G1 };

      // A November case, registered and due on the 20th; not closed yet.
      const nov = incidentRecord({ ...place, reportedAt: t('2026-11-18 09:00'), createdAt: t('2026-11-18 09:00') });
      fold(await store.incidents.append([nov]));
      fold([await act(store, nov.id, t('2026-11-18 09:30'), 'register', { status: 'registered', closeDeadlineAt: t('2026-11-20 09:30') })]);
      const first = service.evaluate({ level: 'town', period: '2026-11' });
      expect(first.rows[0]!.counts).toMatchObject({ registered: 1, due: 1, closedOfDue: 0 });
      expect(service.evaluate({ level: 'town', period: '2026-11' })).toBe(first);

      // A December case, reported, registered and closed: November's answer stands, the very same.
      const dec = incidentRecord({ ...place, reportedAt: now - 2 * HOUR, createdAt: now - 2 * HOUR });
      fold(await store.incidents.append([dec]));
      fold([await act(store, dec.id, now - HOUR, 'register', { status: 'registered', closeDeadlineAt: now + 24 * HOUR })]);
      fold([await act(store, dec.id, now - HOUR / 2, 'close', { status: 'closed', closedAt: now - HOUR / 2, closureKind: 'normal' })]);
      expect(service.evaluate({ level: 'town', period: '2026-11' })).toBe(first);
      expect(service.evaluate({ level: 'town', period: '2026-12' }).rows[0]!.counts.closed).toBe(1);

      // The November case's close, taken on the 19th and synced late: a new answer, closed on time.
      fold([await act(store, nov.id, t('2026-11-19 16:00'), 'close', { status: 'closed', closedAt: t('2026-11-19 16:00'), closureKind: 'normal' })]);
      const after = service.evaluate({ level: 'town', period: '2026-11' });
      expect(after).not.toBe(first);
      expect(after.rows[0]!.counts).toMatchObject({ registered: 1, closed: 1, due: 1, closedOfDue: 1, onTimeClosed: 1 });
      // Every answer, kept or worked out again, equals that of a service that folds the log afresh.
      const fresh = await EvaluationService.load({ store, directory, now: () => now });
      for (const level of ['town', 'community', 'cell', 'unit', 'inspector', 'shiftLead'] as const) {
        for (const period of ['2026-10', '2026-11', '2026-12']) expect(service.evaluate({ level, period }), `${level} ${period}`).toEqual(fresh.evaluate({ level, period }));
      }
    } finally {
      await store.close();
    }
  });

  it("of the people gives way when the roster changes (the cells' inspectors)", async () => {
    dir = mkdtempSync(join(tmpdir(), 'gw-stamps-'));
    const store = new SqliteStore(join(dir, 'gridwatch.db'), { caseNumberPrefix: 'WJ' });
    try {
      // The roster in force: a new object after each edit, as ResponsibilityService.current is.
      let roster = { inspector: { code: 'p1', name: { zh: '张三', en: '张三' } } };
      const service = await EvaluationService.load({
        store,
        directory: { ...directory, inspectorOfCell: () => roster.inspector, rosterStamp: () => roster },
        now: () => t('2026-12-10 10:00'),
      });
      const nov = incidentRecord({ townCode: T1, communityCode: C1, gridCode: G1, reportedAt: t('2026-11-18 09:00'), createdAt: t('2026-11-18 09:00') });
      service.committed(await store.incidents.append([nov]));
      service.committed([await act(store, nov.id, t('2026-11-18 09:30'), 'register', { status: 'registered', closeDeadlineAt: t('2026-11-20 09:30') })]);
      const first = service.evaluate({ level: 'inspector', period: '2026-11' });
      expect(first.rows.map((r) => r.code)).toEqual(['p1']);
      expect(service.evaluate({ level: 'inspector', period: '2026-11' })).toBe(first);
      roster = { inspector: { code: 'p2', name: { zh: '李四', en: '李四' } } };
      expect(service.evaluate({ level: 'inspector', period: '2026-11' }).rows.map((r) => r.code)).toEqual(['p2']);
    } finally {
      await store.close();
    }
  });
});
