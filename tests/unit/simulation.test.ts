import { join } from 'node:path';
import * as turf from '@turf/turf';
import KDBush from 'kdbush';
import { beforeAll, describe, expect, it } from 'vitest';
import { IncidentStatus, NewIncident, type City, type Team } from '../../shared/index.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { GridIndex } from '../../server/grid/gridIndex.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { SeededRandom } from '../../server/seededRandom.js';
import { generateHistory } from '../../server/simulation/history.js';
import { buildSimModel, type SimModel } from '../../server/simulation/model.js';
import { startSimulator } from '../../server/simulation/runner.js';
import { createIncidentStream } from '../../server/simulation/stream.js';
import { teamsFromBases } from '../../server/team/teamRoster.js';

let city: City;
let model: SimModel;
let grid: GridIndex;
let teams: Team[];
const catalog = loadCatalog();
const codes = new Set(catalog.categories.map((c) => c.code));
// Monday 2026-11-23 00:00 China time.
const MONDAY = Date.parse('2026-11-23T00:00:00+08:00');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(() => {
  city = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: 320412 }).city;
  grid = new GridIndex(city.layers.grid.features);
  model = buildSimModel({ city, categories: catalog.categories, isInsideCity: (lon, lat) => grid.locate(lon, lat) >= 0, townAt: (lon, lat) => city.layers.grid.features[grid.locate(lon, lat)]?.properties.townCode });
  teams = teamsFromBases(city.layers['team-bases'].features, catalog.categories);
});

function metres(a: number[], b: number[]): number {
  return turf.distance(a as [number, number], b as [number, number], { units: 'meters' });
}

describe('the incident simulator', () => {
  it('gives the same stream for the same seed and start, however it is read', () => {
    const a = createIncidentStream(model, 5, MONDAY + 8 * HOUR).next(MONDAY + 11 * HOUR);
    const s = createIncidentStream(model, 5, MONDAY + 8 * HOUR);
    const b = [];
    for (let t = MONDAY + 8 * HOUR + 7_000; t <= MONDAY + 11 * HOUR; t += 7_000) b.push(...s.next(t));
    b.push(...s.next(MONDAY + 11 * HOUR));
    expect(a.length).toBeGreaterThan(50);
    expect(b).toEqual(a);
    const other = createIncidentStream(model, 6, MONDAY + 8 * HOUR).next(MONDAY + 11 * HOUR);
    expect(other).not.toEqual(a);
  });

  it('emits valid reports of catalog categories, inside the city, in time order', () => {
    const reports = createIncidentStream(model, 1, MONDAY).next(MONDAY + DAY);
    expect(reports.length).toBeGreaterThan(900);
    expect(reports.length).toBeLessThan(1700);
    let last = 0;
    for (const r of reports) {
      expect(NewIncident.safeParse(r).success).toBe(true);
      expect(codes.has(r.categoryCode)).toBe(true);
      expect(grid.locate(r.lon, r.lat)).toBeGreaterThanOrEqual(0);
      expect(Date.parse(r.reportedAt)).toBeGreaterThanOrEqual(last);
      last = Date.parse(r.reportedAt);
      expect(r.description?.length).toBeGreaterThan(4);
    }
  });

  it('follows a daily rhythm: nights are quiet, weekday mornings busy with inspectors', () => {
    const week = createIncidentStream(model, 2, MONDAY).next(MONDAY + 7 * DAY);
    const hourOf = (r: { reportedAt: string }) => new Date(Date.parse(r.reportedAt) + 8 * HOUR).getUTCHours();
    const night = week.filter((r) => hourOf(r) < 5).length / 5;
    const day = week.filter((r) => hourOf(r) >= 9 && hourOf(r) < 11).length / 2;
    expect(day).toBeGreaterThan(night * 5);
    const weekday = week.filter((r) => Date.parse(r.reportedAt) < MONDAY + 5 * DAY);
    const weekend = week.filter((r) => Date.parse(r.reportedAt) >= MONDAY + 5 * DAY);
    const inspectorShare = (rs: typeof week) => rs.filter((r) => r.source === 'inspector').length / rs.length;
    expect(inspectorShare(weekday)).toBeGreaterThan(inspectorShare(weekend) + 0.1);
  });

  it('draws categories towards their attractors', () => {
    const reports = createIncidentStream(model, 3, MONDAY).next(MONDAY + 14 * DAY);
    const markets = city.layers.pois.features.filter((f) => f.properties.kind === 'market').map((f) => f.geometry.coordinates);
    const marketIndex = new KDBush(markets.length);
    for (const [x, y] of markets) marketIndex.add(x!, y!);
    marketIndex.finish();
    const nearestMarket = (p: number[]) => Math.min(...markets.map((m) => metres(p, m)));
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const vending = reports.filter((r) => r.categoryCode === 'E0501').map((r) => nearestMarket([r.lon, r.lat]));
    const rng = new SeededRandom(9);
    const [w, s, e, n] = city.meta.bbox;
    const uniform = [];
    while (uniform.length < 300) {
      const p = [rng.range(w, e), rng.range(s, n)];
      if (grid.locate(p[0]!, p[1]!) >= 0) uniform.push(nearestMarket(p));
    }
    expect(vending.length).toBeGreaterThan(100);
    expect(median(vending)).toBeLessThan(median(uniform) / 4);

    const lots = city.layers['vacant-lots'].features;
    const dumping = reports.filter((r) => r.categoryCode === 'E0108');
    const nearLot = dumping.filter((r) => lots.some((l) => turf.booleanPointInPolygon([r.lon, r.lat], l) || turf.pointToPolygonDistance([r.lon, r.lat], l, { units: 'meters' }) < 100));
    expect(dumping.length).toBeGreaterThan(50);
    expect(nearLot.length / dumping.length).toBeGreaterThan(0.6);

    const mainRoads = city.layers.roads.features.filter((f) => f.properties.class === 'arterial' || f.properties.class === 'secondary');
    const garbage = reports.filter((r) => r.categoryCode === 'E0102').slice(0, 200);
    const nearRoad = garbage.filter((r) => mainRoads.some((f) => turf.pointToLineDistance([r.lon, r.lat], f, { units: 'meters' }) < 80));
    expect(nearRoad.length / garbage.length).toBeGreaterThan(0.9);
  });

  it('back-fills 90 days with at least 100,000 cases whose transitions are ordered and in the past', () => {
    const to = MONDAY + 10 * HOUR; // a busy Monday morning
    const history = generateHistory(model, 20261123, to - 90 * DAY, to, teams);
    expect(history.length).toBeGreaterThanOrEqual(100_000);
    const statuses = new Set(IncidentStatus.options);
    const finals = new Map<string, number>();
    for (const h of history.slice(0, 20_000)) {
      let t = Date.parse(h.report.reportedAt);
      for (const tr of h.transitions) {
        expect(statuses.has(tr.status)).toBe(true);
        expect(Date.parse(tr.at)).toBeGreaterThan(t);
        t = Date.parse(tr.at);
      }
      expect(t).toBeLessThan(to);
      const last = h.transitions[h.transitions.length - 1]?.status ?? 'reported';
      finals.set(last, (finals.get(last) ?? 0) + 1);
    }
    expect(finals.get('closed')! / 20_000).toBeGreaterThan(0.8);
    expect(finals.get('rejected')).toBeGreaterThan(100);
    expect(finals.get('suspended')).toBeGreaterThan(50);
    // The most recent cases are still open at various stages.
    const recent = history.filter((h) => Date.parse(h.report.reportedAt) > to - 6 * HOUR);
    expect(recent.some((h) => h.transitions.length === 0)).toBe(true);
    expect(recent.filter((h) => h.transitions.at(-1)?.status !== 'closed').length / recent.length).toBeGreaterThan(0.5);
  });

  it('runs live at a clock multiplier and stops', async () => {
    const got: string[] = [];
    let fakeNow = MONDAY + 9 * HOUR;
    const sim = startSimulator({
      intake: { report: async (r) => (got.push(r.categoryCode), undefined as never) },
      ctx: model,
      seed: 4,
      speed: 3600,
      now: () => fakeNow,
    });
    // One real second at 3600× is one simulated hour of a Monday morning.
    for (let k = 0; k < 4; k++) {
      fakeNow += 250;
      await new Promise((r) => setTimeout(r, 260));
    }
    const expected = createIncidentStream(model, 4, MONDAY + 9 * HOUR).next(MONDAY + 10 * HOUR).length;
    sim.stop();
    const after = got.length;
    fakeNow += 1000;
    await new Promise((r) => setTimeout(r, 600));
    expect(got.length).toBe(after);
    expect(after).toBeGreaterThan(expected * 0.7);
    expect(after).toBeLessThanOrEqual(expected);
    expect(sim.stats().failed).toBe(0);
  });
});
