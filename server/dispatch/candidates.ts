import FlatQueue from 'flatqueue';
import type { Candidate, Team } from '../../shared/index.js';
import { metresBetween, nearestNode, type EdgeTimes, type RoadGraph } from './roadGraph.js';
import { pathToTarget, travelTimesTo, type TravelTimesTo } from './travelTimes.js';

export interface CandidateOptions {
  /** How many to return. */
  limit?: number;
  /**
   * @deprecated Ignored. It was a straight-line cut (only the nearest this many teams were routed),
   * which could drop the team that is fastest by road; the straight line is now only a lower bound
   * that decides when a team must be looked at, and never changes the result.
   */
  prefilter?: number;
  /** Teams not to rank whatever their ETA: those that sent this case back (退回). */
  passOver?: ReadonlySet<string>;
  /** Edge times at live road speeds (roadGraph.edgeTimesAt, traffic/roadSpeeds.ts); free-flow by default. */
  times?: EdgeTimes;
  /** Filled in when given: how much work the ranking did (for tests and the bench). */
  stats?: RankStats;
}

export interface RankStats {
  /** Nodes the search settled before it stopped. */
  settled: number;
  /** Teams snapped to the network (the others were never needed). */
  snapped: number;
}

/** Off the network (from a team's position to the road, from the road to the case): on foot or slowly, 5 m/s. */
export const OFF_ROAD_MPS = 5;

/**
 * A straight line, even at the fastest speed anywhere, takes at least this share of its length
 * over that speed: margin for the equirectangular distance not being exactly a metric.
 */
const STRAIGHT_SLACK = 0.99;

/**
 * Ranks the available teams that handle a category by estimated travel time over the road network
 * (at live speeds when given), the fewest open tasks first among equal times, then in the order
 * given. The result is exactly that of routing every able team separately
 * (tests/unit/dispatch.test.ts), but costs one search from the case that stops early:
 *
 * - the search runs from the case over the reversed graph and meets the teams in order of their time
 *   by road; it stops as soon as no team it has not met can still make the first `limit` (every
 *   unmet team is at a node not yet settled, so it is at least the search's frontier away, plus the
 *   off-road legs), and not before: ties with the `limit`-th are all met;
 * - teams are snapped to the network only when the search could reach them: a team's straight-line
 *   distance at the fastest speed on any road is a lower bound on its time, so one whose bound is
 *   beyond the frontier is looked at later, or never.
 *
 * Pure: teams, positions, workload and speeds are passed in.
 */
export function rankCandidates(
  g: RoadGraph,
  at: { lon: number; lat: number; categoryCode: string },
  teams: readonly Team[],
  workloadOf: (teamId: string) => number,
  { limit = 5, times, stats, passOver }: CandidateOptions = {},
): Candidate[] {
  if (limit <= 0) return [];
  const able: Team[] = [];
  const byStraight = new FlatQueue<number>();
  for (const t of teams) {
    if (t.status !== 'available' || !t.position || !t.categories.includes(at.categoryCode) || passOver?.has(t.id)) continue;
    byStraight.push(able.length, metresBetween(t.position.lon, t.position.lat, at.lon, at.lat));
    able.push(t);
  }
  if (able.length === 0) return [];
  const end = nearestNode(g, at.lon, at.lat);
  const endSeconds = end.metres / OFF_ROAD_MPS;
  const fastest = Math.max((times ?? g.freeFlow).maxMps, OFF_ROAD_MPS);

  // Snapped teams: their node and off-road metres; those at nodes not settled yet are chained there.
  const nodeOf = new Int32Array(able.length);
  const offRoad = new Float64Array(able.length);
  const headAt = new Int32Array(g.nodeCount).fill(-1);
  const nextAt = new Int32Array(able.length);
  /** Teams met (their node settled), with their rounded ETA: the ranking's key. */
  const met: { k: number; eta: number; workload: number }[] = [];
  /** The `limit` smallest ETAs met so far, ascending. */
  const best: number[] = [];
  let snapped = 0;

  const meet = (k: number, seconds: number) => {
    const eta = Math.round(seconds + (offRoad[k]! + end.metres) / OFF_ROAD_MPS);
    met.push({ k, eta, workload: workloadOf(able[k]!.id) });
    if (best.length < limit || eta < best[best.length - 1]!) {
      let i = best.length;
      while (i > 0 && best[i - 1]! > eta) i--;
      best.splice(i, 0, eta);
      if (best.length > limit) best.pop();
    }
  };
  /** Snaps every team not snapped yet whose straight-line bound is within `bound` seconds. */
  const snapUpTo = (bound: number, search: TravelTimesTo) => {
    while (byStraight.length > 0 && (byStraight.peekValue()! * STRAIGHT_SLACK) / fastest <= bound) {
      const k = byStraight.pop()!;
      snapped++;
      const { lon, lat } = able[k]!.position!;
      const start = nearestNode(g, lon, lat);
      nodeOf[k] = start.node;
      offRoad[k] = start.metres;
      if (search.settled[start.node]) meet(k, search.seconds[start.node]!);
      else {
        nextAt[k] = headAt[start.node]!;
        headAt[start.node] = k;
      }
    }
  };

  let stopped = false;
  let settled = 0;
  const search = travelTimesTo(g, end.node, {
    times,
    until: (node, seconds, s) => {
      // Nobody is nearer than the frontier plus the leg off the road at the case.
      const frontier = seconds + endSeconds;
      settled++;
      snapUpTo(frontier, s);
      for (let k = headAt[node]!; k !== -1; k = nextAt[k]!) meet(k, seconds);
      // Every team not met is at least `frontier` away (by road, or by its straight-line bound):
      // once even that rounds above the limit-th ETA, nobody else can enter the first `limit`, nor tie.
      stopped = met.length === able.length || (best.length === limit && Math.round(frontier) > best[limit - 1]!);
      return stopped;
    },
  });
  // The search ran out of nodes: teams still far by the straight line are met now, where reachable.
  if (!stopped) snapUpTo(Infinity, search);
  if (stats) Object.assign(stats, { settled, snapped });

  return met
    .sort((a, b) => a.eta - b.eta || a.workload - b.workload || a.k - b.k)
    .slice(0, limit)
    .map(({ k, eta, workload }) => {
      const team = able[k]!;
      const { lon, lat } = team.position!;
      const path = pathToTarget(search, nodeOf[k]!);
      return {
        teamId: team.id,
        unitCode: team.unitCode,
        teamName: team.name,
        etaSeconds: eta,
        distanceMeters: Math.round(search.metres[nodeOf[k]!]! + offRoad[k]! + end.metres),
        workload,
        route: {
          type: 'LineString',
          coordinates: [[lon, lat], ...path.map((n) => [g.lon[n]!, g.lat[n]!] as [number, number]), [at.lon, at.lat]],
        },
      };
    });
}
