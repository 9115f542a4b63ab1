import type { Candidate, Team } from '../../shared/index.js';
import { metresBetween, nearestNode, type RoadGraph } from './roadGraph.js';
import { pathToTarget, travelTimesTo } from './travelTimes.js';

export interface CandidateOptions {
  /** How many to return. */
  limit?: number;
  /** Straight-line pre-filter: only the nearest this many teams are routed. */
  prefilter?: number;
}

/** Off the network (from a team's position to the road, from the road to the case): on foot or slowly, 5 m/s. */
export const OFF_ROAD_MPS = 5;

/**
 * Ranks the available teams that handle a category by estimated travel time over the road network:
 * straight-line distance picks the nearest few, then one Dijkstra search from the case over the
 * reversed graph gives each its time and route. Pure: teams, positions and workload are passed in.
 */
export function rankCandidates(
  g: RoadGraph,
  at: { lon: number; lat: number; categoryCode: string },
  teams: readonly Team[],
  workloadOf: (teamId: string) => number,
  { limit = 5, prefilter = 15 }: CandidateOptions = {},
): Candidate[] {
  const able = teams
    .filter((t) => t.status === 'available' && t.position && t.categories.includes(at.categoryCode))
    .map((t) => ({ team: t, straight: metresBetween(t.position!.lon, t.position!.lat, at.lon, at.lat) }))
    .sort((a, b) => a.straight - b.straight)
    .slice(0, prefilter);
  if (able.length === 0) return [];
  const end = nearestNode(g, at.lon, at.lat);
  const times = travelTimesTo(g, end.node);
  const out: Candidate[] = [];
  for (const { team } of able) {
    const { lon, lat } = team.position!;
    const start = nearestNode(g, lon, lat);
    if (!Number.isFinite(times.seconds[start.node]!)) continue;
    const path = pathToTarget(times, start.node);
    out.push({
      teamId: team.id,
      etaSeconds: Math.round(times.seconds[start.node]! + (start.metres + end.metres) / OFF_ROAD_MPS),
      distanceMeters: Math.round(times.metres[start.node]! + start.metres + end.metres),
      workload: workloadOf(team.id),
      route: {
        type: 'LineString',
        coordinates: [[lon, lat], ...path.map((n) => [g.lon[n]!, g.lat[n]!] as [number, number]), [at.lon, at.lat]],
      },
    });
  }
  return out.sort((a, b) => a.etaSeconds - b.etaSeconds || a.workload - b.workload).slice(0, limit);
}
