import Flatbush from 'flatbush';
import { buildBucketGrid, NO_CELL, type BucketGrid, type BucketGridOptions } from './bucketGrid.js';
import { flattenCellRings, type AreaFeature, type CellRings } from './cellRings.js';
import { buildCrossingEdges, cellContainsPoint, type CrossingEdges } from './crossingEdges.js';

export type GridIndexOptions = BucketGridOptions;

export interface GridIndexStats {
  cells: number;
  edges: number;
  buckets: number;
  cols: number;
  rows: number;
  bucketSizeM: number;
  /** Buckets answered with no geometry: wholly inside one cell, or wholly outside all cells. */
  insideBuckets: number;
  outsideBuckets: number;
  boundaryBuckets: number;
  meanCandidatesPerBoundaryBucket: number;
}

/**
 * Assigns points to the grid cell containing them. Cells must not overlap (where they do, which one
 * wins is deterministic but unspecified). A point on an edge shared by two cells belongs to exactly one
 * of them, by the half-open crossing rule; a point on the outer boundary of the covered area may be
 * reported as in no cell.
 */
export class GridIndex {
  readonly cellCount: number;
  /** [minX, minY, maxX, maxY] of all cells; NaN-free, all zeros when there are no cells. */
  readonly bbox: readonly [number, number, number, number];
  private readonly rings: CellRings;
  private readonly edges: CrossingEdges;
  private readonly bboxIndex: Flatbush;
  private readonly grid: BucketGrid;

  constructor(cells: readonly AreaFeature[], opts: GridIndexOptions = {}) {
    this.cellCount = cells.length;
    this.rings = flattenCellRings(cells);
    this.edges = buildCrossingEdges(this.rings);
    this.bboxIndex = new Flatbush(Math.max(cells.length, 1));
    for (let k = 0; k < cells.length; k++) {
      const b = this.rings.bboxes;
      this.bboxIndex.add(b[4 * k]!, b[4 * k + 1]!, b[4 * k + 2]!, b[4 * k + 3]!);
    }
    // Flatbush refuses to finish with fewer items than declared; an empty grid indexes one empty box.
    if (cells.length === 0) this.bboxIndex.add(Infinity, Infinity, -Infinity, -Infinity);
    this.bboxIndex.finish();
    this.grid = buildBucketGrid(this.rings, this.edges, this.bboxIndex, opts);
    this.bbox = [this.grid.minX, this.grid.minY, this.grid.maxX, this.grid.maxY];
  }

  /** Index of the cell containing (lon, lat), or -1 when the point is in no cell. */
  locate(lon: number, lat: number): number {
    const g = this.grid;
    // Written so that NaN coordinates fail the range test too.
    if (!(lon >= g.minX && lon <= g.maxX && lat >= g.minY && lat <= g.maxY)) return NO_CELL;
    let c = ((lon - g.minX) * g.scaleX) | 0;
    let r = ((lat - g.minY) * g.scaleY) | 0;
    if (c >= g.cols) c = g.cols - 1;
    if (r >= g.rows) r = g.rows - 1;
    const code = g.codes[r * g.cols + c]!;
    if (code >= NO_CELL) return code;
    const list = -code - 2;
    const end = g.listStart[list + 1]!;
    for (let i = g.listStart[list]!; i < end; i++) {
      const k = g.candidates[i]!;
      if (cellContainsPoint(this.edges, k, lon, lat)) return k;
    }
    return NO_CELL;
  }

  /**
   * locate() over parallel coordinate arrays, writing cell indices (or -1) into out. A hand-inlined
   * loop measured no faster than calling locate() per point (V8 inlines it), so this is a convenience.
   */
  locateMany(lons: Float64Array, lats: Float64Array, out: Int32Array): void {
    const n = lons.length;
    if (lats.length !== n || out.length < n) throw new RangeError('locateMany: lons, lats and out must have matching lengths');
    for (let p = 0; p < n; p++) out[p] = this.locate(lons[p]!, lats[p]!);
  }

  /** Whether cell k contains the point under the same half-open rule locate() uses. */
  cellContains(k: number, lon: number, lat: number): boolean {
    if (!Number.isInteger(k) || k < 0 || k >= this.cellCount) throw new RangeError(`no cell ${k}`);
    return cellContainsPoint(this.edges, k, lon, lat);
  }

  /** Indices of cells whose bbox intersects or touches the given bbox, in no particular order. */
  cellsIntersectingBBox(minX: number, minY: number, maxX: number, maxY: number): number[] {
    if (this.cellCount === 0) return [];
    return this.bboxIndex.search(minX, minY, maxX, maxY);
  }

  stats(): GridIndexStats {
    const g = this.grid;
    let inside = 0;
    let outside = 0;
    for (const code of g.codes) {
      if (code >= 0) inside++;
      else if (code === NO_CELL) outside++;
    }
    const boundary = g.codes.length - inside - outside;
    return {
      cells: this.cellCount,
      edges: this.edges.cellEdgeStart[this.cellCount]!,
      buckets: g.codes.length,
      cols: g.cols,
      rows: g.rows,
      bucketSizeM: g.bucketSizeM,
      insideBuckets: inside,
      outsideBuckets: outside,
      boundaryBuckets: boundary,
      meanCandidatesPerBoundaryBucket: boundary === 0 ? 0 : g.candidates.length / boundary,
    };
  }
}
