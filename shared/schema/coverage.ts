import { z } from 'zod';

/** Why a cell is a blind spot: one part of its score, with the cell's value and what a well-covered cell of its kind has. */
export const BlindSpotReason = z.object({
  kind: z.enum(['patrol', 'camera', 'responsibility', 'under_reporting']),
  /** patrol: hours since the last patrol (null: none in the last day); camera: share seen 0–1; responsibility: 0 (nobody); under_reporting: reports in 30 days. */
  value: z.number().nullable(),
  /** patrol: hours between patrols expected; camera: 1; responsibility: 1; under_reporting: comparable cells' mean. */
  expected: z.number(),
  /** What this part adds to the score. */
  weight: z.number(),
});
export type BlindSpotReason = z.infer<typeof BlindSpotReason>;

/** `GET /api/blind-spots`: a cell, its score (0–1) and its reasons, largest first. */
export const BlindSpot = z.object({
  gridCode: z.string(),
  townCode: z.string(),
  /** The cell's index in the grid layer (the coverage frames' index). */
  cell: z.number().int().nonnegative(),
  score: z.number().min(0).max(1),
  reasons: z.array(BlindSpotReason),
});
export type BlindSpot = z.infer<typeof BlindSpot>;

export const BlindSpotQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    town: z.string().regex(/^\d{9}$/).optional(),
  })
  .strict();
export type BlindSpotQuery = z.infer<typeof BlindSpotQuery>;

/** `GET /api/coverage/towns?days=N`: how many past days of the series (0–90, default 7). */
export const TownCoverageQuery = z.object({ days: z.coerce.number().int().min(0).max(90).default(7) }).strict();

/**
 * `GET /api/coverage/towns`: per town, now — the share of its cells patrolled in the last 24 h, the
 * share of its area under a working camera, the share of its cells with a responsible inspector, and
 * its mean blind-spot score.
 */
export const TownCoverage = z.object({
  townCode: z.string(),
  cells: z.number().int().nonnegative(),
  patrolled24h: z.number().min(0).max(1),
  underCamera: z.number().min(0).max(1),
  withInspector: z.number().min(0).max(1),
  meanScore: z.number().min(0).max(1),
});
export type TownCoverage = z.infer<typeof TownCoverage>;
/** One day of a town's coverage (recorded at the day's end): patrolled that day, under a camera, with an inspector. */
export const TownCoverageDay = z.object({
  townCode: z.string(),
  patrolled: z.number().min(0).max(1),
  underCamera: z.number().min(0).max(1),
  withInspector: z.number().min(0).max(1),
});
export type TownCoverageDay = z.infer<typeof TownCoverageDay>;

export const TownCoverageList = z.object({
  at: z.string(),
  towns: z.array(TownCoverage),
  /** The last `days` full local days, oldest first (a day not recorded is missing). */
  series: z.array(z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), towns: z.array(TownCoverageDay) })),
});
export type TownCoverageList = z.infer<typeof TownCoverageList>;
