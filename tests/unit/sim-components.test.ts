import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { City } from '../../shared/index.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { GridIndex } from '../../server/grid/gridIndex.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { buildSimModel, reportsInMinute, type SimModel } from '../../server/simulation/model.js';
import { ComponentMatcher } from '../../server/unit/componentMatch.js';

let city: City;
let model: SimModel;
let components: ComponentMatcher;
const catalog = loadCatalog();
const family = new Map(catalog.categories.map((c) => [c.code, c.family]));
const MONDAY_MINUTE = Math.floor(Date.parse('2026-11-23T08:00:00+08:00') / 60_000);

beforeAll(() => {
  city = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: 320412 }).city;
  const grid = new GridIndex(city.layers.grid.features);
  model = buildSimModel({
    city,
    categories: catalog.categories,
    isInsideCity: (lon, lat) => grid.locate(lon, lat) >= 0,
    townAt: (lon, lat) => city.layers.grid.features[grid.locate(lon, lat)]?.properties.townCode,
  });
  components = new ComponentMatcher(city.layers.components.features);
});

describe('simulated component reports (部件)', () => {
  it('are made at an inventoried component of their category most of the time, so they go to its maintainer', () => {
    let componentReports = 0;
    let atComponent = 0;
    let eventsAtComponent = 0;
    let events = 0;
    // Two working days of reports, minute by minute.
    for (let m = MONDAY_MINUTE; m < MONDAY_MINUTE + 2 * 1440; m++) {
      for (const r of reportsInMinute(model, 320412, m)) {
        const match = components.nearest(r.categoryCode, r.lon, r.lat);
        if (family.get(r.categoryCode) === 'component') {
          componentReports++;
          if (match) atComponent++;
        } else {
          events++;
          if (match) eventsAtComponent++;
        }
      }
    }
    expect(componentReports).toBeGreaterThan(100);
    // 70 % are drawn at a component (a few fall outside the city and are drawn again elsewhere);
    // the rest fall near one of the category's components only by chance.
    expect(atComponent / componentReports).toBeGreaterThan(0.6);
    // Event categories have no components: nothing matches them.
    expect(events).toBeGreaterThan(0);
    expect(eventsAtComponent).toBe(0);
  });
});
