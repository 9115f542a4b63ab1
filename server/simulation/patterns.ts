import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { IncidentSource } from '../../shared/index.js';
import { SHIPPED_DATA_DIR } from '../paths.js';

/**
 * The simulator's patterns as data (data/simulation/patterns.json): how often each category occurs,
 * what draws it (roads, markets, vacant lots, …), when in the day, and who reports it.
 */
export const AttractorKind = z.enum([
  'main_roads',
  'arterials',
  'roads',
  'markets',
  'schools',
  'construction',
  'material_yards',
  'vacant_lots',
  'fringe',
  'commercial',
  'residential',
  'parking',
  'cells',
]);
export type AttractorKind = z.infer<typeof AttractorKind>;

const HourlyProfile = z.array(z.number().nonnegative()).length(24);

const CategoryPattern = z.object({
  weight: z.number().positive(),
  attractors: z.array(z.object({ kind: AttractorKind, weight: z.number().positive() })).min(1),
  spreadM: z.number().nonnegative(),
  profile: z.string(),
  sources: z.partialRecord(IncidentSource, z.number().nonnegative()),
  templates: z.array(z.string()).min(1),
});
export type CategoryPattern = z.infer<typeof CategoryPattern>;

const Share = z.number().min(0).max(1);

/**
 * How a unit responsible (a department, or a town for its own categories) does its work in the
 * simulated past: each share is of its dispatched cases. Missing fields take the defaults'.
 */
const UnitPerformance = z
  .object({
    /** Handled after the handling deadline (超期处置). */
    late: Share,
    /** Sent back at re-inspection once (返工). */
    rework: Share,
    /** Suspended (挂账) a day or more after dispatch. */
    suspend: Share,
    /** Works that drag on for weeks (久拖未结): handled, if at all, long after the deadline. */
    stalled: Share,
    /** The crew sends the task back to the unit's desk (回退), which sends another. */
    return: Share,
    /** The unit applies for more time (申请延期). */
    extension: Share,
    /** Minutes between the dispatch and the crew's acknowledgement, [min, max]: a queue where a unit is short of crews. */
    queueMinutes: z.tuple([z.number().nonnegative(), z.number().nonnegative()]),
    /** Handling time against the catalog limit, a typical case: 0.35 takes about a third of it. */
    pace: z.number().positive(),
  })
  .partial();
export type UnitPerformance = z.infer<typeof UnitPerformance>;

/** What differs in a town's territory, whoever the unit: its inspectors and its access. */
const TownPerformance = z
  .object({
    /** Factor on the weight of inspector reports (an edge that inspectors seldom patrol: public reports dominate). */
    inspectorReports: z.number().nonnegative(),
    /** Factor on the inspectors' time to re-inspect (核查) after handling. */
    verifyDelay: z.number().positive(),
    /** Factors on the late and stalled shares of every unit's cases there (distance, access, coordination). */
    late: z.number().nonnegative(),
    stalled: z.number().nonnegative(),
  })
  .partial();
export type TownPerformance = z.infer<typeof TownPerformance>;

export const Performance = z.object({
  /** Every unit not listed. */
  default: UnitPerformance.required(),
  units: z.record(z.string(), UnitPerformance).default({}),
  towns: z.record(z.string(), TownPerformance).default({}),
  /**
   * One inspector in `slowInspectorEvery` (picked by a hash of the name, the same in every run) takes
   * `slowInspectorDelay` times as long to re-inspect; 0: none.
   */
  slowInspectorEvery: z.number().int().nonnegative().default(0),
  slowInspectorDelay: z.number().positive().default(1),
});
export type Performance = z.infer<typeof Performance>;

/** The outcomes of a simulated history where the file says nothing of them. */
export const DEFAULT_PERFORMANCE: Performance = {
  default: { late: 0.07, rework: 0.05, suspend: 0.015, stalled: 0.02, return: 0.02, extension: 0.03, queueMinutes: [2, 20], pace: 0.35 },
  units: {},
  towns: {},
  slowInspectorEvery: 0,
  slowInspectorDelay: 1,
};

export const Patterns = z
  .object({
    incidentsPerDay: z.number().positive(),
    /** How units, towns and inspectors perform in the simulated past (server/simulation/history.ts). */
    performance: Performance.default(DEFAULT_PERFORMANCE),
    background: CategoryPattern,
    weekendSourceShift: z.partialRecord(IncidentSource, z.number().nonnegative()),
    profiles: z.record(z.string(), HourlyProfile),
    weekendFactor: z.record(z.string(), z.number().nonnegative()),
    categories: z.array(CategoryPattern.extend({ code: z.string() })),
  })
  .refine((p) => [p.background, ...p.categories].every((c) => c.profile in p.profiles), {
    message: 'every category must name a profile that exists',
  });
export type Patterns = z.infer<typeof Patterns>;

export function loadPatterns(): Patterns {
  return Patterns.parse(JSON.parse(readFileSync(join(SHIPPED_DATA_DIR, 'simulation', 'patterns.json'), 'utf8')));
}
