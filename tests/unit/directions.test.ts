import { describe, expect, it } from 'vitest';
import { OFF_ROAD_MPS } from '../../server/dispatch/candidates.js';
import { routeBetween } from '../../server/dispatch/directions.js';
import { buildRoadGraph, edgeTimesAt, metresBetween } from '../../server/dispatch/roadGraph.js';
import type { CityLayer, LocalizedName } from '../../shared/index.js';

type Road = CityLayer<'roads'>['features'][number];
const P = (x: number, y: number): [number, number] => [120 + x * 0.01, 31.7 + y * 0.01];
const road = (id: string, name: LocalizedName | null, coords: [number, number][], speedKph = 36): Road => ({
  type: 'Feature',
  geometry: { type: 'LineString', coordinates: coords },
  properties: { id, name, class: 'arterial', speedKph, lanes: 2, oneway: false },
});
const renmin = { zh: '人民路', en: 'Renmin Rd' };
const wujin = { zh: '武进大道', en: 'Wujin Ave' };

/**
 * 人民路 runs east along y = 0 in two pieces (one road drawn as two features), 武进大道 north
 * along x = 2, and a slow unnamed lane cuts the corner from (1, 0) to (2, 1).
 */
const roads = [
  road('a1', renmin, [P(0, 0), P(1, 0)]),
  road('a2', renmin, [P(1, 0), P(2, 0)]),
  road('b', wujin, [P(2, 0), P(2, 1)]),
  road('lane', null, [P(1, 0), P(2, 1)], 5),
];
const g = buildRoadGraph(roads);
const nameOf = (r: number) => ({ name: roads[r]!.properties.name, roadClass: roads[r]!.properties.class });
const metres = (a: [number, number], b: [number, number]) => metresBetween(a[0], a[1], b[0], b[1]);

describe('directions for a crew', () => {
  it('name the roads to follow in order, one leg per road however it is drawn, with lengths and time', () => {
    const route = routeBetween(g, { lon: P(0, 0)[0], lat: P(0, 0)[1] }, { lon: P(2, 1)[0], lat: P(2, 1)[1] }, nameOf)!;
    expect(route.legs.map((l) => l.name?.zh ?? null)).toEqual(['人民路', '武进大道']);
    expect(route.legs[0]!.metres).toBeCloseTo(metres(P(0, 0), P(2, 0)), -1);
    expect(route.legs[1]!.metres).toBeCloseTo(metres(P(2, 0), P(2, 1)), -1);
    expect(route.distanceMeters).toBe(Math.round(route.legs[0]!.metres + route.legs[1]!.metres));
    expect(route.etaSeconds).toBeCloseTo(route.distanceMeters / 10, -1); // 36 km/h = 10 m/s
    expect(route.line.coordinates[0]).toEqual(P(0, 0));
    expect(route.line.coordinates.at(-1)).toEqual(P(2, 1));
  });

  it('take the live speeds: when 人民路 and 武进大道 are jammed, the crew takes the lane', () => {
    const jam = new Float64Array(roads.length).fill(1);
    jam[1] = 0.05;
    jam[2] = 0.05;
    const route = routeBetween(g, { lon: P(0, 0)[0], lat: P(0, 0)[1] }, { lon: P(2, 1)[0], lat: P(2, 1)[1] }, nameOf, edgeTimesAt(g, jam))!;
    expect(route.legs.map((l) => l.name?.zh ?? null)).toEqual(['人民路', null]);
  });

  it('add the walk on and off the road at the off-road pace', () => {
    const off = { lon: P(0, 0)[0], lat: P(0, 0)[1] - 0.001 }; // about 111 m south of the road's start
    const onRoad = routeBetween(g, { lon: P(0, 0)[0], lat: P(0, 0)[1] }, { lon: P(2, 0)[0], lat: P(2, 0)[1] }, nameOf)!;
    const fromOff = routeBetween(g, off, { lon: P(2, 0)[0], lat: P(2, 0)[1] }, nameOf)!;
    expect(fromOff.distanceMeters - onRoad.distanceMeters).toBeCloseTo(111, -1);
    expect(fromOff.etaSeconds - onRoad.etaSeconds).toBeCloseTo(111 / OFF_ROAD_MPS, -1);
  });
});
