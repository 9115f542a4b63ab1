import { z } from 'zod';
import { IsoTimestamp, Latitude, LocalizedName, Longitude } from './common.js';

export const TeamStatus = z.enum(['available', 'en_route', 'on_site', 'off_duty', 'offline']);
export type TeamStatus = z.infer<typeof TeamStatus>;

export const TeamPosition = z.object({ lon: Longitude, lat: Latitude, at: IsoTimestamp });
export type TeamPosition = z.infer<typeof TeamPosition>;

/** A time of day, local time (UTC+8), `HH:MM`. */
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 00:00–23:59');

/**
 * A team's working hours each day in local time (UTC+8): on duty from `start` (inclusive) to `end`
 * (exclusive). A shift whose end is earlier than its start crosses midnight (`16:00`–`02:00`);
 * `00:00`–`24:00` is round the clock. See server/team/shift.ts.
 */
export const Shift = z
  .object({ start: ClockTime, end: z.union([ClockTime, z.literal('24:00')]) })
  .strict()
  .refine((s) => s.start !== s.end, { message: 'A shift cannot start and end at the same time; 00:00–24:00 is round the clock.' });
export type Shift = z.infer<typeof Shift>;

/** `PUT /api/teams/:id/shift`: a team's new working hours. */
export const TeamShiftChange = z.object({ shift: Shift }).strict();
export type TeamShiftChange = z.infer<typeof TeamShiftChange>;

/**
 * A team's working hours as admins keep them (`GET /api/teams/shifts`): the shift in force, the
 * roster's default it replaces, and who set it when; `edited` is null while the default holds.
 */
export const TeamShiftView = z.object({
  teamId: z.string(),
  shift: Shift,
  defaultShift: Shift,
  edited: z.object({ by: z.string(), at: IsoTimestamp }).nullable(),
});
export type TeamShiftView = z.infer<typeof TeamShiftView>;

/** A field team (城管执法中队, 环卫班组, 市政养护队, …) that handles cases of some categories. */
export const Team = z.object({
  id: z.string(),
  name: LocalizedName,
  department: z.string(),
  /** The unit responsible it is a crew of: its department's code, or a town's code for a town's own crew. */
  unitCode: z.string(),
  baseId: z.string(),
  townCode: z.string(),
  categories: z.array(z.string()),
  members: z.number().int().positive(),
  /** Working hours; outside them a free team is off duty. */
  shift: Shift,
  status: TeamStatus,
  position: TeamPosition.nullable(),
  /** Open cases dispatched to it (dispatched or being handled), in `GET /api/teams`. */
  workload: z.number().int().nonnegative().optional(),
});
export type Team = z.infer<typeof Team>;

/**
 * `GET /api/teams/:id/track`: where a team has been, oldest first, as compact rows
 * `[lon, lat, epoch ms, status]` (a point when it moved or changed status, at least once a minute
 * while it reported). `truncated` when the window held more points than one answer carries.
 */
export const TeamTrack = z.object({
  teamId: z.string(),
  since: IsoTimestamp,
  until: IsoTimestamp,
  points: z.array(z.tuple([z.number(), z.number(), z.number(), TeamStatus])),
  truncated: z.boolean(),
});
export type TeamTrack = z.infer<typeof TeamTrack>;

/** Query of `GET /api/teams/:id/track`: a window of at most 7 days; by default the last 2 hours. */
export const TeamTrackQuery = z
  .object({ since: IsoTimestamp.optional(), until: IsoTimestamp.optional() })
  .strict();
export type TeamTrackQuery = z.infer<typeof TeamTrackQuery>;
