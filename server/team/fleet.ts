import { around } from 'geokdbush';
import type { Team, TeamPositionsMessage, TeamStatus } from '../../shared/index.js';
import type { SeededRandom } from '../seededRandom.js';
import { OFF_ROAD_MPS } from '../dispatch/candidates.js';
import { metresBetween, nearestNode, type RoadGraph } from '../dispatch/roadGraph.js';
import { pathToTarget, travelTimesTo } from '../dispatch/travelTimes.js';

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
  /** While on site: simulated seconds left there. */
  onSiteLeft: number;
}

/** What happened to a unit in a step, for the simulator to act on. */
export type FleetEvent = { kind: 'arrived'; teamId: string; caseId: string } | { kind: 'patrol_done'; teamId: string };

/** The drive from a point to another over the road network (one reversed search from the destination). */
export function driveBetween(g: RoadGraph, from: { lon: number; lat: number }, to: { lon: number; lat: number }): Drive | null {
  const start = nearestNode(g, from.lon, from.lat).node;
  const end = nearestNode(g, to.lon, to.lat).node;
  const times = travelTimesTo(g, end);
  if (!Number.isFinite(times.seconds[start]!)) return null;
  const nodes = pathToTarget(times, start);
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
    d.atSeconds[k + 1] = onto + times.seconds[start]! - times.seconds[node]!;
  });
  d.lon[n - 1] = to.lon;
  d.lat[n - 1] = to.lat;
  d.atSeconds[n - 1] = d.atSeconds[n - 2]! + metresBetween(g.lon[end]!, g.lat[end]!, to.lon, to.lat) / OFF_ROAD_MPS;
  return d;
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
 */
export class Fleet {
  private readonly units: Unit[];
  private readonly byId: Map<string, Unit>;

  constructor(
    private readonly g: RoadGraph,
    teams: readonly Team[],
  ) {
    this.units = teams.map((team) => ({
      team,
      lon: team.position!.lon,
      lat: team.position!.lat,
      status: 'available' as TeamStatus,
      caseId: null,
      drive: null,
      driven: 0,
      onSiteLeft: 0,
    }));
    this.byId = new Map(this.units.map((u) => [u.team.id, u]));
  }

  /** The teams with their current position and status (what dispatch ranks). */
  teams(at: number): Team[] {
    return this.units.map((u) => ({ ...u.team, status: u.status, position: { lon: u.lon, lat: u.lat, at: new Date(at).toISOString() } }));
  }

  message(at: number): TeamPositionsMessage {
    return {
      at: new Date(at).toISOString(),
      teams: this.units.map((u) => [u.team.id, Math.round(u.lon * 1e6) / 1e6, Math.round(u.lat * 1e6) / 1e6, u.status, u.caseId]),
    };
  }

  has(teamId: string): boolean {
    return this.byId.has(teamId);
  }

  caseOf(teamId: string): string | null {
    return this.byId.get(teamId)?.caseId ?? null;
  }

  /** A position reported by a GPS gateway; a known team only. */
  report(teamId: string, lon: number, lat: number, status?: TeamStatus): boolean {
    const u = this.byId.get(teamId);
    if (!u) return false;
    u.lon = lon;
    u.lat = lat;
    if (status) u.status = status;
    u.drive = null;
    return true;
  }

  /** Sends a team to a case: it drives there over the roads. */
  sendTo(teamId: string, caseId: string, lon: number, lat: number): void {
    const u = this.byId.get(teamId);
    if (!u) return;
    u.caseId = caseId;
    u.status = 'en_route';
    u.drive = driveBetween(this.g, u, { lon, lat });
    u.driven = 0;
  }

  /** Keeps a team on site for a while. */
  stayOnSite(teamId: string, seconds: number): void {
    const u = this.byId.get(teamId);
    if (!u) return;
    u.status = 'on_site';
    u.onSiteLeft = seconds;
    u.drive = null;
  }

  /** The team is free again (task done, or taken from it). */
  release(teamId: string): void {
    const u = this.byId.get(teamId);
    if (!u) return;
    u.status = 'available';
    u.caseId = null;
    u.drive = null;
    u.onSiteLeft = 0;
  }

  /** A free team patrols: to a random crossing within about 2 km of its base. */
  patrol(teamId: string, rng: SeededRandom): void {
    const u = this.byId.get(teamId);
    if (!u || u.status !== 'available') return;
    const base = u.team.position!;
    const near = around(this.g.index, base.lon, base.lat, 60, 2, (n) => this.g.connected[n] === 1);
    if (near.length === 0) return;
    const n = near[rng.int(0, near.length - 1)]!;
    u.drive = driveBetween(this.g, u, { lon: this.g.lon[n]!, lat: this.g.lat[n]! });
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
