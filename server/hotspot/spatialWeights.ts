/**
 * Spatial weights for the hotspot statistics, as neighbour lists in CSR form (one flat Uint32Array of
 * neighbours, sliced by offsets), so Gi* over 100,000 cells walks two typed arrays and never an object.
 *
 * Every builder here returns symmetric lists *without* the cell itself, sorted ascending, like spdep's
 * `nb` objects; Gi* counts the cell itself whether or not its list names it (see getisOrd.ts), and
 * `includeSelf` gives the lists spdep's `include.self()` gives, for export or for comparison.
 */
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import { getResolution, gridDisk } from 'h3-js';
import type { AreaFeature, AreaGeometry } from '../grid/cellRings.js';

/** Binary weights: each cell's neighbours, no index twice (a repeated index would count twice). */
export interface NeighbourLists {
  /** Where each cell's neighbours start in `neighbours`; length cellCount + 1. */
  offsets: Uint32Array;
  neighbours: Uint32Array;
}

export function cellCountOf(weights: NeighbourLists): number {
  return weights.offsets.length - 1;
}

/** Builds CSR lists from one array of neighbour indices per cell (the CLI's and the fixtures' form). */
export function neighbourListsFromArrays(lists: readonly (readonly number[])[]): NeighbourLists {
  const offsets = new Uint32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) offsets[i + 1] = offsets[i]! + lists[i]!.length;
  const neighbours = new Uint32Array(offsets[lists.length]!);
  for (let i = 0; i < lists.length; i++) neighbours.set(lists[i]!, offsets[i]);
  return { offsets, neighbours };
}

export function neighbourListsToArrays(weights: NeighbourLists): number[][] {
  const out: number[][] = [];
  for (let i = 0; i + 1 < weights.offsets.length; i++) out.push(Array.from(weights.neighbours.subarray(weights.offsets[i], weights.offsets[i + 1])));
  return out;
}

/** The same lists with each cell added to its own, in order (spdep's `include.self`). */
export function includeSelf(weights: NeighbourLists): NeighbourLists {
  const n = cellCountOf(weights);
  const offsets = new Uint32Array(n + 1);
  const neighbours = new Uint32Array(weights.neighbours.length + n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = o;
    let placed = false;
    for (let e = weights.offsets[i]!; e < weights.offsets[i + 1]!; e++) {
      const j = weights.neighbours[e]!;
      if (j === i) continue;
      if (!placed && j > i) {
        neighbours[o++] = i;
        placed = true;
      }
      neighbours[o++] = j;
    }
    if (!placed) neighbours[o++] = i;
  }
  offsets[n] = o;
  return { offsets, neighbours: neighbours.slice(0, o) };
}

/** True when j is in i's list exactly when i is in j's: what every builder here promises. */
export function neighboursAreSymmetric(weights: NeighbourLists): boolean {
  const n = cellCountOf(weights);
  const { offsets, neighbours } = weights;
  for (let i = 0; i < n; i++) {
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
      const j = neighbours[e]!;
      if (j === i) continue;
      let found = false;
      for (let f = offsets[j]!; f < offsets[j + 1]! && !found; f++) found = neighbours[f] === i;
      if (!found) return false;
    }
  }
  return true;
}

/**
 * Packs unordered pairs (a, b), a ≠ b, into symmetric sorted CSR lists without duplicates. Pairs come
 * as two parallel arrays so the candidate search can emit them without allocating a tuple each.
 */
function listsFromPairs(n: number, a: Uint32Array, b: Uint32Array, pairCount: number): NeighbourLists {
  const degree = new Uint32Array(n + 1);
  for (let e = 0; e < pairCount; e++) {
    degree[a[e]!]!++;
    degree[b[e]!]!++;
  }
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + degree[i]!;
  const fill = offsets.slice(0, n);
  const raw = new Uint32Array(offsets[n]!);
  for (let e = 0; e < pairCount; e++) {
    raw[fill[a[e]!]!++] = b[e]!;
    raw[fill[b[e]!]!++] = a[e]!;
  }
  // Sort each list and drop repeats (two cells sharing several vertices are emitted once per vertex).
  const outOffsets = new Uint32Array(n + 1);
  let o = 0;
  for (let i = 0; i < n; i++) {
    outOffsets[i] = o;
    const list = raw.subarray(offsets[i], offsets[i + 1]).sort();
    for (let k = 0; k < list.length; k++) if (k === 0 || list[k] !== list[k - 1]) raw[o++] = list[k]!;
  }
  outOffsets[n] = o;
  return { offsets: outOffsets, neighbours: raw.slice(0, o) };
}

function forEachRing(geometry: AreaGeometry, visit: (ring: readonly (readonly number[])[]) => void): void {
  if (geometry.type === 'Polygon') for (const ring of geometry.coordinates) visit(ring);
  else if (geometry.type === 'MultiPolygon') for (const polygon of geometry.coordinates) for (const ring of polygon) visit(ring);
  else throw new Error(`cell geometry must be Polygon or MultiPolygon, got ${(geometry as { type: string }).type}`);
}

export interface QueenOptions {
  /**
   * Two vertices closer than this on both axes (in coordinate units, degrees for the city) are the
   * same vertex, as spdep's `poly2nb(snap = …)`. The default city writes coordinates to 1e-6°, so
   * 1e-7° (about 1 cm) only absorbs floating-point noise.
   * @default 1e-7
   */
  snap?: number;
}

/**
 * Queen contiguity: cells that share at least one vertex (spdep `poly2nb(queen = TRUE)`, which, like
 * this, compares vertices and not edges: a cell whose vertex lies on the middle of another cell's edge
 * with no vertex there is not a neighbour; the city's grid is built from shared vertices, so every
 * shared edge also shares its end vertices). The rings of a MultiPolygon cell, holes included, all count.
 *
 * Vertices are hashed into buckets one snap wide, and each vertex looks in its own bucket and the
 * eight around it, so two copies of a vertex on either side of a bucket border still meet: O(vertices).
 */
export function queenNeighbours(cells: readonly AreaFeature[], options: QueenOptions = {}): NeighbourLists {
  const snap = options.snap ?? 1e-7;
  let vertexCount = 0;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const cell of cells) {
    forEachRing(cell.geometry, (ring) => {
      vertexCount += ring.length;
      for (const p of ring) {
        if (p[0]! < minX) minX = p[0]!;
        if (p[0]! > maxX) maxX = p[0]!;
        if (p[1]! < minY) minY = p[1]!;
        if (p[1]! > maxY) maxY = p[1]!;
      }
    });
  }
  const xs = new Float64Array(vertexCount);
  const ys = new Float64Array(vertexCount);
  const owner = new Uint32Array(vertexCount);
  let v = 0;
  cells.forEach((cell, k) => {
    forEachRing(cell.geometry, (ring) => {
      for (const p of ring) {
        xs[v] = p[0]!;
        ys[v] = p[1]!;
        owner[v++] = k;
      }
    });
  });
  const rows = Math.floor((maxY - minY) / snap) + 3;
  const cols = Math.floor((maxX - minX) / snap) + 3;
  if (rows * cols > Number.MAX_SAFE_INTEGER) throw new Error(`queenNeighbours: snap ${snap} is too fine for an extent this large`);
  // Offset by one bucket so the 3×3 look-around never goes below zero.
  const keyOf = (col: number, row: number) => col * rows + row;
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < vertexCount; i++) {
    const key = keyOf(Math.floor((xs[i]! - minX) / snap) + 1, Math.floor((ys[i]! - minY) / snap) + 1);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(i);
    else buckets.set(key, [i]);
  }
  let pairA = new Uint32Array(Math.max(16, vertexCount * 2));
  let pairB = new Uint32Array(pairA.length);
  let pairs = 0;
  for (let i = 0; i < vertexCount; i++) {
    const col = Math.floor((xs[i]! - minX) / snap) + 1;
    const row = Math.floor((ys[i]! - minY) / snap) + 1;
    for (let dc = -1; dc <= 1; dc++) {
      for (let dr = -1; dr <= 1; dr++) {
        const bucket = buckets.get(keyOf(col + dc, row + dr));
        if (!bucket) continue;
        for (const j of bucket) {
          // Each pair of vertices once (j > i), and only between different cells.
          if (j <= i || owner[j] === owner[i]) continue;
          if (Math.abs(xs[j]! - xs[i]!) > snap || Math.abs(ys[j]! - ys[i]!) > snap) continue;
          if (pairs === pairA.length) {
            const grownA = new Uint32Array(pairs * 2);
            const grownB = new Uint32Array(pairs * 2);
            grownA.set(pairA);
            grownB.set(pairB);
            pairA = grownA;
            pairB = grownB;
          }
          pairA[pairs] = owner[i]!;
          pairB[pairs++] = owner[j]!;
        }
      }
    }
  }
  return listsFromPairs(cells.length, pairA, pairB, pairs);
}

/** Mean of each cell's outer-ring vertices (first polygon for a MultiPolygon), interleaved lon, lat. */
export function cellCentroids(cells: readonly AreaFeature[]): Float64Array {
  const out = new Float64Array(cells.length * 2);
  cells.forEach((cell, k) => {
    const g = cell.geometry;
    const ring = g.type === 'Polygon' ? g.coordinates[0]! : g.coordinates[0]![0]!;
    // Drop the closing repeat, or the first vertex would weigh double.
    const closed = ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1];
    const count = closed ? ring.length - 1 : ring.length;
    let x = 0;
    let y = 0;
    for (let i = 0; i < count; i++) {
      x += ring[i]![0]!;
      y += ring[i]![1]!;
    }
    out[2 * k] = x / count;
    out[2 * k + 1] = y / count;
  });
  return out;
}

/**
 * Cells whose centroids lie within `metres` of each other by great-circle distance (spdep
 * `dnearneigh(longlat = TRUE)`), from interleaved lon, lat centroids. Cells with no one in reach get
 * an empty list; Gi* then compares the cell with itself alone (spdep's zero.policy).
 */
export function distanceBandNeighbours(centroids: Float64Array, metres: number): NeighbourLists {
  const n = centroids.length / 2;
  if (!Number.isInteger(n)) throw new Error('distanceBandNeighbours: centroids must be interleaved lon, lat');
  if (!(metres >= 0)) throw new Error(`distanceBandNeighbours: distance must be ≥ 0, got ${metres}`);
  const index = new KDBush(Math.max(n, 1), 64, Float64Array);
  for (let i = 0; i < n; i++) index.add(centroids[2 * i]!, centroids[2 * i + 1]!);
  index.finish();
  const lists: number[][] = [];
  for (let i = 0; i < n; i++) {
    const found = n === 0 ? [] : around(index, centroids[2 * i]!, centroids[2 * i + 1]!, Infinity, metres / 1000);
    lists.push(found.filter((j) => j !== i).sort((a, b) => a - b));
  }
  return neighbourListsFromArrays(lists);
}

/**
 * H3 cells that touch (`gridDisk(h, 1)`), kept only when the neighbour is among the cells given. All
 * indexes must share one resolution: across resolutions "touching" is not defined by the ring.
 */
export function h3Neighbours(h3Indexes: readonly string[]): NeighbourLists {
  const position = new Map<string, number>();
  h3Indexes.forEach((h, i) => {
    if (position.has(h)) throw new Error(`h3Neighbours: ${h} is listed twice`);
    position.set(h, i);
  });
  const resolution = h3Indexes.length > 0 ? getResolution(h3Indexes[0]!) : 0;
  const lists = h3Indexes.map((h) => {
    if (getResolution(h) !== resolution) throw new Error(`h3Neighbours: ${h} is not at resolution ${resolution}`);
    const out: number[] = [];
    for (const g of gridDisk(h, 1)) {
      const j = position.get(g);
      if (j !== undefined && g !== h) out.push(j);
    }
    return out.sort((a, b) => a - b);
  });
  return neighbourListsFromArrays(lists);
}
