import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THEME_DEFINITIONS, unitsOf, type City, type IncidentEvent, type IncidentStatus } from '../../shared/index.js';
import { buildWorkCalendar } from '../../shared/workflow/workCalendar.js';
import { loadCalendarDefaults } from '../../server/calendar/workCalendarService.js';
import { CampaignCases } from '../../server/campaign/campaignCases.js';
import { areaTest, measureOf, type MeasureData, type ScopedCase } from '../../server/campaign/campaignMeasures.js';
import { CaseClock } from '../../server/case/caseClock.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { changeOfEvent, foldChange, type CaseFacts } from '../../server/evaluation/caseFacts.js';
import { foldLog } from '../../server/evaluation/evaluationService.js';
import { GridIndex } from '../../server/grid/gridIndex.js';
import { IncidentService } from '../../server/incident/incidentService.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { backfillHistory } from '../../server/simulation/historyBackfill.js';
import { buildSimModel } from '../../server/simulation/model.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import { loadCentre } from '../../server/traffic/centre.js';
import { teamsFromBases } from '../../server/team/teamRoster.js';
import { actionRecord, decideTo } from '../contract/records.js';
import { makeDataDir, removeDataDir } from '../support/server.js';

/**
 * 专项整治's open-case measure from memory (issue 15): the cases CampaignCases gives from the
 * evaluation's facts (folded from a real back-filled SQLite log) are those the store's pages gave,
 * field for field, and so are the measures counted from them; after a merge, a closure and a new
 * report (folded from the stream), again so.
 */

const catalog = loadCatalog();
const DAY = 86_400_000;
const TO = Date.parse('2026-11-23T10:00:00+08:00');
const OPEN: IncidentStatus[] = ['registered', 'dispatched', 'handling', 'handled', 'verified', 'suspended'];

let dir: string;
let store: SqliteStore;
let service: IncidentService;
let facts: Map<string, CaseFacts>;
let city: City;
let cases: CampaignCases;

/** The store's cases as the service read them before: page by page, of the categories, since `since` and open now. */
async function fromStore(categories: string[] | null, since: number): Promise<ScopedCase[]> {
  const byId = new Map<string, ScopedCase>();
  const read = async (query: { since?: string; status?: IncidentStatus[] }) => {
    let cursor: string | undefined;
    do {
      const page = await store.incidents.list({ ...query, ...(categories ? { category: categories } : {}), limit: 5000, ...(cursor ? { cursor } : {}) });
      for (const i of page.items) {
        byId.set(i.id, {
          reportedAt: Date.parse(i.reportedAt), categoryCode: i.categoryCode, source: i.source, townCode: i.townCode, lon: i.lon, lat: i.lat,
          status: i.status, closedAt: i.closedAt === null ? null : Date.parse(i.closedAt), merged: i.mergedInto !== null,
        });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  };
  await read({ since: new Date(since).toISOString() });
  await read({ status: OPEN });
  return [...byId.values()];
}

const sorted = (xs: readonly ScopedCase[]) => xs.map((x) => JSON.stringify(x)).sort();

function fold(events: readonly IncidentEvent[]): void {
  for (const e of events) {
    const f = foldChange(facts.get(e.incident.id), changeOfEvent(e));
    if (f) facts.set(f.id, f);
  }
}

beforeAll(async () => {
  city = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: 320412 }).city;
  const grid = new GridIndex(city.layers.grid.features);
  const model = buildSimModel({ city, categories: catalog.categories, isInsideCity: (lon, lat) => grid.locate(lon, lat) >= 0, townAt: (lon, lat) => city.layers.grid.features[grid.locate(lon, lat)]?.properties.townCode });
  const teams = teamsFromBases(city.layers['team-bases'].features, catalog.categories, 1);
  dir = makeDataDir();
  store = new SqliteStore(join(dir, 'gw.db'));
  const calendar = buildWorkCalendar(loadCalendarDefaults());
  let issued = 0;
  service = new IncidentService({
    store,
    categoryOf: (code) => catalog.byCode(code),
    cellAt: (lon, lat) => city.layers.grid.features[grid.locate(lon, lat)]?.properties,
    clock: new CaseClock(catalog.stageLimits, () => calendar),
    // The evaluation folds each committed event into the facts, and the register files the new cases; so does this test.
    onCommitted: (events) => fold(events),
    now: () => TO,
    newId: () => `case-${String(++issued).padStart(6, '0')}`,
  });
  const units = unitsOf(catalog.departments, city.meta.towns, catalog.categories, teams);
  await backfillHistory({ store, intake: service, ctx: model, teams, units, seed: 20261123, days: 21, log: pino({ level: 'silent' }), now: TO });
  facts = (await foldLog(store)).facts;
  cases = new CampaignCases({ allFacts: () => facts.values() });
}, 120_000);

afterAll(async () => {
  await store?.close();
  if (dir) removeDataDir(dir);
});

const yards = THEME_DEFINITIONS.material_yards.categories!;

/** The scopes compared: every category, the material yards' (the Wujin seed's June campaign), one town's yards, the centre. */
const SCOPES: { name: string; categories: string[] | null; since: number; inArea: (p: ScopedCase) => boolean }[] = [];

describe('the open-case measure from memory', () => {
  it('reads the same cases as the store’s pages, field for field, for every scope', async () => {
    const centre = loadCentre().geometry;
    SCOPES.push(
      { name: 'yards', categories: [...yards], since: TO - 14 * DAY, inArea: () => true },
      { name: 'town yards', categories: [...yards], since: TO - 30 * DAY, inArea: areaTest({ kind: 'towns', towns: [city.meta.towns[0]!.code] }, centre) },
      { name: 'all', categories: null, since: TO - 10 * DAY, inArea: () => true },
      { name: 'centre', categories: null, since: TO - 7 * DAY, inArea: areaTest({ kind: 'centre' }, centre) },
    );
    for (const s of SCOPES) {
      const reference = await fromStore(s.categories, s.since);
      const memory = await cases.casesOf(s.categories ? new Set(s.categories) : null, s.since);
      expect(reference.length, s.name).toBeGreaterThan(20);
      expect(sorted(memory), s.name).toEqual(sorted(reference));
    }
    // Open, closed, suspended and not-yet-registered cases are all among them.
    const statuses = new Set((await fromStore(null, TO - 21 * DAY)).map((c) => c.status));
    for (const s of ['registered', 'handling', 'closed', 'suspended', 'reported'] as const) expect(statuses.has(s), s).toBe(true);
  });

  it('counts the same open cases at every day’s end, and follows merges, closures and new reports without paging the store again', async () => {
    const counts = async () => {
      const out: Record<string, (number | null)[]> = {};
      for (const s of SCOPES) {
        const data = (xs: ScopedCase[]): MeasureData => ({ points: [], cases: xs.filter(s.inArea), slots: [], wholeSince: TO - 21 * DAY });
        const ref = measureOf({ kind: 'open_cases' }, data(await fromStore(s.categories, s.since)));
        const mem = measureOf({ kind: 'open_cases' }, data(await cases.casesOf(s.categories ? new Set(s.categories) : null, s.since)));
        const days = Array.from({ length: 10 }, (_, k) => TO - k * DAY);
        expect(days.map((t) => mem(t - 7 * DAY, t)), s.name).toEqual(days.map((t) => ref(t - 7 * DAY, t)));
        out[s.name] = days.map((t) => mem(t - 7 * DAY, t));
      }
      return out;
    };
    const before = await counts();
    expect(before.yards!.some((n) => n! > 0)).toBe(true);

    // A merge and a closure of open yard cases, and a new yard report: the facts follow the log.
    const open = (await store.incidents.list({ status: ['registered', 'dispatched'], category: [...yards], limit: 2 })).items;
    expect(open.length).toBe(2);
    const at = TO - 60_000;
    fold([await store.cases.applyAction(open[0]!.id, open[0]!.version, at, decideTo({ status: 'closed', closedAt: at, closureKind: 'duplicate', mergedInto: open[1]!.id, stageDeadlineAt: null }, actionRecord('merge')))]);
    fold([await store.cases.applyAction(open[1]!.id, open[1]!.version, at, decideTo({ status: 'closed', closedAt: at, closureKind: 'normal', stageDeadlineAt: null }, actionRecord('close')))]);
    const where = open[1]!;
    await service.report({ categoryCode: yards[0]!, lon: where.lon, lat: where.lat, source: 'inspector', reportedAt: new Date(TO - 30_000).toISOString() });

    const after = await counts();
    // The measures moved (two yard cases fewer open now) …
    expect(after.yards![0]).toBe(before.yards![0]! - 2);
    // … and the new report is among the cases, its facts folded from the stream.
    expect((await cases.casesOf(new Set(yards), TO - DAY)).some((c) => c.reportedAt === TO - 30_000 && c.status === 'reported')).toBe(true);
  }, 60_000);
});
