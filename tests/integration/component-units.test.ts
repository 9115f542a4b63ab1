import * as turf from '@turf/turf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseUnit, CityLayer, CityMeta } from '../../shared/index.js';
import { getJson, pointsInCells, postJson } from '../support/api.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { FeatureCollection, Incident } from '../support/types.js';

type Component = CityLayer<'components'>['features'][number];

let server: TestServer;
let components: Component[];
let cells: FeatureCollection['features'];
beforeAll(async () => {
  server = await startServer();
  components = (await getJson<CityLayer<'components'>>(`${server.url}/api/layers/components`)).body.features;
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

async function report(categoryCode: string, lon: number, lat: number): Promise<Incident> {
  const r = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode, lon, lat });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** The nearest standing component of a category, by a scan of the served layer. */
function nearestOf(categoryCode: string, at: [number, number]): { component: Component; metres: number } {
  return components
    .filter((c) => c.properties.categoryCode === categoryCode && c.properties.state !== 'removed')
    .map((component) => ({ component, metres: turf.distance(at, component.geometry.coordinates, { units: 'meters' }) }))
    .sort((a, b) => a.metres - b.metres || a.component.properties.code.localeCompare(b.component.properties.code))[0]!;
}

describe('the component inventory', () => {
  it('is served as a layer and counted in the city metadata', async () => {
    expect(components.length).toBeGreaterThan(3000);
    const meta = (await getJson<CityMeta>(`${server.url}/api/city`)).body;
    expect(meta.layers.find((l) => l.name === 'components')?.featureCount).toBe(components.length);
  });

  it('sends a component case lying at a component to the unit that maintains it, first', async () => {
    for (const categoryCode of ['C0102', 'C0118', 'C0305']) {
      const target = components.filter((c) => c.properties.categoryCode === categoryCode && c.properties.state === 'intact')[40]!;
      // A few metres off, as an inspector's phone would put it.
      const at = turf.destination(target.geometry.coordinates, 4, 30, { units: 'meters' }).geometry.coordinates as [number, number];
      const expected = nearestOf(categoryCode, at);
      expect(expected.metres).toBeLessThan(5);
      const c = await report(categoryCode, at[0], at[1]);
      const { status, body: units } = await getJson<CaseUnit[]>(`${server.url}/api/cases/${c.id}/units`);
      expect(status).toBe(200);
      expect(units[0]!.code).toBe(expected.component.properties.ownerUnit);
      expect(units[0]!.component).toEqual({
        code: expected.component.properties.code,
        ownerUnit: expected.component.properties.ownerUnit,
        distanceMeters: Math.round(expected.metres * 10) / 10,
      });
      expect(units[0]!.component!.code.slice(6, 10)).toBe(categoryCode.slice(1));
      for (const other of units.slice(1)) expect(other.component).toBeNull();
    }
  });

  it('leaves the component out where none of the category stands within 30 m, and for event cases', async () => {
    // Pedestrian bridges are few: a cell far from all of them.
    const far = pointsInCells(cells, 200, 53).find((p) => nearestOf('C0215', [p.lon, p.lat]).metres > 200)!;
    const bridge = await report('C0215', far.lon, far.lat);
    const units = (await getJson<CaseUnit[]>(`${server.url}/api/cases/${bridge.id}/units`)).body;
    expect(units.map((u) => u.code)).toEqual(['shizheng']);
    expect(units[0]!.component).toBeNull();

    const cover = components.find((c) => c.properties.categoryCode === 'C0101' && c.properties.state === 'intact')!;
    const [lon, lat] = cover.geometry.coordinates;
    const garbage = await report('E0102', lon, lat);
    const able = (await getJson<CaseUnit[]>(`${server.url}/api/cases/${garbage.id}/units`)).body;
    expect(able.map((u) => [u.code, u.component])).toEqual([['huanwei', null]]);
  });
});
