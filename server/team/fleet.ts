import { around } from 'geokdbush';
import type { Shift, Team, TeamPositionsMessage, TeamStatus } from '../../shared/index.js';
import type { SeededRandom } from '../seededRandom.js';
import { OFF_ROAD_MPS } from '../dispatch/candidates.js';
import { metresBetween, nearestNode, type EdgeTimes, type RoadGraph } from '../dispatch/roadGraph.js';
import { pathToTarget, travelTimesTo } from '../dispatch/travelTimes.js';
import { LOCAL_OFFSET_MINUTES, onDuty } from '../../shared/workflow/teamShift.js';

/** A drive along the road network: the vertices and the time at which each is reached (s from its start). */
export interface Drive {
  lon: Float64Array;
  lat: Float64Array;
  atSeconds: Float64Array;
}

interface Unit {
  team: Team;
  lon: number;
  lat: number;
  status: TeamStatus;
  caseId: string | null;
  drive: Drive | null;
  /** Seconds driven along `drive`. */
  driven: number;
  /** Where a drive to a case ends, so that it can be planned again on the way. */
  target: { lon: number; lat: number } | null;
  /** Simulated seconds until the drive to a case is planned again at the speeds of then. */
  replanIn: number;
  /** While on site: simulated seconds left there. */
  onSiteLeft: number;
  /** When a GPS gateway (or the crew's phone) last reported this team's position; null if never. */
  reportedAt: number | null;
}

export interface FleetOptions {
  /** A team whose GPS reports stop for this long is shown offline (10 minutes by default). */
  gpsSilentMs?: number;
  /** Local time for shifts, minutes east of UTC (UTC+8 by default). */
  utcOffsetMinutes?: number;
  /** Edge times at the live road speeds of now (traffic/roadSpeeds.ts), for every drive; free-flow without. */
  roadTimes?: () => EdgeTimes | undefined;
  /**
   * How often (simulated seconds) a drive to a case is planned again from where the team has got to,
   * at the speeds of then, as a crew's navigation would; 0 never. Two minutes by default.
   */
  replanSeconds?: number;
}

/** A team whose reports stop for this long is offline. */
export const GPS_SILENT_MS = 10 * 60_000;
/** An off-duty team this close to its base stays put. */
const AT_BASE_METRES = 50;

/** A crew's navigation looks again about this often (simulated seconds). */
export const REPLAN_SECONDS = 120;

/** What happened to a unit in a step, for the simulator to act on. */
export type FleetEvent = { kind: 'arrived'; teamId: string; caseId: string } | { kind: 'patrol_done'; teamId: string };

/**
 * The drive from a point to another over the road network: one reversed search from the destination,
 * stopped once it reaches the start, at the edge times given (live road speeds as the drive sets
 * off; free-flow when none are given).
 */
export function driveBetween(g: RoadGraph, from: { lon: number; lat: number }, to: { lon: number; lat: number }, times?: EdgeTimes): Drive | null {
  const start = nearestNode(g, from.lon, from.lat).node;
  const end = nearestNode(g, to.lon, to.lat).node;
  const search = travelTimesTo(g, end, { times, until: (n) => n === start });
  if (!search.settled[start] || !Number.isFinite(search.seconds[start]!)) return null;
  const nodes = pathToTarget(search, start);
  const n = nodes.length + 2;
  const d: Drive = { lon: new Float64Array(n), lat: new Float64Array(n), atSeconds: new Float64Array(n) };
  d.lon[0] = from.lon;
  d.lat[0] = from.lat;
  // Onto the road and off it again at the off-road pace the ETAs assume.
  const onto = metresBetween(from.lon, from.lat, g.lon[start]!, g.lat[start]!) / OFF_ROAD_MPS;
  nodes.forEach((node, k) => {
    d.lon[k + 1] = g.lon[node]!;
    d.lat[k + 1] = g.lat[node]!;
    // Time so far: what is left from the start minus what is left from here.
    d.atSeconds[k + 1] = onto + search.seconds[start]! - search.seconds[node]!;
  });
  d.lon[n - 1] = to.lon;
  d.lat[n - 1] = to.lat;
  d.atSeconds[n - 1] = d.atSeconds[n - 2]! + metresBetween(g.lon[end]!, g.lat[end]!, to.lon, to.lat) / OFF_ROAD_MPS;
  return d;
}

/**
 * The drive from `seconds` into `d` on, planned again at `times`: the stretch to the next vertex is
 * kept (a crew does not turn round in the middle of a block), and from that vertex the fastest way at
 * the new speeds follows. Null when `d` is already done or no road leads on.
 */
export function replannedDrive(g: RoadGraph, d: Drive, seconds: number, to: { lon: number; lat: number }, times?: EdgeTimes): Drive | null {
  const last = d.atSeconds.length - 1;
  if (seconds >= d.atSeconds[last]!) return null;
  let k = 1;
  while (d.atSeconds[k]! < seconds) k++;
  const here = positionAlong(d, seconds);
  const ahead = { lon: d.lon[k]!, lat: d.lat[k]! };
  const toAhead = d.atSeconds[k]! - seconds;
  const rest = k === last ? null : driveBetween(g, ahead, to, times);
  if (k !== last && !rest) return null;
  const n = 1 + (rest ? rest.lon.length : 1);
  const out: Drive = { lon: new Float64Array(n), lat: new Float64Array(n), atSeconds: new Float64Array(n) };
  out.lon[0] = here.lon;
  out.lat[0] = here.lat;
  if (!rest) {
    out.lon[1] = ahead.lon;
    out.lat[1] = ahead.lat;
    out.atSeconds[1] = toAhead;
    return out;
  }
  // `rest` starts at `ahead` itself, so its first vertex is the kept stretch's end.
  for (let j = 0; j < rest.lon.length; j++) {
    out.lon[j + 1] = rest.lon[j]!;
    out.lat[j + 1] = rest.lat[j]!;
    out.atSeconds[j + 1] = toAhead + rest.atSeconds[j]!;
  }
  return out;
}

/** Where a drive has got to after `seconds`. */
export function positionAlong(d: Drive, seconds: number): { lon: number; lat: number; done: boolean } {
  const last = d.atSeconds.length - 1;
  if (seconds >= d.atSeconds[last]!) return { lon: d.lon[last]!, lat: d.lat[last]!, done: true };
  let k = 1;
  while (d.atSeconds[k]! < seconds) k++;
  const span = d.atSeconds[k]! - d.atSeconds[k - 1]!;
  const f = span > 0 ? (seconds - d.atSeconds[k - 1]!) / span : 1;
  return { lon: d.lon[k - 1]! + (d.lon[k]! - d.lon[k - 1]!) * f, lat: d.lat[k - 1]! + (d.lat[k]! - d.lat[k - 1]!) * f, done: false };
}

/**
 * The field teams as they are now: position, status and the case they are on, moved along the road
 * network at the roads' speeds. Pure state and movement; the simulator (or a GPS gateway) drives it.
 *
 * Status at an instant (`statusAt`): a team on a case is `en_route` or `on_site` whatever the hour
 * (it finishes the case first); a free team is `available` within its shift and `off_duty` outside
 * it, and available again the moment its shift starts; a team whose GPS reports have stopped for
 * `gpsSilentMs` is `offline` until it reports again. A status a gateway reports explicitly
 * (`off_duty`, `offline`) holds until it reports another.
 */
export class Fleet {
  private readonly units: Unit[];
  private readonly byId: Map<string, Unit>;
  private readonly gpsSilentMs: number;
  private readonly utcOffsetMinutes: number;
  private readonly roadTimes: () => EdgeTimes | undefined;
  private readonly replanSeconds: number;

  constructor(
    private readonly g: RoadGraph,
    teams: readonly Team[],
    options: FleetOptions = {},
  ) {
    this.gpsSilentMs = options.gpsSilentMs ?? GPS_SILENT_MS;
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? LOCAL_OFFSET_MINUTES;
    this.roadTimes = options.roadTimes ?? (() => undefined);
    this.replanSeconds = options.replanSeconds ?? REPLAN_SECONDS;
    this.units = teams.map((team) => ({
      team,
      lon: team.position!.lon,
      lat: team.position!.lat,
      status: 'available' as TeamStatus,
      caseId: null,
      drive: null,
      driven: 0,
      target: null,
      replanIn: 0,
      onSiteLeft: 0,
      reportedAt: null,
    }));
    this.byId = new Map(this.units.map((u) => [u.team.id, u]));
  }

  private statusOf(u: Unit, at: number, reporting = false): TeamStatus {
    if (!reporting && u.reportedAt !== null && at - u.reportedAt > this.gpsSilentMs) return 'offline';
    if (u.status === 'available' && !onDuty(u.team.shift, at, this.utcOffsetMinutes)) return 'off_duty';
    return u.status;
  }

  /**
   * A team's status at an instant (see the class comment); undefined for an unknown team. `reporting`:
   * the team sent a fix from that instant (a late one, from a gateway's buffer), so it was not silent
   * then, whatever the fleet has heard since: never `offline`.
   */
  statusAt(teamId: string, at: number, reporting = false): TeamStatus | undefined {
    const u = this.byId.get(teamId);
    return u && this.statusOf(u, at, reporting);
  }

  /** The teams with their shift, position and status at `at` (what dispatch ranks: only `available` ones). */
  teams(at: number): Team[] {
    return this.units.map((u) => ({
      ...u.team,
      status: this.statusOf(u, at),
      // A reported position is as old as its report; a simulated one is where the team is now.
      position: { lon: u.lon, lat: u.lat, at: new Date(u.reportedAt ?? at).toISOString() },
    }));
  }

  message(at: number): TeamPositionsMessage {
    return {
      at: new Date(at).toISOString(),
      teams: this.units.map((u) => [u.team.id, Math.round(u.lon * 1e6) / 1e6, Math.round(u.lat * 1e6) / 1e6, this.statusOf(u, at), u.caseId]),
    };
  }

  has(teamId: string): boolean {
    return this.byId.has(teamId);
  }

  /** Where a team is now; null for an unknown team. */
  positionOf(teamId: string): { lon: number; lat: number } | null {
    const u = this.byId.get(teamId);
    return u ? { lon: u.lon, lat: u.lat } : null;
  }

  caseOf(teamId: string): string | null {
    return this.byId.get(teamId)?.caseId ?? null;
  }

  /**
   * The teams working on a case (sent to it or on site), without copying every team: one, or for a
   * moment two when it has just been given to another team.
   */
  teamsOnCase(caseId: string): string[] {
    const ids: string[] = [];
    for (const u of this.units) if (u.caseId === caseId) ids.push(u.team.id);
    return ids;
  }

  /**
   * A position reported by a GPS gateway at `at`; a known team only. From then on the team is
   * offline whenever its reports stop for `gpsSilentMs`. A fix older than the last one reported does
   * not move the team back (a gateway's batches may arrive out of order): it is history, not where
   * the team is now; it still counts as known.
   */
  report(teamId: string, lon: number, lat: number, status: TeamStatus | undefined, at: number): boolean {
    const u = this.byId.get(teamId);
    if (!u) return false;
    if (u.reportedAt !== null && at < u.reportedAt) return true;
    u.lon = lon;
    u.lat = lat;
    if (status) u.status = status;
    u.drive = null;
    u.reportedAt = Math.max(at, u.reportedAt ?? at);
    return true;
  }

  /**
   * Puts new working hours into force for a team (an admin changed its shift): from the next reading
   * on, a free team outside them is off duty. A team on a case finishes it first, as at a shift's end.
   */
  setShift(teamId: string, shift: Shift): boolean {
    const u = this.byId.get(teamId);
    if (!u) return false;
    u.team = { ...u.team, shift };
    return true;
  }

  /** Sends a team to a case: it drives there over the roads. */
  sendTo(teamId: string, caseId: string, lon: number, lat: number): void {
    const u = this.byId.get(teamId);
    if (!u) return;
    u.caseId = caseId;
    u.status = 'en_route';
    u.drive = driveBetween(this.g, u, { lon, lat }, this.roadTimes());
    u.driven = 0;
    u.target = { lon, lat };
    u.replanIn = this.replanSeconds;
  }

  /** Keeps a team on site for a while. */
  stayOnSite(teamId: string, seconds: number): void {
    const u = this.byId.get(teamId);
    if (!u) return;
    u.status = 'on_site';
    u.onSiteLeft = seconds;
    u.drive = null;
    u.target = null;
  }

  /** The team is free again (task done, or taken from it). */
  release(teamId: string): void {
    const u = this.byId.get(teamId);
    if (!u) return;
    u.status = 'available';
    u.caseId = null;
    u.drive = null;
    u.target = null;
    u.onSiteLeft = 0;
  }

  /**
   * A free team on duty at `at` patrols: to a random crossing within about 2 km of its base. A free
   * team off duty does not patrol: it drives back to its base and stays there.
   */
  patrol(teamId: string, rng: SeededRandom, at: number): void {
    const u = this.byId.get(teamId);
    if (!u || u.status !== 'available') return;
    const base = u.team.position!;
    if (this.statusOf(u, at) !== 'available') {
      if (!u.drive && metresBetween(u.lon, u.lat, base.lon, base.lat) > AT_BASE_METRES) {
        u.drive = driveBetween(this.g, u, base, this.roadTimes());
        u.driven = 0;
        // No road leads back (a scrap of one-way street): it is taken home, not routed every tick.
        if (!u.drive) [u.lon, u.lat] = [base.lon, base.lat];
      }
      return;
    }
    const near = around(this.g.index, base.lon, base.lat, 60, 2, (n) => this.g.connected[n] === 1);
    if (near.length === 0) return;
    const n = near[rng.int(0, near.length - 1)]!;
    u.drive = driveBetween(this.g, u, { lon: this.g.lon[n]!, lat: this.g.lat[n]! }, this.roadTimes());
    u.driven = 0;
  }

  /** Moves every unit on by `seconds` of simulated time. */
  step(seconds: number): FleetEvent[] {
    const events: FleetEvent[] = [];
    for (const u of this.units) {
      if (u.status === 'on_site') {
        u.onSiteLeft -= seconds;
        continue;
      }
      if (!u.drive) {
        if (u.status === 'available') events.push({ kind: 'patrol_done', teamId: u.team.id });
        continue;
      }
      u.driven += seconds;
      if (u.status === 'en_route' && u.target && this.replanSeconds > 0) {
        u.replanIn -= seconds;
        if (u.replanIn <= 0) {
          u.replanIn = this.replanSeconds;
          const again = replannedDrive(this.g, u.drive, u.driven, u.target, this.roadTimes());
          if (again) {
            u.drive = again;
            u.driven = 0;
          }
        }
      }
      const p = positionAlong(u.drive, u.driven);
      u.lon = p.lon;
      u.lat = p.lat;
      if (!p.done) continue;
      u.drive = null;
      if (u.status === 'en_route' && u.caseId) events.push({ kind: 'arrived', teamId: u.team.id, caseId: u.caseId });
      else events.push({ kind: 'patrol_done', teamId: u.team.id });
    }
    return events;
  }

  /** Teams whose time on site is up. */
  doneOnSite(): string[] {
    return this.units.filter((u) => u.status === 'on_site' && u.onSiteLeft <= 0).map((u) => u.team.id);
  }
}
