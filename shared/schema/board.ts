import { z } from 'zod';

const Count = z.number().int().nonnegative();
/** A share 0–1; null when nothing was due (a rate of nothing is not 0 %). */
const Rate = z.number().min(0).max(1).nullable();

/**
 * The closure of one day up to one time of day (China time, UTC+8): the cases whose closure deadline
 * (结案时限) fell between that day's midnight and that time, less the suspended ones (挂账, excluded
 * from 应结案 as evaluation rules do).
 *
 *   结案率   closureRate       = closed / due   (closed by that time, late or not)
 *   按期结案率 onTimeClosureRate = onTime / due   (closed by their deadline)
 *
 * Every case of the cohort has run out of time by then, so a case of it still open is overdue.
 */
export const DayClosure = z.object({
  due: Count,
  closed: Count,
  onTime: Count,
  closureRate: Rate,
  onTimeClosureRate: Rate,
});
export type DayClosure = z.infer<typeof DayClosure>;

/**
 * A town needs this many cases due today before its on-time closure rate ranks it: one late case
 * out of one is 0 %, which says nothing about a town.
 */
export const WORST_TOWN_MIN_DUE = 3;

/**
 * How the worst town was chosen: the lowest on-time closure rate today among towns with enough cases
 * due (`onTimeClosureRate`), or, early in the day when none has, the most overdue cases (`overdue`).
 */
export const WorstTownRule = z.enum(['onTimeClosureRate', 'overdue']);
export type WorstTownRule = z.infer<typeof WorstTownRule>;

/**
 * `GET /api/board/summary`: the figures a leader reads on the main board and the wall, today against
 * the same time yesterday. Counts and rates only, no personal data.
 */
export const BoardSummary = z.object({
  at: z.string(),
  /** Today's midnight, China time. */
  dayStart: z.string(),
  /** Reports (上报) since midnight, and yesterday from midnight to the same time. */
  reports: z.object({ today: Count, yesterday: Count }),
  closure: z.object({ today: DayClosure, yesterday: DayClosure }),
  /** Open cases past a deadline now (the stage's, the handling or the closure one): as the case counters count them. */
  overdue: Count,
  /** Crews on duty, those working a case (en route or on site), and those on site. */
  crews: z.object({ onDuty: Count, working: Count, onSite: Count }),
  worstTown: z
    .object({
      townCode: z.string(),
      rule: WorstTownRule,
      due: Count,
      onTimeClosureRate: Rate,
      overdue: Count,
    })
    .nullable(),
});
export type BoardSummary = z.infer<typeof BoardSummary>;
