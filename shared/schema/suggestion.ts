import { z } from 'zod';
import { Candidate } from './case.js';
import { IsoTimestamp } from './common.js';

/** `GET /api/dispatch/suggestions?limit=N`: how many of the oldest waiting cases to suggest teams for. */
export const SuggestionQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(50).default(10),
  })
  .strict();
export type SuggestionQuery = z.infer<typeof SuggestionQuery>;

/**
 * Why a waiting case has no suggested team: no able team is available and reachable at all, or
 * every one of its candidates was already suggested for an older case of the same batch.
 */
export const SuggestionReason = z.enum(['no_candidate', 'candidates_taken']);
export type SuggestionReason = z.infer<typeof SuggestionReason>;

/** What a dispatcher needs to see of the case, and its version to dispatch it with. */
const SuggestedCase = z.object({
  caseId: z.string(),
  version: z.number().int().positive(),
  categoryCode: z.string(),
  townCode: z.string(),
  gridCode: z.string(),
  reportedAt: IsoTimestamp,
});

/**
 * One row of the suggestions: a registered case waiting for a team, and the team to send — its best
 * candidate not already suggested for an older case — or none, with the reason; either way the unit
 * to dispatch to (the crew's, or the first unit able to handle the case, whose desk then sends a
 * crew; null only where no unit handles it).
 */
export const Suggestion = z.union([
  SuggestedCase.extend({
    unitCode: z.string().nullable(),
    teamId: z.string(),
    teamName: Candidate.shape.teamName,
    etaSeconds: z.number(),
    distanceMeters: z.number(),
    /** Open cases the team already has. */
    workload: z.number().int().nonnegative(),
    route: Candidate.shape.route,
    reason: z.null(),
  }),
  SuggestedCase.extend({
    unitCode: z.string().nullable(),
    teamId: z.null(),
    teamName: z.null(),
    etaSeconds: z.null(),
    distanceMeters: z.null(),
    workload: z.null(),
    route: z.null(),
    reason: SuggestionReason,
  }),
]);
export type Suggestion = z.infer<typeof Suggestion>;

/** The answer of `GET /api/dispatch/suggestions`: oldest case first, no team twice. */
export const SuggestionBatch = z.object({
  /** When the batch was computed (teams move: it ages quickly). */
  at: IsoTimestamp,
  /** Every registered case waiting for a team, of which the oldest `suggestions.length` are here. */
  waiting: z.number().int().nonnegative(),
  suggestions: z.array(Suggestion),
});
export type SuggestionBatch = z.infer<typeof SuggestionBatch>;
