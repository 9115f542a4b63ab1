import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { City } from '../../shared/index.js';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { buildRoadGraph, metresBetween, type RoadGraph } from '../../server/dispatch/roadGraph.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { dayOff, InspectorPatrols, PATROL_STRETCHES, stretchesBetween, type PatrolInspector } from '../../server/simulation/inspectorPatrols.js';
import { neglectedStreet, PATROL_FIX_SECONDS, PATROL_SPEED_MPS, patrolRng, ridePatrol, startPatrol, type PatrolArea } from '../../server/simulation/patrols.js';

let city: City;
let g: RoadGraph;
const T0 = Date.parse('2026-11-23T09:00:00+08:00');
const HOUR = 3_600_000;
const DAY_MS = 24 * HOUR;

beforeAll(() => {
  city = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: 320412 }).city;
  g = buildRoadGraph(city.layers.roads.features);
});

const areaAt = (k: number): PatrolArea => {
  const f = city.layers.grid.features[k]!;
  const ring = (f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0]![0])!;
  return { lon: ring[0]![0]!, lat: ring[0]![1]!, radiusM: 800 };
};

describe('simulated inspector patrols', () => {
  it('ride the same way for the same seed, in fixes a constant distance and time apart', () => {
    const area = areaAt(4000);
    const ride = (seed: number) => ridePatrol(g, startPatrol(g, area, T0), area, T0 + HOUR, patrolRng(seed, 7, 0), { seed, inspector: 7 });
    const a = ride(1);
    expect(ride(1)).toEqual(a);
    expect(ride(2).fixes).not.toEqual(a.fixes);
    // One fix every 10 s for the hour, give or take the last stretch.
    expect(a.fixes.length).toBeGreaterThan((0.9 * HOUR) / (PATROL_FIX_SECONDS * 1000));
    for (let i = 1; i < a.fixes.length; i++) {
      const dt = a.fixes[i]!.at - a.fixes[i - 1]!.at;
      expect(Math.abs(dt - PATROL_FIX_SECONDS * 1000)).toBeLessThanOrEqual(1);
      // Along the road, so the straight line between fixes is at most the distance ridden.
      expect(metresBetween(a.fixes[i - 1]!.lon, a.fixes[i - 1]!.lat, a.fixes[i]!.lon, a.fixes[i]!.lat)).toBeLessThanOrEqual(PATROL_SPEED_MPS * PATROL_FIX_SECONDS + 0.5);
    }
    // Ridden in many short calls, as the live simulator does, it is the same ride.
    let state = startPatrol(g, area, T0);
    const rng = patrolRng(1, 7, 0);
    const pieces = [];
    for (let t = T0 + 7_000; t <= T0 + HOUR; t += 7_000) {
      const r = ridePatrol(g, state, area, t, rng, { seed: 1, inspector: 7 });
      pieces.push(...r.fixes);
      state = r.state;
    }
    expect(pieces).toEqual(a.fixes.filter((p) => p.at < T0 + Math.floor(HOUR / 7_000) * 7_000));
    // Going on from the returned state continues the ride without a jump.
    const next = ridePatrol(g, a.state, area, T0 + 2 * HOUR, patrolRng(1, 7, 1), { seed: 1, inspector: 7 });
    const last = a.fixes.at(-1)!;
    const first = next.fixes[0]!;
    expect(first.at - last.at).toBeLessThanOrEqual(PATROL_FIX_SECONDS * 1000 + 1);
    expect(metresBetween(last.lon, last.lat, first.lon, first.lat)).toBeLessThanOrEqual(PATROL_SPEED_MPS * PATROL_FIX_SECONDS + 0.5);
  });

  it('keep to the area, favour main streets over back streets, and rarely go to the rider\'s neglected corners', () => {
    const area = areaAt(2500);
    const ids = { seed: 3, inspector: 11 };
    const ride = ridePatrol(g, startPatrol(g, area, T0), area, T0 + 8 * HOUR, patrolRng(3, 11, 0), ids);
    const far = ride.fixes.filter((p) => metresBetween(p.lon, p.lat, area.lon, area.lat) > area.radiusM + 400).length;
    expect(far / ride.fixes.length).toBeLessThan(0.05);
    // Per back street of the area, stretches ridden per edge: the neglected ones several times less.
    const ridden = new Map<number, number>();
    for (const r of ride.roads) ridden.set(r, (ridden.get(r) ?? 0) + 1);
    const edgesOf = new Map<number, number>();
    let mainEdges = 0;
    let allEdges = 0;
    for (let n = 0; n < g.nodeCount; n++) {
      if (metresBetween(g.lon[n]!, g.lat[n]!, area.lon, area.lat) > area.radiusM) continue;
      for (let e = g.forward.offsets[n]!; e < g.forward.offsets[n + 1]!; e++) {
        const r = g.forward.road[e]!;
        const c = g.roads.classes[r]!;
        if (c === 'expressway') continue;
        allEdges++;
        if (c === 'arterial' || c === 'secondary') mainEdges++;
        else edgesOf.set(r, (edgesOf.get(r) ?? 0) + 1);
      }
    }
    const rate = (roads: number[]) => roads.reduce((s, r) => s + (ridden.get(r) ?? 0), 0) / Math.max(1, roads.reduce((s, r) => s + edgesOf.get(r)!, 0));
    const backStreets = [...edgesOf.keys()];
    const neglected = backStreets.filter((r) => neglectedStreet(ids.seed, ids.inspector, r));
    const others = backStreets.filter((r) => !neglectedStreet(ids.seed, ids.inspector, r));
    expect(neglected.length).toBeGreaterThan(2);
    expect(others.length).toBeGreaterThan(10);
    expect(rate(neglected)).toBeLessThan(rate(others) / 3);
    // Main streets take a larger share of the riding than of the edges around.
    const main = ride.roads.filter((r) => g.roads.classes[r] === 'arterial' || g.roads.classes[r] === 'secondary').length / ride.roads.length;
    expect(main).toBeGreaterThan(mainEdges / allEdges);
  });
});

describe('the simulated inspectors\' working days', () => {
  const inspectors = () =>
    [100, 2600, 5200, 7800].map((k, index): PatrolInspector => ({ trackerId: `inspector:sim-${index}`, index, area: areaAt(k) }));
  const day = Date.parse('2026-11-23T00:00:00+08:00');

  it('patrol only in the day\'s stretches, and give the same fixes however often they are advanced', () => {
    const once = new InspectorPatrols(g, inspectors(), 5, day).advance(day + 24 * HOUR);
    expect(once.length).toBeGreaterThan(1000);
    for (const { fix } of once) {
      const minute = ((fix.at - day) / 60_000) % 1440;
      expect(PATROL_STRETCHES.some(([a, b]) => minute >= a && minute < b)).toBe(true);
    }
    const stepped = new InspectorPatrols(g, inspectors(), 5, day);
    const many: typeof once = [];
    for (let t = day + 37 * 60_000; t <= day + 24 * HOUR; t += 37 * 60_000) many.push(...stepped.advance(t));
    many.push(...stepped.advance(day + 24 * HOUR));
    const key = (x: (typeof once)[number]) => `${x.trackerId} ${x.fix.at} ${x.fix.lon} ${x.fix.lat}`;
    expect(many.map(key).sort()).toEqual(once.map(key).sort());
    // Started mid-morning (a restart), the rest of the morning is the same ride.
    const late = new InspectorPatrols(g, inspectors(), 5, day + 10 * HOUR).advance(day + 11 * HOUR);
    expect(late.map(key).sort()).toEqual(once.filter((x) => x.fix.at >= day + 10 * HOUR && x.fix.at < day + 11 * HOUR).map(key).sort());
  });

  it('gives each inspector a day off now and then, the same for a seed', () => {
    const offs = Array.from({ length: 400 }, (_, d) => dayOff(5, 3, d)).filter(Boolean).length;
    expect(offs).toBeGreaterThan(20);
    expect(offs).toBeLessThan(70);
    expect(Array.from({ length: 50 }, (_, d) => dayOff(5, 3, d))).toEqual(Array.from({ length: 50 }, (_, d) => dayOff(5, 3, d)));
    expect(stretchesBetween(day, day + DAY_MS).map((s) => s.id)).toHaveLength(2);
  });
});
