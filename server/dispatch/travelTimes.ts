import FlatQueue from 'flatqueue';
import type { EdgeRows, RoadGraph } from './roadGraph.js';

/** Every node's travel time to one destination, and the way there. */
export interface TravelTimesTo {
  target: number;
  /** Seconds from each node to the target (Infinity where it cannot get there). */
  seconds: Float64Array;
  metres: Float64Array;
  /** The next node on the fastest way to the target (-1 at the target or where unreachable). */
  next: Int32Array;
}

/**
 * Dijkstra from the destination outwards over the reversed graph: one search answers "how long
 * from anywhere to here", so ranking every team costs one search, not one per team. Times are at
 * each road's free-flow speed (live road speeds are not modelled yet).
 */
export function travelTimesTo(g: RoadGraph, target: number): TravelTimesTo {
  return dijkstra(g.reversed, g.nodeCount, target);
}

/** The same search over the forward graph: from one origin to every node (the naive baseline uses it). */
export function travelTimesFrom(g: RoadGraph, origin: number): TravelTimesTo {
  return dijkstra(g.forward, g.nodeCount, origin);
}

function dijkstra(rows: EdgeRows, nodeCount: number, start: number): TravelTimesTo {
  const seconds = new Float64Array(nodeCount).fill(Infinity);
  const metres = new Float64Array(nodeCount).fill(Infinity);
  const next = new Int32Array(nodeCount).fill(-1);
  const done = new Uint8Array(nodeCount);
  const queue = new FlatQueue<number>();
  seconds[start] = 0;
  metres[start] = 0;
  queue.push(start, 0);
  while (queue.length > 0) {
    const n = queue.pop()!;
    if (done[n]) continue;
    done[n] = 1;
    for (let e = rows.offsets[n]!; e < rows.offsets[n + 1]!; e++) {
      const m = rows.targets[e]!;
      const t = seconds[n]! + rows.seconds[e]!;
      if (t < seconds[m]!) {
        seconds[m] = t;
        metres[m] = metres[n]! + rows.metres[e]!;
        next[m] = n;
        queue.push(m, t);
      }
    }
  }
  return { target: start, seconds, metres, next };
}

/** The node path from `origin` to the search's target, following `next`. */
export function pathToTarget(t: TravelTimesTo, origin: number): number[] {
  if (!Number.isFinite(t.seconds[origin]!)) return [];
  const path = [origin];
  for (let n = origin; n !== t.target; ) {
    n = t.next[n]!;
    path.push(n);
  }
  return path;
}
