import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { rankCandidates } from '../../server/dispatch/candidates.js';
import { buildRoadGraph, metresBetween, nearestNode, type RoadGraph } from '../../server/dispatch/roadGraph.js';
import { pathToTarget, travelTimesFrom, travelTimesTo } from '../../server/dispatch/travelTimes.js';
import type { City, CityLayer, Team } from '../../shared/index.js';
import { cityWithTeams } from '../support/cityWithTeams.js';

type Road = CityLayer<'roads'>['features'][number];

/** A random street network on a small lattice: lines between lattice points, some one-way. */
const network = fc
  .array(
    fc.record({
      a: fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })),
      b: fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })),
      oneway: fc.boolean(),
      speedKph: fc.constantFrom(20, 40, 60),
    }),
    { minLength: 1, maxLength: 30 },
  )
  .map((edges) =>
    edges.map(({ a, b, oneway, speedKph }, i): Road => ({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: [[120 + a[0] * 0.01, 31.7 + a[1] * 0.01], [120 + b[0] * 0.01, 31.7 + b[1] * 0.01]] },
      properties: { id: `r${i}`, name: null, class: 'local', speedKph, lanes: 1, oneway },
    })),
  );

describe('travel times over the road graph', () => {
  it('from everywhere to a target, in one reversed search, equal one forward search per origin', () => {
    fc.assert(
      fc.property(network, (roads) => {
        const g = buildRoadGraph(roads);
        for (let target = 0; target < g.nodeCount; target++) {
          const to = travelTimesTo(g, target);
          for (let origin = 0; origin < g.nodeCount; origin++) {
            const from = travelTimesFrom(g, origin);
            expect(to.seconds[origin]).toBeCloseTo(from.seconds[target]!, 6);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives a path that starts at the origin, ends at the target and costs what was said, obeying one-way streets', () => {
    fc.assert(
      fc.property(network, fc.nat(), fc.nat(), (roads, i, j) => {
        const g = buildRoadGraph(roads);
        const origin = i % g.nodeCount;
        const target = j % g.nodeCount;
        const t = travelTimesTo(g, target);
        const path = pathToTarget(t, origin);
        if (!Number.isFinite(t.seconds[origin]!)) {
          expect(path).toEqual([]);
          return;
        }
        expect(path[0]).toBe(origin);
        expect(path[path.length - 1]).toBe(target);
        let cost = 0;
        for (let k = 1; k < path.length; k++) {
          const [a, b] = [path[k - 1]!, path[k]!];
          // The step must exist in the forward (drivable) direction.
          let best = Infinity;
          for (let e = g.forward.offsets[a]!; e < g.forward.offsets[a + 1]!; e++) if (g.forward.targets[e] === b) best = Math.min(best, g.forward.seconds[e]!);
          expect(best).toBeLessThan(Infinity);
          cost += best;
        }
        expect(cost).toBeCloseTo(t.seconds[origin]!, 3);
      }),
      { numRuns: 300 },
    );
  });
});

describe('dispatch candidates in the default city', () => {
  let city: City;
  let g: RoadGraph;
  let teams: Team[];
  beforeAll(() => {
    ({ city, g, teams } = cityWithTeams());
  });

  it('reach almost all of the city from its centre, and every node of the main part both ways', () => {
    const centre = nearestNode(g, city.meta.center[0], city.meta.center[1]).node;
    const t = travelTimesTo(g, centre);
    const from = travelTimesFrom(g, centre);
    expect(t.seconds.filter((s) => Number.isFinite(s)).length / g.nodeCount).toBeGreaterThan(0.97);
    for (let n = 0; n < g.nodeCount; n++) {
      if (g.connected[n]) {
        expect(t.seconds[n]).toBeLessThan(Infinity);
        expect(from.seconds[n]).toBeLessThan(Infinity);
      }
    }
    expect(g.connected.reduce((a, b) => a + b, 0) / g.nodeCount).toBeGreaterThan(0.95);
  });

  it('rank the able teams by travel time exactly as routing each team separately would', () => {
    const cells = city.layers.grid.features;
    // One category of each department that has teams, at cells spread over the city.
    const codes = [...new Set(teams.map((t) => t.department))].map((d) => teams.find((t) => t.department === d)!.categories[0]!);
    for (const [i, code] of codes.entries()) {
      const cell = cells[(i * 2503 + 11) % cells.length]!;
      const [lon, lat] = cell.geometry.type === 'Polygon' ? cell.geometry.coordinates[0]![0]! : cell.geometry.coordinates[0]![0]![0]!;
      const ranked = rankCandidates(g, { lon: lon!, lat: lat!, categoryCode: code }, teams, () => 0, { prefilter: 100 });
      expect(ranked.length).toBeGreaterThan(0);
      expect(ranked.length).toBeLessThanOrEqual(5);
      for (const c of ranked) expect(teams.find((t) => t.id === c.teamId)!.categories).toContain(code);
      // Naive: one forward search per able team.
      const end = nearestNode(g, lon!, lat!);
      const naive = teams
        .filter((t) => t.categories.includes(code))
        .map((t) => {
          const start = nearestNode(g, t.position!.lon, t.position!.lat);
          return { teamId: t.id, eta: Math.round(travelTimesFrom(g, start.node).seconds[end.node]! + (start.metres + end.metres) / 5) };
        })
        .sort((a, b) => a.eta - b.eta)
        .slice(0, ranked.length);
      expect(ranked.map((c) => c.etaSeconds)).toEqual(naive.map((n) => n.eta));
      for (const c of ranked) {
        const first = c.route.coordinates[0]!;
        const team = teams.find((t) => t.id === c.teamId)!;
        expect(first).toEqual([team.position!.lon, team.position!.lat]);
        expect(c.route.coordinates[c.route.coordinates.length - 1]).toEqual([lon, lat]);
        // A route is never shorter than the straight line.
        expect(c.distanceMeters).toBeGreaterThanOrEqual(Math.floor(metresBetween(team.position!.lon, team.position!.lat, lon!, lat!)));
      }
    }
  });

  it('leave out busy and unable teams, and break ties by workload', () => {
    const [lon, lat] = [city.meta.center[0], city.meta.center[1]];
    const busy = teams.map((t) => ({ ...t, status: 'en_route' as const }));
    expect(rankCandidates(g, { lon, lat, categoryCode: 'E0102' }, busy, () => 0)).toEqual([]);
    expect(rankCandidates(g, { lon, lat, categoryCode: 'NOPE' }, teams, () => 0)).toEqual([]);
    const twin = teams.find((t) => t.categories.includes('E0102'))!;
    const twins = [{ ...twin, id: 'busy-twin' }, { ...twin, id: 'idle-twin' }];
    const ranked = rankCandidates(g, { lon, lat, categoryCode: 'E0102' }, twins, (id) => (id === 'busy-twin' ? 3 : 0));
    expect(ranked.map((c) => c.teamId)).toEqual(['idle-twin', 'busy-twin']);
  });
});
