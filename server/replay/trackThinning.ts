/**
 * Thinning a track for the replay. A crew reports every few seconds while it drives, so a day of
 * the fleet is hundreds of thousands of points, most of them on a straight line between two others.
 * The replay draws a crew where the straight line between its kept points puts it at that moment,
 * so a point may go when that line, taken at the point's own time, passes within `toleranceM` of it
 * (the synchronised Euclidean distance of the Douglas–Peucker variant for trajectories, "TD-TR"): a
 * stop, a slow stretch or a turn keeps its points, a steady run along a road does not. Pure.
 */

export interface TimedPoint {
  at: number;
  lon: number;
  lat: number;
}

const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LON_EQUATOR = 111_320;

/** Metres between two points, flat-earth: plenty at a city's scale. */
export function flatMetres(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const kx = M_PER_DEG_LON_EQUATOR * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  return Math.hypot((a.lon - b.lon) * kx, (a.lat - b.lat) * M_PER_DEG_LAT);
}

/** Where a point moving straight from `a` to `b` is at time `at` (clamped to the segment). */
export function positionBetween(a: TimedPoint, b: TimedPoint, at: number): { lon: number; lat: number } {
  if (b.at <= a.at) return { lon: b.lon, lat: b.lat };
  const f = Math.min(1, Math.max(0, (at - a.at) / (b.at - a.at)));
  return { lon: a.lon + (b.lon - a.lon) * f, lat: a.lat + (b.lat - a.lat) * f };
}

/**
 * The indices of the points to keep, ascending: the first, the last, every index in `pinned` (a
 * change of status), and whatever else keeps every dropped point within `toleranceM` of the line
 * between the kept points around it, at its own time. `points` must be oldest first.
 */
export function thinTrack(points: readonly TimedPoint[], toleranceM: number, pinned: ReadonlySet<number> = new Set()): number[] {
  const n = points.length;
  if (n <= 2) return points.map((_, i) => i);
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  for (const i of pinned) if (i >= 0 && i < n) keep[i] = 1;
  // The pinned points split the track into runs, each simplified on its own (an explicit stack: a
  // day's track is too long for recursion).
  const anchors: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) anchors.push(i);
  const stack: [number, number][] = [];
  for (let k = 1; k < anchors.length; k++) stack.push([anchors[k - 1]!, anchors[k]!]);
  while (stack.length > 0) {
    const [lo, hi] = stack.pop()!;
    if (hi - lo < 2) continue;
    const a = points[lo]!;
    const b = points[hi]!;
    let worst = -1;
    let worstM = toleranceM;
    for (let i = lo + 1; i < hi; i++) {
      const p = points[i]!;
      const m = flatMetres(p, positionBetween(a, b, p.at));
      if (m > worstM) {
        worstM = m;
        worst = i;
      }
    }
    if (worst < 0) continue;
    keep[worst] = 1;
    stack.push([lo, worst], [worst, hi]);
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(i);
  return out;
}

/** Integers as the first value then differences (the replay's track columns). */
export function deltaCode(values: readonly number[]): number[] {
  const out = new Array<number>(values.length);
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    out[i] = values[i]! - prev;
    prev = values[i]!;
  }
  return out;
}
