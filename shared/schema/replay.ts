import { z } from 'zod';
import { IsoTimestamp, LocalizedName } from './common.js';
import { IncidentStatus } from './incident.js';
import { TeamStatus } from './team.js';
import { CaseAction } from '../workflow/caseWorkflow.js';

/**
 * The after-action replay (复盘, `GET /api/replay`): a local day (China time, UTC+8) or one case,
 * rebuilt from the event log and the stored tracks, for the client to fold to any moment
 * (client/replay/replayState.ts). Columnar: a day holds about ten thousand events and, with the
 * simulator's crews, tens of thousands of track points, so each repeated field is one array rather
 * than a key per row, and tracks are delta-coded integers.
 */

/** `?day=2026-12-05` (a local day) or `?caseId=…` (one case's whole story), exactly one. */
export const ReplayQuery = z
  .object({
    day: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a local day, YYYY-MM-DD').optional(),
    caseId: z.string().min(1).max(100).regex(/^[\w-]+$/, 'a case id').optional(),
  })
  .strict()
  .refine((q) => (q.day === undefined) !== (q.caseId === undefined), { message: 'Give either day or caseId, not both nor neither.' });
export type ReplayQuery = z.infer<typeof ReplayQuery>;

/** The cases the replay names, by index: where each is and what it is. */
export const ReplayCases = z.object({
  id: z.array(z.string()),
  /** The short case number (`WJ-20261206-0042`), null before registration. */
  number: z.array(z.string().nullable()),
  category: z.array(z.string()),
  lon: z.array(z.number()),
  lat: z.array(z.number()),
  town: z.array(z.string()),
});
export type ReplayCases = z.infer<typeof ReplayCases>;

/**
 * One row per event of the window, oldest first. `t` is milliseconds after the window's start;
 * `case` and `team` index `cases` and `teams`; `status` and `team` are the case's after the event;
 * `action` is null for a creation or a status change without an action; `actor` indexes `actors`, who
 * acted, and is null unless the reader may read people's names (personal.read).
 */
export const ReplayEvents = z.object({
  t: z.array(z.number().int().nonnegative()),
  case: z.array(z.number().int().nonnegative()),
  action: z.array(CaseAction.nullable()),
  status: z.array(IncidentStatus),
  team: z.array(z.number().int().nonnegative().nullable()),
  actor: z.array(z.number().int().nonnegative().nullable()),
});
export type ReplayEvents = z.infer<typeof ReplayEvents>;

/** The cases open when the window starts (created before it, not closed nor rejected), with their state then. */
export const ReplayOpening = z.object({
  case: z.array(z.number().int().nonnegative()),
  status: z.array(IncidentStatus),
  team: z.array(z.number().int().nonnegative().nullable()),
});
export type ReplayOpening = z.infer<typeof ReplayOpening>;

/**
 * A team's track in the window, thinned so that the position interpolated between kept points stays
 * within `toleranceM` of every stored point. `t` (seconds after the window's start), `x` and `y`
 * (longitude and latitude in 1e-5 degrees, about a metre) are delta-coded: the first value is
 * absolute, each next one the difference to the one before. `statuses` lists the changes of status
 * as `[t, status]`, t absolute in milliseconds. `breaks` are the indices of the points where the crew
 * is heard from again after more than three minutes of silence (a tracker off, a server down): no line
 * is drawn across such a gap.
 */
export const ReplayTrack = z.object({
  team: z.number().int().nonnegative(),
  t: z.array(z.number().int()),
  x: z.array(z.number().int()),
  y: z.array(z.number().int()),
  statuses: z.array(z.tuple([z.number().int(), TeamStatus])),
  breaks: z.array(z.number().int().nonnegative()),
});
export type ReplayTrack = z.infer<typeof ReplayTrack>;

export const ReplayTeam = z.object({ id: z.string(), name: LocalizedName });
export type ReplayTeam = z.infer<typeof ReplayTeam>;

export const ReplayAnswer = z.object({
  since: IsoTimestamp,
  until: IsoTimestamp,
  day: z.string().nullable(),
  caseId: z.string().nullable(),
  cases: ReplayCases,
  opening: ReplayOpening,
  events: ReplayEvents,
  /** Who acted (accounts, crews, staff as the log names them); empty without personal.read. */
  actors: z.array(z.string()),
  teams: z.array(ReplayTeam),
  tracks: z.array(ReplayTrack),
  /** How far a thinned track may stray from the stored one, metres. */
  toleranceM: z.number().nonnegative(),
  /** Stored track points in the window, and how many were kept. */
  trackPoints: z.object({ stored: z.number().int().nonnegative(), kept: z.number().int().nonnegative() }),
});
export type ReplayAnswer = z.infer<typeof ReplayAnswer>;
