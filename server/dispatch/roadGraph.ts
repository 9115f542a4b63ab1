import KDBush from 'kdbush';
import { around } from 'geokdbush';
import type { CityLayer } from '../../shared/index.js';

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
}

export interface EdgeRows {
  offsets: Uint32Array;
  targets: Uint32Array;
  /** Length in metres. */
  metres: Float32Array;
  /** Free-flow travel time in seconds at the road's speed. */
  seconds: Float32Array;
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
  for (const road of roads) {
    const mps = road.properties.speedKph / 3.6;
    const coords = road.geometry.coordinates;
    for (let i = 1; i < coords.length; i++) {
      const a = node(coords[i - 1]!);
      const b = node(coords[i]!);
      if (a === b) continue;
      const m = metresBetween(lons[a]!, lats[a]!, lons[b]!, lats[b]!);
      from.push(a); to.push(b); metres.push(m); seconds.push(m / mps);
      if (!road.properties.oneway) {
        from.push(b); to.push(a); metres.push(m); seconds.push(m / mps);
      }
    }
  }
  const nodeCount = lons.length;
  const index = new KDBush(nodeCount, 64, Float64Array);
  for (let n = 0; n < nodeCount; n++) index.add(lons[n]!, lats[n]!);
  index.finish();
  const forward = rows(nodeCount, from, to, metres, seconds);
  const reversed = rows(nodeCount, to, from, metres, seconds);
  return {
    nodeCount,
    lon: Float64Array.from(lons),
    lat: Float64Array.from(lats),
    forward,
    reversed,
    index,
    connected: mainPart(forward, reversed, nodeCount, busiestNode(forward, nodeCount)),
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

function rows(nodeCount: number, from: number[], to: number[], metres: number[], seconds: number[]): EdgeRows {
  const offsets = new Uint32Array(nodeCount + 1);
  for (const f of from) offsets[f + 1]! += 1;
  for (let n = 0; n < nodeCount; n++) offsets[n + 1]! += offsets[n]!;
  const fill = offsets.slice(0, nodeCount);
  const out: EdgeRows = {
    offsets,
    targets: new Uint32Array(from.length),
    metres: new Float32Array(from.length),
    seconds: new Float32Array(from.length),
  };
  from.forEach((f, e) => {
    const k = fill[f]!++;
    out.targets[k] = to[e]!;
    out.metres[k] = metres[e]!;
    out.seconds[k] = seconds[e]!;
  });
  return out;
}

/** The node of the network's main part nearest a point (great-circle), and how far it is in metres. */
export function nearestNode(g: RoadGraph, lon: number, lat: number): { node: number; metres: number } {
  const [n] = around(g.index, lon, lat, 1, Infinity, (i) => g.connected[i] === 1);
  return { node: n!, metres: metresBetween(lon, lat, g.lon[n!]!, g.lat[n!]!) };
}
