import KDBush from 'kdbush';
import type { CityLayer, RoadClass } from '../../shared/index.js';

/**
 * The road network as a directed graph in compressed rows of typed arrays: nodes are the vertices
 * of the road lines (segments meet on exactly equal coordinates), edges run between consecutive
 * vertices, both ways unless the road is one-way. Kept twice: forward, and reversed so that one
 * search from a destination gives every origin's travel time to it.
 */
export interface RoadGraph {
  nodeCount: number;
  lon: Float64Array;
  lat: Float64Array;
  /** Edges leaving node n: forward.targets[forward.offsets[n] … forward.offsets[n+1]). */
  forward: EdgeRows;
  /** Edges arriving at node n, as (source, cost): the forward graph turned around. */
  reversed: EdgeRows;
  /** Nearest-node lookups. */
  index: KDBush;
  /**
   * 1 for nodes of the network's main part, reachable from it and able to reach it: points are
   * snapped only to these, so that a dead-end scrap of one-way road never strands a case or a team.
   */
  connected: Uint8Array;
  /** The roads the edges come from, in the order of the layer: what live road speeds are given for. */
  roads: RoadTable;
  /** Edge times at every road's free-flow speed (the rows' own `seconds`). */
  freeFlow: EdgeTimes;
  /** Buckets of the main part's nodes, for nearestNode. */
  snap: SnapGrid;
}

export interface EdgeRows {
  offsets: Uint32Array;
  targets: Uint32Array;
  /** Length in metres. */
  metres: Float32Array;
  /** Free-flow travel time in seconds at the road's speed. */
  seconds: Float32Array;
  /** The road (index in RoadGraph.roads) each edge belongs to. */
  road: Uint32Array;
}

/** The roads of the network, by index: edge → road through EdgeRows.road. */
export interface RoadTable {
  count: number;
  ids: readonly string[];
  classes: readonly RoadClass[];
  /** Free-flow (signed) speed of each road in km/h. */
  freeKph: Float32Array;
  /** Road indices by id (a layer may repeat an id over several features: all of them). */
  byId: ReadonlyMap<string, readonly number[]>;
}

/**
 * Seconds to drive each edge, aligned with the graph's forward and reversed rows: free-flow, or at
 * live road speeds (see edgeTimesAt). The search takes them as an argument, so it stays pure.
 */
export interface EdgeTimes {
  forward: Float32Array;
  reversed: Float32Array;
  /** The fastest speed on any edge in m/s (an upper bound for straight-line lower bounds on time). */
  maxMps: number;
}

/**
 * Edge times at live speeds: `factor[r]` is road r's current speed as a fraction of its free-flow
 * speed (0.5 = half as fast, twice as long). A factor that is not a positive finite number counts as 1.
 */
export function edgeTimesAt(g: RoadGraph, factor: ArrayLike<number>): EdgeTimes {
  const times = (rows: EdgeRows) => {
    const out = new Float32Array(rows.seconds.length);
    for (let e = 0; e < out.length; e++) {
      const f = factor[rows.road[e]!]!;
      out[e] = f > 0 && Number.isFinite(f) ? rows.seconds[e]! / f : rows.seconds[e]!;
    }
    return out;
  };
  const forward = times(g.forward);
  return { forward, reversed: times(g.reversed), maxMps: fastest(g.forward.metres, forward) };
}

function fastest(metres: Float32Array, seconds: Float32Array): number {
  let max = 0;
  for (let e = 0; e < metres.length; e++) if (seconds[e]! > 0) max = Math.max(max, metres[e]! / seconds[e]!);
  return max;
}

const EARTH_M = 6_371_008.8;
/** Metres between two nearby points (equirectangular; exact enough within a city). */
export function metresBetween(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const x = (lon2 - lon1) * rad * Math.cos(((lat1 + lat2) / 2) * rad);
  const y = (lat2 - lat1) * rad;
  return Math.hypot(x, y) * EARTH_M;
}

export function buildRoadGraph(roads: CityLayer<'roads'>['features']): RoadGraph {
  const ids = new Map<string, number>();
  const lons: number[] = [];
  const lats: number[] = [];
  const node = (c: readonly number[]) => {
    const key = `${c[0]},${c[1]}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = lons.length;
      ids.set(key, id);
      lons.push(c[0]!);
      lats.push(c[1]!);
    }
    return id;
  };
  const from: number[] = [];
  const to: number[] = [];
  const metres: number[] = [];
  const seconds: number[] = [];
  const roadOf: number[] = [];
  const byId = new Map<string, number[]>();
  roads.forEach((road, r) => {
    const mps = road.properties.speedKph / 3.6;
    const coords = road.geometry.coordinates;
    const same = byId.get(road.properties.id);
    if (same) same.push(r);
    else byId.set(road.properties.id, [r]);
    for (let i = 1; i < coords.length; i++) {
      const a = node(coords[i - 1]!);
      const b = node(coords[i]!);
      if (a === b) continue;
      const m = metresBetween(lons[a]!, lats[a]!, lons[b]!, lats[b]!);
      from.push(a); to.push(b); metres.push(m); seconds.push(m / mps); roadOf.push(r);
      if (!road.properties.oneway) {
        from.push(b); to.push(a); metres.push(m); seconds.push(m / mps); roadOf.push(r);
      }
    }
  });
  const nodeCount = lons.length;
  const index = new KDBush(nodeCount, 64, Float64Array);
  for (let n = 0; n < nodeCount; n++) index.add(lons[n]!, lats[n]!);
  index.finish();
  const forward = rows(nodeCount, from, to, metres, seconds, roadOf);
  const reversed = rows(nodeCount, to, from, metres, seconds, roadOf);
  const lon = Float64Array.from(lons);
  const lat = Float64Array.from(lats);
  const connected = mainPart(forward, reversed, nodeCount, busiestNode(forward, nodeCount));
  return {
    nodeCount,
    lon,
    lat,
    forward,
    reversed,
    index,
    connected,
    roads: {
      count: roads.length,
      ids: roads.map((r) => r.properties.id),
      classes: roads.map((r) => r.properties.class),
      freeKph: Float32Array.from(roads, (r) => r.properties.speedKph),
      byId,
    },
    freeFlow: { forward: forward.seconds, reversed: reversed.seconds, maxMps: fastest(forward.metres, forward.seconds) },
    snap: snapGrid(lon, lat, connected),
  };
}

/** The node with the most roads leaving it: a crossing in the heart of the network. */
function busiestNode(rows: EdgeRows, nodeCount: number): number {
  let best = 0;
  for (let n = 1; n < nodeCount; n++) {
    if (rows.offsets[n + 1]! - rows.offsets[n]! > rows.offsets[best + 1]! - rows.offsets[best]!) best = n;
  }
  return best;
}

/** Nodes both reachable from `seed` and able to reach it: the strongly connected part around it. */
function mainPart(forward: EdgeRows, reversed: EdgeRows, nodeCount: number, seed: number): Uint8Array {
  const reach = (rows: EdgeRows) => {
    const seen = new Uint8Array(nodeCount);
    const stack = [seed];
    seen[seed] = 1;
    while (stack.length > 0) {
      const n = stack.pop()!;
      for (let e = rows.offsets[n]!; e < rows.offsets[n + 1]!; e++) {
        const m = rows.targets[e]!;
        if (!seen[m]) {
          seen[m] = 1;
          stack.push(m);
        }
      }
    }
    return seen;
  };
  const out = reach(forward);
  const back = reach(reversed);
  for (let n = 0; n < nodeCount; n++) out[n] = out[n]! & back[n]!;
  return out;
}

function rows(nodeCount: number, from: number[], to: number[], metres: number[], seconds: number[], roadOf: number[]): EdgeRows {
  const offsets = new Uint32Array(nodeCount + 1);
  for (const f of from) offsets[f + 1]! += 1;
  for (let n = 0; n < nodeCount; n++) offsets[n + 1]! += offsets[n]!;
  const fill = offsets.slice(0, nodeCount);
  const out: EdgeRows = {
    offsets,
    targets: new Uint32Array(from.length),
    metres: new Float32Array(from.length),
    seconds: new Float32Array(from.length),
    road: new Uint32Array(from.length),
  };
  from.forEach((f, e) => {
    const k = fill[f]!++;
    out.targets[k] = to[e]!;
    out.metres[k] = metres[e]!;
    out.seconds[k] = seconds[e]!;
    out.road[k] = roadOf[e]!;
  });
  return out;
}

/**
 * The main part's nodes in buckets of a regular lon/lat grid (about two per bucket), in compressed
 * rows: a nearest-node query looks at rings of buckets around the point and stops once no farther
 * ring can hold anything nearer. Far cheaper than a k-d tree walk, which matters when a ranking
 * snaps thousands of teams to the network.
 */
export interface SnapGrid {
  west: number;
  south: number;
  cellLon: number;
  cellLat: number;
  cols: number;
  rows: number;
  /** Bucket b holds nodes[start[b] … start[b+1]); b = row · cols + col. */
  start: Uint32Array;
  nodes: Uint32Array;
}

function snapGrid(lon: Float64Array, lat: Float64Array, connected: Uint8Array): SnapGrid {
  let [west, south, east, north, count] = [Infinity, Infinity, -Infinity, -Infinity, 0];
  for (let n = 0; n < connected.length; n++) {
    if (!connected[n]) continue;
    west = Math.min(west, lon[n]!);
    east = Math.max(east, lon[n]!);
    south = Math.min(south, lat[n]!);
    north = Math.max(north, lat[n]!);
    count++;
  }
  const rad = Math.PI / 180;
  const widthM = Math.max((east - west) * rad * EARTH_M * Math.cos(((south + north) / 2) * rad), 1);
  const heightM = Math.max((north - south) * rad * EARTH_M, 1);
  const cellM = Math.max(Math.sqrt((widthM * heightM) / Math.max(count / 2, 1)), 25);
  const cellLat = cellM / (rad * EARTH_M);
  const cellLon = cellM / (rad * EARTH_M * Math.cos(((south + north) / 2) * rad));
  const cols = Math.max(1, Math.ceil((east - west) / cellLon) + 1);
  const rows = Math.max(1, Math.ceil((north - south) / cellLat) + 1);
  const grid: SnapGrid = { west, south, cellLon, cellLat, cols, rows, start: new Uint32Array(cols * rows + 1), nodes: new Uint32Array(count) };
  const bucketOf = (n: number) => bucketRow(grid, lat[n]!) * cols + bucketCol(grid, lon[n]!);
  for (let n = 0; n < connected.length; n++) if (connected[n]) grid.start[bucketOf(n) + 1]! += 1;
  for (let b = 0; b < cols * rows; b++) grid.start[b + 1]! += grid.start[b]!;
  const fill = grid.start.slice(0, cols * rows);
  for (let n = 0; n < connected.length; n++) if (connected[n]) grid.nodes[fill[bucketOf(n)]!++] = n;
  return grid;
}

const bucketCol = (s: SnapGrid, lon: number) => Math.min(s.cols - 1, Math.max(0, Math.floor((lon - s.west) / s.cellLon)));
const bucketRow = (s: SnapGrid, lat: number) => Math.min(s.rows - 1, Math.max(0, Math.floor((lat - s.south) / s.cellLat)));

/**
 * The node of the network's main part nearest a point, and how far it is in metres. Nearest in the
 * plane tangent at the point (exact enough within a city); ties go to the lower node number.
 */
export function nearestNode(g: RoadGraph, lon: number, lat: number): { node: number; metres: number } {
  const s = g.snap;
  // Distances in degrees of latitude: a degree of longitude is cos(lat) of one.
  const kx = Math.cos((lat * Math.PI) / 180);
  const cx = bucketCol(s, lon);
  const cy = bucketRow(s, lat);
  // Nodes in ring r (r buckets away in either direction) are at least r - 1 bucket sides away.
  const side = Math.min(s.cellLat, s.cellLon * kx);
  const last = Math.max(cx, cy, s.cols - 1 - cx, s.rows - 1 - cy);
  let best = -1;
  let bestD2 = Infinity;
  for (let r = 0; r <= last; r++) {
    if (r >= 2 && ((r - 1) * side) ** 2 > bestD2) break;
    for (let row = cy - r; row <= cy + r; row++) {
      if (row < 0 || row >= s.rows) continue;
      // The ring's top and bottom rows whole, the rows between at their two ends.
      const step = row === cy - r || row === cy + r ? 1 : 2 * r;
      for (let col = cx - r; col <= cx + r; col += step) {
        if (col < 0 || col >= s.cols) continue;
        const b = row * s.cols + col;
        for (let k = s.start[b]!; k < s.start[b + 1]!; k++) {
          const n = s.nodes[k]!;
          const dx = (g.lon[n]! - lon) * kx;
          const dy = g.lat[n]! - lat;
          const d2 = dx * dx + dy * dy;
          if (d2 < bestD2 || (d2 === bestD2 && n < best)) {
            best = n;
            bestD2 = d2;
          }
        }
      }
    }
  }
  return { node: best, metres: metresBetween(lon, lat, g.lon[best]!, g.lat[best]!) };
}
