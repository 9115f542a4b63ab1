import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { City } from '../../shared/index.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { GridIndex } from '../../server/grid/gridIndex.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { CellDirectory, defaultResponsibility, defaultRoster, responsibilityCells } from '../../server/responsibility/index.js';
import { pastIncidents } from '../../server/simulation/history.js';
import { buildSimModel } from '../../server/simulation/model.js';
import { teamsFromBases } from '../../server/team/teamRoster.js';

let city: City;
let grid: GridIndex;
const catalog = loadCatalog();
const TO = Date.parse('2026-11-23T10:00:00+08:00');

beforeAll(() => {
  city = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: 320412 }).city;
  grid = new GridIndex(city.layers.grid.features);
});

describe('the history\'s inspectors (责任网格)', () => {
  it('has each past case verified by the inspector who answers for its cell in the roster', () => {
    const cells = new CellDirectory(responsibilityCells(city.layers.grid.features));
    const responsibility = defaultResponsibility(cells, defaultRoster(cells.cells, 320412));
    const inspectorOf = (lon: number, lat: number) => {
      const p = responsibility.inspectorOfCell(grid.locate(lon, lat));
      return p ? { actor: `监督员 ${p.name}`, role: 'inspector' as const } : null;
    };
    const model = buildSimModel({ city, categories: catalog.categories, isInsideCity: (lon, lat) => grid.locate(lon, lat) >= 0, townAt: (lon, lat) => city.layers.grid.features[grid.locate(lon, lat)]?.properties.townCode });
    const teams = teamsFromBases(city.layers['team-bases'].features, catalog.categories);
    let verified = 0;
    for (const h of pastIncidents(model, 7, TO - 2 * 86_400_000, TO, teams, inspectorOf)) {
      const own = inspectorOf(h.report.lon, h.report.lat);
      for (const t of h.transitions) {
        if (t.action?.name !== 'verify' && t.action?.name !== 'rework') continue;
        verified++;
        expect(t.action.actor).toBe(own!.actor);
      }
    }
    expect(verified).toBeGreaterThan(500);
  });
});
