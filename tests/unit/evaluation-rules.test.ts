import { describe, expect, it } from 'vitest';
import { EvaluationLevel, EvaluationRules } from '../../shared/index.js';
import { adjustmentsOf, NO_ADJUSTMENTS } from '../../server/evaluation/adjustments.js';
import { foldChange, type CaseFacts } from '../../server/evaluation/caseFacts.js';
import { compositeRule, compositeScore, scoredRows } from '../../server/evaluation/composite.js';
import { formulasOf, indicatorRows, type EvaluationWindow, type RowFigures } from '../../server/evaluation/indicators.js';
import { parsePeriod } from '../../server/evaluation/period.js';
import { DEFAULT_RULES, gradeOf, rulesProblem, weightTableOf } from '../../server/evaluation/rules.js';
import { directory, novemberLog, T1 } from '../fixtures/evaluation/november.js';

/**
 * The evaluation's rules on the constructed November log (tests/fixtures/evaluation/november.ts):
 * exclusions (不纳入考核) and upheld appeals (申诉) worked by hand from the fixture's table, the
 * weights' checks, the composite's rule for indicators with nothing due, and the grades.
 */

function facts(): CaseFacts[] {
  const byId = new Map<string, CaseFacts>();
  for (const c of novemberLog()) {
    const f = foldChange(byId.get(c.case.id), c);
    if (f) byId.set(c.case.id, f);
  }
  return [...byId.values()];
}

function closed(id: string): EvaluationWindow {
  const p = parsePeriod(id);
  return { from: p.from, until: p.until, asOf: p.until };
}

const row = (rows: RowFigures[], code: string) => rows.find((r) => r.code === code)!;
const rules = (change: (r: EvaluationRules) => void): EvaluationRules => {
  const r = structuredClone(DEFAULT_RULES);
  change(r);
  return r;
};

describe('a case excluded from assessment (不纳入考核)', () => {
  const w = closed('2026-11');
  const without = adjustmentsOf(['A'], []);

  it('leaves the town: registered C E G H, closed B C H, due B C D G H, on time C H', () => {
    // Without A: the November figures lose A's registration, closure and on-time closure.
    const r = row(indicatorRows('town', facts(), w, directory, undefined, without), T1);
    expect(r.counts).toMatchObject({ registered: 4, closed: 3, due: 5, closedOfDue: 3, onTimeClosed: 2, publicRegistered: 1, publicClosed: 2 });
    expect(r.indicators.closureRate).toBeCloseTo(3 / 5);
    expect(r.indicators.onTimeClosureRate).toBeCloseTo(2 / 5);
    expect(r.indicators.publicShare).toBeCloseTo(1 / 4);
  });

  it("leaves U1's turns: due C G, C handled on time (extended), G overdue", () => {
    const u1 = row(indicatorRows('unit', facts(), w, directory, undefined, without), 'U1');
    expect(u1.counts).toEqual({ due: 2, handled: 1, onTimeHandled: 1, overdueUnhandled: 1, extended: 1, reworked: 0, reworks: 0, returns: 0 });
  });

  it('counts in no indicator of any level: the same as a log without the case', () => {
    const all = facts();
    for (const level of EvaluationLevel.options) {
      const excluded = indicatorRows(level, all, w, directory, undefined, adjustmentsOf(['A', 'C'], []));
      const absent = indicatorRows(level, all.filter((f) => f.id !== 'A' && f.id !== 'C'), w, directory);
      expect(excluded, level).toEqual(absent);
      // And the exclusion does change something at the levels the two cases touch.
      if (level === 'town' || level === 'unit' || level === 'dispatcher') expect(excluded, level).not.toEqual(indicatorRows(level, all, w, directory));
    }
  });
});

describe('an upheld appeal (申诉) waives its judgement on the unit that filed it', () => {
  const w = closed('2026-11');

  it('overdue on G: the unhandled overdue turn is not due; U1 handled 2 of 2', () => {
    const u1 = row(indicatorRows('unit', facts(), w, directory, undefined, adjustmentsOf([], [{ caseId: 'G', unitCode: 'U1', judgement: 'overdue' }])), 'U1');
    expect(u1.counts).toEqual({ due: 2, handled: 2, onTimeHandled: 2, overdueUnhandled: 0, extended: 1, reworked: 0, reworks: 0, returns: 0 });
    expect(u1.indicators.handlingRate).toBe(1);
    expect(u1.indicators.extensionRate).toBe(0.5);
  });

  it("extension on C and U2's return of C", () => {
    const adj = adjustmentsOf([], [
      { caseId: 'C', unitCode: 'U1', judgement: 'extension' },
      { caseId: 'C', unitCode: 'U2', judgement: 'returned' },
    ]);
    const rows = indicatorRows('unit', facts(), w, directory, undefined, adj);
    expect(row(rows, 'U1').counts).toMatchObject({ due: 3, extended: 0 });
    expect(row(rows, 'U2').counts).toMatchObject({ due: 1, returns: 0 });
  });

  it('rework and overdue on B over 10-28..11-30: handled on time, not reworked', () => {
    const range = closed('2026-10-28..2026-11-30');
    const adj = adjustmentsOf([], [
      { caseId: 'B', unitCode: 'U1', judgement: 'rework' },
      { caseId: 'B', unitCode: 'U1', judgement: 'overdue' },
    ]);
    const u1 = row(indicatorRows('unit', facts(), range, directory, undefined, adj), 'U1');
    expect(u1.counts).toEqual({ due: 4, handled: 3, onTimeHandled: 3, overdueUnhandled: 1, extended: 1, reworked: 0, reworks: 0, returns: 0 });
    expect(u1.indicators.reworkRate).toBe(0);
  });

  it("another unit's appeal does not touch U1, and the regions keep their figures", () => {
    const adj = adjustmentsOf([], [{ caseId: 'G', unitCode: 'U2', judgement: 'overdue' }]);
    expect(indicatorRows('unit', facts(), w, directory, undefined, adj)).toEqual(indicatorRows('unit', facts(), w, directory));
    const upheld = adjustmentsOf([], [{ caseId: 'G', unitCode: 'U1', judgement: 'overdue' }]);
    expect(indicatorRows('town', facts(), w, directory, undefined, upheld)).toEqual(indicatorRows('town', facts(), w, directory, undefined, NO_ADJUSTMENTS));
  });
});

describe('the rules: weights, the composite rule, grades', () => {
  it('ships the documented default, which makes sense', () => {
    expect(rulesProblem(DEFAULT_RULES)).toBeNull();
    expect(DEFAULT_RULES.grades).toEqual({ excellent: 90, good: 80, pass: 60 });
    expect(DEFAULT_RULES.weights.town).toMatchObject({ onTimeClosureRate: 50, closureRate: 20 });
  });

  it('refuses unknown or unscored indicators, negative weights, a zero sum, bounds out of order', () => {
    expect(rulesProblem(rules((r) => (r.weights.town = { reworkRate: 10 })))?.code).toBe('unknown_indicator');
    expect(rulesProblem(rules((r) => (r.weights.town = { registered: 10 })))?.code).toBe('unknown_indicator');
    expect(rulesProblem(rules((r) => (r.weights.unit = { handlingRate: 10, reworkRate: -1 })))?.code).toBe('negative_weight');
    expect(rulesProblem(rules((r) => (r.weights.acceptor = { onTimeAcceptRate: 0 })))?.code).toBe('weights_sum_zero');
    expect(rulesProblem(rules((r) => (r.weights.dispatcher = {})))?.code).toBe('weights_sum_zero');
    expect(rulesProblem(rules((r) => (r.grades = { excellent: 80, good: 80, pass: 60 })))?.code).toBe('grade_bounds');
    expect(rulesProblem(rules((r) => (r.weights.town = { onTimeClosureRate: 1 })))).toBeNull();
  });

  it("scores with an admin's weights: on-time closure alone gives the town 50", () => {
    const r = row(indicatorRows('town', facts(), closed('2026-11'), directory), T1);
    const onlyOnTime = rules((x) => (x.weights.town = { onTimeClosureRate: 1 }));
    const formulas = formulasOf('town', weightTableOf(onlyOnTime));
    expect(formulas.find((f) => f.id === 'onTimeClosureRate')!.weight).toBe(1);
    expect(formulas.find((f) => f.id === 'closureRate')!.weight).toBe(0);
    expect(compositeScore(r.indicators, formulas)).toBe(50);
  });

  it('gives an indicator with nothing due full marks when the rule says so', () => {
    // 李四: report accuracy 1 (30), timely re-inspection 0.5 (25), confirmation (25) and misses (20) null.
    const r = row(indicatorRows('inspector', facts(), closed('2026-11'), directory), '李四');
    const formulas = formulasOf('inspector');
    expect(compositeScore(r.indicators, formulas, 'leaveOut')).toBe(77.27);
    expect(compositeScore(r.indicators, formulas, 'fullMarks')).toBe(87.5);
    expect(compositeScore({ reportAccuracy: null }, formulas, 'fullMarks')).toBeNull();
    expect(compositeRule({ nothingDue: 'fullMarks', grades: DEFAULT_RULES.grades }).zh).toContain('满分');
  });

  it('grades by the bounds, the bound itself included', () => {
    const g = DEFAULT_RULES.grades;
    expect([90, 89.99, 80, 79.99, 60, 59.99, 0, null].map((s) => gradeOf(s, g))).toEqual(['excellent', 'good', 'good', 'pass', 'pass', 'fail', 'fail', null]);
    expect(gradeOf(85, { excellent: 85, good: 70, pass: 50 })).toBe('excellent');
    const f = facts();
    const town = scoredRows(indicatorRows('town', f, closed('2026-11'), directory), null, formulasOf('town'));
    expect(row(town as unknown as RowFigures[], T1)).toMatchObject({ score: 58.83 });
    expect(town.find((r) => r.code === T1)!.grade).toBe('fail');
    const lenient = scoredRows(indicatorRows('town', f, closed('2026-11'), directory), null, formulasOf('town'), { nothingDue: 'leaveOut', grades: { excellent: 70, good: 60, pass: 50 } });
    expect(lenient.find((r) => r.code === T1)!.grade).toBe('pass');
  });
});
