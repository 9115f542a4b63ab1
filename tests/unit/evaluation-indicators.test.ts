import { describe, expect, it } from 'vitest';
import { foldChange, type CaseFacts } from '../../server/evaluation/caseFacts.js';
import { compositeScore, ranksOf, scoredRows } from '../../server/evaluation/composite.js';
import { formulasOf, indicatorRows, type EvaluationWindow, type RowFigures } from '../../server/evaluation/indicators.js';
import { parsePeriod } from '../../server/evaluation/period.js';
import { C1, C2, directory, G1, G2, novemberLog, T1 } from '../fixtures/evaluation/november.js';

/** Every indicator of the constructed November log (tests/fixtures/evaluation/november.ts), computed by hand. */

function facts(): CaseFacts[] {
  const byId = new Map<string, CaseFacts>();
  for (const c of novemberLog()) {
    const f = foldChange(byId.get(c.case.id), c);
    if (f) byId.set(c.case.id, f);
  }
  return [...byId.values()];
}

/** A closed period: judged as of its end. */
function closed(id: string): EvaluationWindow {
  const p = parsePeriod(id);
  return { from: p.from, until: p.until, asOf: p.until };
}

const row = (rows: RowFigures[], code: string) => rows.find((r) => r.code === code)!;

describe('per-case facts', () => {
  it('follows a return and re-dispatch as two unit turns, the first given back', () => {
    const c = facts().find((f) => f.id === 'C')!;
    expect(c.stints.map((s) => [s.unitCode, s.returned, s.handledAt !== null, s.extensions])).toEqual([
      ['U2', true, false, 0],
      ['U1', false, true, 1],
    ]);
    expect(c.dispatches.map((d) => [d.by, d.misdirected, d.onTime])).toEqual([
      ['disp1', true, true],
      ['disp2', false, true],
    ]);
  });

  it('counts two reworks and keeps the handling that stood', () => {
    const b = facts().find((f) => f.id === 'B')!;
    expect(b.stints).toHaveLength(1);
    expect(b.stints[0]!.reworks).toBe(2);
    expect(new Date(b.stints[0]!.handledAt!).toISOString()).toBe('2026-11-01T02:00:00.000Z');
    expect(b.verifications.map((v) => [v.passed, v.onTime])).toEqual([
      [false, true],
      [false, false],
      [true, true],
    ]);
  });

  it('keeps suspensions as intervals, across the month boundary', () => {
    const d = facts().find((f) => f.id === 'D')!;
    expect(d.suspensions).toEqual([{ from: Date.parse('2026-10-26T02:00:00Z'), until: Date.parse('2026-11-15T02:00:00Z') }]);
  });

  it('ignores an event folded twice', () => {
    const log = novemberLog();
    const once = new Map<string, CaseFacts>();
    const twice = new Map<string, CaseFacts>();
    for (const c of log) {
      const f = foldChange(once.get(c.case.id), c);
      if (f) once.set(c.case.id, f);
      for (let k = 0; k < 2; k++) {
        const g = foldChange(twice.get(c.case.id), c);
        if (g) twice.set(c.case.id, g);
      }
    }
    expect([...twice.values()]).toEqual([...once.values()]);
  });
});

describe('region indicators, November 2026', () => {
  const w = closed('2026-11');

  it('town: registered A C E G H, closed A B C H, due A B C D G H (E suspended), on time A C H', () => {
    const r = row(indicatorRows('town', facts(), w, directory), T1);
    expect(r.counts).toMatchObject({ registered: 5, closed: 4, due: 6, closedOfDue: 4, onTimeClosed: 3, publicRegistered: 1, publicClosed: 2, calledBack: 2, reached: 2, satisfied: 1, cells: 2 });
    expect(r.indicators.registered).toBe(5);
    expect(r.indicators.closed).toBe(4);
    expect(r.indicators.closureRate).toBeCloseTo(4 / 6);
    expect(r.indicators.onTimeClosureRate).toBeCloseTo(3 / 6);
    expect(r.indicators.densityPerKm2).toBeCloseTo(2.5);
    expect(r.indicators.densityPerCell).toBeCloseTo(2.5);
    expect(r.indicators.publicShare).toBeCloseTo(1 / 5);
    expect(r.indicators.callbackRate).toBe(1);
    expect(r.indicators.satisfactionRate).toBe(0.5);
  });

  it('communities and cells split the town', () => {
    const communities = indicatorRows('community', facts(), w, directory);
    expect(row(communities, C1).counts).toMatchObject({ registered: 3, closed: 2, due: 3, closedOfDue: 2, onTimeClosed: 1 });
    expect(row(communities, C2).counts).toMatchObject({ registered: 2, closed: 2, due: 3, closedOfDue: 2, onTimeClosed: 2 });
    expect(row(communities, C2).parentCode).toBe(T1);
    const cells = indicatorRows('cell', facts(), w, directory);
    expect(row(cells, G1).indicators.publicShare).toBe(0);
    expect(row(cells, G2).indicators.publicShare).toBe(0.5);
    expect(row(cells, G2).name.zh).toBe(G2);
    expect(row(cells, G1).indicators).not.toHaveProperty('densityPerCell');
  });

  it('October: B and D registered; nothing due for closure (their deadlines fall in November)', () => {
    const r = row(indicatorRows('town', facts(), closed('2026-10'), directory), T1);
    expect(r.counts).toMatchObject({ registered: 2, closed: 0, due: 0 });
    expect(r.indicators.closureRate).toBeNull();
    expect(r.indicators.onTimeClosureRate).toBeNull();
  });

  it('the running period counts only what has come due', () => {
    // As of 11-26 00:00: G (due 11-27) is neither due nor closed yet; E is suspended.
    const p = parsePeriod('2026-11');
    const r = row(indicatorRows('town', facts(), { from: p.from, until: p.until, asOf: Date.parse('2026-11-25T16:00:00Z') }, directory), T1);
    expect(r.counts).toMatchObject({ registered: 5, due: 5, closedOfDue: 4, onTimeClosed: 3 });
  });
});

describe('unit indicators (handling clock from the dispatch to the unit)', () => {
  it('November: U1 due A C G, U2 due H; C returned by U2', () => {
    const rows = indicatorRows('unit', facts(), closed('2026-11'), directory);
    const u1 = row(rows, 'U1');
    expect(u1.counts).toEqual({ due: 3, handled: 2, onTimeHandled: 2, overdueUnhandled: 1, extended: 1, reworked: 0, reworks: 0, returns: 0 });
    expect(u1.indicators).toEqual({ handlingRate: 2 / 3, onTimeHandlingRate: 2 / 3, reworkRate: 0, overdueUnhandledRate: 1 / 3, extensionRate: 1 / 3, returns: 0 });
    const u2 = row(rows, 'U2');
    expect(u2.counts).toEqual({ due: 1, handled: 1, onTimeHandled: 1, overdueUnhandled: 0, extended: 0, reworked: 0, reworks: 0, returns: 1 });
  });

  it('October: B was still being reworked at the month end (unhandled), D was suspended', () => {
    const rows = indicatorRows('unit', facts(), closed('2026-10'), directory);
    expect(row(rows, 'U1').counts).toMatchObject({ due: 1, handled: 0, overdueUnhandled: 1 });
    expect(row(rows, 'U2').counts).toMatchObject({ due: 0 });
    expect(row(rows, 'U2').indicators.handlingRate).toBeNull();
  });

  it('a range over both months: B handled late after two reworks', () => {
    const rows = indicatorRows('unit', facts(), closed('2026-10-28..2026-11-30'), directory);
    const u1 = row(rows, 'U1');
    expect(u1.counts).toEqual({ due: 4, handled: 3, onTimeHandled: 2, overdueUnhandled: 1, extended: 1, reworked: 1, reworks: 2, returns: 0 });
    expect(u1.indicators.reworkRate).toBeCloseTo(1 / 3);
  });
});

describe('position indicators, November 2026', () => {
  const w = closed('2026-11');

  it('acceptors: acc1 A E G H on time; acc2 C on time, F late', () => {
    const rows = indicatorRows('acceptor', facts(), w, directory);
    expect(row(rows, 'acc1').indicators.onTimeAcceptRate).toBe(1);
    expect(row(rows, 'acc2').indicators.onTimeAcceptRate).toBe(0.5);
  });

  it('shift leads: registrations, one voided (H erroneous), close steps', () => {
    const rows = indicatorRows('shiftLead', facts(), w, directory);
    expect(row(rows, 'lead1').counts).toEqual({ registrations: 3, onTimeRegistrations: 3, voided: 0, closes: 2, onTimeCloses: 0 });
    expect(row(rows, 'lead2').counts).toEqual({ registrations: 2, onTimeRegistrations: 2, voided: 1, closes: 2, onTimeCloses: 2 });
    expect(row(rows, 'lead2').indicators).toEqual({ onTimeRegisterRate: 1, accurateRegisterRate: 0.5, onTimeCloseRate: 1 });
  });

  it('dispatchers: disp1 sent C to the wrong unit, disp2 sent G late', () => {
    const rows = indicatorRows('dispatcher', facts(), w, directory);
    expect(row(rows, 'disp1').counts).toEqual({ dispatches: 3, fromRegistered: 3, onTimeDispatches: 3, givenBack: 1 });
    expect(row(rows, 'disp1').indicators.accurateDispatchRate).toBeCloseTo(2 / 3);
    expect(row(rows, 'disp2').indicators.onTimeDispatchRate).toBeCloseTo(2 / 3);
    expect(row(rows, 'disp2').indicators.accurateDispatchRate).toBe(1);
  });

  it('inspectors: reports, confirmations, re-inspections, and the roster inspector of G1 for misses', () => {
    const rows = indicatorRows('inspector', facts(), w, directory);
    expect(row(rows, '李四').counts).toMatchObject({ reportsDecided: 2, reportsRegistered: 2, confirms: 0, verifications: 2, onTimeVerifications: 1 });
    expect(row(rows, '李四').indicators).toEqual({ reportAccuracy: 1, timelyConfirmRate: null, timelyVerifyRate: 0.5, missRate: null });
    expect(row(rows, '王五').indicators).toEqual({ reportAccuracy: 1, timelyConfirmRate: 1, timelyVerifyRate: 1, missRate: null });
    expect(row(rows, 'p1').counts).toMatchObject({ registeredInCells: 3, publicInCells: 0 });
    expect(row(rows, 'p1').indicators.missRate).toBe(0);
  });
});

describe('composite and ranks', () => {
  it('ranks ties as 1, 2, 2, 4 and leaves null scores unranked', () => {
    expect(ranksOf([70, 90, 80, 80, null])).toEqual([4, 1, 2, 2, null]);
    expect(ranksOf([])).toEqual([]);
  });

  it('scores the town: (50·50 + 20·66.67 + 15·50 + 10·80 + 5·100) / 100', () => {
    const r = row(indicatorRows('town', facts(), closed('2026-11'), directory), T1);
    expect(compositeScore(r.indicators, formulasOf('town'))).toBe(58.83);
  });

  it('renormalises over the indicators that had something due', () => {
    // 李四: report accuracy 1 (weight 30), timely re-inspection 0.5 (25); the others null.
    const r = row(indicatorRows('inspector', facts(), closed('2026-11'), directory), '李四');
    expect(compositeScore(r.indicators, formulasOf('inspector'))).toBe(77.27);
    expect(compositeScore({ reportAccuracy: null }, formulasOf('inspector'))).toBeNull();
  });

  it('ranks people with ties, beside the previous period', () => {
    const f = facts();
    const formulas = formulasOf('dispatcher');
    const rows = scoredRows(indicatorRows('dispatcher', f, closed('2026-11'), directory), indicatorRows('dispatcher', f, closed('2026-10'), directory), formulas);
    // Both 83.33: disp1 (100, 66.67), disp2 (66.67, 100).
    expect(rows.map((r) => [r.code, r.score, r.rank])).toEqual([
      ['disp1', 83.33, 1],
      ['disp2', 83.33, 1],
    ]);
    // October: disp1 dispatched B, disp2 D, both on time and never given back.
    expect(rows.map((r) => r.previous)).toEqual([
      { score: 100, rank: 1 },
      { score: 100, rank: 1 },
    ]);
    const inspectors = scoredRows(indicatorRows('inspector', f, closed('2026-11'), directory), null, formulasOf('inspector'));
    expect(inspectors.map((r) => [r.code, r.rank])).toEqual([
      ['p1', 1],
      ['王五', 1],
      ['李四', 3],
    ]);
  });
});
