import type { CityLayer } from '../../shared/index.js';

type GridCell = CityLayer<'grid'>['features'][number];
export type Rgba = [number, number, number, number];

/**
 * The unit grid as one binary polygon set for deck.gl: every polygon of every cell (a MultiPolygon's
 * parts each a row, in cell order), outer rings only (the city's cells have no holes), closed, as
 * flat lon/lat pairs with each row's first vertex in `startIndices`. Built once per grid; the
 * colours are a separate per-vertex array over the same vertices.
 */
export interface CellGeometry {
  /** Rows (polygons). */
  length: number;
  /** First vertex of each row, and the vertex count at the end (length + 1 entries). */
  startIndices: Uint32Array;
  /** lon, lat of every vertex. */
  positions: Float64Array;
  /** The cell of each row. */
  rowCell: Uint32Array;
  /** The first vertex of each cell's rows, and the vertex count at the end (cellCount + 1 entries). */
  cellVertexStart: Uint32Array;
  cellCount: number;
}

export function buildCellGeometry(cells: readonly GridCell[]): CellGeometry {
  let rows = 0;
  let vertices = 0;
  const ringsOf = (c: GridCell) => (c.geometry.type === 'Polygon' ? [c.geometry.coordinates[0]!] : c.geometry.coordinates.map((p) => p[0]!));
  for (const c of cells) {
    for (const ring of ringsOf(c)) {
      rows += 1;
      vertices += ring.length;
    }
  }
  const startIndices = new Uint32Array(rows + 1);
  const positions = new Float64Array(vertices * 2);
  const rowCell = new Uint32Array(rows);
  const cellVertexStart = new Uint32Array(cells.length + 1);
  let row = 0;
  let v = 0;
  cells.forEach((c, ci) => {
    cellVertexStart[ci] = v;
    for (const ring of ringsOf(c)) {
      startIndices[row] = v;
      rowCell[row] = ci;
      row += 1;
      for (const [lon, lat] of ring) {
        positions[2 * v] = lon!;
        positions[2 * v + 1] = lat!;
        v += 1;
      }
    }
  });
  startIndices[rows] = v;
  cellVertexStart[cells.length] = v;
  return { length: rows, startIndices, positions, rowCell, cellVertexStart, cellCount: cells.length };
}

/**
 * The colour of every vertex of the grid by a class of its cell (time since patrol, blind-spot score,
 * camera share: each a few classes a leader reads at a glance), in place: a frame rewrites only its
 * cells' vertices, and the map hands deck.gl the same array in a new attribute object, so only the
 * colours are uploaded again, never the geometry. Counts the cells of each class for the legend.
 */
export class CellClassColours {
  /** RGBA per vertex, for `getFillColor` as a binary attribute. */
  readonly colours: Uint8Array;
  /** The class of each cell, 255 before it is painted. */
  readonly classes: Uint8Array;
  /** Cells per class. */
  readonly classCounts: number[];
  /** Bumped on every paint that changed a colour. */
  version = 0;
  /** Times (ms) of the last and slowest repaints, of every cell and of a frame's cells, for the figures. */
  readonly timing = { fullLastMs: 0, fullMaxMs: 0, frameLastMs: 0, frameMaxMs: 0, frameCells: 0, paints: 0 };

  /** The same bytes, a vertex's RGBA as one word: a cell's vertices are filled in one call. */
  private readonly words: Uint32Array;
  private packed: Uint32Array;

  constructor(
    readonly geometry: CellGeometry,
    palette: readonly Rgba[],
  ) {
    this.words = new Uint32Array(geometry.startIndices[geometry.length] ?? 0);
    this.colours = new Uint8Array(this.words.buffer);
    this.classes = new Uint8Array(geometry.cellCount).fill(255);
    this.classCounts = palette.map(() => 0);
    this.packed = pack(palette);
  }

  /** Another look: every cell is painted again on the next `paint`. */
  setPalette(palette: readonly Rgba[]): void {
    this.packed = pack(palette);
    this.classes.fill(255);
    this.classCounts.fill(0);
  }

  /**
   * Repaints `cells` ('all' for every one) of the first `cellCount` (those the store holds) by
   * `classOf`; answers whether any colour changed. A cell keeps its colour unless its class changed.
   */
  paint(classOf: (cell: number) => number, cellCount: number, cells: ArrayLike<number> | 'all'): boolean {
    const t0 = performance.now();
    const g = this.geometry;
    const n = Math.min(g.cellCount, cellCount);
    let changed = false;
    const one = (c: number) => {
      if (c >= n) return;
      const k = classOf(c);
      const was = this.classes[c]!;
      if (k === was) return;
      if (was !== 255) this.classCounts[was]! -= 1;
      this.classCounts[k]! += 1;
      this.classes[c] = k;
      this.words.fill(this.packed[k]!, g.cellVertexStart[c]!, g.cellVertexStart[c + 1]!);
      changed = true;
    };
    if (cells === 'all') for (let c = 0; c < n; c++) one(c);
    else for (let i = 0; i < cells.length; i++) one(cells[i]!);
    if (changed) this.version += 1;
    const ms = performance.now() - t0;
    const t = this.timing;
    t.paints += 1;
    if (cells === 'all') {
      t.fullLastMs = ms;
      t.fullMaxMs = Math.max(t.fullMaxMs, ms);
    } else if (cells.length > 0) {
      t.frameLastMs = ms;
      t.frameMaxMs = Math.max(t.frameMaxMs, ms);
      t.frameCells = cells.length;
    }
    return changed;
  }
}

/** Each colour's four bytes as the word that holds them in memory (whatever the platform's byte order). */
function pack(palette: readonly Rgba[]): Uint32Array {
  const out = new Uint32Array(palette.length);
  new Uint8Array(out.buffer).set(palette.flat());
  return out;
}
