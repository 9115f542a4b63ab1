import { z } from 'zod';
import { LocalizedName } from './common.js';

/**
 * GB/T 30428.2 splits city problems into two families: management components (部件, physical
 * objects such as a manhole cover) and events (事件, situations such as exposed garbage).
 */
export const CategoryFamily = z.enum(['component', 'event']);
export type CategoryFamily = z.infer<typeof CategoryFamily>;

/**
 * How a handling time limit is counted: urgent hours run round the clock; working hours only
 * 08:00–12:00 and 14:00–18:00 on working days; working days skip weekends and holidays.
 */
export const TimeLimitKind = z.enum(['urgent_hours', 'working_hours', 'working_days', 'calendar_days']);
export type TimeLimitKind = z.infer<typeof TimeLimitKind>;

export const TimeLimit = z.object({
  kind: TimeLimitKind,
  amount: z.number().positive(),
});
export type TimeLimit = z.infer<typeof TimeLimit>;

export const Department = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: LocalizedName,
});
export type Department = z.infer<typeof Department>;

/**
 * One category of the catalog. `code` is the key used everywhere in GridWatch: the family letter
 * (C = component 部件, E = event 事件) followed by the classic 2-digit class and 2-digit sub-class,
 * so that component 0101 and event 0101 cannot be confused.
 */
export const Category = z
  .object({
    code: z.string().regex(/^[CE]\d{4}$/),
    family: CategoryFamily,
    classCode: z.string().regex(/^\d{2}$/),
    subclassCode: z.string().regex(/^\d{2}$/),
    className: LocalizedName,
    name: LocalizedName,
    /** The newer GB/T 47678 five-digit type code, where known. */
    gb47678Code: z.string().regex(/^\d{5}$/).optional(),
    department: z.string(),
    /** The handling limit (处置时限): from the dispatch to the unit responsible until it has handled the case. */
    timeLimit: TimeLimit,
    /**
     * The closure limit (结案时限): from registration until the centre closes the case; covers the
     * dispatch, the handling, the verification and the closing, so it is longer than `timeLimit`.
     */
    closeLimit: TimeLimit,
    /** 1 = urgent (safety), 2 = normal, 3 = low. */
    priority: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  })
  .refine((c) => c.code === `${c.family === 'component' ? 'C' : 'E'}${c.classCode}${c.subclassCode}`, {
    message: 'code must be the family letter followed by classCode and subclassCode',
  });
export type Category = z.infer<typeof Category>;

/**
 * The time limits of the stages around the handling (GB/T 30428): accepting a report (受理), registering
 * it as a case (立案), dispatching it (派遣), verifying the handling (核查) and closing (结案). Handling
 * itself has the category's own `timeLimit`. Each stage's clock starts when the case enters it.
 */
export const StageLimits = z.object({
  accept: TimeLimit,
  register: TimeLimit,
  dispatch: TimeLimit,
  verify: TimeLimit,
  close: TimeLimit,
});
export type StageLimits = z.infer<typeof StageLimits>;

/** Stage limits by urgency: `urgent` applies to priority-1 (safety) categories, `normal` to the rest. */
export const StageLimitsByUrgency = z.object({ normal: StageLimits, urgent: StageLimits });
export type StageLimitsByUrgency = z.infer<typeof StageLimitsByUrgency>;

export const Catalog = z.object({
  departments: z.array(Department).min(1),
  categories: z.array(Category).min(1),
  stageLimits: StageLimitsByUrgency,
});
export type Catalog = z.infer<typeof Catalog>;
