import { z } from 'zod';
import { MultiLineText } from './common.js';

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
  /** The score's grade by the rules' bounds (优秀 / 良好 / 合格 / 不合格); null when unscored. */
  grade: z.lazy(() => Grade).nullable(),
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
  /** The grade bounds the rows were graded by. */
  grades: z.lazy(() => GradeBounds),
  /** The cases of the period (reported before its end, open at or closed after its start) excluded from assessment (不纳入考核). */
  excluded: z.lazy(() => z.object({ count: z.number().int().min(0), cases: z.array(Exclusion) })),
  rows: z.array(EvaluationRow),
});
export type EvaluationAnswer = z.infer<typeof EvaluationAnswer>;

/** 综合等级: 优秀 excellent, 良好 good, 合格 pass, 不合格 fail. */
export const Grade = z.enum(['excellent', 'good', 'pass', 'fail']);
export type Grade = z.infer<typeof Grade>;

/** The lowest score of each grade (a score at the bound has the grade); below `pass` is 不合格. */
export const GradeBounds = z.strictObject({
  excellent: z.number().min(0).max(100),
  good: z.number().min(0).max(100),
  pass: z.number().min(0).max(100),
});
export type GradeBounds = z.infer<typeof GradeBounds>;

/**
 * The evaluation's rules as an admin keeps them (GET/PUT /api/evaluation/weights): each level's
 * weights by indicator (relative; an indicator left out weighs 0), what an indicator with nothing due
 * does to the composite (left out and the others renormalised, or full marks), and the grade bounds.
 * The schema checks the shapes; server/evaluation/rules.ts checks the sense (known indicators,
 * non-negative, a positive sum, bounds in order) and answers 422 with a code for each.
 */
export const EvaluationRules = z.strictObject({
  weights: z.strictObject(Object.fromEntries(EvaluationLevel.options.map((l) => [l, z.record(z.string().max(40), z.number().finite())])) as Record<EvaluationLevel, z.ZodRecord<z.ZodString, z.ZodNumber>>),
  nothingDue: z.enum(['leaveOut', 'fullMarks']),
  grades: GradeBounds,
});
export type EvaluationRules = z.infer<typeof EvaluationRules>;

/** The rules in force, with who last changed them (null: the shipped default). */
export const EvaluationRulesView = EvaluationRules.extend({
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
export type EvaluationRulesView = z.infer<typeof EvaluationRulesView>;

/** A case excluded from assessment (不纳入考核): counted in no indicator, at any level. */
export const Exclusion = z.object({
  caseId: z.string(),
  caseNumber: z.string().nullable(),
  reason: z.string(),
  by: z.string(),
  at: z.string(),
});
export type Exclusion = z.infer<typeof Exclusion>;

export const ExclusionRequest = z.strictObject({ reason: MultiLineText.pipe(z.string().trim().min(1).max(500)) });
export type ExclusionRequest = z.infer<typeof ExclusionRequest>;

/**
 * What a unit may appeal (申诉) on one of its turns with a case: overdue (超期: late or unhandled past
 * the deadline), rework (返工), extension (延期), returned (退回). An upheld appeal takes that
 * judgement out of the unit's indicators: an overdue turn counts as on time when handled and is not
 * due while unhandled; a reworked turn is not reworked; an extended one not extended; a return not counted.
 */
export const AppealJudgement = z.enum(['overdue', 'rework', 'extension', 'returned']);
export type AppealJudgement = z.infer<typeof AppealJudgement>;

export const AppealStatus = z.enum(['pending', 'upheld', 'rejected']);
export type AppealStatus = z.infer<typeof AppealStatus>;

export const Appeal = z.object({
  id: z.number().int().positive(),
  caseId: z.string(),
  caseNumber: z.string().nullable(),
  unitCode: z.string(),
  judgement: AppealJudgement,
  reason: z.string(),
  status: AppealStatus,
  filedBy: z.string(),
  filedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
});
export type Appeal = z.infer<typeof Appeal>;

export const AppealRequest = z.strictObject({ judgement: AppealJudgement, reason: MultiLineText.pipe(z.string().trim().min(1).max(500)) });
export type AppealRequest = z.infer<typeof AppealRequest>;

export const AppealDecision = z.strictObject({ decision: z.enum(['uphold', 'reject']), note: MultiLineText.pipe(z.string().trim().max(500)).optional() });
export type AppealDecision = z.infer<typeof AppealDecision>;

export const AppealQuery = z.strictObject({ status: AppealStatus.optional(), caseId: z.string().max(64).optional() });
export type AppealQuery = z.infer<typeof AppealQuery>;

/**
 * `GET /api/units/:code/closed`: the cases a unit had a turn with that closed in the last `days`
 * (China's 30-day appeal window by default), newest first, at most `limit`. A judged case is usually
 * closed by the time the unit reads its ranking, so this is where its desk finds what to appeal.
 */
export const UnitClosedQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(90).default(30),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type UnitClosedQuery = z.infer<typeof UnitClosedQuery>;

export const UnitClosedCase = z.object({
  caseId: z.string(),
  number: z.string().nullable(),
  categoryCode: z.string(),
  townCode: z.string(),
  closedAt: z.string(),
  /** The judgements that stand against the unit's turns with the case: what it may appeal. */
  judgements: z.array(AppealJudgement),
});
export type UnitClosedCase = z.infer<typeof UnitClosedCase>;

/** `total` counts every closed case of the window; `items` are its newest `limit`. */
export const UnitClosedAnswer = z.object({ total: z.number().int().nonnegative(), items: z.array(UnitClosedCase) });
export type UnitClosedAnswer = z.infer<typeof UnitClosedAnswer>;
