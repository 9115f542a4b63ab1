import { z } from 'zod';
import { Username } from './auth.js';
import { IsoTimestamp, Latitude, Longitude, SingleLineText } from './common.js';
import { TeamStatus, TeamTrackQuery } from './team.js';

/**
 * Who reports positions and keeps a track (轨迹): a field team (its crew's phone or the vehicle's GPS
 * gateway) or an inspector (监督员, the 城管通 phone). One id space for both, so that a gateway posts
 * teams and inspectors in one batch and the coverage work reads every track alike.
 */
export const TrackerKind = z.enum(['team', 'inspector']);
export type TrackerKind = z.infer<typeof TrackerKind>;

export type Tracker = { kind: 'team'; teamId: string } | { kind: 'inspector'; username: string };

const INSPECTOR_PREFIX = 'inspector:';

/**
 * A tracker's id: `inspector:<username>` for an inspector, anything else is a team's id (`team-7`,
 * `team-7-2`). Teams are not matched by pattern here: a city's roster names its own teams, and a
 * well-formed id of no team is 422 `unknown_team`, not a malformed request.
 */
export const TrackerId = SingleLineText.min(1)
  .max(64)
  .refine((id) => !id.startsWith(INSPECTOR_PREFIX) || Username.safeParse(id.slice(INSPECTOR_PREFIX.length)).success, {
    message: 'an inspector is named inspector:<username>',
  });

/** The tracker an id names, or null when it is not a well-formed tracker id. */
export function trackerOf(id: string): Tracker | null {
  if (!TrackerId.safeParse(id).success) return null;
  return id.startsWith(INSPECTOR_PREFIX) ? { kind: 'inspector', username: id.slice(INSPECTOR_PREFIX.length) } : { kind: 'team', teamId: id };
}

/** The id of a tracker (the inverse of `trackerOf`). */
export function trackerIdOf(t: Tracker): string {
  return t.kind === 'team' ? t.teamId : `${INSPECTOR_PREFIX}${t.username}`;
}

/**
 * One position fix. `at` is when the device took it (by default when it arrives); a gateway or a
 * phone that was offline sends what it buffered. `status` is a team's (an inspector's phone may send
 * `off_duty` when its inspector goes off duty).
 */
export const TrackerPosition = z
  .object({ trackerId: TrackerId, lon: Longitude, lat: Latitude, at: IsoTimestamp.optional(), status: TeamStatus.optional() })
  .strict();
export type TrackerPosition = z.infer<typeof TrackerPosition>;

/** `POST /api/trackers/positions`: one to 1,000 fixes of any trackers the reporter may report. */
export const TrackerPositionReport = z.object({ positions: z.array(TrackerPosition).min(1).max(1000) }).strict();
export type TrackerPositionReport = z.infer<typeof TrackerPositionReport>;

/** A tracker where it was last heard from: `status` is a team's, null for an inspector that sent none. */
export const TrackerView = z.object({
  trackerId: z.string(),
  kind: TrackerKind,
  lon: Longitude,
  lat: Latitude,
  at: IsoTimestamp,
  status: TeamStatus.nullable(),
});
export type TrackerView = z.infer<typeof TrackerView>;

/** `GET /api/trackers`: every tracker heard from in the last `minutes`, teams first, then inspectors by name. */
export const TrackerList = z.object({ trackers: z.array(TrackerView) });
export type TrackerList = z.infer<typeof TrackerList>;

/** Query of `GET /api/trackers`: how far back "heard from" reaches, 1 minute to a day; 10 by default. */
export const TrackerListQuery = z.object({ minutes: z.coerce.number().int().min(1).max(1440).default(10) }).strict();
export type TrackerListQuery = z.infer<typeof TrackerListQuery>;

/**
 * `GET /api/trackers/:id/track`: as TeamTrack, compact rows `[lon, lat, epoch ms, status]` oldest
 * first, where an inspector's rows carry a null status (an inspector's track keeps where, not how).
 */
export const TrackerTrack = z.object({
  trackerId: z.string(),
  since: IsoTimestamp,
  until: IsoTimestamp,
  points: z.array(z.tuple([z.number(), z.number(), z.number(), TeamStatus.nullable()])),
  truncated: z.boolean(),
});
export type TrackerTrack = z.infer<typeof TrackerTrack>;

/** Query of `GET /api/trackers/:id/track`: the same window as a team's track. */
export const TrackerTrackQuery = TeamTrackQuery;
export type TrackerTrackQuery = TeamTrackQuery;
