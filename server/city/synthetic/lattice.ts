import type { SeededRandom } from '../../seededRandom.js';
import type { CitySpec } from './spec.js';

export type LonLat = [number, number];

/** Metres east/north of the city centre → WGS-84, rounded to 6 decimals (~0.1 m) so output is stable. */
export function makeProjection(center: readonly [number, number]) {
  const [lon0, lat0] = center;
  const mPerDegLon = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const mPerDegLat = 110_574;
  const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    toLonLat: (x: number, y: number): LonLat => [round6(lon0 + x / mPerDegLon), round6(lat0 + y / mPerDegLat)],
    toMetres: (lon: number, lat: number): [number, number] => [(lon - lon0) * mPerDegLon, (lat - lat0) * mPerDegLat],
  };
}

/**
 * A curvilinear lattice: a regular grid of vertices displaced by a smooth warp and a little jitter.
 * Cells are the quads between neighbouring vertices; because neighbours share the very same vertex,
 * the cells tile the city with no gap and no overlap, yet none is an axis-aligned rectangle. Roads
 * and boundaries follow lattice lines, so no cell straddles them. Row 0 is the north edge.
 */
export interface Lattice {
  cols: number;
  rows: number;
  /** Warped position in metres of vertex (i, j). */
  xy(i: number, j: number): [number, number];
  /** The same vertex in WGS-84. */
  lonLat(i: number, j: number): LonLat;
}

export function buildLattice(spec: CitySpec, rng: SeededRandom): Lattice {
  const size = spec.cellSizeM;
  const cols = Math.round(spec.extentM[0] / size);
  const rows = Math.round(spec.extentM[1] / size);
  const { amplitudeM: a, wavelengthM: [l1, l2], jitterM } = spec.warp;
  const phase = Array.from({ length: 4 }, () => rng.range(0, 2 * Math.PI));
  const tau = 2 * Math.PI;
  const xs = new Float64Array((cols + 1) * (rows + 1));
  const ys = new Float64Array((cols + 1) * (rows + 1));
  const ll: LonLat[] = new Array((cols + 1) * (rows + 1));
  const project = makeProjection(spec.center);
  for (let j = 0; j <= rows; j++) {
    for (let i = 0; i <= cols; i++) {
      const x0 = -spec.extentM[0] / 2 + i * size;
      const y0 = spec.extentM[1] / 2 - j * size;
      const x = x0 + a * Math.sin((tau * y0) / l1 + phase[0]!) + 0.5 * a * Math.sin((tau * (x0 + y0)) / l2 + phase[1]!) + rng.range(-jitterM, jitterM);
      const y = y0 + a * Math.sin((tau * x0) / l2 + phase[2]!) + 0.5 * a * Math.sin((tau * (x0 - y0)) / l1 + phase[3]!) + rng.range(-jitterM, jitterM);
      const k = j * (cols + 1) + i;
      xs[k] = x;
      ys[k] = y;
      ll[k] = project.toLonLat(x, y);
    }
  }
  return {
    cols,
    rows,
    xy: (i, j) => [xs[j * (cols + 1) + i]!, ys[j * (cols + 1) + i]!],
    lonLat: (i, j) => ll[j * (cols + 1) + i]!,
  };
}

/** Closed ring (counter-clockwise, as GeoJSON wants) around lattice cells [i0, i1) × [j0, j1). */
export function latticeRing(l: Lattice, i0: number, j0: number, i1: number, j1: number): LonLat[] {
  const ring: LonLat[] = [];
  // Walk west edge south, south edge east, east edge north, north edge west: counter-clockwise on the map.
  for (let j = j0; j < j1; j++) ring.push(l.lonLat(i0, j));
  for (let i = i0; i < i1; i++) ring.push(l.lonLat(i, j1));
  for (let j = j1; j > j0; j--) ring.push(l.lonLat(i1, j));
  for (let i = i1; i > i0; i--) ring.push(l.lonLat(i, j0));
  ring.push(ring[0]!);
  return ring;
}

/** The lake as a wobbly ellipse in metres, with an inside test and a polygon. */
export function makeLake(spec: CitySpec, rng: SeededRandom) {
  const [cx, cy] = spec.lake.centerM;
  const [rx, ry] = spec.lake.radiiM;
  const p1 = rng.range(0, 2 * Math.PI);
  const p2 = rng.range(0, 2 * Math.PI);
  const radius = (t: number) =>
    ((rx * ry) / Math.hypot(ry * Math.cos(t), rx * Math.sin(t))) * (1 + 0.07 * Math.sin(3 * t + p1) + 0.04 * Math.sin(7 * t + p2));
  return {
    contains(x: number, y: number): boolean {
      const t = Math.atan2(y - cy, x - cx);
      return Math.hypot(x - cx, y - cy) < radius(t);
    },
    ringMetres(n = 120): [number, number][] {
      const pts: [number, number][] = [];
      for (let k = 0; k < n; k++) {
        const t = (2 * Math.PI * k) / n;
        pts.push([cx + radius(t) * Math.cos(t), cy + radius(t) * Math.sin(t)]);
      }
      pts.push(pts[0]!);
      return pts;
    },
  };
}
export type Lake = ReturnType<typeof makeLake>;
