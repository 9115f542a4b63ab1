/**
 * The rings of every cell packed into flat typed arrays, so the hot paths never touch GeoJSON objects.
 */

/** Structural stand-in for a GeoJSON area geometry, so any cell-shaped feature can be indexed. */
export type AreaGeometry =
  | { type: 'Polygon'; coordinates: readonly (readonly (readonly number[])[])[] }
  | { type: 'MultiPolygon'; coordinates: readonly (readonly (readonly (readonly number[])[])[])[] };

export interface AreaFeature {
  geometry: AreaGeometry;
}

export interface CellRings {
  cellCount: number;
  /** Interleaved x, y of every ring vertex; the closing repeat of the first vertex is dropped. */
  coords: Float64Array;
  /** Vertex index where each ring starts; length ringCount + 1. */
  ringStart: Int32Array;
  /** Ring index where each cell's rings start; length cellCount + 1. */
  cellRingStart: Int32Array;
  /** minX, minY, maxX, maxY per cell. */
  bboxes: Float64Array;
}

function ringsOf(geometry: AreaGeometry): readonly (readonly (readonly number[])[])[] {
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  throw new Error(`grid cell geometry must be Polygon or MultiPolygon, got ${(geometry as { type: string }).type}`);
}

function isClosingRepeat(ring: readonly (readonly number[])[], i: number): boolean {
  const first = ring[0]!;
  const p = ring[i]!;
  return i === ring.length - 1 && i > 0 && p[0] === first[0] && p[1] === first[1];
}

export function flattenCellRings(cells: readonly AreaFeature[]): CellRings {
  let ringCount = 0;
  let vertexCount = 0;
  for (const cell of cells) {
    for (const ring of ringsOf(cell.geometry)) {
      ringCount++;
      vertexCount += ring.length;
    }
  }
  const coords = new Float64Array(vertexCount * 2);
  const ringStart = new Int32Array(ringCount + 1);
  const cellRingStart = new Int32Array(cells.length + 1);
  const bboxes = new Float64Array(cells.length * 4);
  let r = 0;
  let v = 0;
  for (let k = 0; k < cells.length; k++) {
    cellRingStart[k] = r;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const ring of ringsOf(cells[k]!.geometry)) {
      ringStart[r++] = v;
      for (let i = 0; i < ring.length; i++) {
        if (isClosingRepeat(ring, i)) break;
        const x = ring[i]![0]!;
        const y = ring[i]![1]!;
        if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`grid cell ${k} has a non-finite coordinate`);
        coords[2 * v] = x;
        coords[2 * v + 1] = y;
        v++;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
    if (minX > maxX) throw new Error(`grid cell ${k} has no vertices`);
    bboxes.set([minX, minY, maxX, maxY], 4 * k);
  }
  ringStart[r] = v;
  cellRingStart[cells.length] = r;
  return { cellCount: cells.length, coords: coords.subarray(0, 2 * v), ringStart, cellRingStart, bboxes };
}

/** Calls visit(ax, ay, bx, by) for every edge of cell k, including the edge that closes each ring. */
export function forEachCellEdge(
  rings: CellRings,
  k: number,
  visit: (ax: number, ay: number, bx: number, by: number) => void,
): void {
  const { coords, ringStart, cellRingStart } = rings;
  for (let r = cellRingStart[k]!; r < cellRingStart[k + 1]!; r++) {
    const start = ringStart[r]!;
    const end = ringStart[r + 1]!;
    if (end - start < 2) continue;
    let px = coords[2 * (end - 1)]!;
    let py = coords[2 * (end - 1) + 1]!;
    for (let i = start; i < end; i++) {
      const x = coords[2 * i]!;
      const y = coords[2 * i + 1]!;
      visit(px, py, x, y);
      px = x;
      py = y;
    }
  }
}
