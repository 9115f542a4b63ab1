import { describe, expect, it } from 'vitest';
import { closedCasesOfUnit } from '../../server/evaluation/appealableCases.js';
import type { CaseFacts, UnitStint } from '../../server/evaluation/caseFacts.js';

/** A unit's closed cases to appeal, from the evaluation's facts: window, order, turns, judgements. */
const H = 3_600_000;
const NOW = Date.parse('2026-12-06T12:00:00Z');

function stint(unitCode: string, s: Partial<UnitStint> = {}): UnitStint {
  return { unitCode, dispatchedAt: NOW - 50 * H, deadlineAt: NOW - 40 * H, handledAt: NOW - 45 * H, reworks: 0, extensions: 0, endedAt: null, returned: false, ...s };
}

function facts(id: string, closedAt: number | null, stints: UnitStint[], status: CaseFacts['last']['status'] = closedAt === null ? 'handling' : 'closed'): CaseFacts {
  return { id, townCode: '320412001', closedAt, stints, last: { status, stageDeadlineAt: null, unitCode: stints.at(-1)?.unitCode ?? null, deadlineAt: null } } as unknown as CaseFacts;
}

describe('closedCasesOfUnit', () => {
  const all = [
    facts('late', NOW - 2 * H, [stint('shuiwu', { handledAt: NOW - 30 * H })]),
    facts('onTime', NOW - 5 * H, [stint('shuiwu')]),
    facts('returnedThenOther', NOW - 1 * H, [stint('shuiwu', { handledAt: null, endedAt: NOW - 48 * H, returned: true }), stint('huanwei', { reworks: 1 })]),
    facts('otherUnit', NOW - 3 * H, [stint('huanwei')]),
    facts('open', null, [stint('shuiwu', { handledAt: null, deadlineAt: NOW - H })]),
    facts('tooOld', NOW - 31 * 24 * H, [stint('shuiwu', { extensions: 1 })]),
    facts('reworkedAndExtended', NOW - 2 * H, [stint('shuiwu', { reworks: 2, extensions: 1 })]),
  ];

  it('lists the closed cases the unit had any turn with in the window, newest first, ties by id', () => {
    const { total, items } = closedCasesOfUnit(all, 'shuiwu', NOW - 30 * 24 * H, NOW, 50);
    expect(items.map((i) => i.facts.id)).toEqual(['returnedThenOther', 'late', 'reworkedAndExtended', 'onTime']);
    expect(total).toBe(4);
  });

  it("gives the judgements that stand against this unit's turns only", () => {
    const { items } = closedCasesOfUnit(all, 'shuiwu', NOW - 30 * 24 * H, NOW, 50);
    const by = Object.fromEntries(items.map((i) => [i.facts.id, i.judgements]));
    expect(by).toEqual({ returnedThenOther: ['returned'], late: ['overdue'], reworkedAndExtended: ['rework', 'extension'], onTime: [] });
    const huanwei = closedCasesOfUnit(all, 'huanwei', NOW - 30 * 24 * H, NOW, 50);
    expect(huanwei.items.map((i) => [i.facts.id, i.judgements])).toEqual([['returnedThenOther', ['rework']], ['otherUnit', []]]);
  });

  it('caps the list but counts them all', () => {
    const { total, items } = closedCasesOfUnit(all, 'shuiwu', NOW - 30 * 24 * H, NOW, 2);
    expect(items.map((i) => i.facts.id)).toEqual(['returnedThenOther', 'late']);
    expect(total).toBe(4);
    expect(closedCasesOfUnit(all, 'shuiwu', NOW - 32 * 24 * H, NOW, 50).total).toBe(5);
  });
});
