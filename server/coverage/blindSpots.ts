import type { LanduseClass, RoadClass } from '../../shared/index.js';
import { patrolHoursBetween } from './patrolHours.js';

/**
 * Blind spots (盲区): cells the city does not see. A quiet street and an unseen one look alike on a
 * map of reports — both are empty — so a cell's score is built from what is known about how it is
 * watched, each part with its reason:
 *
 * - patrol: patrol hours (patrolHours.ts: the nights and the midday break do not count) since the
 *   last patrol against the interval a cell of its kind should be patrolled at (by land use and its
 *   busiest road): at the interval it adds nothing, at three times it adds its whole weight;
 * - camera: only where the patrol is late — a camera cannot lift a manhole cover or talk to a street
 *   vendor, but it does see the street between patrols — the share of the cell no working camera sees
 *   adds what a camera would have relieved. A well-patrolled cell without a camera is no blind spot,
 *   so the map of a city patrolled as it should be is cool, whatever its cameras;
 * - responsibility: nobody answers for the cell (no inspector);
 * - under-reporting: far fewer reports in the last 30 days than comparable cells have (same land use,
 *   busiest road class and whether a market, school or other attractor lies in it) — the group's mean
 *   is the expected count (the Poisson model with those categories as its only effects), and the cell
 *   adds weight by how far short it falls, once its group expects at least a few.
 *
 * Pure: the caller passes the cells' facts and the clock, and gets scores in [0, 1].
 */

export type BlindSpotReasonKind = 'patrol' | 'camera' | 'responsibility' | 'under_reporting';

/** How much each part weighs in the score (they sum to 1). */
export const BLIND_SPOT_WEIGHTS: Record<BlindSpotReasonKind, number> = { patrol: 0.3, camera: 0.3, responsibility: 0.25, under_reporting: 0.15 };

/**
 * Patrol hours (six a day) a cell should go at most between patrols, by land use: commercial streets
 * twice a day, homes and public buildings daily, works every other day, green space and fields twice
 * a week. A cell on an arterial or a secondary road is expected twice as often (traffic, shops, most
 * of the problems).
 */
export const PATROL_INTERVAL_HOURS: Record<LanduseClass, number> = { commercial: 3, residential: 6, public: 6, industrial: 12, green: 18, farmland: 18 };
const MAIN_ROAD_FACTOR = 0.5;
/** A cell never patrolled (in the window the engine keeps) counts as this many intervals late. */
const NEVER_RATIO = 3;
/** Under-reporting is judged only where comparable cells have at least this many reports in the period. */
const MIN_EXPECTED_REPORTS = 3;

/** The facts of the city's cells the score is built from, by cell index. */
export interface BlindSpotInputs {
  cellCount: number;
  /** Epoch ms of the last patrol, NaN never. */
  lastPatrolAt(cell: number): number;
  /** Share of the cell a working camera sees, 0–1. */
  cameraShare(cell: number): number;
  hasInspector(cell: number): boolean;
  /** Expected hours between patrols (patrolIntervals). */
  intervalHours: Float32Array;
  /** Reports in the period, and the comparable group each cell is in (reportGroups). */
  reports: Uint32Array;
  group: Int32Array;
}

export interface BlindSpotReason {
  kind: BlindSpotReasonKind;
  /** patrol: patrol hours since (null never); camera: share seen; responsibility: 0 nobody; under_reporting: reports. */
  value: number | null;
  /** What a well-covered cell of its kind would have. */
  expected: number;
  /** What it adds to the score. */
  weight: number;
}

/** The expected patrol interval of each cell, from its land use and its busiest road. */
export function patrolIntervals(landuse: readonly LanduseClass[], busiestRoad: readonly (RoadClass | null)[]): Float32Array {
  return Float32Array.from(landuse, (l, c) => {
    const road = busiestRoad[c];
    return PATROL_INTERVAL_HOURS[l] * (road === 'arterial' || road === 'secondary' || road === 'expressway' ? MAIN_ROAD_FACTOR : 1);
  });
}

/** Comparable cells: the same land use, busiest road class and whether an attractor lies in it. */
export function reportGroups(landuse: readonly LanduseClass[], busiestRoad: readonly (RoadClass | null)[], hasAttractor: ArrayLike<number>): Int32Array {
  const ids = new Map<string, number>();
  return Int32Array.from(landuse, (l, c) => {
    const key = `${l}|${busiestRoad[c] ?? 'none'}|${hasAttractor[c] ? 1 : 0}`;
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  });
}

/** The mean reports of each group: what a cell of the group is expected to have. */
export function expectedReports(reports: Uint32Array, group: Int32Array): Float64Array {
  let groups = 0;
  for (const g of group) groups = Math.max(groups, g + 1);
  const sum = new Float64Array(groups);
  const count = new Float64Array(groups);
  for (let c = 0; c < group.length; c++) {
    sum[group[c]!]! += reports[c]!;
    count[group[c]!]! += 1;
  }
  return sum.map((s, g) => s / Math.max(1, count[g]!));
}

/** A cell's score and the reasons that make it, largest first; `expected` is expectedReports' result. */
export function blindSpotOf(cell: number, inputs: BlindSpotInputs, expected: Float64Array, now: number): { score: number; reasons: BlindSpotReason[] } {
  const reasons: BlindSpotReason[] = [];
  const interval = inputs.intervalHours[cell]!;
  const last = inputs.lastPatrolAt(cell);
  const hours = Number.isNaN(last) ? null : patrolHoursBetween(last, now);
  const ratio = hours === null ? NEVER_RATIO : hours / interval;
  const late = Math.min(1, Math.max(0, (ratio - 1) / (NEVER_RATIO - 1)));
  if (late > 0) {
    reasons.push({ kind: 'patrol', value: hours === null ? null : round1(hours), expected: interval, weight: BLIND_SPOT_WEIGHTS.patrol * late });
    const seen = inputs.cameraShare(cell);
    if (seen < 1) reasons.push({ kind: 'camera', value: round2(seen), expected: 1, weight: BLIND_SPOT_WEIGHTS.camera * late * (1 - seen) });
  }
  if (!inputs.hasInspector(cell)) reasons.push({ kind: 'responsibility', value: 0, expected: 1, weight: BLIND_SPOT_WEIGHTS.responsibility });
  const wanted = expected[inputs.group[cell]!]!;
  const got = inputs.reports[cell]!;
  if (wanted >= MIN_EXPECTED_REPORTS && got < wanted) {
    reasons.push({ kind: 'under_reporting', value: got, expected: round1(wanted), weight: BLIND_SPOT_WEIGHTS.under_reporting * (1 - got / wanted) });
  }
  reasons.sort((a, b) => b.weight - a.weight);
  const score = reasons.reduce((s, r) => s + r.weight, 0);
  return { score: Math.min(1, score), reasons: reasons.map((r) => ({ ...r, weight: round3(r.weight) })) };
}

/** Every cell's score, in one pass (about 10,000 cells: a few milliseconds). */
export function blindSpotScores(inputs: BlindSpotInputs, now: number): Float32Array {
  const expected = expectedReports(inputs.reports, inputs.group);
  const out = new Float32Array(inputs.cellCount);
  for (let c = 0; c < inputs.cellCount; c++) out[c] = blindSpotOf(c, inputs, expected, now).score;
  return out;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
