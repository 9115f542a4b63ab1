import * as turf from '@turf/turf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentPoints, Site } from '../../shared/index.js';
import { getJson, postJson, sendJson } from '../support/api.js';
import type { Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { FeatureCollection } from '../support/types.js';

/**
 * The vacant-lot theme follows the sites registry (issue 14): its places are the registry's lots, so
 * an admin's edit (a lot returned to use) or an import (a new lot, a lot redrawn) changes which
 * incidents the theme's points hold, at once, without a restart.
 */

let server: TestServer;
const admin = (): Credentials => ({ cookie: server.adminCookie });
type Lot = FeatureCollection['features'][number];
let lots: Lot[];
/** An incident on a registered lot, and one far from every lot. */
let onLot: { lon: number; lat: number; lot: Lot };
let away: { lon: number; lat: number };

const offset = (lon: number, lat: number, dx: number, dy: number) => ({ lon: lon + dx / (111_320 * Math.cos((lat * Math.PI) / 180)), lat: lat + dy / 110_574 });
const square = (lon: number, lat: number, m: number) => {
  const a = offset(lon, lat, -m, -m);
  const b = offset(lon, lat, m, m);
  return [[[a.lon, a.lat], [b.lon, a.lat], [b.lon, b.lat], [a.lon, b.lat], [a.lon, a.lat]]];
};
/** Metres from a point to the nearest registered lot (0 inside one). */
const metresToLots = (lon: number, lat: number, among: Lot[]) =>
  Math.min(
    ...among.map((l) =>
      turf.booleanPointInPolygon([lon, lat], l as never) ? 0 : turf.pointToLineDistance([lon, lat], turf.polygonToLine(l as never) as never, { units: 'meters' }),
    ),
  );

const themePoints = async () => (await getJson<IncidentPoints>(`${server.url}/api/incidents/points?window=24h&theme=vacant_lots`)).body;
/** The theme's points as [lon, lat] rounded to 1e-4°, sorted, for comparison. */
const near = (p: { lon: number; lat: number }) => `${p.lon.toFixed(4)},${p.lat.toFixed(4)}`;
const themePlaces = async () => {
  const p = await themePoints();
  return p.lon.map((lon, i) => near({ lon, lat: p.lat[i]! })).sort();
};

async function report(lon: number, lat: number, categoryCode = 'E0103'): Promise<void> {
  const { status } = await postJson(`${server.url}/api/incidents`, { categoryCode, lon, lat });
  expect(status).toBe(201);
}

beforeAll(async () => {
  server = await startServer();
  lots = (await getJson<FeatureCollection>(`${server.url}/api/layers/vacant-lots`)).body.features;
  const lot = lots[7]!;
  const [lon, lat] = turf.pointOnFeature(lot as never).geometry.coordinates as [number, number];
  onLot = { lon, lat, lot };
  // A point at least 300 m from every lot: walk out from the lot until one is found.
  for (let m = 400; m < 5000 && !away; m += 150) {
    for (const [dx, dy] of [[m, 0], [0, m], [-m, 0], [0, -m]] as const) {
      const p = offset(lon, lat, dx, dy);
      if ((await getJson(`${server.url}/api/grid/cell?lon=${p.lon}&lat=${p.lat}`)).status === 200 && metresToLots(p.lon, p.lat, lots) > 300) {
        away = p;
        break;
      }
    }
  }
  expect(away).toBeDefined();
  await report(onLot.lon, onLot.lat);
  await report(away.lon, away.lat);
  // Not a vacant-lot category: on the lot, yet never the theme's.
  await report(onLot.lon, onLot.lat, 'E0501');
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

describe('the vacant-lot theme over the sites registry', () => {
  it('holds the incident on a registered lot and not the one far from every lot', async () => {
    expect(await themePlaces()).toEqual([near(onLot)]);
  });

  it('drops a lot an admin returns to use, and takes it back when it is idle again', async () => {
    const id = onLot.lot.properties.id as string;
    const returned = await sendJson<Site>('PUT', `${server.url}/api/vacant-lots/${id}`, { status: 'returned_to_use' }, admin());
    expect(returned.status).toBe(200);
    expect(await themePlaces()).toEqual([]);
    // The hotspots read the same points.
    const hotspots = await getJson<{ cells: unknown[] }>(`${server.url}/api/hotspots?window=24h&theme=vacant_lots&weights=queen`);
    expect(hotspots.status).toBe(200);
    const idle = await sendJson<Site>('PUT', `${server.url}/api/vacant-lots/${id}`, { status: 'idle' }, admin());
    expect(idle.status).toBe(200);
    expect(await themePlaces()).toEqual([near(onLot)]);
  });

  it('follows an import: a new lot brings its incidents in, a lot redrawn elsewhere lets its own go', async () => {
    const fresh = {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: square(away.lon, away.lat, 30) },
      properties: { id: 'lot-theme-1', kind: 'vacant_lot', name: { zh: '新登记地块', en: 'Newly registered lot' } },
    };
    expect((await postJson(`${server.url}/api/vacant-lots/import`, { type: 'FeatureCollection', features: [fresh] }, admin())).status).toBe(200);
    expect(await themePlaces()).toEqual([near(away), near(onLot)].sort());

    // The first lot redrawn 250 m off (its incident now 200 m or more from any lot), and the new one imported as a material yard.
    const moved = offset(away.lon, away.lat, 0, 250);
    const redrawn = {
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: square(moved.lon, moved.lat, 25) },
      properties: { id: onLot.lot.properties.id, kind: 'vacant_lot', name: onLot.lot.properties.name },
    };
    const yard = { ...fresh, properties: { ...fresh.properties, kind: 'material_yard' } };
    expect((await postJson(`${server.url}/api/vacant-lots/import`, { type: 'FeatureCollection', features: [redrawn, yard] }, admin())).status).toBe(200);
    const layer = (await getJson<FeatureCollection>(`${server.url}/api/layers/vacant-lots`)).body.features;
    expect(metresToLots(onLot.lon, onLot.lat, layer)).toBeGreaterThan(50);
    expect(await themePlaces()).toEqual([]);

    // An incident reported after the change is judged by the new lots at once.
    const inside = offset(moved.lon, moved.lat, 5, 5);
    await report(inside.lon, inside.lat);
    expect(await themePlaces()).toEqual([near(inside)]);
  });
});
