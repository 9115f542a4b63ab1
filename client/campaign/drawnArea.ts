import { area as turfArea, kinks } from '@turf/turf';

/**
 * A campaign's area as a leader draws it on the form's map (a market street, an industrial park):
 * the vertices clicked, in order, the ring left open (no closing copy of the first) until the leader
 * finishes it; and the steps between that and the GeoJSON polygon the API keeps. Pure: the map and
 * the form only call these.
 */

export type Vertex = [number, number];

export interface DrawnArea {
  /** The outer ring's vertices in drawing order, without the closing copy of the first. */
  vertices: Vertex[];
  /** Finished (a double click or 完成): clicks no longer add vertices, dragging still moves them. */
  closed: boolean;
  /** The inner rings of a stored polygon, kept through an edit of its outer ring (the form draws none). */
  holes: Vertex[][];
}

export type DrawnAreaProblem = 'too_few' | 'too_many' | 'self_intersecting' | 'unfinished';

/** The API's bound on a ring's positions (shared/schema/campaign.ts), the closing one included. */
export const MAX_VERTICES = 1999;

export const EMPTY_AREA: DrawnArea = { vertices: [], closed: false, holes: [] };

/**
 * Degrees kept: 1e-7° is about a centimetre, far finer than a click; rounding once, when a vertex is
 * placed, keeps what the form checks and what the API stores the same numbers.
 */
const round = (v: number) => Math.round(v * 1e7) / 1e7;
const vertexAt = (lon: number, lat: number): Vertex => [round(lon), round(lat)];
const same = (a: Vertex, b: Vertex) => a[0] === b[0] && a[1] === b[1];

/** A click while drawing: a new last vertex (a click on the last one again is the same vertex, not a new one). */
export function addVertex(a: DrawnArea, lon: number, lat: number): DrawnArea {
  if (a.closed || a.vertices.length >= MAX_VERTICES) return a;
  const v = vertexAt(lon, lat);
  const last = a.vertices.at(-1);
  if (last && same(last, v)) return a;
  return { ...a, vertices: [...a.vertices, v] };
}

/** 撤销: the last vertex taken back; a finished ring is opened again first, so drawing can go on. */
export function undoVertex(a: DrawnArea): DrawnArea {
  if (a.closed) return { ...a, closed: false };
  return { ...a, vertices: a.vertices.slice(0, -1) };
}

/** A vertex dragged to a new place. */
export function moveVertex(a: DrawnArea, index: number, lon: number, lat: number): DrawnArea {
  if (index < 0 || index >= a.vertices.length) return a;
  const vertices = a.vertices.slice();
  vertices[index] = vertexAt(lon, lat);
  return { ...a, vertices };
}

/** 完成: the ring closed, when it has the three distinct vertices a polygon needs. */
export function finishArea(a: DrawnArea): DrawnArea {
  return distinctCount(a.vertices) >= 3 ? { ...a, closed: true } : a;
}

/** 清除: nothing drawn, a stored polygon's holes gone with it. */
export function clearArea(): DrawnArea {
  return EMPTY_AREA;
}

function distinctCount(vertices: readonly Vertex[]): number {
  return new Set(vertices.map((v) => `${v[0]},${v[1]}`)).size;
}

/**
 * The vertices with consecutive repeats dropped (the first and last compared too, around the ring):
 * a vertex dragged onto its neighbour is one vertex, not a zero-length edge.
 */
export function ringVertices(vertices: readonly Vertex[]): Vertex[] {
  const out: Vertex[] = [];
  for (const v of vertices) if (!out.length || !same(out.at(-1)!, v)) out.push(v);
  while (out.length > 1 && same(out[0]!, out.at(-1)!)) out.pop();
  return out;
}

/** A closed ring, as GeoJSON wants it: the vertices and the first again at the end. */
export function closeRing(vertices: readonly Vertex[]): Vertex[] {
  const ring = ringVertices(vertices);
  return ring.length ? [...ring, [ring[0]![0], ring[0]![1]]] : [];
}

/** The polygon the API keeps for a drawn area (whatever its state: check it with areaProblem first). */
export function polygonOf(a: DrawnArea): { type: 'Polygon'; coordinates: Vertex[][] } {
  return { type: 'Polygon', coordinates: [closeRing(a.vertices), ...a.holes.map((h) => closeRing(h))] };
}

/** A stored polygon as a finished drawing: its outer ring's vertices to edit, its holes kept. */
export function drawnAreaOf(polygon: { coordinates: number[][][] }): DrawnArea {
  const [outer = [], ...holes] = polygon.coordinates;
  const open = (ring: number[][]) => ringVertices(ring.map((p) => [p[0]!, p[1]!] as Vertex));
  return { vertices: open(outer), closed: true, holes: holes.map(open) };
}

/**
 * Why the drawn area cannot be sent, or null: under three distinct vertices, more than the API takes,
 * edges that cross (turf's kinks: a bow-tie has no inside a leader meant), or not finished yet.
 */
export function areaProblem(a: DrawnArea): DrawnAreaProblem | null {
  const ring = ringVertices(a.vertices);
  if (distinctCount(ring) < 3) return 'too_few';
  if (ring.length > MAX_VERTICES) return 'too_many';
  if (crosses(ring)) return 'self_intersecting';
  if (!a.closed) return 'unfinished';
  return null;
}

/** Whether the ring's edges cross or touch anywhere but at shared ends (also: three in a line, no area). */
export function crosses(ring: readonly Vertex[]): boolean {
  const closed = closeRing(ring);
  if (closed.length < 4) return false;
  if (kinks({ type: 'Polygon', coordinates: [closed] }).features.length > 0) return true;
  // kinks misses rings that fold back on themselves along a line: no area is no polygon either.
  return turfArea({ type: 'Polygon', coordinates: [closed] }) <= 0;
}

/** The area in km², holes taken out; 0 until there is a ring. */
export function areaKm2(a: DrawnArea): number {
  if (ringVertices(a.vertices).length < 3) return 0;
  return turfArea(polygonOf(a)) / 1e6;
}

/**
 * The vertex under a pointer: the nearest within `radiusPx` of where each is drawn (`projected`, in
 * the same pixels as `at`), or −1.
 */
export function vertexNear(projected: readonly { x: number; y: number }[], at: { x: number; y: number }, radiusPx: number): number {
  let best = -1;
  let bestD = radiusPx;
  projected.forEach((p, i) => {
    const d = Math.hypot(p.x - at.x, p.y - at.y);
    if (d <= bestD) {
      best = i;
      bestD = d;
    }
  });
  return best;
}
