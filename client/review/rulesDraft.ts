import type { EvaluationLevel, EvaluationRules, GradeBounds, IndicatorFormula } from '../../shared/index.js';

/**
 * The admin's draft of the evaluation's rules for one level, as the editor's inputs hold it (text, so
 * that a half-typed number is kept), and the rules it makes. Pure: the editor renders, these decide.
 */
export interface RulesDraft {
  weights: Record<string, string>;
  grades: Record<keyof GradeBounds, string>;
  nothingDue: EvaluationRules['nothingDue'];
}

/** The draft of a level: a weight for each scored indicator the level shows (0 where the rules give none). */
export function draftOf(rules: EvaluationRules, level: EvaluationLevel, formulas: readonly IndicatorFormula[]): RulesDraft {
  const weights: Record<string, string> = {};
  for (const f of formulas) if (f.kind === 'rate') weights[f.id] = String(rules.weights[level][f.id] ?? 0);
  const g = rules.grades;
  return { weights, grades: { excellent: String(g.excellent), good: String(g.good), pass: String(g.pass) }, nothingDue: rules.nothingDue };
}

/**
 * The rules with a level's weights, the grade bounds and the rule for nothing due taken from the
 * draft; the other levels keep theirs. A weight of 0 is left out. Null when an input is not a number
 * (the server checks the rest and says what is wrong).
 */
export function rulesFromDraft(rules: EvaluationRules, level: EvaluationLevel, d: RulesDraft): EvaluationRules | null {
  const num = (s: string) => (s.trim() === '' || !Number.isFinite(Number(s)) ? null : Number(s));
  const weights: Record<string, number> = {};
  for (const [id, s] of Object.entries(d.weights)) {
    const w = num(s);
    if (w === null) return null;
    if (w !== 0) weights[id] = w;
  }
  const [excellent, good, pass] = [num(d.grades.excellent), num(d.grades.good), num(d.grades.pass)];
  if (excellent === null || good === null || pass === null) return null;
  return { weights: { ...rules.weights, [level]: weights }, grades: { excellent, good, pass }, nothingDue: d.nothingDue };
}
