import Flatbush from 'flatbush';
import type { AreaFeature, AreaGeometry } from '../grid/cellRings.js';

/**
 * Camera coverage: what share of each unit grid cell some live camera sees. Pure: plain data in,
 * typed arrays out; no timers, no I/O (cameraLiveness.ts decides which cameras are live).
 *
 * A camera's field of view is a sector (a circle for a 360° PTZ camera), built here with its own arc:
 * vertices every `arcStepDeg` (2°) of bearing on a local flat plane around the camera, so the polygon's
 * area is within 0.02 % of the true sector whatever its angle, and a sector wider than 180° splits
 * at its heading into two convex halves that clip cells exactly. (turf's `sector` puts 64 geodesic
 * steps on any arc and gives one possibly non-convex polygon; at ranges of a few hundred metres the
 * flat plane differs from the geodesic by millimetres. The tests check our shares against turf's.)
 *
 * Each camera's pieces (its sector clipped to each cell it touches, found with a Flatbush index of the
 * cells' boxes) are computed once. A cell's share is the area of the union of the pieces of its live
 * cameras over the cell's area: overlapping cameras count once (an exact sweep over vertical slabs,
 * see `unionArea`). When cameras go down or come back only the cells they touch are computed again.
 */

/** A camera as the coverage needs it: where it stands and what it looks at. */
export interface CameraSpec {
  id: string;
  /** A fixed camera or a PTZ (pan-tilt-zoom) one; only the field of view counts for the coverage. */
  kind?: 'fixed' | 'ptz';
  lon: number;
  lat: number;
  /** Degrees clockwise from north: the middle of the field of view. */
  headingDeg: number;
  /** Width of the field of view in degrees, up to 360 (a PTZ camera sweeping all round). */
  fovDeg: number;
  /** How far the camera sees, in metres. */
  rangeM: number;
}

/** Cells whose share changed, and their new shares, index for index. */
export interface CellsChange {
  cells: Int32Array;
  shares: Float32Array;
}

/** A GeoJSON polygon in lon/lat: one closed ring, counter-clockwise. */
export interface SectorPolygon {
  type: 'Polygon';
  coordinates: [number, number][][];
}

export interface CameraCoverageOptions {
  /** Largest bearing step between two vertices of an arc, in degrees. @default 2 */
  arcStepDeg?: number;
}

export interface CameraCoverageStats {
  cameras: number;
  cells: number;
  /** Cells some camera's sector reaches. */
  cellsTouched: number;
  /** (camera, cell) pairs with a piece. */
  pieces: number;
  /** Time to build the sectors, the pieces and the first shares. */
  precomputeMs: number;
}

export const DEFAULT_ARC_STEP_DEG = 2;
const EARTH_RADIUS_M = 6_371_008.8;
const METRES_PER_DEGREE = (EARTH_RADIUS_M * Math.PI) / 180;
const RAD = Math.PI / 180;
/** A piece smaller than this share of its cell is dropped (a sector grazing a corner). */
const MIN_PIECE_SHARE = 1e-9;

/** Points of a camera's sector as metre offsets (east, north) from the camera: the apex (unless a circle) and the arc. */
function sectorOffsets(cam: Pick<CameraSpec, 'headingDeg' | 'fovDeg' | 'rangeM'>, arcStepDeg: number): { arc: number[]; circle: boolean } {
  const circle = cam.fovDeg >= 360;
  const arc: number[] = [];
  if (circle) {
    const n = Math.max(8, Math.ceil(360 / arcStepDeg));
    for (let k = 0; k < n; k++) {
      const b = (cam.headingDeg + (360 * k) / n) * RAD;
      arc.push(cam.rangeM * Math.sin(b), cam.rangeM * Math.cos(b));
    }
    return { arc, circle };
  }
  // An even number of steps, so that the heading is a vertex (where a wide sector splits).
  const n = 2 * Math.max(1, Math.ceil(cam.fovDeg / (2 * arcStepDeg)));
  const start = cam.headingDeg - cam.fovDeg / 2;
  for (let k = 0; k <= n; k++) {
    const b = (start + (cam.fovDeg * k) / n) * RAD;
    arc.push(cam.rangeM * Math.sin(b), cam.rangeM * Math.cos(b));
  }
  return { arc, circle };
}

function signedArea(ring: ArrayLike<number>): number {
  const n = ring.length / 2;
  let a = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) a += ring[2 * j]! * ring[2 * i + 1]! - ring[2 * i]! * ring[2 * j + 1]!;
  return a / 2;
}

/** The ring counter-clockwise, reversed if need be, its first vertex kept first. */
function counterClockwise(ring: number[]): Float64Array {
  if (signedArea(ring) >= 0) return Float64Array.from(ring);
  const out = new Float64Array(ring.length);
  const n = ring.length / 2;
  for (let i = 0; i < n; i++) {
    const from = i === 0 ? 0 : n - i;
    out[2 * i] = ring[2 * from]!;
    out[2 * i + 1] = ring[2 * from + 1]!;
  }
  return out;
}

/**
 * A camera's field of view as convex rings of metre offsets from the camera, counter-clockwise: the
 * circle, a sector up to 180°, or the two halves of a wider sector.
 */
function convexParts(cam: CameraSpec, arcStepDeg: number): Float64Array[] {
  const { arc, circle } = sectorOffsets(cam, arcStepDeg);
  if (circle) return [counterClockwise(arc)];
  if (cam.fovDeg <= 180) return [counterClockwise([0, 0, ...arc])];
  const mid = arc.length / 2 - 1; // index (in numbers) of the heading vertex's x
  return [counterClockwise([0, 0, ...arc.slice(0, mid + 2)]), counterClockwise([0, 0, ...arc.slice(mid)])];
}

/**
 * A camera's field of view as a GeoJSON polygon in lon/lat (closed, counter-clockwise): a sector from
 * `headingDeg - fovDeg/2` to `headingDeg + fovDeg/2` out to `rangeM`, or a circle for 360°.
 */
export function cameraSector(cam: CameraSpec, opts: CameraCoverageOptions = {}): SectorPolygon {
  const { arc, circle } = sectorOffsets(cam, opts.arcStepDeg ?? DEFAULT_ARC_STEP_DEG);
  const ring = counterClockwise(circle ? arc : [0, 0, ...arc]);
  const kx = METRES_PER_DEGREE * Math.cos(cam.lat * RAD);
  const coords: [number, number][] = [];
  for (let i = 0; i < ring.length; i += 2) coords.push([cam.lon + ring[i]! / kx, cam.lat + ring[i + 1]! / METRES_PER_DEGREE]);
  coords.push([coords[0]![0], coords[0]![1]]);
  return { type: 'Polygon', coordinates: [coords] };
}

/**
 * Sutherland–Hodgman: `subject` (any simple ring, convex or not) clipped to the convex,
 * counter-clockwise ring `clip`. Where the subject is not convex the result may hold zero-width
 * bridges along the clip's edges; its area, and the even-odd region it bounds, are exact.
 */
export function clipToConvex(subject: ArrayLike<number>, clip: ArrayLike<number>): Float64Array {
  let input: ArrayLike<number> = subject;
  const m = clip.length / 2;
  for (let e = 0; e < m && input.length >= 6; e++) {
    const ax = clip[2 * e]!;
    const ay = clip[2 * e + 1]!;
    const f = (e + 1) % m;
    const ex = clip[2 * f]! - ax;
    const ey = clip[2 * f + 1]! - ay;
    if (ex === 0 && ey === 0) continue;
    const n = input.length / 2;
    // Most edges of an arc are nowhere near a cell: wholly inside their half-plane, nothing to cut.
    let outside = 0;
    for (let i = 0; i < n; i++) if (ex * (input[2 * i + 1]! - ay) - ey * (input[2 * i]! - ax) < 0) outside++;
    if (outside === 0) continue;
    if (outside === n) return new Float64Array(0);
    const out: number[] = [];
    let px = input[2 * n - 2]!;
    let py = input[2 * n - 1]!;
    let ps = ex * (py - ay) - ey * (px - ax);
    for (let i = 0; i < n; i++) {
      const cx = input[2 * i]!;
      const cy = input[2 * i + 1]!;
      const cs = ex * (cy - ay) - ey * (cx - ax);
      if (cs >= 0) {
        if (ps < 0) {
          const t = ps / (ps - cs);
          out.push(px + t * (cx - px), py + t * (cy - py));
        }
        out.push(cx, cy);
      } else if (ps > 0) {
        const t = ps / (ps - cs);
        out.push(px + t * (cx - px), py + t * (cy - py));
      }
      px = cx;
      py = cy;
      ps = cs;
    }
    input = out;
  }
  return input.length >= 6 ? Float64Array.from(input) : new Float64Array(0);
}

/** A region: rings of interleaved x, y (not closed), read with the even-odd rule. */
export type Region = readonly Float64Array[];

/** Area of one region (even-odd), exact for rings that do not cross one another. */
function regionArea(region: Region): number {
  if (region.length === 1) return Math.abs(signedArea(region[0]!));
  return unionArea([region]);
}

/**
 * Area of the union of regions (each even-odd, its own rings not crossing one another; different
 * regions may overlap in any way). Exact up to rounding: the plane is cut into vertical slabs at every
 * vertex and every crossing of two regions' edges; inside a slab no edge starts, ends or crosses
 * another, so the length of the union on a vertical line is linear in x and its value at the slab's
 * middle times the slab's width is the slab's area.
 */
export function unionArea(regions: readonly Region[]): number {
  // Edges, flattened: x0, y0, x1, y1 and the region of each.
  let edgeCount = 0;
  for (const region of regions) for (const ring of region) edgeCount += ring.length / 2;
  const ex0 = new Float64Array(edgeCount);
  const ey0 = new Float64Array(edgeCount);
  const ex1 = new Float64Array(edgeCount);
  const ey1 = new Float64Array(edgeCount);
  const owner = new Int32Array(edgeCount);
  const xs: number[] = [];
  let k = 0;
  regions.forEach((region, r) => {
    for (const ring of region) {
      const n = ring.length / 2;
      for (let i = 0; i < n; i++) {
        const j = (i + 1) % n;
        ex0[k] = ring[2 * i]!;
        ey0[k] = ring[2 * i + 1]!;
        ex1[k] = ring[2 * j]!;
        ey1[k] = ring[2 * j + 1]!;
        owner[k] = r;
        xs.push(ring[2 * i]!);
        k++;
      }
    }
  });
  if (regions.length > 1) {
    for (let a = 0; a < edgeCount; a++) {
      const aMinX = Math.min(ex0[a]!, ex1[a]!);
      const aMaxX = Math.max(ex0[a]!, ex1[a]!);
      const aMinY = Math.min(ey0[a]!, ey1[a]!);
      const aMaxY = Math.max(ey0[a]!, ey1[a]!);
      for (let b = a + 1; b < edgeCount; b++) {
        if (owner[b] === owner[a]) continue;
        if (Math.max(ex0[b]!, ex1[b]!) < aMinX || Math.min(ex0[b]!, ex1[b]!) > aMaxX) continue;
        if (Math.max(ey0[b]!, ey1[b]!) < aMinY || Math.min(ey0[b]!, ey1[b]!) > aMaxY) continue;
        const rx = ex1[a]! - ex0[a]!;
        const ry = ey1[a]! - ey0[a]!;
        const sx = ex1[b]! - ex0[b]!;
        const sy = ey1[b]! - ey0[b]!;
        const den = rx * sy - ry * sx;
        if (den === 0) continue; // parallel: a shared stretch starts and ends at vertices
        const qx = ex0[b]! - ex0[a]!;
        const qy = ey0[b]! - ey0[a]!;
        const t = (qx * sy - qy * sx) / den;
        const u = (qx * ry - qy * rx) / den;
        if (t > 0 && t < 1 && u > 0 && u < 1) xs.push(ex0[a]! + t * rx);
      }
    }
  }
  xs.sort((p, q) => p - q);

  let area = 0;
  const ys: number[][] = regions.map(() => []);
  const lo: number[] = [];
  const hi: number[] = [];
  const order: number[] = [];
  for (let s = 0; s + 1 < xs.length; s++) {
    const x0 = xs[s]!;
    const x1 = xs[s + 1]!;
    if (!(x1 > x0)) continue;
    const xm = (x0 + x1) / 2;
    for (const list of ys) list.length = 0;
    for (let e = 0; e < edgeCount; e++) {
      const ax = ex0[e]!;
      const bx = ex1[e]!;
      if ((ax <= xm) === (bx <= xm)) continue;
      ys[owner[e]!]!.push(ey0[e]! + ((xm - ax) * (ey1[e]! - ey0[e]!)) / (bx - ax));
    }
    lo.length = 0;
    hi.length = 0;
    for (const list of ys) {
      list.sort((p, q) => p - q);
      for (let i = 0; i + 1 < list.length; i += 2) {
        lo.push(list[i]!);
        hi.push(list[i + 1]!);
      }
    }
    if (lo.length === 0) continue;
    let length: number;
    if (lo.length === 1) {
      length = hi[0]! - lo[0]!;
    } else {
      order.length = 0;
      for (let i = 0; i < lo.length; i++) order.push(i);
      order.sort((p, q) => lo[p]! - lo[q]!);
      length = 0;
      let start = lo[order[0]!]!;
      let end = hi[order[0]!]!;
      for (let i = 1; i < order.length; i++) {
        const o = order[i]!;
        if (lo[o]! > end) {
          length += end - start;
          start = lo[o]!;
          end = hi[o]!;
        } else if (hi[o]! > end) {
          end = hi[o]!;
        }
      }
      length += end - start;
    }
    area += length * (x1 - x0);
  }
  return area;
}

function ringsOf(geometry: AreaGeometry): readonly (readonly (readonly number[])[])[] {
  return geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
}

interface Piece {
  cell: number;
  region: Float64Array[];
  area: number;
}

interface Camera {
  spec: CameraSpec;
  live: boolean;
  /** Pieces in ascending cell order. */
  pieces: Piece[];
  cells: Int32Array;
}

/**
 * The camera coverage of a city's unit grid: per cell, the share of its area some live camera sees.
 * Every camera starts live; `setLive` takes cameras down and brings them back.
 */
export class CameraCoverage {
  readonly cellCount: number;
  readonly stats: CameraCoverageStats;
  private readonly shareOf: Float32Array;
  private readonly cellArea: Float64Array;
  private readonly cameras: Camera[];
  private readonly byId = new Map<string, number>();
  /** Per cell, the cameras with a piece there (ascending), or undefined. */
  private readonly camerasOfCell: (Int32Array | undefined)[];
  private readonly arcStepDeg: number;

  constructor(cells: readonly AreaFeature[], cameras: readonly CameraSpec[], opts: CameraCoverageOptions = {}) {
    const started = performance.now();
    this.arcStepDeg = opts.arcStepDeg ?? DEFAULT_ARC_STEP_DEG;
    if (!(this.arcStepDeg > 0 && this.arcStepDeg <= 45)) throw new RangeError('arcStepDeg must be in (0, 45]');
    this.cellCount = cells.length;
    this.shareOf = new Float32Array(cells.length);
    this.cellArea = new Float64Array(cells.length);

    // One flat plane (metres) for the whole city: shares are ratios of areas, and across a city the
    // scale of an equirectangular plane changes by a fraction of a percent, nothing within a cell.
    // Its origin is the middle of the grid, so that coordinates stay small and areas keep their digits.
    let minLon = Infinity;
    let maxLon = -Infinity;
    let minLat = Infinity;
    let maxLat = -Infinity;
    for (const cell of cells) {
      for (const ring of ringsOf(cell.geometry)) {
        for (const p of ring) {
          minLon = Math.min(minLon, p[0]!);
          maxLon = Math.max(maxLon, p[0]!);
          minLat = Math.min(minLat, p[1]!);
          maxLat = Math.max(maxLat, p[1]!);
        }
      }
    }
    const lon0 = cells.length > 0 ? (minLon + maxLon) / 2 : 0;
    const lat0 = cells.length > 0 ? (minLat + maxLat) / 2 : 0;
    const kx = METRES_PER_DEGREE * Math.cos(lat0 * RAD);
    const ky = METRES_PER_DEGREE;

    const cellRegions: Float64Array[][] = [];
    const boxes = new Flatbush(Math.max(cells.length, 1));
    for (let c = 0; c < cells.length; c++) {
      const region: Float64Array[] = [];
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const ring of ringsOf(cells[c]!.geometry)) {
        const n = ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1] ? ring.length - 1 : ring.length;
        const xy = new Float64Array(2 * n);
        for (let i = 0; i < n; i++) {
          const x = (ring[i]![0]! - lon0) * kx;
          const y = (ring[i]![1]! - lat0) * ky;
          xy[2 * i] = x;
          xy[2 * i + 1] = y;
          minX = Math.min(minX, x);
          minY = Math.min(minY, y);
          maxX = Math.max(maxX, x);
          maxY = Math.max(maxY, y);
        }
        region.push(xy);
      }
      cellRegions.push(region);
      this.cellArea[c] = regionArea(region);
      boxes.add(minX, minY, maxX, maxY);
    }
    if (cells.length === 0) boxes.add(Infinity, Infinity, -Infinity, -Infinity);
    boxes.finish();

    const perCell: number[][] = [];
    let pieceCount = 0;
    this.cameras = cameras.map((spec, index) => {
      if (this.byId.has(spec.id)) throw new Error(`camera ${spec.id} is listed twice`);
      this.byId.set(spec.id, index);
      // The camera's parts on the city plane: offsets in the camera's own metres, scaled to the plane's.
      const sx = Math.cos(lat0 * RAD) / Math.cos(spec.lat * RAD);
      const cx = (spec.lon - lon0) * kx;
      const cy = (spec.lat - lat0) * ky;
      const parts = convexParts(spec, this.arcStepDeg).map((part) => {
        const out = new Float64Array(part.length);
        for (let i = 0; i < part.length; i += 2) {
          out[i] = cx + part[i]! * sx;
          out[i + 1] = cy + part[i + 1]!;
        }
        return out;
      });
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const part of parts) {
        for (let i = 0; i < part.length; i += 2) {
          minX = Math.min(minX, part[i]!);
          maxX = Math.max(maxX, part[i]!);
          minY = Math.min(minY, part[i + 1]!);
          maxY = Math.max(maxY, part[i + 1]!);
        }
      }
      const candidates = cells.length > 0 ? boxes.search(minX, minY, maxX, maxY).sort((a, b) => a - b) : [];
      const pieces: Piece[] = [];
      for (const c of candidates) {
        const region: Float64Array[] = [];
        for (const part of parts) {
          for (const ring of cellRegions[c]!) {
            const clipped = clipToConvex(ring, part);
            if (clipped.length >= 6) region.push(clipped);
          }
        }
        if (region.length === 0) continue;
        const area = parts.length === 1 ? regionArea(region) : unionArea([region]);
        if (!(area > MIN_PIECE_SHARE * this.cellArea[c]!)) continue;
        pieces.push({ cell: c, region, area });
        (perCell[c] ??= []).push(index);
        pieceCount++;
      }
      return { spec, live: true, pieces, cells: Int32Array.from(pieces, (p) => p.cell) };
    });
    this.camerasOfCell = Array.from({ length: cells.length }, (_, c) => (perCell[c] ? Int32Array.from(perCell[c]) : undefined));
    let cellsTouched = 0;
    for (let c = 0; c < cells.length; c++) {
      if (!this.camerasOfCell[c]) continue;
      cellsTouched++;
      this.shareOf[c] = this.computeShare(c);
    }
    this.stats = {
      cameras: cameras.length,
      cells: cells.length,
      cellsTouched,
      pieces: pieceCount,
      precomputeMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }

  /**
   * The share of each cell's area some live camera sees, by cell index (0..1). The engine's own array,
   * updated in place by `setLive`: read it, do not write it; copy it to keep a snapshot.
   */
  get shares(): Float32Array {
    return this.shareOf;
  }

  /** The ids of every camera, in the order they were given. */
  get cameraIds(): string[] {
    return this.cameras.map((c) => c.spec.id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  isLive(id: string): boolean {
    return this.cameraNamed(id).live;
  }

  /** The camera as it was given. */
  spec(id: string): CameraSpec {
    return this.cameraNamed(id).spec;
  }

  /**
   * The camera's field of view in lon/lat, as `cameraSector` draws it: with the coverage's own arc
   * step, or a coarser one for a map (5° puts the arc within 0.1 % of the range).
   */
  sector(id: string, arcStepDeg: number = this.arcStepDeg): SectorPolygon {
    return cameraSector(this.cameraNamed(id).spec, { arcStepDeg });
  }

  /** The cells the camera's field of view reaches, ascending (whether it is live or not). */
  cellsOf(id: string): Int32Array {
    return this.cameraNamed(id).cells.slice();
  }

  /** What the camera alone sees of each cell it reaches: the share of the cell, index for index with `cellsOf`. */
  piecesOf(id: string): { cells: Int32Array; shares: Float32Array } {
    const cam = this.cameraNamed(id);
    return { cells: cam.cells.slice(), shares: Float32Array.from(cam.pieces, (p) => p.area / this.cellArea[p.cell]!) };
  }

  /** The live cameras that see some of the cell. */
  camerasSeeing(cell: number): string[] {
    const list = this.camerasOfCell[cell];
    if (!list) return [];
    const out: string[] = [];
    for (const i of list) if (this.cameras[i]!.live) out.push(this.cameras[i]!.spec.id);
    return out;
  }

  /**
   * Takes cameras down (`live: false`) or brings them back, and computes again only the cells they
   * reach. Returns the cells whose share changed (ascending) with their new shares; cameras already
   * in that state change nothing. Throws on an unknown id before changing anything.
   */
  setLive(ids: readonly string[], live: boolean): CellsChange {
    const indices = ids.map((id) => this.indexOf(id));
    const touched = new Set<number>();
    for (const i of indices) {
      const cam = this.cameras[i]!;
      if (cam.live === live) continue;
      cam.live = live;
      for (const c of cam.cells) touched.add(c);
    }
    const cells = [...touched].sort((a, b) => a - b);
    const changed: number[] = [];
    const shares: number[] = [];
    for (const c of cells) {
      const share = Math.fround(this.computeShare(c));
      if (share !== this.shareOf[c]) {
        this.shareOf[c] = share;
        changed.push(c);
        shares.push(share);
      }
    }
    return { cells: Int32Array.from(changed), shares: Float32Array.from(shares) };
  }

  /** The cell's share from the pieces of its live cameras, in camera order (so the same inputs give the same bits). */
  private computeShare(c: number): number {
    const list = this.camerasOfCell[c];
    if (!list) return 0;
    const cellArea = this.cellArea[c]!;
    if (!(cellArea > 0)) return 0;
    const regions: Float64Array[][] = [];
    let single = 0;
    for (const i of list) {
      const cam = this.cameras[i]!;
      if (!cam.live) continue;
      const piece = this.pieceOf(cam, c);
      // A camera that sees the whole cell settles it.
      if (piece.area >= cellArea * (1 - 1e-9)) return 1;
      regions.push(piece.region);
      single = piece.area;
    }
    if (regions.length === 0) return 0;
    const area = regions.length === 1 ? single : unionArea(regions);
    return Math.min(1, Math.max(0, area / cellArea));
  }

  private pieceOf(cam: Camera, c: number): Piece {
    // Binary search: pieces are in ascending cell order.
    let lo = 0;
    let hi = cam.pieces.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const cell = cam.pieces[mid]!.cell;
      if (cell === c) return cam.pieces[mid]!;
      if (cell < c) lo = mid + 1;
      else hi = mid - 1;
    }
    throw new Error(`camera ${cam.spec.id} has no piece in cell ${c}`);
  }

  private indexOf(id: string): number {
    const i = this.byId.get(id);
    if (i === undefined) throw new RangeError(`unknown camera ${id}`);
    return i;
  }

  private cameraNamed(id: string): Camera {
    return this.cameras[this.indexOf(id)]!;
  }
}

/** The cameras of a city's `cameras` layer, as the coverage takes them. */
export function camerasOfLayer(
  features: readonly { geometry: { coordinates: readonly number[] }; properties: { id: string; kind: 'fixed' | 'ptz'; headingDeg: number; fovDeg: number; rangeM: number } }[],
): CameraSpec[] {
  return features.map((f) => ({
    id: f.properties.id,
    kind: f.properties.kind,
    lon: f.geometry.coordinates[0]!,
    lat: f.geometry.coordinates[1]!,
    headingDeg: f.properties.headingDeg,
    fovDeg: f.properties.fovDeg,
    rangeM: f.properties.rangeM,
  }));
}
