import { z } from 'zod';

/**
 * 综合评价 (GB/T 30428.4 practice, ../shared/notes/domain.md): indicators of regions, units and
 * positions over a period, each with its formula, a weighted composite score and a rank. The engine
 * is server/evaluation/; this is the wire.
 */
export const EvaluationLevel = z.enum(['town', 'community', 'cell', 'unit', 'inspector', 'acceptor', 'shiftLead', 'dispatcher']);
export type EvaluationLevel = z.infer<typeof EvaluationLevel>;

/**
 * A period in China time (UTC+8): a month `2026-11`, an ISO week `2026-W48`, a quarter `2026-Q4`, a
 * year `2026`, or any range of days `2026-11-01..2026-11-15` (both days included).
 */
export const PeriodId = z
  .string()
  .regex(/^(\d{4}(-(0[1-9]|1[0-2]|W(0[1-9]|[1-4]\d|5[0-3])|Q[1-4]))?|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$/, 'a period such as 2026-11, 2026-W48, 2026-Q4, 2026 or 2026-11-01..2026-11-15');
export type PeriodId = z.infer<typeof PeriodId>;

/** Every indicator the engine computes; each level shows its own (EvaluationAnswer.formulas). */
export const IndicatorId = z.enum([
  // region (town, community, cell)
  'registered', // 立案数
  'closed', // 结案数
  'closureRate', // 结案率 = 结案数 / 应结案数
  'onTimeClosureRate', // 按期结案率 = 按期结案数 / 应结案数
  'densityPerKm2', // 问题发生密度 (per km²)
  'densityPerCell', // 问题发生密度 (per cell)
  'publicShare', // 公众举报占比
  'callbackRate', // 回访率
  'satisfactionRate', // 满意率
  // unit
  'handlingRate', // 处置率 = 处置数 / 应处置数
  'onTimeHandlingRate', // 按期处置率
  'reworkRate', // 返工率 = 返工数 / 处置数
  'overdueUnhandledRate', // 超期未处置率
  'extensionRate', // 延期率
  'returns', // 退回数
  // positions
  'reportAccuracy', // 上报准确率 (inspector)
  'timelyConfirmRate', // 及时核实率 (inspector)
  'timelyVerifyRate', // 及时核查率 (inspector)
  'missRate', // 漏报率 (inspector)
  'onTimeAcceptRate', // 按时受理率 (acceptor)
  'onTimeRegisterRate', // 按时立案率 (shift lead)
  'accurateRegisterRate', // 准确立案率 (shift lead)
  'onTimeCloseRate', // 按时结案率 (shift lead)
  'onTimeDispatchRate', // 按时派遣率 (dispatcher)
  'accurateDispatchRate', // 准确派遣率 (dispatcher)
]);
export type IndicatorId = z.infer<typeof IndicatorId>;

const Localized = z.object({ zh: z.string(), en: z.string() });

/** An indicator as the answer states it: its name, its formula in words, and how it weighs in the composite. */
export const IndicatorFormula = z.object({
  id: IndicatorId,
  name: Localized,
  formula: Localized,
  /** rate: a share 0–1; count: a number of cases; density: per km² or per cell. */
  kind: z.enum(['rate', 'count', 'density']),
  /** Whether a higher value is better (a rework rate is not). */
  higherIsBetter: z.boolean(),
  /** Its weight in the composite score (0: shown, not scored). */
  weight: z.number().min(0),
});
export type IndicatorFormula = z.infer<typeof IndicatorFormula>;

export const EvaluationRow = z.object({
  code: z.string(),
  name: Localized,
  /** The town of a community or cell, for drilling down and back up. */
  parentCode: z.string().nullable(),
  /** Each indicator of the level; null where its denominator is 0 (nothing was due). */
  indicators: z.record(z.string(), z.number().nullable()),
  /** The counts behind the rates (应结案数, 按期结案数, …), so a reader can check a figure. */
  counts: z.record(z.string(), z.number().int()),
  /** Composite 0–100; null when no scored indicator had anything due. */
  score: z.number().nullable(),
  /** 1 = best; equal scores share a rank (1, 2, 2, 4); null when unscored. */
  rank: z.number().int().positive().nullable(),
  previous: z.object({ score: z.number().nullable(), rank: z.number().int().positive().nullable() }).nullable(),
});
export type EvaluationRow = z.infer<typeof EvaluationRow>;

export const EvaluationPeriod = z.object({
  id: z.string(),
  /** [from, until) as ISO instants. */
  from: z.string(),
  until: z.string(),
  /** The instant the period is evaluated as of: its end, or now for the running one. */
  asOf: z.string(),
  running: z.boolean(),
  previous: z.string(),
});
export type EvaluationPeriod = z.infer<typeof EvaluationPeriod>;

export const EvaluationQuery = z
  .object({
    level: EvaluationLevel.default('town'),
    period: PeriodId.optional(),
    /** Only the rows within this town (communities, cells). */
    town: z.string().regex(/^\d{9}$/).optional(),
  })
  .strict();
export type EvaluationQuery = z.infer<typeof EvaluationQuery>;

export const EvaluationAnswer = z.object({
  level: EvaluationLevel,
  period: EvaluationPeriod,
  formulas: z.array(IndicatorFormula),
  /** How the composite is made from the weighted indicators, in words. */
  composite: Localized,
  rows: z.array(EvaluationRow),
});
export type EvaluationAnswer = z.infer<typeof EvaluationAnswer>;
