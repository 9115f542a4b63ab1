import { afterEach, describe, expect, it } from 'vitest';
import { AppealPendingError } from '../../server/store/assessmentStore.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import { DEFAULT_RULES } from '../../server/evaluation/rules.js';

/**
 * The evaluation's records in SQLite (migration 20): the store itself refuses a second pending appeal
 * of the same case, unit and judgement (the last guard when two requests race), and keeps rules and
 * exclusions as written.
 */
let store: SqliteStore | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

const appeal = { caseId: 'c1', caseNumber: 'WJ-20261206-0001', unitCode: 'shuiwu', judgement: 'overdue' as const, reason: '客观原因', filedBy: 'desk', filedAt: 1_000 };

describe('the assessment repository', () => {
  it('holds one pending appeal per case, unit and judgement, even inside racing transactions', async () => {
    store = new SqliteStore(':memory:');
    const s = store;
    const results = await Promise.allSettled([1, 2].map(() => s.transaction((tx) => tx.assessment.fileAppeal(appeal))));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(AppealPendingError);
    expect(await s.assessment.appeals()).toHaveLength(1);
    // Another unit's, or another judgement, is its own appeal.
    await s.assessment.fileAppeal({ ...appeal, unitCode: 'huanwei' });
    await s.assessment.fileAppeal({ ...appeal, judgement: 'rework' });
    const [first] = await s.assessment.appeals();
    expect(await s.assessment.decideAppeal(first!.id, 'rejected', 'leader', 2_000, null)).toMatchObject({ status: 'rejected', decidedBy: 'leader', decidedAt: 2_000 });
    // Decided once only; once decided, the unit may appeal again.
    expect(await s.assessment.decideAppeal(first!.id, 'upheld', 'leader', 3_000, null)).toBeUndefined();
    expect(await s.assessment.fileAppeal(appeal)).toMatchObject({ status: 'pending' });
  });

  it('keeps rules and exclusions', async () => {
    store = new SqliteStore(':memory:');
    expect(await store.assessment.rules()).toBeUndefined();
    const rules = structuredClone(DEFAULT_RULES);
    rules.grades.pass = 65;
    await store.assessment.putRules({ rules, updatedAt: 5, updatedBy: 'admin' });
    expect(await store.assessment.rules()).toEqual({ rules, updatedAt: 5, updatedBy: 'admin' });
    const e = { caseId: 'c1', caseNumber: null, reason: '不可抗力', by: 'admin', at: 7 };
    expect(await store.assessment.addExclusion(e)).toBe(true);
    expect(await store.assessment.addExclusion({ ...e, reason: '又一次' })).toBe(false);
    expect(await store.assessment.exclusions()).toEqual([e]);
    expect(await store.assessment.removeExclusion('c1')).toEqual(e);
    expect(await store.assessment.removeExclusion('c1')).toBeUndefined();
  });
});
