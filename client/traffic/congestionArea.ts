import { CONGESTION_BOUNDS } from '../../shared/index.js';
import { DENSITY_PERCENTILES, densityClass } from '../layers/densityRamp.js';

/**
 * Where congestion sits as an area (拥堵区域), from the live road speeds: each road counts by how far
 * below free flow it runs times its length, spread over the neighbourhood by a kernel on a coarse
 * raster, and the raster's cells are classed by rank like every density layer (densityRamp.ts). A
 * leader then sees the districts that jam, not a web of coloured lines. Pure: plain arrays in and out.
 */

/** The congestion index below which a road counts (the bound of the free level): free roads weigh nothing. */
export const FREE_FLOW_INDEX = CONGESTION_BOUNDS[0]!;

/**
 * A road's weight: its length in metres times how far its index lies below free flow, as a share of
 * that bound (0 at free flow and above, 1 standing still). 500 m at a standstill weighs as much as
 * 1 km at half the free-flow bound: a long slow road is as much of a jam as a short stopped one.
 */
export function congestionWeight(index: number, lengthM: number): number {
  if (!(lengthM > 0) || !(index < FREE_FLOW_INDEX)) return 0; // NaN: nothing measured, nothing drawn
  return ((FREE_FLOW_INDEX - Math.max(0, index)) / FREE_FLOW_INDEX) * lengthM;
}

/** The raster the area is computed on: a box of the city cut into square cells. */
export interface AreaRaster {
  /** [west, south, east, north] of the raster (the cells cover at least the city's box). */
  bounds: [number, number, number, number];
  width: number;
  height: number;
  cellM: number;
}

/** Metres per degree at a latitude (the equirectangular scale: exact enough over a district). */
function metresPerDegree(lat: number): [number, number] {
  return [111_320 * Math.cos((lat * Math.PI) / 180), 110_574];
}

/** A raster of `cellM`-metre cells over a box. */
export function areaRaster(bbox: readonly [number, number, number, number], cellM = 50): AreaRaster {
  const [w, s, e, n] = bbox;
  const [kx, ky] = metresPerDegree((s + n) / 2);
  const width = Math.max(1, Math.ceil(((e - w) * kx) / cellM));
  const height = Math.max(1, Math.ceil(((n - s) * ky) / cellM));
  return { bounds: [w, s, w + (width * cellM) / kx, s + (height * cellM) / ky], width, height, cellM };
}

/** Pieces of the roads, each at most `pieceM` long: where it lies (raster cells, fractional), its road, its length. */
export interface RoadPieces {
  count: number;
  x: Float32Array;
  y: Float32Array;
  road: Uint32Array;
  lengthM: Float32Array;
}

/** Cuts every road into pieces of at most `pieceM` metres, placed at their midpoints on the raster. */
export function roadPieces(roads: readonly (readonly (readonly number[])[])[], raster: AreaRaster, pieceM = 25): RoadPieces {
  const [w, s, e, n] = raster.bounds;
  const [kx, ky] = metresPerDegree((s + n) / 2);
  const x: number[] = [];
  const y: number[] = [];
  const road: number[] = [];
  const len: number[] = [];
  roads.forEach((line, r) => {
    for (let i = 1; i < line.length; i++) {
      const [ax, ay] = [line[i - 1]![0]!, line[i - 1]![1]!];
      const [bx, by] = [line[i]![0]!, line[i]![1]!];
      const m = Math.hypot((bx - ax) * kx, (by - ay) * ky);
      if (!(m > 0)) continue;
      const k = Math.ceil(m / pieceM);
      for (let j = 0; j < k; j++) {
        const f = (j + 0.5) / k;
        x.push((((ax + f * (bx - ax)) - w) / (e - w)) * raster.width);
        y.push(((n - (ay + f * (by - ay))) / (n - s)) * raster.height);
        road.push(r);
        len.push(m / k);
      }
    }
  });
  return { count: x.length, x: Float32Array.from(x), y: Float32Array.from(y), road: Uint32Array.from(road), lengthM: Float32Array.from(len) };
}

/**
 * The congestion density of each raster cell (row 0 north): every piece's weight spread by a quartic
 * kernel of `radiusM` (the kernel of ArcGIS's and QGIS's kernel density), from the roads' speed
 * ratio bytes (current ÷ free-flow × 255, the `roads:speeds` frames'; a road without one is free).
 */
export function congestionDensity(pieces: RoadPieces, ratio: ArrayLike<number>, raster: AreaRaster, radiusM = 250): Float32Array {
  const { width, height } = raster;
  // The pieces' weights gathered on their cells first (a piece counts at its cell's centre, half a
  // cell at most from where it lies: little against the kernel's radius), then each loaded cell
  // spread by one precomputed stencil: no square root or division per cell of a rush hour.
  const load = new Float32Array(width * height);
  for (let p = 0; p < pieces.count; p++) {
    const road = pieces.road[p]!;
    const weight = congestionWeight(road < ratio.length ? ratio[road]! / 255 : 1, pieces.lengthM[p]!);
    if (weight === 0) continue;
    const i = Math.min(width - 1, Math.max(0, Math.floor(pieces.x[p]!)));
    const j = Math.min(height - 1, Math.max(0, Math.floor(pieces.y[p]!)));
    load[j * width + i]! += weight;
  }
  const r = radiusM / raster.cellM;
  const reach = Math.ceil(r);
  const side = 2 * reach + 1;
  const stencil = new Float32Array(side * side);
  for (let dj = -reach; dj <= reach; dj++) {
    for (let di = -reach; di <= reach; di++) {
      const d2 = (di * di + dj * dj) / (r * r);
      stencil[(dj + reach) * side + di + reach] = d2 < 1 ? (1 - d2) * (1 - d2) : 0;
    }
  }
  const out = new Float32Array(width * height);
  for (let c = 0; c < load.length; c++) {
    const w = load[c]!;
    if (w === 0) continue;
    const cx = c % width;
    const cy = (c - cx) / width;
    const i0 = Math.max(0, cx - reach);
    const i1 = Math.min(width - 1, cx + reach);
    for (let j = Math.max(0, cy - reach); j <= Math.min(height - 1, cy + reach); j++) {
      const row = (j - cy + reach) * side + reach - cx;
      const base = j * width;
      for (let i = i0; i <= i1; i++) out[base + i]! += w * stencil[row + i]!;
    }
  }
  return out;
}

/**
 * The density classes of the raster's cells (0 not drawn, 1–5 as densityRamp.ts's), by rank among
 * the cells that hold any congestion: the bottom half of the congested area stays unpainted and the
 * top tenth is the strongest colours, so a city where most roads crawl does not glow from end to end.
 * Without congestion, nothing is classed.
 */
export function congestionAreaClasses(density: Float32Array): { classes: Uint8Array; breaks: number[]; congestedCells: number } {
  let n = 0;
  for (let i = 0; i < density.length; i++) if (density[i]! > 0) n++;
  const positive = new Float32Array(n);
  for (let i = 0, k = 0; i < density.length; i++) if (density[i]! > 0) positive[k++] = density[i]!;
  const breaks = percentileBreaks(positive);
  const classes = new Uint8Array(density.length);
  for (let i = 0; i < density.length; i++) if (density[i]! > 0) classes[i] = densityClass(density[i]!, breaks);
  return { classes, breaks, congestedCells: positive.length };
}

/**
 * densityRamp.ts's breaks (the value at ⌊q·n⌋ of the sorted values, for each of DENSITY_PERCENTILES)
 * by selection instead of a full sort: a rush hour's raster has a hundred thousand congested cells
 * and a frame every two seconds, and five order statistics cost a fraction of sorting them all.
 * Reorders `values` in place.
 */
export function percentileBreaks(values: Float32Array): number[] {
  const n = values.length;
  let from = 0;
  return DENSITY_PERCENTILES.map((q) => {
    if (n === 0) return 0;
    const k = Math.min(n - 1, Math.floor(q * n));
    select(values, k, from, n - 1);
    // Everything before k is now at most values[k]: the next (higher) rank is found after it.
    from = k;
    return values[k]!;
  });
}

/** Hoare's selection: puts the k-th smallest of a[lo..hi] at k, smaller before it, larger after. */
function select(a: Float32Array, k: number, lo: number, hi: number): void {
  while (hi > lo) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
