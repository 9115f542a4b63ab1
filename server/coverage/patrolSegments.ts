import { flattenCellRings, type AreaFeature } from '../grid/cellRings.js';
import { GridIndex } from '../grid/gridIndex.js';

/**
 * Which unit grid cells a straight track segment passes through: the geometry under patrol coverage.
 *
 * ## Method: split at every edge crossing, classify each piece
 *
 * The segment A→B is cut at every parameter t where it crosses an edge, and where it comes within
 * `edgeToleranceM` of an edge or leaves it again (see below). The candidate edges are those of the
 * cells whose bbox meets the segment's bbox grown by the tolerance, which holds every edge the
 * segment crosses or comes near. Why the pieces are exact: between two consecutive cuts no edge is
 * crossed, and a point's membership of a polygon by crossing number (even–odd, half-open, as
 * `GridIndex` uses) changes only where the point crosses one of its edges; so every point of an open
 * piece lies in the same cell, and one `GridIndex.locate` at the piece's midpoint gives the cell of
 * the whole piece, under the same rule that assigns incidents, so coverage and incident counts
 * agree on every cell. No sampling, so nothing is skipped however fast the tracker goes; the cost is
 * a few edge tests per candidate cell and one locate per piece (a 55 m segment usually has one to
 * three pieces). A piece near an edge is not located at all: it goes to the edge's owner.
 *
 * Extra cuts are harmless (they only split a piece in two, both halves in the same cell), so every
 * filter that decides whether an edge is crossed is conservative: an intersection found slightly
 * beyond an edge's end is kept as a cut.
 *
 * ## The rules at the boundaries (what counts, precisely)
 *
 * - **A piece counts when it is at least `minPieceM` long** (default 1 cm). Pieces shorter than that
 *   are the segment grazing a corner, or rounding noise where two cuts of the same vertex land a
 *   hair apart; a cell touched only like that is touched on its boundary, not patrolled. Where no
 *   piece is that long (a segment shorter than `minPieceM`, or a fix standing still), the longest
 *   piece counts, so a fix always lands in one cell when it is inside the grid.
 * - **Along an edge, one side only.** The stretch of the segment within `edgeToleranceM` (default
 *   3 m) of an edge — measured square to the edge, within the edge's length — is *on* the edge and
 *   counts for the edge's owner alone, never for the cells on both sides. The owner is the cell on
 *   the side of the edge's normal that points towards +x (towards +y for an exactly east–west
 *   edge): the very cell the half-open rule of `locate` gives to points exactly on the edge, so an
 *   exactly collinear track counts as a dense sampling with `locate` would count it. An edge of the
 *   grid's outer boundary is owned by its one cell. Where a piece is near several edges (by a
 *   vertex), the edge the segment runs most nearly along wins, not one it merely crosses there.
 *   Why a tolerance at all: every road of the default city follows cell edges, so a track
 *   interpolated along a road wobbles across the edge by 1e-13°, and the chord between two fixes
 *   55 m apart cuts up to a few metres into the cell on the inside of the road's bend at a lattice
 *   vertex; GPS itself is good to a few metres. Without it, a patrol along a boundary street would
 *   count both sides. The price: a track that runs within 3 m of a cell's edge, or cuts a corner by
 *   less than 3 m, counts for the edge's owner, which may be the neighbour.
 * - **Once per segment.** A cell the segment leaves and re-enters is reported once, at the time of
 *   its last piece.
 * - The parts of the segment outside every cell count for nothing.
 *
 * Coordinates are lon/lat; tolerances are measured in a local equirectangular frame in metres.
 */
export interface PatrolSegmentOptions {
  /** A stretch of track this close to an edge is on the edge, and counts for its owner only. @default 3 */
  edgeToleranceM?: number;
  /** Shorter pieces do not count unless no piece is longer. @default 0.01 */
  minPieceM?: number;
}

const METRES_PER_DEGREE_LAT = 110_574;
const METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320;
const EDGE_STRIDE = 4;

function grow(a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

function growInt(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export class PatrolSegmentWalker {
  readonly cellCount: number;
  readonly index: GridIndex;
  readonly edgeToleranceM: number;
  readonly minPieceM: number;
  /** Cells found by the last walk, in the order their first piece comes along the segment. */
  cells: Int32Array<ArrayBuffer>;
  /** Per cell found: the segment parameter (0 at A, 1 at B) of the middle of its last piece. */
  at: Float64Array<ArrayBuffer>;
  /** How many cells the last walk found. */
  count = 0;
  /** The cell of the last counted piece (where the tracker is now), or -1. */
  endCell = -1;

  private readonly lon0: number;
  private readonly lat0: number;
  private readonly kx: number;
  private readonly ky: number;
  /** Tolerance in degrees, for expanding search boxes. */
  private readonly tolDeg: number;
  /** Per edge: ax, ay, bx, by in local metres. */
  private readonly edges: Float64Array;
  private readonly cellEdgeStart: Int32Array;
  /** Per edge: 1 when its cell owns the pieces that run along it. */
  private readonly claims: Uint8Array;

  private cuts = new Float64Array(64);
  private onLo = new Float64Array(16);
  private onHi = new Float64Array(16);
  private onDA = new Float64Array(16);
  private onDD = new Float64Array(16);
  private onCell = new Int32Array(16);
  private readonly stamp: Uint32Array;
  private readonly slot: Int32Array;
  private walkStamp = 0;

  constructor(cells: readonly AreaFeature[], opts: PatrolSegmentOptions = {}, index?: GridIndex) {
    if (index && index.cellCount !== cells.length) throw new RangeError('the GridIndex was built over other cells');
    this.index = index ?? new GridIndex(cells);
    this.cellCount = cells.length;
    this.edgeToleranceM = opts.edgeToleranceM ?? 3;
    this.minPieceM = opts.minPieceM ?? 0.01;
    if (!(this.edgeToleranceM >= 0) || !(this.minPieceM >= 0)) throw new RangeError('tolerances must be non-negative');
    const [minX, minY, maxX, maxY] = this.index.bbox;
    this.lon0 = (minX + maxX) / 2;
    this.lat0 = (minY + maxY) / 2;
    this.kx = METRES_PER_DEGREE_LON_AT_EQUATOR * Math.cos((this.lat0 * Math.PI) / 180);
    this.ky = METRES_PER_DEGREE_LAT;
    this.tolDeg = (this.edgeToleranceM * 2) / Math.min(this.kx, this.ky) + 1e-9;
    this.cells = new Int32Array(16);
    this.at = new Float64Array(16);
    this.stamp = new Uint32Array(this.cellCount);
    this.slot = new Int32Array(this.cellCount);

    const rings = flattenCellRings(cells);
    const { coords, ringStart, cellRingStart } = rings;
    const edgeList: number[] = [];
    const degList: number[] = [];
    const cellEdgeStart = new Int32Array(this.cellCount + 1);
    for (let k = 0; k < this.cellCount; k++) {
      cellEdgeStart[k] = edgeList.length / EDGE_STRIDE;
      for (let r = cellRingStart[k]!; r < cellRingStart[k + 1]!; r++) {
        const s = ringStart[r]!;
        const e = ringStart[r + 1]!;
        for (let i = s, j = e - 1; i < e; j = i++) {
          const alon = coords[2 * j]!;
          const alat = coords[2 * j + 1]!;
          const blon = coords[2 * i]!;
          const blat = coords[2 * i + 1]!;
          if (alon === blon && alat === blat) continue;
          edgeList.push(this.x(alon), this.y(alat), this.x(blon), this.y(blat));
          degList.push(alon, alat, blon, blat);
        }
      }
    }
    cellEdgeStart[this.cellCount] = edgeList.length / EDGE_STRIDE;
    this.edges = Float64Array.from(edgeList);
    this.cellEdgeStart = cellEdgeStart;
    this.claims = new Uint8Array(edgeList.length / EDGE_STRIDE);
    for (let k = 0; k < this.cellCount; k++) {
      for (let e = cellEdgeStart[k]!; e < cellEdgeStart[k + 1]!; e++) {
        this.claims[e] = this.edgeClaimed(k, degList, e) ? 1 : 0;
      }
    }
  }

  private x(lon: number): number {
    return (lon - this.lon0) * this.kx;
  }

  private y(lat: number): number {
    return (lat - this.lat0) * this.ky;
  }

  /**
   * Whether cell k owns pieces running along its edge e: k lies on the owner side of the edge (the
   * side its +x-pointing normal points to), or nothing lies across the edge (the grid's outer
   * boundary). Decided by probing just off the edge's midpoint.
   */
  private edgeClaimed(k: number, deg: number[], e: number): boolean {
    const alon = deg[EDGE_STRIDE * e]!;
    const alat = deg[EDGE_STRIDE * e + 1]!;
    const blon = deg[EDGE_STRIDE * e + 2]!;
    const blat = deg[EDGE_STRIDE * e + 3]!;
    const ex = (blon - alon) * this.kx;
    const ey = (blat - alat) * this.ky;
    const len = Math.hypot(ex, ey);
    // Right-hand normal, turned to point towards +x (towards +y for an east–west edge).
    let nx = ey / len;
    let ny = -ex / len;
    if (nx < 0 || (nx === 0 && ny < 0)) {
      nx = -nx;
      ny = -ny;
    }
    const mlon = (alon + blon) / 2;
    const mlat = (alat + blat) / 2;
    const probe = (metres: number) => [mlon + (nx * metres) / this.kx, mlat + (ny * metres) / this.ky] as const;
    const near = Math.min(1e-4, len * 1e-4);
    const [plon, plat] = probe(near);
    if (this.index.cellContains(k, plon, plat)) return true;
    const [qlon, qlat] = probe(2 * this.edgeToleranceM + near);
    return this.index.locate(plon, plat) === -1 && this.index.locate(qlon, qlat) === -1;
  }

  /** Metres between two lon/lat points in the walker's local frame. */
  metresBetween(alon: number, alat: number, blon: number, blat: number): number {
    return Math.hypot((blon - alon) * this.kx, (blat - alat) * this.ky);
  }

  /**
   * Finds the cells the segment from (alon, alat) to (blon, blat) passes through; results in
   * `cells`/`at`/`count`/`endCell`, valid until the next walk. A zero-length segment classifies the
   * point. Returns `count`.
   */
  walk(alon: number, alat: number, blon: number, blat: number): number {
    const ax = this.x(alon);
    const ay = this.y(alat);
    const bx = this.x(blon);
    const by = this.y(blat);
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const len = Math.sqrt(len2);
    const tol = this.edgeToleranceM;

    let nc = 2;
    this.cuts[0] = 0;
    this.cuts[1] = 1;
    let no = 0;

    const td = this.tolDeg;
    const candidates = this.index.cellsIntersectingBBox(
      Math.min(alon, blon) - td,
      Math.min(alat, blat) - td,
      Math.max(alon, blon) + td,
      Math.max(alat, blat) + td,
    );
    const E = this.edges;
    for (let ci = 0; ci < candidates.length; ci++) {
      const k = candidates[ci]!;
      const eEnd = this.cellEdgeStart[k + 1]!;
      for (let e = this.cellEdgeStart[k]!; e < eEnd; e++) {
        const o = e * EDGE_STRIDE;
        const cx = E[o]!;
        const cy = E[o + 1]!;
        const ex = E[o + 2]! - cx;
        const ey = E[o + 3]! - cy;
        const elen2 = ex * ex + ey * ey;
        const elen = Math.sqrt(elen2);
        // Signed distances of A and B from the edge's line, and where they project along the edge
        // (0 at its start, 1 at its end); both are linear in the segment parameter t.
        const dA = (ex * (ay - cy) - ey * (ax - cx)) / elen;
        const dB = (ex * (by - cy) - ey * (bx - cx)) / elen;
        const uA = ((ax - cx) * ex + (ay - cy) * ey) / elen2;
        const uB = ((bx - cx) * ex + (by - cy) * ey) / elen2;
        if ((dA > tol && dB > tol) || (dA < -tol && dB < -tol)) continue;
        if ((uA < -1 && uB < -1) || (uA > 2 && uB > 2)) continue;
        // The stretch of the segment within tol of the edge: |d(t)| <= tol and 0 <= u(t) <= 1.
        let lo = 0;
        let hi = 1;
        const dd = dB - dA;
        if (dd !== 0) {
          const t1 = (-tol - dA) / dd;
          const t2 = (tol - dA) / dd;
          lo = Math.max(lo, Math.min(t1, t2));
          hi = Math.min(hi, Math.max(t1, t2));
        }
        const du = uB - uA;
        if (du !== 0) {
          const t1 = -uA / du;
          const t2 = (1 - uA) / du;
          lo = Math.max(lo, Math.min(t1, t2));
          hi = Math.min(hi, Math.max(t1, t2));
        } else if (uA < 0 || uA > 1) {
          hi = -1;
        }
        if (nc + 3 > this.cuts.length) this.cuts = grow(this.cuts, nc + 3);
        if (hi > lo || (len2 === 0 && hi >= lo)) {
          this.cuts[nc++] = lo;
          this.cuts[nc++] = hi;
          if (this.claims[e] === 1) {
            if (no === this.onLo.length) this.growIntervals();
            this.onLo[no] = lo;
            this.onHi[no] = hi;
            this.onDA[no] = dA;
            this.onDD[no] = dd;
            this.onCell[no++] = k;
          }
        }
        if ((dA > 0 && dB > 0) || (dA < 0 && dB < 0) || dd === 0) continue;
        // One crossing of the line. With tol > 0 it lies inside the stretch above; the cut matters
        // when tol is 0, and an extra cut is harmless anyway.
        const t = dA / (dA - dB);
        const u = uA + t * du;
        const slack = 1e-6 / elen;
        if (u < -slack || u > 1 + slack) continue;
        this.cuts[nc++] = t;
      }
    }

    const cuts = this.cuts;
    sortPrefix(cuts, nc);

    this.walkStamp = (this.walkStamp + 1) >>> 0;
    if (this.walkStamp === 0) {
      this.stamp.fill(0);
      this.walkStamp = 1;
    }
    this.count = 0;
    this.endCell = -1;
    let longest = -1;
    let longestLen = -1;
    const minT = len > 0 ? this.minPieceM / len : Infinity;
    for (let p = 0; p + 1 < nc; p++) {
      const t0 = cuts[p]!;
      const t1 = cuts[p + 1]!;
      const span = t1 - t0;
      if (span > longestLen) {
        longestLen = span;
        longest = p;
      }
      if (span < minT) continue;
      this.countPiece(t0, t1, no, alon, alat, blon, blat);
    }
    if (this.count === 0 && longest >= 0) this.countPiece(cuts[longest]!, cuts[longest + 1]!, no, alon, alat, blon, blat);
    return this.count;
  }

  private countPiece(t0: number, t1: number, no: number, alon: number, alat: number, blon: number, blat: number): void {
    const tm = (t0 + t1) / 2;
    let cell = -1;
    // Near several edges (by a vertex): the one the segment runs most nearly along (the least change
    // of distance from end to end), not one it crosses there; then the nearest; then the lowest cell.
    let bestTurn = Infinity;
    let bestDist = Infinity;
    for (let i = 0; i < no; i++) {
      if (!(this.onLo[i]! <= tm && tm <= this.onHi[i]!)) continue;
      const turn = Math.abs(this.onDD[i]!);
      const dist = Math.abs(this.onDA[i]! + tm * this.onDD[i]!);
      const k = this.onCell[i]!;
      if (turn < bestTurn || (turn === bestTurn && (dist < bestDist || (dist === bestDist && k < cell)))) {
        bestTurn = turn;
        bestDist = dist;
        cell = k;
      }
    }
    if (cell < 0) cell = this.index.locate(alon + tm * (blon - alon), alat + tm * (blat - alat));
    this.endCell = cell;
    if (cell < 0) return;
    if (this.stamp[cell] === this.walkStamp) {
      this.at[this.slot[cell]!] = tm;
      return;
    }
    this.stamp[cell] = this.walkStamp;
    if (this.count === this.cells.length) {
      this.cells = growInt(this.cells, this.count + 1);
      this.at = grow(this.at, this.count + 1);
    }
    this.slot[cell] = this.count;
    this.cells[this.count] = cell;
    this.at[this.count++] = tm;
  }

  private growIntervals(): void {
    const n = this.onLo.length * 2;
    this.onLo = grow(this.onLo, n);
    this.onHi = grow(this.onHi, n);
    this.onDA = grow(this.onDA, n);
    this.onDD = grow(this.onDD, n);
    this.onCell = growInt(this.onCell, n);
  }
}

/** Sorts a[0..n) ascending: insertion sort for the usual handful, the native sort beyond. */
function sortPrefix(a: Float64Array, n: number): void {
  if (n > 24) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}
