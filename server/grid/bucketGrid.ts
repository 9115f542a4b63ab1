import type Flatbush from 'flatbush';
import type { CellRings } from './cellRings.js';
import { cellContainsPoint, type CrossingEdges } from './crossingEdges.js';

/**
 * A uniform grid of buckets over the cells' bbox. Most buckets lie wholly inside one cell or wholly
 * outside every cell and answer a lookup with no geometry at all; only buckets that some cell edge
 * passes through keep a short list of candidate cells to test exactly.
 */
export interface BucketGrid {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  cols: number;
  rows: number;
  /** Buckets per degree along x and along y. */
  scaleX: number;
  scaleY: number;
  /** Approximate bucket edge length in metres, for reporting. */
  bucketSizeM: number;
  /**
   * Per bucket (row-major): k >= 0 means the whole bucket lies in cell k; NO_CELL means it lies in no
   * cell; any other negative code c points at candidate list -c - 2 in listStart/candidates.
   */
  codes: Int32Array;
  listStart: Int32Array;
  candidates: Int32Array;
}

export const NO_CELL = -1;

export interface BucketGridOptions {
  /** Bucket edge length in metres; by default a quarter of the mean cell size, i.e. ~16 buckets per cell. */
  bucketSizeM?: number;
  /** Upper bound on the bucket count, which bounds memory (4 bytes per bucket plus candidate lists). */
  maxBuckets?: number;
}

const METRES_PER_DEGREE_LAT = 110_574;
const METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320;
/**
 * Edges mark every bucket they come within this many degrees of (~0.1 mm), far above the rounding
 * error of mapping a coordinate to a bucket, so a point on or next to an edge always lands in a bucket
 * that knows about that edge.
 */
const EDGE_PAD_DEG = 1e-9;

function chooseBucketCounts(
  bbox: readonly [number, number, number, number],
  cellCount: number,
  opts: BucketGridOptions,
): { cols: number; rows: number } {
  const [minX, minY, maxX, maxY] = bbox;
  const midLat = ((minY + maxY) / 2) * (Math.PI / 180);
  const widthM = Math.max((maxX - minX) * METRES_PER_DEGREE_LON_AT_EQUATOR * Math.cos(midLat), 1e-6);
  const heightM = Math.max((maxY - minY) * METRES_PER_DEGREE_LAT, 1e-6);
  const maxBuckets = opts.maxBuckets ?? 4_000_000;
  let size = opts.bucketSizeM ?? Math.sqrt((widthM * heightM) / Math.max(cellCount, 1)) / 4;
  size = Math.max(size, Math.sqrt((widthM * heightM) / maxBuckets));
  const cols = Math.max(1, Math.min(Math.ceil(widthM / size), maxBuckets));
  const rows = Math.max(1, Math.min(Math.ceil(heightM / size), Math.floor(maxBuckets / cols)));
  return { cols, rows };
}

type BucketGeometry = Pick<BucketGrid, 'minX' | 'minY' | 'cols' | 'rows' | 'scaleX' | 'scaleY'>;

/** Collects (bucket, cell) pairs, each pair once, in increasing cell order. */
class BucketCellPairs {
  buckets = new Int32Array(1 << 16);
  cells = new Int32Array(1 << 16);
  length = 0;
  /** The last cell recorded per bucket, which deduplicates a cell's many edges hitting one bucket. */
  private readonly lastCell: Int32Array;

  constructor(bucketCount: number) {
    this.lastCell = new Int32Array(bucketCount).fill(-1);
  }

  add(bucket: number, cell: number): void {
    if (this.lastCell[bucket] === cell) return;
    this.lastCell[bucket] = cell;
    if (this.length === this.buckets.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.buckets = grow(this.buckets);
      this.cells = grow(this.cells);
    }
    this.buckets[this.length] = bucket;
    this.cells[this.length++] = cell;
  }
}

function clampIndex(v: number, n: number): number {
  return v < 0 ? 0 : v >= n ? n - 1 : v;
}

/**
 * Records every bucket the segment comes within EDGE_PAD_DEG of. Works row by row so that a long
 * diagonal edge marks a thin staircase rather than its whole bbox.
 */
function addBucketsNearSegment(
  g: BucketGeometry,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cell: number,
  pairs: BucketCellPairs,
): void {
  const yMin = Math.min(ay, by);
  const yMax = Math.max(ay, by);
  const xMin = Math.min(ax, bx);
  const xMax = Math.max(ax, bx);
  const dy = by - ay;
  const dx = bx - ax;
  // x is interpolated from y, whose rounding error is amplified by dx/dy for near-horizontal edges.
  const interpolationPad = dy === 0 ? 0 : (Math.abs(dx) * 1e-13 * (Math.abs(ay) + Math.abs(by) + 1)) / Math.abs(dy);
  const padX = EDGE_PAD_DEG + interpolationPad;
  const r0 = clampIndex(Math.floor((yMin - EDGE_PAD_DEG - g.minY) * g.scaleY), g.rows);
  const r1 = clampIndex(Math.floor((yMax + EDGE_PAD_DEG - g.minY) * g.scaleY), g.rows);
  for (let r = r0; r <= r1; r++) {
    let lo = xMin;
    let hi = xMax;
    if (dy !== 0 && r0 !== r1) {
      const bandLo = Math.min(yMax, Math.max(yMin, g.minY + r / g.scaleY - EDGE_PAD_DEG));
      const bandHi = Math.min(yMax, Math.max(yMin, g.minY + (r + 1) / g.scaleY + EDGE_PAD_DEG));
      const xa = ax + ((bandLo - ay) / dy) * dx;
      const xb = ax + ((bandHi - ay) / dy) * dx;
      lo = Math.max(xMin, Math.min(xa, xb) - padX);
      hi = Math.min(xMax, Math.max(xa, xb) + padX);
    }
    const c0 = clampIndex(Math.floor((lo - EDGE_PAD_DEG - g.minX) * g.scaleX), g.cols);
    const c1 = clampIndex(Math.floor((hi + EDGE_PAD_DEG - g.minX) * g.scaleX), g.cols);
    const base = r * g.cols;
    for (let c = c0; c <= c1; c++) pairs.add(base + c, cell);
  }
}

export function buildBucketGrid(
  rings: CellRings,
  edges: CrossingEdges,
  bboxIndex: Flatbush,
  opts: BucketGridOptions = {},
): BucketGrid {
  const n = rings.cellCount;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let k = 0; k < n; k++) {
    minX = Math.min(minX, rings.bboxes[4 * k]!);
    minY = Math.min(minY, rings.bboxes[4 * k + 1]!);
    maxX = Math.max(maxX, rings.bboxes[4 * k + 2]!);
    maxY = Math.max(maxY, rings.bboxes[4 * k + 3]!);
  }
  if (n === 0) {
    return {
      minX: 0, minY: 0, maxX: 0, maxY: 0, cols: 1, rows: 1, scaleX: 0, scaleY: 0, bucketSizeM: 0,
      codes: new Int32Array([NO_CELL]), listStart: new Int32Array([0]), candidates: new Int32Array(0),
    };
  }
  const { cols, rows } = chooseBucketCounts([minX, minY, maxX, maxY], n, opts);
  // A zero-extent bbox (degenerate cells) still needs a finite scale; every point then maps to bucket 0.
  const scaleX = maxX > minX ? cols / (maxX - minX) : 0;
  const scaleY = maxY > minY ? rows / (maxY - minY) : 0;
  const geom = { minX, minY, cols, rows, scaleX, scaleY };
  const bucketCount = cols * rows;

  const pairs = new BucketCellPairs(bucketCount);
  const { coords, ringStart, cellRingStart } = rings;
  for (let k = 0; k < n; k++) {
    for (let ring = cellRingStart[k]!; ring < cellRingStart[k + 1]!; ring++) {
      const start = ringStart[ring]!;
      const end = ringStart[ring + 1]!;
      for (let i = start, j = end - 1; i < end; j = i++) {
        addBucketsNearSegment(geom, coords[2 * j]!, coords[2 * j + 1]!, coords[2 * i]!, coords[2 * i + 1]!, k, pairs);
      }
    }
  }

  // Counting sort of the pairs by bucket gives compact CSR candidate lists; pairs arrive in cell
  // order, so each list comes out in cell order too.
  const counts = new Int32Array(bucketCount);
  for (let p = 0; p < pairs.length; p++) counts[pairs.buckets[p]!]!++;
  const codes = new Int32Array(bucketCount);
  let listCount = 0;
  for (let b = 0; b < bucketCount; b++) if (counts[b]! > 0) codes[b] = -(listCount++ + 2);
  const listStart = new Int32Array(listCount + 1);
  for (let b = 0, l = 0, offset = 0; b < bucketCount; b++) {
    if (counts[b]! > 0) {
      listStart[l++] = offset;
      offset += counts[b]!;
    }
  }
  listStart[listCount] = pairs.length;
  const candidates = new Int32Array(pairs.length);
  const fill = listStart.slice(0, listCount);
  for (let p = 0; p < pairs.length; p++) candidates[fill[-codes[pairs.buckets[p]!]! - 2]!++] = pairs.cells[p]!;

  const bucketWidth = 1 / (scaleX || 1);
  const bucketHeight = 1 / (scaleY || 1);
  const cellAt = (x: number, y: number): number => {
    let found = NO_CELL;
    for (const k of bboxIndex.search(x, y, x, y)) {
      if ((found === NO_CELL || k < found) && cellContainsPoint(edges, k, x, y)) found = k;
    }
    return found;
  };

  // A run of edge-free buckets along a row is one connected edge-free region, hence inside a single
  // cell or outside all of them: one exact test classifies the whole run.
  for (let r = 0; r < rows; r++) {
    const cy = minY + (r + 0.5) * bucketHeight;
    let c = 0;
    while (c < cols) {
      if (counts[r * cols + c]! > 0) {
        c++;
        continue;
      }
      const cell = cellAt(minX + (c + 0.5) * bucketWidth, cy);
      while (c < cols && counts[r * cols + c]! === 0) codes[r * cols + c++] = cell;
    }
  }

  // Put the cell holding the bucket centre first: it is the likeliest answer, so the exact tests of
  // a lookup usually stop at the first candidate.
  for (let b = 0; b < bucketCount; b++) {
    if (counts[b]! < 2) continue;
    const l = -codes[b]! - 2;
    const s = listStart[l]!;
    const e = listStart[l + 1]!;
    const cx = minX + ((b % cols) + 0.5) * bucketWidth;
    const cy = minY + (Math.floor(b / cols) + 0.5) * bucketHeight;
    for (let i = s; i < e; i++) {
      if (cellContainsPoint(edges, candidates[i]!, cx, cy)) {
        const k = candidates[i]!;
        candidates[i] = candidates[s]!;
        candidates[s] = k;
        break;
      }
    }
  }

  const midLat = ((minY + maxY) / 2) * (Math.PI / 180);
  const bucketSizeM = Math.sqrt(
    bucketWidth * METRES_PER_DEGREE_LON_AT_EQUATOR * Math.cos(midLat) * bucketHeight * METRES_PER_DEGREE_LAT,
  );
  return { minX, minY, maxX, maxY, cols, rows, scaleX, scaleY, bucketSizeM, codes, listStart, candidates };
}
