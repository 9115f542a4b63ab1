import { z } from 'zod';
import { CaseAction } from '../workflow/caseWorkflow.js';
import { Incident, IncidentEvent } from './incident.js';

/** `GET /api/cases/:id`: a case with what a reader needs to act on it. */
export const CaseView = z.object({
  case: Incident,
  /** Every step, oldest first: the record the current state is derived from. */
  timeline: z.array(IncidentEvent),
  /** What this reader may do now. */
  allowedActions: z.array(CaseAction),
  /** Seconds left until the handling deadline (negative when overdue); null once closed. */
  remainingSeconds: z.number().nullable(),
  overdue: z.boolean(),
});
export type CaseView = z.infer<typeof CaseView>;

/** One row of `GET /api/cases/:id/candidates`: a team that could take the case. */
export const Candidate = z.object({
  teamId: z.string(),
  etaSeconds: z.number(),
  distanceMeters: z.number(),
  /** Open cases the team already has. */
  workload: z.number().int().nonnegative(),
  route: z.object({ type: z.literal('LineString'), coordinates: z.array(z.tuple([z.number(), z.number()])) }),
});
export type Candidate = z.infer<typeof Candidate>;
