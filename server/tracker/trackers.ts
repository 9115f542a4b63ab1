import { trackerIdOf, trackerOf, type TeamStatus, type Tracker, type TrackerList, type TrackerTrack, type TrackerView } from '../../shared/index.js';
import { Refusal } from '../refusal.js';
import type { InspectorTrackPoint, Store, TrackPoint } from '../store/store.js';
import { GPS_SILENT_MS, type Fleet } from '../team/fleet.js';
import type { TrackRecorder } from '../team/teamTrack.js';
import { mayReport, type Reporter } from './trackerAccess.js';
import { DEFAULT_SAMPLING, fixesWorthKeeping, type TrackSampling } from './trackSampling.js';
import { MAX_TRACK_POINTS, trackWindow } from './trackWindow.js';

/** One fix as a reporter sent it: `at` in epoch ms, absent when the fix is as old as its request. */
export interface ReportedFix {
  tracker: Tracker;
  lon: number;
  lat: number;
  at?: number;
  status?: TeamStatus;
}

export interface TrackerServiceDeps {
  /** Teams' live positions: a team's fixes move it there as a gateway's always have (Fleet.report). */
  fleet: Pick<Fleet, 'has' | 'report' | 'teams' | 'statusAt'>;
  /** Teams' tracks, shared with the fleet's ticks so that both judge from the same last point. */
  teamTracks: Pick<TrackRecorder, 'recordReported' | 'track' | 'prune'>;
  /** Inspectors' tracks, and the accounts that say who is an inspector. */
  store: { inspectors: Store['inspectors']; auth: Pick<Store['auth'], 'userByName'> };
  /** Whether a point is in or near the city (outside it a fix is a broken GPS or a test, not a position). */
  isNearCity(lon: number, lat: number): boolean;
  now(): number;
  sampling?: TrackSampling;
  /** Hears every accepted fix once it is stored, oldest first (the patrol coverage walks them). */
  onFixes?(fixes: readonly { trackerId: string; lon: number; lat: number; at: number }[]): void;
}

/** A device's clock may run a little fast: a fix up to this far ahead is taken as now; further, refused. */
export const MAX_AHEAD_MS = 60_000;
/**
 * A fix older than this fills in its tracker's track but no longer moves the live position: the
 * fleet would call a team that had sent nothing newer offline by then (GPS_SILENT_MS), and a map
 * should not show an inspector where they were a quarter of an hour ago as where they are.
 */
export const LIVE_MAX_AGE_MS = GPS_SILENT_MS;
/** How long an inspector account, once found, is taken as active without asking the store again. */
const KNOWN_INSPECTOR_MS = 60_000;

interface InspectorFix extends InspectorTrackPoint {
  status: TeamStatus | null;
}

const unique = (ids: Iterable<string>) => [...new Set(ids)];

/**
 * Trackers (定位终端): teams and inspectors report positions alike (`POST /api/trackers/positions`),
 * and each keeps a live position and a track.
 *
 * - A team's live position is the fleet's (server/team/fleet.ts), the one dispatch ranks from; its
 *   fixes also go to its track, dated when it was there, sampled with the fleet's ticks (TrackRecorder).
 * - An inspector's live position is kept here, in memory (the newest fix of the last minutes: after a
 *   restart an inspector is on the map again with the next fix), and its track in the store.
 *
 * A report is all or nothing: every fix is checked (time, who may report it, known tracker, in the
 * city) before any is applied, so a refused report changes nothing.
 */
export class TrackerService {
  private readonly inspectorsLive = new Map<string, InspectorFix>();
  /** Each inspector's last kept track point, to sample the next fixes from (as TrackRecorder does for teams). */
  private readonly inspectorsLast = new Map<string, InspectorFix>();
  /** Active inspectors found in the store, until when they are taken as known. */
  private readonly knownInspectors = new Map<string, number>();
  private readonly sampling: TrackSampling;

  constructor(private readonly deps: TrackerServiceDeps) {
    this.sampling = deps.sampling ?? DEFAULT_SAMPLING;
  }

  /** Applies a report (see the class comment); returns how many track points it kept. */
  async report(reporter: Reporter, fixes: readonly ReportedFix[]): Promise<{ kept: number }> {
    const now = this.deps.now();
    await this.check(reporter, fixes, now);

    // A fix without a time is as old as its request; one a little ahead (a fast clock) is now.
    const dated = fixes.map((f) => ({ ...f, at: Math.min(f.at ?? now, now) })).sort((a, b) => a.at - b.at);
    const live = dated.filter((f) => now - f.at <= LIVE_MAX_AGE_MS);

    // The tracks first: if the store refuses, nothing live has moved and the reporter may send it again
    // (a re-sent fix replaces its own point, same tracker and millisecond).
    const teamPoints: TrackPoint[] = [];
    const reportedStatus = new Map<string, TeamStatus>();
    const inspectorFixes = new Map<string, InspectorFix[]>();
    for (const f of dated) {
      if (f.tracker.kind === 'team') {
        const { teamId } = f.tracker;
        // A reported status holds for the fixes after it (as the fleet keeps it); otherwise the team's status then.
        if (f.status) reportedStatus.set(teamId, f.status);
        const status = f.status ?? reportedStatus.get(teamId) ?? this.deps.fleet.statusAt(teamId, f.at, true)!;
        teamPoints.push({ teamId, at: f.at, lon: f.lon, lat: f.lat, status });
      } else {
        const { username } = f.tracker;
        const mine = inspectorFixes.get(username) ?? [];
        // An inspector's status is not on the track (the table keeps where, not how): only moves and time count.
        mine.push({ username, at: f.at, lon: f.lon, lat: f.lat, status: null });
        inspectorFixes.set(username, mine);
      }
    }
    const inspectorPoints: InspectorTrackPoint[] = [];
    const inspectorLasts = new Map<string, InspectorFix>();
    for (const [username, mine] of inspectorFixes) {
      const sampled = fixesWorthKeeping(mine, this.inspectorsLast.get(username), this.sampling);
      for (const p of sampled.kept) inspectorPoints.push({ username: p.username, at: p.at, lon: p.lon, lat: p.lat });
      if (sampled.last) inspectorLasts.set(username, sampled.last);
    }
    const keptTeams = teamPoints.length > 0 ? await this.deps.teamTracks.recordReported(teamPoints) : 0;
    if (inspectorPoints.length > 0) await this.deps.store.inspectors.appendTrack(inspectorPoints);
    for (const [username, p] of inspectorLasts) {
      if (p.at >= (this.inspectorsLast.get(username)?.at ?? -Infinity)) this.inspectorsLast.set(username, p);
    }

    // Then where they are now: the newest recent fix of each, oldest first so the newest stays.
    for (const f of live) {
      if (f.tracker.kind === 'team') {
        this.deps.fleet.report(f.tracker.teamId, f.lon, f.lat, f.status, f.at);
        continue;
      }
      const { username } = f.tracker;
      const was = this.inspectorsLive.get(username);
      // An older fix arriving late is history, not where the inspector is; a status holds until another comes.
      if (was && f.at < was.at) continue;
      this.inspectorsLive.set(username, { username, at: f.at, lon: f.lon, lat: f.lat, status: f.status ?? was?.status ?? null });
    }
    this.deps.onFixes?.(dated.map((f) => ({ trackerId: f.tracker.kind === 'team' ? f.tracker.teamId : `inspector:${f.tracker.username}`, lon: f.lon, lat: f.lat, at: f.at })));
    return { kept: keptTeams + inspectorPoints.length };
  }

  /** Every tracker heard from in the last `minutes`: teams in the fleet's order, then inspectors by name. */
  list(minutes: number): TrackerList {
    const now = this.deps.now();
    const since = now - minutes * 60_000;
    const trackers: TrackerView[] = [];
    // A team never reported is where the simulator (or its base) has it now: the fleet dates that now.
    for (const t of this.deps.fleet.teams(now)) {
      if (!t.position || Date.parse(t.position.at) < since) continue;
      trackers.push({ trackerId: t.id, kind: 'team', lon: t.position.lon, lat: t.position.lat, at: t.position.at, status: t.status });
    }
    const inspectors = [...this.inspectorsLive.values()].filter((f) => f.at >= since).sort((a, b) => (a.username < b.username ? -1 : 1));
    for (const f of inspectors) {
      trackers.push({ trackerId: trackerIdOf({ kind: 'inspector', username: f.username }), kind: 'inspector', lon: f.lon, lat: f.lat, at: new Date(f.at).toISOString(), status: f.status });
    }
    return { trackers };
  }

  /** A tracker's track in a window (trackWindow); 404 for an id that names no team and no inspector. */
  async track(trackerId: string, q: { since?: string; until?: string }): Promise<TrackerTrack> {
    const tracker = trackerOf(trackerId);
    const unknown = () => new Refusal(404, 'not_found', `No team or inspector is tracked as ${trackerId}.`);
    if (!tracker) throw unknown();
    if (tracker.kind === 'team' && !this.deps.fleet.has(tracker.teamId)) throw unknown();
    // A disabled inspector's track stays readable until it is pruned: where they went is still history.
    if (tracker.kind === 'inspector' && (await this.deps.store.auth.userByName(tracker.username))?.role !== 'inspector') throw unknown();
    const { since, until } = trackWindow(q, this.deps.now());
    const points: TrackerTrack['points'] =
      tracker.kind === 'team'
        ? (await this.deps.teamTracks.track(tracker.teamId, since, until, MAX_TRACK_POINTS + 1)).map((p) => [p.lon, p.lat, p.at, p.status])
        : (await this.deps.store.inspectors.track(tracker.username, since, until, MAX_TRACK_POINTS + 1)).map((p) => [p.lon, p.lat, p.at, null]);
    return {
      trackerId,
      since: new Date(since).toISOString(),
      until: new Date(until).toISOString(),
      points: points.slice(0, MAX_TRACK_POINTS),
      truncated: points.length > MAX_TRACK_POINTS,
    };
  }

  /** Drops every team's and inspector's track point older than `beforeMs` (the retention); returns how many. */
  async prune(beforeMs: number): Promise<number> {
    return (await this.deps.teamTracks.prune(beforeMs)) + (await this.deps.store.inspectors.pruneTracks(beforeMs));
  }

  /** Refuses the whole report on its first fault, most basic first: time, then who may, then what is known, then where. */
  private async check(reporter: Reporter, fixes: readonly ReportedFix[], now: number): Promise<void> {
    const ahead = fixes.filter((f) => f.at !== undefined && f.at > now + MAX_AHEAD_MS);
    if (ahead.length > 0) {
      throw new Refusal(400, 'at_in_future', 'A fix is dated more than a minute ahead of the server\'s clock.', {
        trackerIds: unique(ahead.map((f) => trackerIdOf(f.tracker))),
        serverTime: new Date(now).toISOString(),
      });
    }
    const refused = unique(fixes.filter((f) => !mayReport(reporter, f.tracker)).map((f) => trackerIdOf(f.tracker)));
    if (refused.length > 0) {
      throw new Refusal(403, 'not_your_tracker', 'An inspector reports only itself, a field account only its own team; a gateway\'s token reports any.', { refused });
    }
    const unknownTeams = unique(fixes.flatMap((f) => (f.tracker.kind === 'team' && !this.deps.fleet.has(f.tracker.teamId) ? [f.tracker.teamId] : [])));
    if (unknownTeams.length > 0) throw new Refusal(422, 'unknown_team', 'Some teams are unknown.', { unknown: unknownTeams });
    const usernames = unique(fixes.flatMap((f) => (f.tracker.kind === 'inspector' ? [f.tracker.username] : [])));
    const unknownInspectors: string[] = [];
    for (const username of usernames) if (!(await this.isActiveInspector(username, now))) unknownInspectors.push(`inspector:${username}`);
    if (unknownInspectors.length > 0) {
      throw new Refusal(422, 'unknown_tracker', 'Some inspectors are unknown (no active inspector account of that name).', { unknown: unknownInspectors });
    }
    const outside = fixes.flatMap((f, index) => (this.deps.isNearCity(f.lon, f.lat) ? [] : [index]));
    if (outside.length > 0) {
      throw new Refusal(422, 'outside_city', 'Some fixes lie outside the city (more than 2 km beyond its extent).', { indexes: outside });
    }
  }

  /**
   * Whether an active (not disabled) account of the inspector role has this name. Found ones are
   * remembered for a minute, so a phone reporting every few seconds costs no lookups; names not found
   * are not remembered, so a hostile gateway cannot fill the memory with them.
   */
  private async isActiveInspector(username: string, now: number): Promise<boolean> {
    if ((this.knownInspectors.get(username) ?? -Infinity) > now) return true;
    const user = await this.deps.store.auth.userByName(username);
    const active = user !== undefined && user.role === 'inspector' && !user.disabled;
    if (active) this.knownInspectors.set(username, now + KNOWN_INSPECTOR_MS);
    else this.knownInspectors.delete(username);
    return active;
  }
}
