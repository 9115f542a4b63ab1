import type { LocalizedName, RoadClass, TaskRoute } from '../../shared/index.js';
import { OFF_ROAD_MPS } from './candidates.js';
import { nearestNode, type EdgeTimes, type RoadGraph } from './roadGraph.js';
import { pathToTarget, travelTimesTo } from './travelTimes.js';

/** What a leg of a drive is named by: the road's name (null for unnamed lanes) and class. */
export type RoadNameOf = (roadIndex: number) => { name: LocalizedName | null; roadClass: RoadClass };

/**
 * The fastest drive from a point to another over the road network at the given edge times, with
 * directions a crew can follow: consecutive edges on the same named road become one leg ("人民路
 * 1.2 km"). One search from the destination, stopped once it reaches the start. Pure. Null when
 * the start cannot reach the destination by road.
 */
export function routeBetween(
  g: RoadGraph,
  from: { lon: number; lat: number },
  to: { lon: number; lat: number },
  nameOf: RoadNameOf,
  times?: EdgeTimes,
): TaskRoute | null {
  const start = nearestNode(g, from.lon, from.lat);
  const end = nearestNode(g, to.lon, to.lat);
  const search = travelTimesTo(g, end.node, { times, until: (n) => n === start.node });
  if (!Number.isFinite(search.seconds[start.node]!)) return null;
  const nodes = pathToTarget(search, start.node);
  const legs: TaskRoute['legs'] = [];
  for (let k = 1; k < nodes.length; k++) {
    const edge = edgeBetween(g, nodes[k - 1]!, nodes[k]!);
    if (edge < 0) continue;
    const { name, roadClass } = nameOf(g.forward.road[edge]!);
    const metres = g.forward.metres[edge]!;
    const prev = legs[legs.length - 1];
    // Unnamed lanes join each other; a named road continues while the name does.
    if (prev && (prev.name?.zh ?? null) === (name?.zh ?? null)) prev.metres += metres;
    else legs.push({ name, roadClass, metres });
  }
  const offRoad = start.metres + end.metres;
  return {
    etaSeconds: Math.round(search.seconds[start.node]! + offRoad / OFF_ROAD_MPS),
    distanceMeters: Math.round(search.metres[start.node]! + offRoad),
    legs: legs.map((l) => ({ ...l, metres: Math.round(l.metres) })),
    line: {
      type: 'LineString',
      coordinates: [[from.lon, from.lat], ...nodes.map((n) => [g.lon[n]!, g.lat[n]!] as [number, number]), [to.lon, to.lat]],
    },
  };
}

/** The forward edge from a to b (the shortest when several roads join them), or -1. */
function edgeBetween(g: RoadGraph, a: number, b: number): number {
  let best = -1;
  for (let e = g.forward.offsets[a]!; e < g.forward.offsets[a + 1]!; e++) {
    if (g.forward.targets[e] === b && (best < 0 || g.forward.metres[e]! < g.forward.metres[best]!)) best = e;
  }
  return best;
}

