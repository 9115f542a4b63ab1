import { describe, expect, it } from 'vitest';
import type { EvaluationAnswer, EvaluationRow } from '../../shared/index.js';
import type { CaseFacts } from '../../server/evaluation/caseFacts.js';
import { longestOverdue, worstOf } from '../../server/report/notice.js';
import { NoticeService } from '../../server/report/noticeService.js';

/** 通报's pure part (issue 15): which towns and units are the worst, which open cases are the most overdue. */
const H = 3_600_000;
const NOW = Date.UTC(2026, 11, 7, 2);

function facts(id: string, status: CaseFacts['last']['status'], closeDue: number | null, stageDue: number | null, reportedAt = NOW - 100 * H): CaseFacts {
  // The instants the fold keeps for a case closed, rejected or suspended now (an hour after its report).
  const at = reportedAt + H;
  return {
    id, seq: 1, townCode: '320412001', communityCode: '320412001001', gridCode: 'g', categoryCode: 'E0102', lon: 120, lat: 31.7, source: 'inspector', reportedAt, reportedBy: null,
    intake: status === 'rejected' ? { at, by: null, onTime: true, rejected: true } : null, registered: null, closeDeadlineAt: closeDue,
    closedAt: status === 'closed' ? at : null, closureKind: null, close: null, suspensions: status === 'suspended' ? [{ from: at, until: null }] : [], dispatches: [],
    stints: [{ unitCode: 'huanwei', dispatchedAt: reportedAt, deadlineAt: null, handledAt: null, reworks: 0, extensions: 0, endedAt: null, returned: false }],
    confirms: [], verifications: [], callback: null, last: { status, stageDeadlineAt: stageDue, unitCode: 'huanwei', deadlineAt: null },
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

/** Facts of a case as the fold leaves them today, built by hand around the end of November (China time). */
const END = Date.UTC(2026, 10, 30, 16);
const DAY = 24 * H;
function story(id: string, o: { closeDue: number; closedAt?: number; suspensions?: CaseFacts['suspensions']; stints: [string, number, number | null][] }): CaseFacts {
  const reportedAt = END - 10 * DAY;
  const stints = o.stints.map(([unitCode, dispatchedAt, endedAt]) => ({ unitCode, dispatchedAt, deadlineAt: null, handledAt: null, reworks: 0, extensions: 0, endedAt, returned: false }));
  const closed = o.closedAt !== undefined;
  const open = o.suspensions?.find((x) => x.until === null);
  return {
    id, seq: 9, townCode: '320412001', communityCode: '320412001001', gridCode: 'g', categoryCode: 'E0102', lon: 120, lat: 31.7, source: 'inspector', reportedAt, reportedBy: null,
    intake: { at: reportedAt + H, by: 'acceptor', onTime: true, rejected: false }, registered: { at: reportedAt + 2 * H, by: 'lead', onTime: true },
    closeDeadlineAt: o.closeDue, closedAt: o.closedAt ?? null, closureKind: closed ? 'overdue' : null, close: closed ? { at: o.closedAt!, by: 'lead', onTime: true } : null,
    suspensions: o.suspensions ?? [], dispatches: [], stints, confirms: [], verifications: [], callback: null,
    last: { status: closed ? 'closed' : open ? 'suspended' : 'handling', stageDeadlineAt: null, unitCode: stints.at(-1)!.unitCode, deadlineAt: null },
  };
}

describe("a closed period's overdue cases, as they stood at its end", () => {
  const cases = [
    // Overdue three days at the month's end, closed six days later (before now).
    story('closed-later', { closeDue: END - 3 * DAY, closedAt: END + 6 * DAY, stints: [['huanwei', END - 9 * DAY, null]] }),
    // Suspended from two days before the end to a day after: its clock stood still at the end.
    story('suspended-over', { closeDue: END - 5 * DAY, suspensions: [{ from: END - 2 * DAY, until: END + DAY }], stints: [['huanwei', END - 9 * DAY, null]] }),
    // With 环卫 at the end, sent on to 园林 two days later; still open.
    story('moved', { closeDue: END - DAY, stints: [['huanwei', END - 9 * DAY, END + 2 * DAY], ['yuanlin', END + 2 * DAY, null]] }),
  ];

  it("last month's list holds the case closed since, leaves out the one suspended over the end, and names the unit of then", () => {
    const late = longestOverdue(cases, END, 10);
    expect(late.map((l) => [l.id, l.hoursOverdue, l.unitCode])).toEqual([['closed-later', 72, 'huanwei'], ['moved', 24, 'huanwei']]);
  });

  it("this month's list, as of now, has neither the closed case nor last month's unit", () => {
    const late = longestOverdue(cases, NOW, 10);
    expect(late.map((l) => [l.id, l.unitCode])).toEqual([['suspended-over', 'huanwei'], ['moved', 'yuanlin']]);
  });

  it('a turn returned before the instant leaves the case with no unit then', () => {
    const returned = story('returned', { closeDue: END - DAY, stints: [['huanwei', END - 9 * DAY, END - 2 * DAY], ['yuanlin', END + DAY, null]] });
    expect(longestOverdue([returned], END, 10).map((l) => l.unitCode)).toEqual([null]);
  });

  it('the service judges a closed period at its end and the running one now, and says so', async () => {
    const answer = (id: string, asOf: number, running: boolean) =>
      ({ level: 'town', period: { id, from: '', until: '', asOf: new Date(asOf).toISOString(), running, previous: '' }, formulas: [], composite: { zh: '', en: '' }, rows: [] }) as unknown as EvaluationAnswer;
    const service = new NoticeService({
      evaluate: (q) => (q.period === '2026-11' ? answer('2026-11', END, false) : answer('2026-12', NOW, true)),
      facts: () => cases,
      // The cases as stored today: closed-later closed, moved with 园林.
      caseOf: async (id) => ({ id, number: `WJ-${id}`, categoryCode: 'c', townCode: '320412001', unitCode: id === 'moved' ? 'yuanlin' : 'huanwei', mergedInto: null }) as never,
      categoryName: () => undefined,
      townName: () => undefined,
      unitName: (code) => ({ zh: code === 'huanwei' ? '环卫所' : '园林所', en: code }),
      towns: [],
      now: () => NOW,
    });
    const november = await service.notice('2026-11');
    expect(november.asOf).toBe(new Date(END).toISOString());
    expect(november.overdue.map((c) => [c.id, c.unit?.zh, c.hoursOverdue])).toEqual([['closed-later', '环卫所', 72], ['moved', '环卫所', 24]]);
    const december = await service.notice();
    expect(december.asOf).toBe(new Date(NOW).toISOString());
    expect(december.overdue.map((c) => [c.id, c.unit?.zh])).toEqual([['suspended-over', '环卫所'], ['moved', '园林所']]);
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
