import FlatQueue from 'flatqueue';
import type { EdgeRows, EdgeTimes, RoadGraph } from './roadGraph.js';

/** Every node's travel time to one destination, and the way there. */
export interface TravelTimesTo {
  target: number;
  /**
   * Seconds from each node to the target (Infinity where it cannot get there). Final for settled
   * nodes; where a search stopped early, the others are unknown or tentative.
   */
  seconds: Float64Array;
  metres: Float64Array;
  /** The next node on the fastest way to the target (-1 at the target or where unreachable). */
  next: Int32Array;
  /** 1 for nodes whose time is final (every reachable node, unless the search was stopped early). */
  settled: Uint8Array;
}

export interface SearchOptions {
  /** Edge times to search with (live road speeds, roadGraph.edgeTimesAt); by default free-flow. */
  times?: EdgeTimes;
  /**
   * Called with each node as it is settled (nodes come in order of travel time, which is final),
   * and the search so far (`settled` and the settled nodes' times are final); returning true ends
   * the search there.
   */
  until?: (node: number, seconds: number, search: TravelTimesTo) => boolean;
}

/**
 * Dijkstra from the destination outwards over the reversed graph: one search answers "how long
 * from anywhere to here", so ranking every team costs one search, not one per team. Times are at
 * the given edge times (live road speeds), or free-flow.
 */
export function travelTimesTo(g: RoadGraph, target: number, options: SearchOptions = {}): TravelTimesTo {
  return dijkstra(g.reversed, (options.times ?? g.freeFlow).reversed, g.nodeCount, target, options.until);
}

/** The same search over the forward graph: from one origin to every node (the naive baseline uses it). */
export function travelTimesFrom(g: RoadGraph, origin: number, options: SearchOptions = {}): TravelTimesTo {
  return dijkstra(g.forward, (options.times ?? g.freeFlow).forward, g.nodeCount, origin, options.until);
}

function dijkstra(
  rows: EdgeRows,
  edgeSeconds: Float32Array,
  nodeCount: number,
  start: number,
  until: SearchOptions['until'],
): TravelTimesTo {
  const seconds = new Float64Array(nodeCount).fill(Infinity);
  const metres = new Float64Array(nodeCount).fill(Infinity);
  const next = new Int32Array(nodeCount).fill(-1);
  const settled = new Uint8Array(nodeCount);
  const queue = new FlatQueue<number>();
  const search: TravelTimesTo = { target: start, seconds, metres, next, settled };
  seconds[start] = 0;
  metres[start] = 0;
  queue.push(start, 0);
  while (queue.length > 0) {
    const n = queue.pop()!;
    if (settled[n]) continue;
    settled[n] = 1;
    if (until?.(n, seconds[n]!, search)) break;
    for (let e = rows.offsets[n]!; e < rows.offsets[n + 1]!; e++) {
      const m = rows.targets[e]!;
      const t = seconds[n]! + edgeSeconds[e]!;
      if (t < seconds[m]!) {
        seconds[m] = t;
        metres[m] = metres[n]! + rows.metres[e]!;
        next[m] = n;
        queue.push(m, t);
      }
    }
  }
  return search;
}

/** The node path from `origin` to the search's target, following `next` (empty unless the origin is settled). */
export function pathToTarget(t: TravelTimesTo, origin: number): number[] {
  if (!t.settled[origin] || !Number.isFinite(t.seconds[origin]!)) return [];
  const path = [origin];
  for (let n = origin; n !== t.target; ) {
    n = t.next[n]!;
    path.push(n);
  }
  return path;
}
