import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { OFF_ROAD_MPS, rankCandidates, type RankStats } from '../../server/dispatch/candidates.js';
import { buildRoadGraph, edgeTimesAt, metresBetween, nearestNode, type EdgeTimes, type RoadGraph } from '../../server/dispatch/roadGraph.js';
import { pathToTarget, travelTimesFrom, travelTimesTo } from '../../server/dispatch/travelTimes.js';
import { RoadSpeeds } from '../../server/traffic/roadSpeeds.js';
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

/**
 * A denser street network for ranking: the streets of a 7 × 7 lattice, each there or not, some
 * one-way either way, at a few speeds (often equal, so that equal times and ties happen).
 */
const streets = fc
  .tuple(
    // From a few scraps of street to nearly the whole lattice.
    fc.constantFrom(0.1, 0.5, 0.85, 0.85),
    fc.array(
      fc.record({ there: fc.double({ min: 0, max: 1, noNaN: true }), oneway: fc.constantFrom(0, 0, 1, 2), speedKph: fc.constantFrom(30, 30, 60) }),
      { minLength: 84, maxLength: 84 },
    ),
  )
  .map(([density, picks]) => {
    const roads: Road[] = [];
    const at = (i: number, j: number): [number, number] => [120 + i * 0.01, 31.7 + j * 0.01];
    picks.forEach(({ there, oneway, speedKph }, k) => {
      if (there > density) return;
      const horizontal = k < 42;
      const line = Math.floor((k % 42) / 6);
      const step = k % 6;
      const [a, b] = horizontal ? [at(step, line), at(step + 1, line)] : [at(line, step), at(line, step + 1)];
      roads.push({
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: oneway === 2 ? [b!, a!] : [a!, b!] },
        properties: { id: `s${k}`, name: null, class: 'local', speedKph, lanes: 1, oneway: oneway > 0 },
      });
    });
    return roads;
  })
  .filter((roads) => roads.length > 0);
/** Teams at points on and off the streets (some busy, two categories), on a finer lattice so that many stand on the same or equally far nodes. */
const crews = fc.array(
  fc.record({
    x: fc.integer({ min: -2, max: 14 }),
    y: fc.integer({ min: -2, max: 14 }),
    status: fc.constantFrom('available', 'available', 'available', 'en_route' as const),
    category: fc.constantFrom('A', 'A', 'B'),
    workload: fc.integer({ min: 0, max: 2 }),
  }),
  { maxLength: 60, size: 'max' },
);
/** Live speeds, far from uniform: a factor per road (by index). */
const speeds = fc.array(fc.constantFrom(0.1, 0.25, 0.5, 0.8, 1, 1, 1.3), { minLength: 84, maxLength: 84 });

function crewTeams(list: { x: number; y: number; status: 'available' | 'en_route'; category: string }[]): Team[] {
  return list.map((c, i) => ({
    id: `t${i}`,
    name: { zh: `队${i}`, en: `Team ${i}` },
    department: 'd',
    baseId: `b${i}`,
    townCode: '320412100',
    categories: [c.category],
    members: 2,
    status: c.status,
    shift: { start: '00:00', end: '24:00' },
    position: { lon: 120 + c.x * 0.005, lat: 31.7 + c.y * 0.005, at: '2026-11-24T00:00:00.000Z' },
  }) as Team);
}

/** The naive ranking: one forward search from every able team, sorted by ETA, workload, then the order given. */
function naiveRanking(g: RoadGraph, at: { lon: number; lat: number; categoryCode: string }, teams: Team[], workloadOf: (id: string) => number, limit: number, times?: EdgeTimes) {
  const end = nearestNode(g, at.lon, at.lat);
  return teams
    .map((t, k) => ({ t, k }))
    .filter(({ t }) => t.status === 'available' && t.categories.includes(at.categoryCode))
    .map(({ t, k }) => {
      const start = nearestNode(g, t.position!.lon, t.position!.lat);
      const seconds = travelTimesFrom(g, start.node, { times }).seconds[end.node]!;
      return { teamId: t.id, k, eta: Math.round(seconds + (start.metres + end.metres) / OFF_ROAD_MPS), workload: workloadOf(t.id) };
    })
    .filter((x) => Number.isFinite(x.eta))
    .sort((a, b) => a.eta - b.eta || a.workload - b.workload || a.k - b.k)
    .slice(0, limit)
    .map(({ teamId, eta, workload }) => ({ teamId, eta, workload }));
}

/** The time of a route's road part (between its first and last points) at the given edge times, obeying one-way streets. */
function routeSeconds(g: RoadGraph, coords: number[][], times: EdgeTimes): number {
  const nodeAt = (c: number[]) => {
    for (let n = 0; n < g.nodeCount; n++) if (g.lon[n] === c[0] && g.lat[n] === c[1]) return n;
    throw new Error('route point is not a node');
  };
  const nodes = coords.slice(1, -1).map(nodeAt);
  let cost = 0;
  for (let k = 1; k < nodes.length; k++) {
    let step = Infinity;
    for (let e = g.forward.offsets[nodes[k - 1]!]!; e < g.forward.offsets[nodes[k - 1]! + 1]!; e++) {
      if (g.forward.targets[e] === nodes[k]) step = Math.min(step, times.forward[e]!);
    }
    expect(step).toBeLessThan(Infinity);
    cost += step;
  }
  return cost;
}

describe('ranking by an early-stopping search', () => {
  it('equals ranking every able team by its own forward search, on random networks with one-way streets, at free-flow and at uneven live speeds', () => {
    fc.assert(
      fc.property(streets, crews, speeds, fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.nat(), (roads, list, factor, limit, live, caseAt) => {
        const g = buildRoadGraph(roads);
        const times = live ? edgeTimesAt(g, factor) : undefined;
        const teams = crewTeams(list);
        const workloadOf = (id: string) => list[Number(id.slice(1))]!.workload;
        const at = { lon: 120 + (caseAt % 13) * 0.005, lat: 31.7 + ((caseAt >> 4) % 13) * 0.005, categoryCode: 'A' };
        const ranked = rankCandidates(g, at, teams, workloadOf, { limit, times });
        expect(ranked.map((c) => ({ teamId: c.teamId, eta: c.etaSeconds, workload: c.workload }))).toEqual(naiveRanking(g, at, teams, workloadOf, limit, times));
        // Each route is drivable and takes the time said: road part plus the legs off the road.
        const end = nearestNode(g, at.lon, at.lat);
        for (const c of ranked) {
          const team = teams.find((t) => t.id === c.teamId)!;
          const start = nearestNode(g, team.position!.lon, team.position!.lat);
          const seconds = routeSeconds(g, c.route.coordinates, times ?? g.freeFlow) + (start.metres + end.metres) / OFF_ROAD_MPS;
          expect(Math.abs(seconds - c.etaSeconds)).toBeLessThanOrEqual(0.5 + 1e-6);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ranks a team far off a small network by its leg off the road, after the search has run out of roads', () => {
    const road = (id: string, a: [number, number], b: [number, number]): Road => ({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: [a, b] },
      properties: { id, name: null, class: 'arterial', speedKph: 60, lanes: 2, oneway: false },
    });
    const g = buildRoadGraph([road('r1', [120, 31.7], [120.01, 31.7])]);
    // 5 km north of the road's west end; the case on its east end.
    const [far] = crewTeams([{ x: 0, y: 9, status: 'available', category: 'A' }]);
    far!.position = { lon: 120, lat: 31.745, at: far!.position!.at };
    const ranked = rankCandidates(g, { lon: 120.01, lat: 31.7, categoryCode: 'A' }, [far!], () => 0);
    const offRoad = metresBetween(120, 31.745, 120, 31.7);
    expect(ranked.map((c) => c.teamId)).toEqual([far!.id]);
    expect(ranked[0]!.etaSeconds).toBe(Math.round(offRoad / OFF_ROAD_MPS + g.forward.seconds[0]!));
  });

  it('stops early: on the default city with 2,000 teams it settles a small part of the graph and snaps few of the able teams', () => {
    const { city, g, teams } = cityWithTeams();
    const cells = city.layers.grid.features;
    const corner = (k: number) => {
      const cell = cells[k % cells.length]!;
      const [lon, lat] = cell.geometry.type === 'Polygon' ? cell.geometry.coordinates[0]![0]! : cell.geometry.coordinates[0]![0]![0]!;
      return { lon: lon!, lat: lat! };
    };
    const many: Team[] = Array.from({ length: 2000 }, (_, i) => ({ ...teams[i % teams.length]!, id: `t${i}`, status: 'available', position: { ...corner(i * 7919), at: '' } }));
    const times = new RoadSpeeds(g, { source: 'model', seed: 7, feedTtlMs: 0 }).timesAt(Date.UTC(2026, 10, 24, 0, 30));
    let [settled, snapped, able] = [0, 0, 0];
    for (let i = 0; i < 20; i++) {
      const at = { ...corner(i * 104729 + 17), categoryCode: many[i]!.categories[0]! };
      const stats: RankStats = { settled: 0, snapped: 0 };
      const ranked = rankCandidates(g, at, many, () => 0, { times, stats });
      expect(ranked).toHaveLength(5);
      // The naive way is slow (a search per able team): checked on two of the cases.
      if (i < 2) expect(ranked.map((c) => c.etaSeconds)).toEqual(naiveRanking(g, at, many, () => 0, 5, times).map((n) => n.eta));
      settled += stats.settled;
      snapped += stats.snapped;
      able += many.filter((t) => t.categories.includes(at.categoryCode)).length;
    }
    expect(settled / 20).toBeLessThan(g.nodeCount * 0.25);
    expect(snapped).toBeLessThan(able * 0.5);
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
