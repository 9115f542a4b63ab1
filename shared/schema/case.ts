import { z } from 'zod';
import { CaseAction } from '../workflow/caseWorkflow.js';
import { CaseStage } from '../workflow/caseStages.js';
import { RoadClass } from './city.js';
import { LocalizedName } from './common.js';
import { Incident, IncidentEvent, IncidentStatus } from './incident.js';

/** An open case a report may duplicate (same category, within 50 m and 24 h), offered for merging. */
export const DuplicateOffer = z.object({
  caseId: z.string(),
  status: IncidentStatus,
  reportedAt: z.string(),
  distanceMeters: z.number().nonnegative(),
});
export type DuplicateOffer = z.infer<typeof DuplicateOffer>;

/** `GET /api/cases/:id`: a case with what a reader needs to act on it. */
export const CaseView = z.object({
  case: Incident,
  /** Every step, oldest first: the record the current state is derived from. */
  timeline: z.array(IncidentEvent),
  /** What this reader may do now. */
  allowedActions: z.array(CaseAction),
  /** Seconds left until the handling deadline (negative when overdue); null before dispatch and once closed. */
  remainingSeconds: z.number().nullable(),
  /** Past the handling deadline while a unit has it, or past the closure deadline. */
  overdue: z.boolean(),
  /** The closure clock (结案时限, from registration); null before registration and once closed. */
  close: z.object({ deadlineAt: z.string(), remainingSeconds: z.number(), overdue: z.boolean() }).nullable(),
  /** The stage the case is in and its own clock (handling runs against the handling deadline); null when none runs. */
  stage: z
    .object({ name: CaseStage, deadlineAt: z.string(), remainingSeconds: z.number(), overdue: z.boolean() })
    .nullable(),
  /** Open cases this one may duplicate (only while it can still be merged), nearest first. */
  duplicateOffers: z.array(DuplicateOffer),
  /** Ids of the duplicates merged into this case. */
  mergedCases: z.array(z.string()),
});
export type CaseView = z.infer<typeof CaseView>;

/**
 * `GET /api/cases/summary`: the counters of the command center's board, as of event `headSeq` (a
 * client adds the stream's events after it): open cases by status, today's reports and closures
 * (local day), and the open cases past a deadline (their stage's or the handling one) now.
 */
export const CaseSummary = z.object({
  at: z.string(),
  headSeq: z.number().int().nonnegative(),
  dayStart: z.string(),
  open: z.partialRecord(IncidentStatus, z.number().int().nonnegative()),
  reportedToday: z.number().int().nonnegative(),
  closedToday: z.number().int().nonnegative(),
  overdue: z.number().int().nonnegative(),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

/**
 * `GET /api/tasks/:id/route`: the fastest drive from where the crew is to its task at live road
 * speeds, with directions: the roads to follow in order, each with its length.
 */
export const TaskRoute = z.object({
  etaSeconds: z.number().nonnegative(),
  distanceMeters: z.number().nonnegative(),
  legs: z.array(z.object({ name: LocalizedName.nullable(), roadClass: RoadClass, metres: z.number().nonnegative() })),
  line: z.object({ type: z.literal('LineString'), coordinates: z.array(z.tuple([z.number(), z.number()])) }),
});
export type TaskRoute = z.infer<typeof TaskRoute>;

/** Query of `GET /api/tasks/:id/route`: where the crew is (the phone's own fix), else the team's last known position. */
export const TaskRouteQuery = z
  .object({ from: z.string().regex(/^-?\d{1,3}(\.\d+)?,-?\d{1,2}(\.\d+)?$/, 'lon,lat').optional() })
  .strict();

/** One row of `GET /api/cases/:id/candidates`: a team that could take the case. */
export const Candidate = z.object({
  teamId: z.string(),
  /** The unit the crew belongs to (a dispatch to the crew goes to that unit). */
  unitCode: z.string().nullable(),
  /** The crew's name, for a unit desk that does not read the live picture's teams. */
  teamName: LocalizedName,
  etaSeconds: z.number(),
  distanceMeters: z.number(),
  /** Open cases the team already has. */
  workload: z.number().int().nonnegative(),
  route: z.object({ type: z.literal('LineString'), coordinates: z.array(z.tuple([z.number(), z.number()])) }),
});
export type Candidate = z.infer<typeof Candidate>;
