import { performance } from 'node:perf_hooks';
import { rankCandidates } from '../../server/dispatch/candidates.js';
import { buildRoadGraph, nearestNode } from '../../server/dispatch/roadGraph.js';
import { travelTimesFrom } from '../../server/dispatch/travelTimes.js';
import type { City, Team } from '../../shared/index.js';

export interface DispatchBenchResult {
  cases: number;
  teams: number;
  nodes: number;
  /** One Dijkstra from the case over the reversed graph (what the server does). */
  reversedMsPerCase: number;
  /** One forward Dijkstra per able team (the naive way). */
  perTeamMsPerCase: number;
  ratio: number;
}

/**
 * Ranking the teams for a case: one search from the case over the reversed graph, against one
 * search per team, on the default city, for the same cases and the same (500, as the issue asks for)
 * teams spread over the city; both give the same ranking (tests/unit/dispatch.test.ts).
 */
export function benchDispatch(city: City, teams: Team[], cases = 40): DispatchBenchResult {
  const g = buildRoadGraph(city.layers.roads.features);
  const cells = city.layers.grid.features;
  // 500 teams: the default 32, copied onto points spread over the city.
  const many: Team[] = Array.from({ length: 500 }, (_, i) => {
    const t = teams[i % teams.length]!;
    const cell = cells[(i * 7919) % cells.length]!;
    const [lon, lat] = cell.geometry.type === 'Polygon' ? cell.geometry.coordinates[0]![0]! : cell.geometry.coordinates[0]![0]![0]!;
    return { ...t, id: `t${i}`, position: { lon: lon!, lat: lat!, at: t.position!.at } };
  });
  const points = Array.from({ length: cases }, (_, i) => {
    const cell = cells[(i * 104729 + 17) % cells.length]!;
    const [lon, lat] = cell.geometry.type === 'Polygon' ? cell.geometry.coordinates[0]![0]! : cell.geometry.coordinates[0]![0]![0]!;
    return { lon: lon!, lat: lat!, categoryCode: many[i % many.length]!.categories[0]! };
  });
  let t0 = performance.now();
  for (const p of points) rankCandidates(g, p, many, () => 0, { prefilter: 500 });
  const reversed = (performance.now() - t0) / cases;
  t0 = performance.now();
  for (const p of points) {
    const end = nearestNode(g, p.lon, p.lat).node;
    const able = many.filter((t) => t.categories.includes(p.categoryCode));
    able.map((t) => travelTimesFrom(g, nearestNode(g, t.position!.lon, t.position!.lat).node).seconds[end]).sort();
  }
  const perTeam = (performance.now() - t0) / cases;
  return {
    cases,
    teams: many.length,
    nodes: g.nodeCount,
    reversedMsPerCase: Number(reversed.toFixed(2)),
    perTeamMsPerCase: Number(perTeam.toFixed(2)),
    ratio: Number((perTeam / reversed).toFixed(1)),
  };
}
