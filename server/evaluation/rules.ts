import type { EvaluationLevel, EvaluationRules, Grade, GradeBounds, IndicatorId } from '../../shared/index.js';
import { EvaluationLevel as Levels } from '../../shared/index.js';
import { INDICATORS, LEVEL_INDICATORS } from './indicators.js';
import { DEFAULT_WEIGHTS, type WeightTable } from './weights.js';

/**
 * The evaluation's rules (考核规则) as admins keep them: weights per level, what an indicator with
 * nothing due does to the composite, and the grade bounds. Pure: the service and the router call
 * these, the tests too.
 */

/** 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 below: the usual bands of the cities' published rules. */
export const DEFAULT_GRADES: GradeBounds = { excellent: 90, good: 80, pass: 60 };

export const DEFAULT_RULES: EvaluationRules = {
  weights: Object.fromEntries(Levels.options.map((l) => [l, { ...DEFAULT_WEIGHTS[l] }])) as EvaluationRules['weights'],
  nothingDue: 'leaveOut',
  grades: DEFAULT_GRADES,
};

export const GRADE_NAMES: Record<Grade, { zh: string; en: string }> = {
  excellent: { zh: '优秀', en: 'Excellent' },
  good: { zh: '良好', en: 'Good' },
  pass: { zh: '合格', en: 'Pass' },
  fail: { zh: '不合格', en: 'Fail' },
};

/** What is wrong with rules that parsed: a 422 code, a message, the place. Null when they make sense. */
export interface RulesProblem {
  code: 'unknown_indicator' | 'negative_weight' | 'weights_sum_zero' | 'grade_bounds';
  message: string;
  details: Record<string, unknown>;
}

/** The indicators a level may weigh: its rates (counts and densities grow with size and are not scored). */
export function scoredIndicators(level: EvaluationLevel): IndicatorId[] {
  return LEVEL_INDICATORS[level].filter((id) => INDICATORS[id].kind === 'rate');
}

export function rulesProblem(rules: EvaluationRules): RulesProblem | null {
  for (const level of Levels.options) {
    const weights = rules.weights[level];
    const known = scoredIndicators(level) as string[];
    let sum = 0;
    for (const [id, w] of Object.entries(weights)) {
      if (!known.includes(id)) {
        return { code: 'unknown_indicator', message: `${id} is not a scored indicator of the ${level} level (${known.join(', ')}).`, details: { level, indicator: id, known } };
      }
      if (w < 0) return { code: 'negative_weight', message: `The weight of ${id} at the ${level} level is negative.`, details: { level, indicator: id, weight: w } };
      sum += w;
    }
    if (!(sum > 0)) return { code: 'weights_sum_zero', message: `The weights of the ${level} level add up to 0: nothing would be scored.`, details: { level } };
  }
  const g = rules.grades;
  if (!(g.excellent > g.good && g.good > g.pass)) {
    return { code: 'grade_bounds', message: 'Grade bounds must fall: excellent > good > pass.', details: { grades: g } };
  }
  return null;
}

/** The rules' weights as the composite reads them. */
export function weightTableOf(rules: EvaluationRules): WeightTable {
  return rules.weights as WeightTable;
}

/** A score's grade: the highest whose bound it reaches. */
export function gradeOf(score: number | null, bounds: GradeBounds): Grade | null {
  if (score === null) return null;
  if (score >= bounds.excellent) return 'excellent';
  if (score >= bounds.good) return 'good';
  if (score >= bounds.pass) return 'pass';
  return 'fail';
}
