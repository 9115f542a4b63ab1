import { describe, expect, it } from 'vitest';
import type { EvaluationAnswer, EvaluationRow } from '../../shared/index.js';
import type { CaseFacts } from '../../server/evaluation/caseFacts.js';
import { longestOverdue, worstOf } from '../../server/report/notice.js';

/** 通报's pure part (issue 15): which towns and units are the worst, which open cases are the most overdue. */
const H = 3_600_000;
const NOW = Date.UTC(2026, 11, 7, 2);

function facts(id: string, status: CaseFacts['last']['status'], closeDue: number | null, stageDue: number | null, reportedAt = NOW - 100 * H): CaseFacts {
  return {
    id, seq: 1, townCode: '320412001', communityCode: '320412001001', gridCode: 'g', source: 'inspector', reportedAt, reportedBy: null,
    intake: null, registered: null, closeDeadlineAt: closeDue, closedAt: null, closureKind: null, close: null, suspensions: [], dispatches: [],
    stints: [], confirms: [], verifications: [], callback: null, last: { status, stageDeadlineAt: stageDue, unitCode: 'huanwei', deadlineAt: null },
  };
}

describe('the longest-overdue open cases', () => {
  const all = [
    facts('a', 'handling', NOW - 10 * H, NOW + 5 * H),
    facts('b', 'closed', NOW - 50 * H, null),
    facts('c', 'rejected', null, NOW - 60 * H),
    facts('d', 'suspended', NOW - 70 * H, null),
    // Not registered yet: judged by the stage's deadline.
    facts('e', 'reported', null, NOW - 30 * H),
    facts('f', 'dispatched', NOW + 1 * H, NOW - 40 * H),
    facts('g', 'handled', NOW - 30 * H, null),
    // Reported after the instant asked about.
    facts('h', 'handling', NOW - 90 * H, null, NOW + H),
  ];

  it('leaves out closed, rejected, suspended and not-yet-due cases and puts the longest first (ties by id)', () => {
    const late = longestOverdue(all, NOW, 10);
    expect(late.map((l) => l.id)).toEqual(['e', 'g', 'a']);
    expect(late.map((l) => l.hoursOverdue)).toEqual([30, 30, 10]);
    expect(late[0]!.unitCode).toBe('huanwei');
  });

  it('names at most the limit', () => {
    expect(longestOverdue(all, NOW, 2).map((l) => l.id)).toEqual(['e', 'g']);
  });

  it('reads the facts as of the instant asked about', () => {
    // Eleven hours earlier, a's closure deadline had not passed.
    expect(longestOverdue(all, NOW - 11 * H, 10).map((l) => l.id)).toEqual(['e', 'g']);
  });
});

function row(code: string, score: number | null, onTime: number | null): EvaluationRow {
  // Only what the notice reads; the row's other fields (grade, …) do not matter here.
  return { code, name: { zh: code, en: code }, parentCode: null, indicators: { onTimeClosureRate: onTime }, counts: {}, score, rank: null, previous: { score: null, rank: 3 } } as unknown as EvaluationRow;
}

describe('the worst towns', () => {
  const answer = {
    level: 'town',
    period: { id: '2026-11', from: '', until: '', asOf: '', running: false, previous: '2026-10' },
    formulas: [{ id: 'onTimeClosureRate', name: { zh: '按期结案率', en: 'On-time closure rate' }, formula: { zh: '', en: '' }, kind: 'rate', higherIsBetter: true, weight: 50 }],
    composite: { zh: '', en: '' },
    rows: [row('t1', 90, 0.95), row('t2', 70, null), row('t3', null, 0.5), row('t4', 70, 0.8), row('t5', 85, 0.8)],
  } as EvaluationAnswer;

  it('by composite: lowest first, unscored left out, ties by code', () => {
    const w = worstOf(answer, 'onTimeClosureRate', 3);
    expect(w.byScore.map((r) => r.code)).toEqual(['t2', 't4', 't5']);
    expect(w.byScore[0]!.previousRank).toBe(3);
  });

  it('by on-time rate: lowest first, nothing due left out, ties by code', () => {
    const w = worstOf(answer, 'onTimeClosureRate', 3);
    expect(w.byOnTime.map((r) => [r.code, r.onTimeRate])).toEqual([['t3', 0.5], ['t4', 0.8], ['t5', 0.8]]);
    expect(w.rule.onTimeName.zh).toBe('按期结案率');
  });
});
