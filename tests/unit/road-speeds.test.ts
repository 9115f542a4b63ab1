import { beforeAll, describe, expect, it } from 'vitest';
import { rankCandidates } from '../../server/dispatch/candidates.js';
import { buildRoadGraph, edgeTimesAt, nearestNode, type RoadGraph } from '../../server/dispatch/roadGraph.js';
import { travelTimesTo } from '../../server/dispatch/travelTimes.js';
import { driveBetween } from '../../server/team/fleet.js';
import { modelFactors, RoadSpeeds, RUSH_LOSS, trafficIntensity } from '../../server/traffic/roadSpeeds.js';
import type { City, CityLayer, Team } from '../../shared/index.js';
import { cityWithTeams } from '../support/cityWithTeams.js';

type Road = CityLayer<'roads'>['features'][number];

/** Local time (UTC+8) on Tuesday 2026-11-24, and on Saturday 2026-11-28. */
const tuesday = (h: number, m = 0) => Date.UTC(2026, 10, 24, h - 8, m);
const saturday = (h: number) => Date.UTC(2026, 10, 28, h - 8);

let city: City;
let g: RoadGraph;
let teams: Team[];
beforeAll(() => {
  ({ city, g, teams } = cityWithTeams());
});

/** The model without its episodes: a road's speed at the time of day alone. */
const profile = (g: RoadGraph, r: number, at: number) => 1 - RUSH_LOSS[g.roads.classes[r]!] * trafficIntensity(at);

describe('the traffic model', () => {
  it('gives the same speeds for the same seed and moment, built twice, and other speeds for another seed', () => {
    const again = buildRoadGraph(city.layers.roads.features);
    for (const at of [tuesday(8), tuesday(13, 17), saturday(18)]) {
      expect(modelFactors(again.roads, 42, at)).toEqual(modelFactors(g.roads, 42, at));
      const a = new RoadSpeeds(g, { source: 'model', seed: 42, feedTtlMs: 60_000 }).timesAt(at);
      const b = new RoadSpeeds(again, { source: 'model', seed: 42, feedTtlMs: 60_000 }).timesAt(at);
      expect(b.forward).toEqual(a.forward);
      expect(b.reversed).toEqual(a.reversed);
    }
    // Episodes differ by seed (somewhere over a day).
    const day = (seed: number) => Array.from({ length: 24 }, (_, h) => Array.from(modelFactors(g.roads, seed, tuesday(h, 30))));
    expect(day(43)).not.toEqual(day(42));
  });

  it('is slower in the rush hours than at night, slowest on expressways and arterials, and gentler at weekends', () => {
    expect(trafficIntensity(tuesday(8))).toBe(1);
    expect(trafficIntensity(tuesday(18))).toBe(1);
    expect(trafficIntensity(tuesday(3))).toBe(0);
    expect(trafficIntensity(tuesday(12))).toBeGreaterThan(0);
    expect(trafficIntensity(tuesday(12))).toBeLessThan(1);
    expect(trafficIntensity(saturday(8))).toBeLessThan(trafficIntensity(tuesday(8)));
    const mean = (at: number, cls: string) => {
      const f = modelFactors(g.roads, 42, at);
      const of = [...f].filter((_, r) => g.roads.classes[r] === cls);
      return of.reduce((a, b) => a + b, 0) / of.length;
    };
    for (const cls of ['expressway', 'arterial', 'secondary', 'local']) {
      expect(mean(tuesday(8), cls)).toBeLessThan(mean(tuesday(3), cls));
      expect(mean(tuesday(18), cls)).toBeLessThan(mean(tuesday(12), cls));
    }
    expect(mean(tuesday(8), 'arterial')).toBeLessThan(mean(tuesday(8), 'local'));
    // Routing feels it: across the city takes longer at 08:00 than at 03:00.
    const from = nearestNode(g, city.meta.bbox[0] + 0.02, city.meta.bbox[1] + 0.02).node;
    const to = nearestNode(g, city.meta.bbox[2] - 0.02, city.meta.bbox[3] - 0.02).node;
    const seconds = (at: number) => travelTimesTo(g, to, { times: edgeTimesAt(g, modelFactors(g.roads, 42, at)) }).seconds[from]!;
    expect(seconds(tuesday(8))).toBeGreaterThan(seconds(tuesday(3)) * 1.3);
    expect(seconds(tuesday(3))).toBeGreaterThanOrEqual(travelTimesTo(g, to).seconds[from]! - 1e-6);
  });

  it('has congestion episodes on a few roads that come and go', () => {
    const episodesAt = (at: number) => {
      const f = modelFactors(g.roads, 42, at);
      return new Set([...f.keys()].filter((r) => f[r]! < profile(g, r, at) - 1e-6));
    };
    const hours = Array.from({ length: 48 }, (_, h) => episodesAt(tuesday(0) + h * 3_600_000 + 1_800_000));
    for (const set of hours) {
      expect(set.size).toBeGreaterThan(0);
      expect(set.size).toBeLessThan(g.roads.count * 0.1);
    }
    // An episode lasts at most 90 minutes: a road slowed at one hour is, but for a new episode, back
    // to its time-of-day speed two hours later.
    let [slowed, still] = [0, 0];
    for (let h = 0; h + 2 < hours.length; h++) {
      for (const r of hours[h]!) {
        slowed++;
        if (hours[h + 2]!.has(r)) still++;
      }
    }
    expect(still / slowed).toBeLessThan(0.15);
    // …and new ones start.
    expect(hours.slice(1).some((set, h) => [...set].some((r) => !hours[h]!.has(r)))).toBe(true);
  });
});

describe('a road speed feed', () => {
  it('replaces the speeds of the roads it reports, all or nothing, for as long as a reading holds', () => {
    const speeds = new RoadSpeeds(g, { source: 'model', seed: 42, feedTtlMs: 15 * 60_000 });
    const now = tuesday(8, 5);
    const before = speeds.factorsAt(now);
    const [a, b] = [g.roads.ids[3]!, g.roads.ids[7]!];
    expect(speeds.report([{ roadId: a, kph: 7 }, { roadId: 'no-such-road', kph: 7 }], now)).toEqual({ unknown: ['no-such-road'] });
    expect(speeds.factorsAt(now)).toEqual(before);
    expect(speeds.report([{ roadId: a, kph: 7 }, { roadId: b, kph: 50 }], now)).toEqual({ unknown: [] });
    const after = speeds.factorsAt(now);
    expect(after[3]).toBeCloseTo(7 / g.roads.freeKph[3]!, 6);
    expect(after[7]).toBeCloseTo(50 / g.roads.freeKph[7]!, 6);
    expect(after.filter((_, r) => r !== 3 && r !== 7)).toEqual(before.filter((_, r) => r !== 3 && r !== 7));
    const snap = speeds.snapshot(now);
    expect(snap.ids).toHaveLength(g.roads.count);
    expect(snap.kph[3]).toBe(7);
    expect(snap.from[3]).toBe('f');
    expect(snap.from[4]).toBe('m');
    // The edges of that road now take their free-flow time × free speed / 7 km/h.
    const times = speeds.timesAt(now);
    for (let e = 0; e < g.forward.road.length; e++) {
      if (g.forward.road[e] === 3) expect(times.forward[e]).toBeCloseTo((g.forward.seconds[e]! * g.roads.freeKph[3]!) / 7, 3);
    }
    // A reading lapses: the road is back on the model.
    const later = now + 16 * 60_000;
    expect(speeds.factorsAt(later)[3]).toBe(modelFactors(g.roads, 42, Math.floor(later / 60_000) * 60_000)[3]);
  });

  it('alone (no model): roads it has not reported run at free-flow', () => {
    const speeds = new RoadSpeeds(g, { source: 'feed', seed: 42, feedTtlMs: 60_000 });
    speeds.report([{ roadId: g.roads.ids[0]!, kph: 5 }], tuesday(8));
    const f = speeds.factorsAt(tuesday(8));
    expect(f[0]).toBeCloseTo(5 / g.roads.freeKph[0]!, 6);
    expect([...f.slice(1)].every((x) => x === 1)).toBe(true);
    expect(speeds.snapshot(tuesday(8)).from.slice(0, 3)).toBe('fnn');
  });
});

describe('routing at live speeds', () => {
  /**
   * A block: the case at C (south-west corner), A east of it, E north of it, D north-east. The
   * south and east sides are fast (60 km/h), the west and north sides slower (40 km/h).
   */
  const corner = { C: [120, 31.7], A: [120.01, 31.7], E: [120, 31.71], D: [120.01, 31.71] } as const;
  const side = (id: string, a: readonly [number, number], b: readonly [number, number], speedKph: number): Road => ({
    type: 'Feature',
    geometry: { type: 'LineString', coordinates: [[a[0], a[1]], [b[0], b[1]]] },
    properties: { id, name: null, class: 'arterial', speedKph, lanes: 2, oneway: false },
  });
  const block = () =>
    buildRoadGraph([side('south', corner.C, corner.A, 60), side('east', corner.A, corner.D, 60), side('north', corner.D, corner.E, 40), side('west', corner.E, corner.C, 40)]);
  const team = (id: string, [lon, lat]: readonly number[]): Team =>
    ({ ...teams[0]!, id, status: 'available', categories: ['X'], position: { lon: lon!, lat: lat!, at: '2026-11-24T00:00:00.000Z' } }) as Team;
  const at = { lon: corner.C[0], lat: corner.C[1], categoryCode: 'X' };

  it('sends another team when the road of the nearest one is jammed', () => {
    const g = block();
    const speeds = new RoadSpeeds(g, { source: 'feed', seed: 1, feedTtlMs: 600_000 });
    const crews = [team('from-A', corner.A), team('from-E', corner.E)];
    const now = tuesday(8);
    expect(rankCandidates(g, at, crews, () => 0, { times: speeds.timesAt(now) }).map((c) => c.teamId)).toEqual(['from-A', 'from-E']);
    speeds.report([{ roadId: 'south', kph: 5 }], now);
    expect(rankCandidates(g, at, crews, () => 0, { times: speeds.timesAt(now) }).map((c) => c.teamId)).toEqual(['from-E', 'from-A']);
  });

  it('takes another route round a jam, and the fleet drives it taking longer', () => {
    const g = block();
    const speeds = new RoadSpeeds(g, { source: 'feed', seed: 1, feedTtlMs: 600_000 });
    const now = tuesday(8);
    const via = () => rankCandidates(g, at, [team('from-D', corner.D)], () => 0, { times: speeds.timesAt(now) })[0]!.route.coordinates;
    const free = via();
    expect(free).toContainEqual([...corner.A]);
    expect(free).not.toContainEqual([...corner.E]);
    const freeDrive = driveBetween(g, { lon: corner.D[0], lat: corner.D[1] }, at, speeds.timesAt(now))!;
    speeds.report([{ roadId: 'south', kph: 5 }], now);
    const jammed = via();
    expect(jammed).toContainEqual([...corner.E]);
    expect(jammed).not.toContainEqual([...corner.A]);
    const jammedDrive = driveBetween(g, { lon: corner.D[0], lat: corner.D[1] }, at, speeds.timesAt(now))!;
    expect([...jammedDrive.lon]).toContain(corner.E[0]);
    expect(jammedDrive.atSeconds.at(-1)!).toBeGreaterThan(freeDrive.atSeconds.at(-1)!);
  });

  it('makes the fleet drive slower in the rush hour than at night, over the same way', () => {
    const from = teams[0]!.position!;
    const to = { lon: city.meta.center[0] + 0.03, lat: city.meta.center[1] - 0.02 };
    const speeds = new RoadSpeeds(g, { source: 'model', seed: 42, feedTtlMs: 60_000 });
    const total = (at?: number) => driveBetween(g, from, to, at === undefined ? undefined : speeds.timesAt(at))!.atSeconds.at(-1)!;
    expect(total(tuesday(8))).toBeGreaterThan(total(tuesday(3)));
    expect(total(tuesday(3))).toBeGreaterThanOrEqual(total() - 1e-6);
  });
});
