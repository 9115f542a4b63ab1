import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { City } from '../../shared/index.js';
import { computeDeadline } from '../../shared/workflow/deadlines.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { GridIndex } from '../../server/grid/gridIndex.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { generateHistory, shippedCalendar } from '../../server/simulation/history.js';
import { buildSimModel, type SimModel } from '../../server/simulation/model.js';
import { teamsFromBases } from '../../server/team/teamRoster.js';

/**
 * The default history evaluates like a well-run district with planted differences (README "The
 * simulated history"; data/simulation/patterns.json `performance`). Measured on two weeks of it,
 * over the cases of the first week (their lives mostly over): the full 90-day figures come from
 * scripts/history-figures.ts.
 */
const catalog = loadCatalog();
const DAY = 86_400_000;
const TO = Date.parse('2026-11-23T10:00:00+08:00');
const QIANHUANG = '320412104';

let city: City;
let model: SimModel;

interface Tally {
  registered: number;
  suspended: number;
  handled: number;
  reworked: number;
  due: number;
  onTime: number;
  reports: number;
  public: number;
}
const tally = (): Tally => ({ registered: 0, suspended: 0, handled: 0, reworked: 0, due: 0, onTime: 0, reports: 0, public: 0 });
const all = tally();
const byUnit = new Map<string, Tally>();
const byTown = new Map<string, Tally>();

beforeAll(() => {
  city = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: 320412 }).city;
  const grid = new GridIndex(city.layers.grid.features);
  const townAt = (lon: number, lat: number) => city.layers.grid.features[grid.locate(lon, lat)]?.properties.townCode;
  model = buildSimModel({ city, categories: catalog.categories, isInsideCity: (lon, lat) => grid.locate(lon, lat) >= 0, townAt });
  const teams = teamsFromBases(city.layers['team-bases'].features, catalog.categories, 2);
  const calendar = shippedCalendar();
  for (const h of generateHistory(model, 20261123, TO - 14 * DAY, TO, teams)) {
    if (Date.parse(h.report.reportedAt) >= TO - 7 * DAY) continue;
    const town = townAt(h.report.lon!, h.report.lat!) ?? '';
    const dispatch = h.transitions.find((s) => s.action?.name === 'dispatch' || (!s.action && s.status === 'dispatched'));
    const unit = dispatch?.action?.unitCode ?? '';
    const tallies = [all, byTown.get(town) ?? byTown.set(town, tally()).get(town)!, byUnit.get(unit) ?? byUnit.set(unit, tally()).get(unit)!];
    const names = h.transitions.map((s) => s.action?.name);
    const handledAt = h.transitions.filter((s) => s.status === 'handled' && s.action?.name !== 'rework').at(-1)?.at;
    const category = catalog.byCode(h.report.categoryCode)!;
    for (const t of tallies) {
      t.reports++;
      if (h.report.source === 'hotline_12345' || h.report.source === 'citizen_app') t.public++;
      if (!names.includes('register')) continue;
      t.registered++;
      if (names.includes('suspend')) t.suspended++;
      if (handledAt) t.handled++;
      if (handledAt && names.includes('rework')) t.reworked++;
      if (dispatch && !names.includes('suspend') && !names.includes('apply')) {
        t.due++;
        if (handledAt && Date.parse(handledAt) <= computeDeadline(Date.parse(dispatch.at), category.timeLimit, calendar)) t.onTime++;
      }
    }
  }
}, 60_000);

const onTime = (t: Tally) => t.onTime / t.due;

describe('the default history', () => {
  it('evaluates like a well-run district: few reworked, few suspended, most handled on time', () => {
    expect(all.registered).toBeGreaterThan(5000);
    expect(all.reworked / all.handled).toBeGreaterThan(0.03);
    expect(all.reworked / all.handled).toBeLessThan(0.08);
    expect(all.suspended / all.registered).toBeGreaterThan(0.005);
    expect(all.suspended / all.registered).toBeLessThan(0.03);
    expect(onTime(all)).toBeGreaterThan(0.8);
    expect(onTime(all)).toBeLessThan(0.95);
  });

  it('has units a review can tell apart: the understaffed one late, the one whose repairs fail reworked', () => {
    const zhujian = byUnit.get('zhujian')!;
    const huanwei = byUnit.get('huanwei')!;
    const shizheng = byUnit.get('shizheng')!;
    expect(onTime(zhujian)).toBeLessThan(onTime(huanwei) - 0.15);
    expect(shizheng.reworked / shizheng.handled).toBeGreaterThan((2 * huanwei.reworked) / huanwei.handled);
    expect(shizheng.reworked / shizheng.handled).toBeGreaterThan(0.1);
  });

  it('has a neglected town where the public reports what inspectors miss, and a town clearly better than it', () => {
    const q = byTown.get(QIANHUANG)!;
    const others = [...byTown.entries()].filter(([code]) => code !== QIANHUANG && code !== '').map(([, t]) => t);
    const publicElsewhere = others.reduce((s, t) => s + t.public, 0) / others.reduce((s, t) => s + t.reports, 0);
    expect(q.public / q.reports).toBeGreaterThan(0.5);
    expect(q.public / q.reports).toBeGreaterThan(publicElsewhere + 0.1);
    expect(onTime(byTown.get('320412400')!)).toBeGreaterThan(onTime(q) + 0.1);
  });
});
