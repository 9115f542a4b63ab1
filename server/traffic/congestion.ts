import { booleanPointInPolygon } from '@turf/turf';
import { CONGESTION_LEVELS, congestionLevelIndex, type CongestionLevelTotals, type RoadClass } from '../../shared/index.js';
import { metresBetween } from '../dispatch/roadGraph.js';

/**
 * Congestion from road speeds, pure: each road's congestion index (current ÷ free-flow speed, the
 * levels in shared/traffic/congestionLevels.ts), an area's index over its roads, the 5-minute slots
 * the history is kept in, and the back-fill of past slots from a speed model.
 */

/**
 * How much a kilometre of each class counts in an area's index: a proxy for the traffic it carries
 * (vehicle-kilometres), as the cities' operation indices weight segments by VKT. Without it the many
 * short local streets, which the model hardly slows, would drown a jammed arterial.
 */
export const CLASS_WEIGHT: Record<RoadClass, number> = { expressway: 4, arterial: 3, secondary: 2, local: 1 };

/** The history's resolution. */
export const SLOT_MS = 5 * 60_000;

/** The roads as the analytics need them, by road index (the order of the roads layer). */
export interface RoadMeasures {
  count: number;
  lengthM: Float64Array;
  freeKph: Float32Array;
  classes: readonly RoadClass[];
}

type Position = readonly number[];
interface RoadLine {
  geometry: { coordinates: readonly Position[] };
  properties: { class: RoadClass; speedKph: number };
}

export function roadMeasures(roads: readonly RoadLine[]): RoadMeasures {
  const lengthM = new Float64Array(roads.length);
  roads.forEach((r, i) => (lengthM[i] = lineMetres(r.geometry.coordinates)));
  return {
    count: roads.length,
    lengthM,
    freeKph: Float32Array.from(roads, (r) => r.properties.speedKph),
    classes: roads.map((r) => r.properties.class),
  };
}

function lineMetres(line: readonly Position[]): number {
  let m = 0;
  for (let i = 1; i < line.length; i++) m += metresBetween(line[i - 1]![0]!, line[i - 1]![1]!, line[i]![0]!, line[i]![1]!);
  return m;
}

/** The point halfway along a line: which area a road belongs to. */
export function lineMidpoint(line: readonly Position[]): [number, number] {
  const half = lineMetres(line) / 2;
  let walked = 0;
  for (let i = 1; i < line.length; i++) {
    const [x0, y0] = line[i - 1]!;
    const [x1, y1] = line[i]!;
    const step = metresBetween(x0!, y0!, x1!, y1!);
    if (walked + step >= half && step > 0) {
      const f = (half - walked) / step;
      return [x0! + f * (x1! - x0!), y0! + f * (y1! - y0!)];
    }
    walked += step;
  }
  return [line[0]![0]!, line[0]![1]!];
}

/** A polygon or multipolygon, as GeoJSON geometry. */
export interface AreaShape {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: unknown;
}

/** The roads whose midpoint lies in the area, ascending. */
export function roadsInArea(roads: readonly { geometry: { coordinates: readonly Position[] } }[], area: AreaShape): Uint32Array {
  const out: number[] = [];
  roads.forEach((r, i) => {
    if (booleanPointInPolygon(lineMidpoint(r.geometry.coordinates), area as never)) out.push(i);
  });
  return Uint32Array.from(out);
}

/** A road's index from its speed factor: at most 1 (faster than free-flow tells nothing), never negative. */
const indexOfFactor = (f: number) => (f > 0 ? Math.min(1, f) : 0);

/**
 * The congestion index of a set of roads: their weighted free-flow travel time ÷ their weighted
 * current travel time (Σ w·L/v₀ ÷ Σ w·L/v), so that an area's index is read like a road's (the time
 * a trip over all of them takes against free-flow), with w the class weight and L the length.
 * Roads at a standstill count at a floor of 1 % of free-flow, so one closed road does not make a
 * whole town's index 0. An area without roads is free (1).
 */
export function areaIndex(factors: ArrayLike<number>, roads: RoadMeasures, members?: ArrayLike<number>): number {
  let free = 0;
  let now = 0;
  const n = members ? members.length : roads.count;
  for (let k = 0; k < n; k++) {
    const r = members ? members[k]! : k;
    const t0 = (CLASS_WEIGHT[roads.classes[r]!] * roads.lengthM[r]!) / roads.freeKph[r]!;
    free += t0;
    now += t0 / Math.max(0.01, indexOfFactor(factors[r]!));
  }
  return now > 0 ? free / now : 1;
}

/** Roads and kilometres at each level. */
export function levelTotals(factors: ArrayLike<number>, roads: RoadMeasures): CongestionLevelTotals {
  const counts = CONGESTION_LEVELS.map(() => ({ roads: 0, km: 0 }));
  for (let r = 0; r < roads.count; r++) {
    const c = counts[congestionLevelIndex(indexOfFactor(factors[r]!))]!;
    c.roads += 1;
    c.km += roads.lengthM[r]! / 1000;
  }
  for (const c of counts) c.km = Math.round(c.km * 10) / 10;
  return Object.fromEntries(CONGESTION_LEVELS.map((l, i) => [l, counts[i]!])) as CongestionLevelTotals;
}

/** The 5-minute slot a moment falls in (slots counted from the Unix epoch). */
export function slotOf(ms: number): number {
  return Math.floor(ms / SLOT_MS);
}

export function slotStartMs(slot: number): number {
  return slot * SLOT_MS;
}

/** An area's index in one slot, as the history keeps it. */
export interface CongestionSlot {
  area: string;
  slot: number;
  index: number;
}

/** The areas as the analytics take them: a code and its roads. */
export interface CongestionAreaRoads {
  code: string;
  roads: ArrayLike<number>;
}

/** Every area's index from one set of factors, as the slot's rows. */
export function slotRows(slot: number, factors: ArrayLike<number>, roads: RoadMeasures, areas: readonly CongestionAreaRoads[]): CongestionSlot[] {
  return areas.map((a) => ({ area: a.code, slot, index: areaIndex(factors, roads, a.roads) }));
}

/**
 * The rows of the slots in [fromSlot, toSlot) that are not `have` yet, each area's index at the
 * slot's start from a speed model (a pure function of time, such as the seeded traffic model): what a
 * first start writes so that "today against the same day last week" has data at once.
 */
export function backfillSlots(opts: {
  fromSlot: number;
  toSlot: number;
  have?: ReadonlySet<number>;
  factorsAt: (ms: number) => ArrayLike<number>;
  roads: RoadMeasures;
  areas: readonly CongestionAreaRoads[];
}): CongestionSlot[] {
  const rows: CongestionSlot[] = [];
  for (let s = opts.fromSlot; s < opts.toSlot; s++) {
    if (opts.have?.has(s)) continue;
    rows.push(...slotRows(s, opts.factorsAt(slotStartMs(s)), opts.roads, opts.areas));
  }
  return rows;
}
