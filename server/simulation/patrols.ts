import type { RoadClass } from '../../shared/index.js';
import { metresBetween, nearestNode, type RoadGraph } from '../dispatch/roadGraph.js';
import { SeededRandom } from '../seededRandom.js';

/**
 * Simulated inspector patrols (监督员巡查): an inspector on an e-bike rides the roads around the area
 * it answers for, the way real patrols go — mostly along main streets, where most problems are and
 * riding is quick, less into back streets, and hardly at all into the back streets it neglects
 * (each inspector its own, drawn from the seed) — and its phone reports a fix every few seconds. This
 * is what makes the coverage maps meaningful: the blind spots are where patrols rarely go, not where
 * nothing happens. Pure and seeded: the same seed, home and start give the same fixes.
 */

/** How much more often a rider takes a road of each class at a crossing (local streets are the back streets). */
const CLASS_WEIGHT: Record<RoadClass, number> = { expressway: 0, arterial: 4, secondary: 3, local: 1 };
/** An e-bike in town traffic, in m/s (about 15 km/h). */
export const PATROL_SPEED_MPS = 4.2;
/** Seconds between the phone's fixes while patrolling. */
export const PATROL_FIX_SECONDS = 10;
/** A neglected back street is taken this much less often. */
const NEGLECT_FACTOR = 0.05;
/** The share of the back streets (local roads) an inspector neglects. */
const NEGLECTED_SHARE = 0.2;

export interface PatrolArea {
  /** Where the inspector's area is centred (its responsibility grids' centre). */
  lon: number;
  lat: number;
  /** How far from it the inspector rides before turning back, metres. */
  radiusM: number;
}

export interface PatrolFix {
  lon: number;
  lat: number;
  at: number;
}

/**
 * A rider's state on the graph: at `node` having come from `from`, `clock` the time it got there.
 * Callers keep it between calls to go on where the last stretch ended.
 */
export interface PatrolState {
  node: number;
  from: number;
  clock: number;
  /** Metres ridden since the last fix at `node` (so fixes stay evenly spaced across edges). */
  carry: number;
  /** Fixes of the last edge ridden that fall at or after the time the last call stopped at. */
  pending: PatrolFix[];
}

/** The patrol's start at the area's nearest road crossing, at `at`. */
export function startPatrol(g: RoadGraph, area: PatrolArea, at: number): PatrolState {
  return { node: nearestNode(g, area.lon, area.lat).node, from: -1, clock: at, carry: 0, pending: [] };
}

/**
 * Whether a back street (a local road, by its index in the graph's road table) is one this inspector
 * neglects: a seeded hash of the inspector and the road, so it is stable from day to day, as a real
 * rider's habits are. Main streets are never neglected.
 */
export function neglectedStreet(seed: number, inspector: number, road: number): boolean {
  let h = Math.imul(seed ^ 0x9e3779b1, 0x85ebca6b) ^ Math.imul(inspector + 1, 0xc2b2ae35) ^ Math.imul(road + 1, 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 2 ** 32 < NEGLECTED_SHARE;
}

/**
 * Rides on from `state` until `untilMs`, returning the fixes its phone reports before then (one every
 * PATROL_FIX_SECONDS) and the state to go on from. Riding in several calls gives exactly the fixes of
 * one call over the whole time (the last edge's later fixes wait in the state): a live ride and a
 * back-filled one agree. At each crossing the next road is drawn by class
 * weight, never straight back the way it came unless it must, the rider's neglected back streets rarely, and away
 * from the area's centre only while within its radius (outside it, only roads that lead back in count).
 */
export function ridePatrol(
  g: RoadGraph,
  state: PatrolState,
  area: PatrolArea,
  untilMs: number,
  rng: SeededRandom,
  ids: { seed: number; inspector: number },
  /** Seconds between fixes: the route does not depend on it (a back-fill may take fewer fixes of the same ride). */
  fixSeconds = PATROL_FIX_SECONDS,
): { fixes: PatrolFix[]; state: PatrolState; roads: number[] } {
  const fixes: PatrolFix[] = [];
  /** The road (index in the graph's road table) of each stretch ridden, in order. */
  const roads: number[] = [];
  const stepM = PATROL_SPEED_MPS * fixSeconds;
  let { node, from, clock, carry } = state;
  const f = g.forward;
  // A new edge is taken only once the clock has passed every waiting fix, so these come first.
  const pending = state.pending.filter((p) => p.at >= untilMs);
  for (const p of state.pending) if (p.at < untilMs) fixes.push(p);
  const weights: number[] = [];
  const targets: number[] = [];
  const edges: number[] = [];
  while (clock < untilMs) {
    weights.length = 0;
    targets.length = 0;
    edges.length = 0;
    const here = metresBetween(g.lon[node]!, g.lat[node]!, area.lon, area.lat);
    for (let e = f.offsets[node]!; e < f.offsets[node + 1]!; e++) {
      const to = f.targets[e]!;
      let w = CLASS_WEIGHT[g.roads.classes[f.road[e]!]!];
      if (w === 0 || g.connected[to] === 0) continue;
      if (to === from) w *= 0.02;
      const road = f.road[e]!;
      if (g.roads.classes[road] === 'local' && neglectedStreet(ids.seed, ids.inspector, road)) w *= NEGLECT_FACTOR;
      const there = metresBetween(g.lon[to]!, g.lat[to]!, area.lon, area.lat);
      if (there > area.radiusM && there > here) w *= 0.01;
      weights.push(w);
      targets.push(to);
      edges.push(e);
    }
    if (targets.length === 0) {
      // A dead end of the main network (or no road here at all): wait where it is.
      clock = untilMs;
      break;
    }
    const k = rng.weighted(weights);
    const e = edges[k]!;
    const to = targets[k]!;
    const length = f.metres[e]!;
    // Fixes along this edge, evenly spaced in time from the last one; those past untilMs wait.
    let along = stepM - carry;
    while (along <= length) {
      const t = along / length;
      const at = clock + (along / PATROL_SPEED_MPS) * 1000;
      const fix = { lon: g.lon[node]! + t * (g.lon[to]! - g.lon[node]!), lat: g.lat[node]! + t * (g.lat[to]! - g.lat[node]!), at: Math.floor(at) };
      if (at < untilMs) fixes.push(fix);
      else pending.push(fix);
      along += stepM;
    }
    carry = length - (along - stepM);
    clock += (length / PATROL_SPEED_MPS) * 1000;
    from = node;
    node = to;
    roads.push(f.road[e]!);
  }
  return { fixes, state: { node, from, clock, carry, pending }, roads };
}

/** A patrol's rng for one inspector and one stretch of time: the same stretch, the same ride. */
export function patrolRng(seed: number, inspector: number, stretch: number): SeededRandom {
  return SeededRandom.derive(seed, 'patrol', inspector, stretch);
}
