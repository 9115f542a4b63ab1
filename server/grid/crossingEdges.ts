import { forEachCellEdge, type CellRings } from './cellRings.js';

/**
 * Point-in-cell by crossing number (even-odd over all rings of a cell, which is correct for valid
 * polygons with holes and for MultiPolygons), with a half-open rule so that a point on an edge shared by
 * two cells lies in exactly one of them.
 *
 * Each non-horizontal edge is stored canonically, lower endpoint first, as
 * [yLow, yHigh, xAtYLow, dxPerDy]. Two cells sharing an edge therefore compute bit-identical crossing
 * abscissae whatever direction their rings run, which is what makes the half-open rule partition the
 * plane exactly. A ray cast towards +x from (px, py) crosses the edge when yLow <= py < yHigh and
 * px < xAtYLow + (py - yLow) * dxPerDy. Horizontal edges can never satisfy yLow <= py < yHigh, so they
 * are not stored. Edges are sorted by yLow per cell so a scan can stop at the first edge above the point.
 */
export interface CrossingEdges {
  data: Float64Array;
  /** Edge index where each cell's edges start; length cellCount + 1. */
  cellEdgeStart: Int32Array;
}

export const EDGE_STRIDE = 4;

export function buildCrossingEdges(rings: CellRings): CrossingEdges {
  const cellEdgeStart = new Int32Array(rings.cellCount + 1);
  const data = new Float64Array((rings.coords.length / 2) * EDGE_STRIDE);
  let e = 0;
  const scratch: number[] = [];
  const order: number[] = [];
  for (let k = 0; k < rings.cellCount; k++) {
    cellEdgeStart[k] = e;
    scratch.length = 0;
    forEachCellEdge(rings, k, (ax, ay, bx, by) => {
      if (ay === by) return;
      if (ay < by) scratch.push(ay, by, ax, (bx - ax) / (by - ay));
      else scratch.push(by, ay, bx, (ax - bx) / (ay - by));
    });
    const n = scratch.length / EDGE_STRIDE;
    order.length = n;
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => scratch[a * EDGE_STRIDE]! - scratch[b * EDGE_STRIDE]!);
    for (const i of order) {
      for (let j = 0; j < EDGE_STRIDE; j++) data[e * EDGE_STRIDE + j] = scratch[i * EDGE_STRIDE + j]!;
      e++;
    }
  }
  cellEdgeStart[rings.cellCount] = e;
  return { data: data.slice(0, e * EDGE_STRIDE), cellEdgeStart };
}

export function cellContainsPoint(edges: CrossingEdges, k: number, px: number, py: number): boolean {
  const d = edges.data;
  const end = edges.cellEdgeStart[k + 1]! * EDGE_STRIDE;
  let inside = false;
  for (let i = edges.cellEdgeStart[k]! * EDGE_STRIDE; i < end; i += EDGE_STRIDE) {
    const yLow = d[i]!;
    if (yLow > py) break;
    if (py < d[i + 1]! && px < d[i + 2]! + (py - yLow) * d[i + 3]!) inside = !inside;
  }
  return inside;
}
