import type { EvaluationRow, EvaluationRules, GradeBounds, IndicatorFormula } from '../../shared/index.js';
import type { RowFigures } from './indicators.js';
import { DEFAULT_GRADES, GRADE_NAMES, gradeOf } from './rules.js';

export type NothingDue = EvaluationRules['nothingDue'];

/** The composite rule, as the answer states it. */
export const COMPOSITE_RULE = {
  zh: '综合得分（0–100）= 各计分指标得分的加权平均：比率指标得分 = 比率 × 100，越低越好的指标（返工率、超期未处置率、延期率、公众举报占比、漏报率）得分 = (1 − 比率) × 100；本期无应考核数（为空）的指标不计入，其余指标按权重重新归一。数量与密度指标只展示，不计分。得分相同者并列同一名次（1, 2, 2, 4）。',
  en: 'Composite (0–100) = the weighted mean of the scored indicators: a rate scores rate × 100, a lower-is-better rate (rework, overdue unhandled, extension, public share, miss rate) scores (1 − rate) × 100; an indicator with nothing due (null) is left out and the other weights renormalised. Counts and densities are shown, not scored. Equal scores share a rank (1, 2, 2, 4).',
};

/** The composite rule in words, as the rules in force make it (the answer states it beside the formulas). */
export function compositeRule(rules: Pick<EvaluationRules, 'nothingDue' | 'grades'>): { zh: string; en: string } {
  const g = rules.grades;
  const grades = {
    zh: `等级：${GRADE_NAMES.excellent.zh} ≥ ${g.excellent}，${GRADE_NAMES.good.zh} ≥ ${g.good}，${GRADE_NAMES.pass.zh} ≥ ${g.pass}，低于 ${g.pass} 为${GRADE_NAMES.fail.zh}。`,
    en: `Grades: excellent ≥ ${g.excellent}, good ≥ ${g.good}, pass ≥ ${g.pass}, fail below ${g.pass}.`,
  };
  if (rules.nothingDue === 'leaveOut') return { zh: `${COMPOSITE_RULE.zh}${grades.zh}`, en: `${COMPOSITE_RULE.en} ${grades.en}` };
  return {
    zh: `${COMPOSITE_RULE.zh.replace('本期无应考核数（为空）的指标不计入，其余指标按权重重新归一', '本期无应考核数（为空）的指标按满分 100 计')}${grades.zh}`,
    en: `${COMPOSITE_RULE.en.replace('an indicator with nothing due (null) is left out and the other weights renormalised', 'an indicator with nothing due (null) scores full marks, 100')} ${grades.en}`,
  };
}

/** Scores are kept to two decimals: equal to the hundredth means equal rank. */
const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * The composite score of a row's indicators; null when no scored indicator had anything due. With
 * `fullMarks`, a scored indicator with nothing due counts 100 (as long as another had something due).
 */
export function compositeScore(indicators: RowFigures['indicators'], formulas: readonly IndicatorFormula[], nothingDue: NothingDue = 'leaveOut'): number | null {
  let sum = 0;
  let weights = 0;
  let idle = 0;
  for (const f of formulas) {
    if (f.weight <= 0 || f.kind !== 'rate') continue;
    const v = indicators[f.id];
    if (v === null || v === undefined) {
      idle += f.weight;
      continue;
    }
    sum += f.weight * 100 * (f.higherIsBetter ? v : 1 - v);
    weights += f.weight;
  }
  if (weights === 0) return null;
  if (nothingDue === 'fullMarks') return round2((sum + idle * 100) / (weights + idle));
  return round2(sum / weights);
}

/** Competition ranks (1, 2, 2, 4) by score, best first; null scores are unranked. */
export function ranksOf(scores: readonly (number | null)[]): (number | null)[] {
  const order = scores.map((s, i) => ({ s, i })).filter((x): x is { s: number; i: number } => x.s !== null).sort((a, b) => b.s - a.s);
  const ranks: (number | null)[] = scores.map(() => null);
  order.forEach((x, k) => {
    ranks[x.i] = k > 0 && order[k - 1]!.s === x.s ? ranks[order[k - 1]!.i]! : k + 1;
  });
  return ranks;
}

/**
 * The previous period's score and rank of each row, kept per list of rows and weights: the service
 * keeps a closed period's rows, and each answer of the period after reads them again.
 */
const STANDINGS = new WeakMap<readonly RowFigures[], { key: string; map: Map<string, { score: number | null; rank: number | null }> }>();
function standingsOf(rows: readonly RowFigures[], formulas: readonly IndicatorFormula[], nothingDue: NothingDue): Map<string, { score: number | null; rank: number | null }> {
  const key = `${nothingDue}|${formulas.map((f) => `${f.id}:${f.weight}`).join(',')}`;
  const kept = STANDINGS.get(rows);
  if (kept?.key === key) return kept.map;
  const scores = rows.map((r) => compositeScore(r.indicators, formulas, nothingDue));
  const ranks = ranksOf(scores);
  const map = new Map(rows.map((r, i) => [r.code, { score: scores[i]!, rank: ranks[i]! }]));
  STANDINGS.set(rows, { key, map });
  return map;
}

/**
 * The rows of an answer: scored, ranked, beside the previous period's score and rank (null where the
 * row did not exist then), best first, the unranked last by code.
 */
export function scoredRows(
  current: readonly RowFigures[],
  previous: readonly RowFigures[] | null,
  formulas: readonly IndicatorFormula[],
  rules: { nothingDue: NothingDue; grades: GradeBounds } = { nothingDue: 'leaveOut', grades: DEFAULT_GRADES },
): EvaluationRow[] {
  const scores = current.map((r) => compositeScore(r.indicators, formulas, rules.nothingDue));
  const ranks = ranksOf(scores);
  const before = previous ? standingsOf(previous, formulas, rules.nothingDue) : null;
  const rows: EvaluationRow[] = current.map((r, i) => ({
    code: r.code,
    name: r.name,
    parentCode: r.parentCode,
    indicators: r.indicators as Record<string, number | null>,
    counts: r.counts,
    score: scores[i]!,
    grade: gradeOf(scores[i]!, rules.grades),
    rank: ranks[i]!,
    previous: before?.get(r.code) ?? null,
  }));
  return rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
