import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitsOf, type City, type Team } from '../../shared/index.js';
import { buildWorkCalendar } from '../../shared/workflow/workCalendar.js';
import { loadCalendarDefaults } from '../../server/calendar/workCalendarService.js';
import { CaseClock } from '../../server/case/caseClock.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { buildRoadGraph, metresBetween, type RoadGraph } from '../../server/dispatch/roadGraph.js';
import { GridIndex } from '../../server/grid/gridIndex.js';
import { IncidentService } from '../../server/incident/incidentService.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { MOVING_FIX_MS, STANDING_FIX_MS } from '../../server/simulation/crewTracks.js';
import { backfillHistory } from '../../server/simulation/historyBackfill.js';
import { buildSimModel, type SimModel } from '../../server/simulation/model.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import type { TrackPoint } from '../../server/store/store.js';
import { teamsFromBases } from '../../server/team/teamRoster.js';
import { makeDataDir, removeDataDir } from '../support/server.js';

/**
 * The crews' tracks of the simulated history (issue 15, replay): written by the back-fill into a
 * real SQLite store, the same for the same seed, and consistent with the cases stored beside them:
 * the crew a case was given to drives there between the dispatch and the handled report.
 */

const catalog = loadCatalog();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Monday 2026-11-23 10:00 China time; the tracks begin on Saturday 00:00, two local days before (the
// test asks for two days of tracks, not the server's CREW_TRACK_DAYS, to keep its three back-fills short).
const TRACK_DAYS = 2;
const TO = Date.parse('2026-11-23T10:00:00+08:00');
const TRACKS_FROM = Date.parse('2026-11-21T00:00:00+08:00');
const SEED = 20261123;

let city: City;
let model: SimModel;
let grid: GridIndex;
let roads: RoadGraph;
let teams: Team[];
const dirs: string[] = [];
const stores: SqliteStore[] = [];

async function backfilled(seed: number): Promise<SqliteStore> {
  const dir = makeDataDir();
  dirs.push(dir);
  const store = new SqliteStore(join(dir, 'gw.db'));
  stores.push(store);
  const calendar = buildWorkCalendar(loadCalendarDefaults());
  let issued = 0;
  const service = new IncidentService({
    store,
    categoryOf: (code) => catalog.byCode(code),
    cellAt: (lon, lat) => city.layers.grid.features[grid.locate(lon, lat)]?.properties,
    clock: new CaseClock(catalog.stageLimits, () => calendar),
    onCommitted: () => {},
    now: () => TO,
    newId: () => `past-${String(++issued).padStart(6, '0')}`,
  });
  const units = unitsOf(catalog.departments, city.meta.towns, catalog.categories, teams);
  await backfillHistory({ store, intake: service, ctx: model, teams, units, roads, seed, days: 3, trackDays: TRACK_DAYS, log: pino({ level: 'silent' }), now: TO });
  return store;
}

let first: SqliteStore;
let points: TrackPoint[];

beforeAll(async () => {
  city = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: 320412 }).city;
  grid = new GridIndex(city.layers.grid.features);
  model = buildSimModel({ city, categories: catalog.categories, isInsideCity: (lon, lat) => grid.locate(lon, lat) >= 0, townAt: (lon, lat) => city.layers.grid.features[grid.locate(lon, lat)]?.properties.townCode });
  roads = buildRoadGraph(city.layers.roads.features);
  teams = teamsFromBases(city.layers['team-bases'].features, catalog.categories, 1);
  first = await backfilled(SEED);
  points = await first.teams.tracksBetween(0, TO + DAY);
}, 120_000);

afterAll(async () => {
  for (const s of stores) await s.close();
  for (const d of dirs) removeDataDir(d);
});

const byTeam = (pts: readonly TrackPoint[]) => {
  const out = new Map<string, TrackPoint[]>();
  for (const p of pts) {
    const mine = out.get(p.teamId);
    if (mine) mine.push(p);
    else out.set(p.teamId, [p]);
  }
  return out;
};

describe('the crews’ tracks of the back-filled history', () => {
  it('are the same for the same seed and differ for another', async () => {
    expect(points.length).toBeGreaterThan(10_000);
    const again = await (await backfilled(SEED)).teams.tracksBetween(0, TO + DAY);
    expect(again).toEqual(points);
    const other = await (await backfilled(SEED + 1)).teams.tracksBetween(0, TO + DAY);
    expect(other.length).toBeGreaterThan(10_000);
    expect(other).not.toEqual(points);
  }, 120_000);

  it(`cover the last ${TRACK_DAYS} local days for every crew, a fix every ${MOVING_FIX_MS / 1000} s on the move, never silent past three minutes`, () => {
    expect(Math.min(...points.map((p) => p.at))).toBe(TRACKS_FROM);
    expect(Math.max(...points.map((p) => p.at))).toBeLessThan(TO);
    const tracks = byTeam(points);
    expect([...tracks.keys()].sort()).toEqual(teams.map((t) => t.id).sort());
    const statuses = new Set(points.map((p) => p.status));
    for (const s of ['en_route', 'on_site', 'available', 'off_duty']) expect(statuses.has(s as never), s).toBe(true);
    // Each fault as a line, so that a failure names the crew and the moment.
    const faults: string[] = [];
    for (const [teamId, track] of tracks) {
      if (track[0]!.at >= TRACKS_FROM + STANDING_FIX_MS + 1000) faults.push(`${teamId} starts late`);
      for (let i = 1; i < track.length; i++) {
        const [a, b] = [track[i - 1]!, track[i]!];
        const at = `${teamId} at ${new Date(a.at).toISOString()}`;
        if (b.at <= a.at) faults.push(`${at}: out of order`);
        if (b.at - a.at > STANDING_FIX_MS + 1000) faults.push(`${at}: silent for ${b.at - a.at} ms`);
        if (a.status === 'en_route' && b.status === 'en_route' && b.at - a.at > MOVING_FIX_MS + 1000) faults.push(`${at}: ${b.at - a.at} ms between fixes on the move`);
        // Driven, not jumped: under 120 km/h between any two fixes.
        const kph = (metresBetween(a.lon, a.lat, b.lon, b.lat) / ((b.at - a.at) / 1000)) * 3.6;
        if (!(kph < 120)) faults.push(`${at}: ${kph.toFixed(0)} km/h`);
      }
    }
    expect(faults.slice(0, 20)).toEqual([]);
    // Standing still is thinned: far fewer points than a live tracker's fix a minute.
    expect(points.length).toBeLessThan(teams.length * ((TO - TRACKS_FROM) / 60_000) * 0.6);
  });

  it('take the crew a case was given to within 50 m of it between the dispatch and the handled report', async () => {
    const tracks = byTeam(points);
    const calls: { id: string; teamId: string; lon: number; lat: number; from: number; until: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = await first.incidents.list({ limit: 5000, cursor });
      for (const i of page.items) {
        const timeline = await first.incidents.timelineOf(i.id);
        const k = timeline.findIndex((e) => e.action?.name === 'arrive');
        if (k < 0) continue;
        const teamId = timeline[k]!.incident.teamId;
        const handled = timeline.slice(k).find((e) => e.action?.name === 'report-handled');
        if (!teamId || !handled) continue;
        // Dispatched to this crew: the earliest step since which the case has been with it.
        let j = k;
        while (j > 0 && timeline[j - 1]!.incident.teamId === teamId) j--;
        const from = Date.parse(timeline[j]!.at);
        const until = Date.parse(handled.at);
        if (from >= TRACKS_FROM && until < TO) calls.push({ id: i.id, teamId, lon: i.lon, lat: i.lat, from, until });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(calls.length).toBeGreaterThan(1000);
    const perDay = new Map<string, number>();
    for (const c of calls) perDay.set(c.teamId, (perDay.get(c.teamId) ?? 0) + DAY / (TO - TRACKS_FROM));
    let reached = 0;
    let reachable = 0;
    let ordinary = 0;
    for (const c of calls) {
      const ok = (tracks.get(c.teamId) ?? []).some((p) => p.at >= c.from && p.at <= c.until && metresBetween(p.lon, p.lat, c.lon, c.lat) <= 50);
      if (ok) reached++;
      // A crew the history gives fewer than 40 calls a day (one every 36 minutes) can make them all.
      if (perDay.get(c.teamId)! < 40) {
        ordinary++;
        if (ok) reachable++;
      }
    }
    expect(ordinary).toBeGreaterThan(calls.length / 2);
    expect(reachable / ordinary).toBeGreaterThan(0.97);
    // The squads on duty round the clock get every night's cases of the district, more than one
    // vehicle can reach before they are handled: those few calls are missed, not faked.
    expect(reached / calls.length).toBeGreaterThan(0.88);
  }, 120_000);
});
