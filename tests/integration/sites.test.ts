import * as turf from '@turf/turf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, Site, SiteDetail, SiteImportAnswer, SitesAnswer } from '../../shared/index.js';
import { getJson, postJson, sendJson } from '../support/api.js';
import type { Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection } from '../support/types.js';

const DAY = 86_400_000;
let server: TestServer;
let lots: FeatureCollection['features'];
/** The lot the test reports incidents on, and the points it used. */
let hot: { id: string; lon: number; lat: number };
const admin = (): Credentials => ({ cookie: server.adminCookie });

/** A point `dx`, `dy` metres from (lon, lat). */
const offset = (lon: number, lat: number, dx: number, dy: number) => ({ lon: lon + dx / (111_320 * Math.cos((lat * Math.PI) / 180)), lat: lat + dy / 110_574 });

async function report(lon: number, lat: number, categoryCode: string, daysAgo: number): Promise<void> {
  const { status } = await postJson(`${server.url}/api/incidents`, { categoryCode, lon, lat, reportedAt: new Date(Date.now() - daysAgo * DAY).toISOString() });
  expect(status).toBe(201);
}

beforeAll(async () => {
  server = await startServer();
  lots = (await getJson<FeatureCollection>(`${server.url}/api/layers/vacant-lots`)).body.features;
  const lot = lots[5]!;
  const [lon, lat] = turf.pointOnFeature(lot as never).geometry.coordinates as [number, number];
  hot = { id: lot.properties.id as string, lon, lat };
  // Five in the last week, on the lot; two the week before; one just outside the lot, in its 50 m buffer.
  const codes = ['E0102', 'E0103', 'E0305', 'E0507', 'E0102'];
  for (const [k, code] of codes.entries()) {
    const p = offset(lon, lat, (k - 2) * 2, 0);
    await report(p.lon, p.lat, code, 1 + k * 0.5);
  }
  await report(lon, lat, 'E0103', 10);
  await report(lon, lat, 'E0305', 11);
  const [ex, ey] = (lot.geometry.coordinates as [number, number][][])[0]![0]!;
  // 20 m beyond a vertex, away from the point inside: outside the lot, inside its buffer.
  const away = Math.atan2(ey - lat, ex - lon);
  const out = offset(ex, ey, 20 * Math.cos(away), 20 * Math.sin(away));
  await report(out.lon, out.lat, 'E0106', 2);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

const list = async (query: string) => getJson<SitesAnswer & ApiError>(`${server.url}/api/vacant-lots?${query}`);
const detail = async (id: string, query = 'window=7d') => (await getJson<SiteDetail>(`${server.url}/api/vacant-lots/${id}?${query}`)).body;
const siteAudit = async () => (await getJson<AuditEntry[]>(`${server.url}/api/audit?limit=1000`, admin())).body.filter((e) => e.objectType === 'site');

describe('the vacant-lot and material-yard registry over HTTP', () => {
  it('is seeded with the 46 lots and the material yards, and serves the basemap layer from itself', async () => {
    expect(lots).toHaveLength(46);
    expect(Object.keys(lots[0]!.properties).sort()).toEqual(['areaM2', 'id', 'name', 'status', 'townCode']);
    const all = await list('');
    expect(all.status).toBe(200);
    expect(all.body.window).toBe('30d');
    expect(all.body.bufferM).toBe(50);
    expect(all.body.items.filter((s) => s.kind === 'vacant_lot')).toHaveLength(46);
    const yards = (await list('kind=material_yard')).body.items;
    expect(yards.length).toBeGreaterThan(5);
    expect(yards.every((s) => s.kind === 'material_yard' && s.areaM2 >= 900 && s.areaM2 <= 6400)).toBe(true);
    expect(yards.map((s) => s.stats.rank)).toEqual(yards.map((_, i) => i + 1));
    expect((await list('window=24h')).status).toBe(400);
    expect((await list('buffer=-5')).body.error.code).toBe('invalid_request');
  });

  it('counts incidents on a lot and in its buffer, ranks it first, and compares with the week before', async () => {
    const week = (await list('window=7d&kind=vacant_lot')).body;
    const lot = week.items[0]!;
    expect(lot.id).toBe(hot.id);
    expect(lot.stats).toMatchObject({ rank: 1, inside: 5, withinBuffer: 6, previous: 2, change: 2 });
    expect(lot.stats.byCategory).toEqual({ E0102: 2, E0103: 1, E0305: 1, E0507: 1, E0106: 1 });
    expect(lot.stats.ratePerHa).toBeCloseTo(6 / lot.stats.bufferedHa, 2);
    expect(lot.stats.bufferedHa).toBeGreaterThan(lot.areaM2 / 10_000);
    expect(lot.stats.beforeAfter).toBeNull();
    // No buffer: only the lot's own five, over the lot's own area.
    const bare = (await list('window=7d&buffer=0')).body.items.find((s) => s.id === hot.id)!;
    expect(bare.stats.withinBuffer).toBe(5);
    expect(bare.stats.bufferedHa).toBeCloseTo(lot.areaM2 / 10_000, 1);
  });

  it('gives one site with 26 weeks of history by category class', async () => {
    const d = await detail(hot.id);
    expect(d.rankAmong).toBe(46);
    expect(d.weeks).toHaveLength(26);
    expect(d.weeks.reduce((a, w) => a + w.total, 0)).toBe(8);
    const classes = d.weeks.reduce<Record<string, number>>((acc, w) => {
      for (const [k, v] of Object.entries(w.byClass)) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {});
    expect(classes).toEqual({ E01: 5, E03: 2, E05: 1 });
    expect(d.statusChanges).toEqual([]);
    expect((await getJson<ApiError>(`${server.url}/api/vacant-lots/nope`)).status).toBe(404);
  });

  it('lets an admin change status, owner and treatment date, audited; a dispatcher is refused', async () => {
    const refused = await sendJson<ApiError>('PUT', `${server.url}/api/vacant-lots/${hot.id}`, { status: 'fenced' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');

    const t0 = Date.now();
    const put = await sendJson<Site>('PUT', `${server.url}/api/vacant-lots/${hot.id}`, { status: 'fenced', owner: '湖塘镇人民政府' }, admin());
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ status: 'fenced', owner: '湖塘镇人民政府', updatedBy: 'admin' });
    // Leaving idle dates the treatment now.
    expect(Date.parse(put.body.treatedAt!)).toBeGreaterThanOrEqual(t0 - 1000);

    // Backdated: the fence went up five days ago.
    const treatedAt = new Date(Date.now() - 5 * DAY).toISOString();
    const back = await sendJson<Site>('PUT', `${server.url}/api/vacant-lots/${hot.id}`, { status: 'greened', treatedAt }, admin());
    expect(back.body).toMatchObject({ status: 'greened', treatedAt });
    expect((await sendJson<ApiError>('PUT', `${server.url}/api/vacant-lots/${hot.id}`, { status: 'paved' }, admin())).status).toBe(400);
    expect((await sendJson<ApiError>('PUT', `${server.url}/api/vacant-lots/${hot.id}`, {}, admin())).status).toBe(400);

    const audit = await siteAudit();
    expect(audit.map((e) => e.action)).toEqual(['site.update', 'site.update']);
    expect(audit[1]!.detail).toMatchObject({ changes: { status: { from: 'idle', to: 'fenced' }, owner: { from: null, to: '湖塘镇人民政府' } } });
    const d = await detail(hot.id);
    expect(d.statusChanges.map((c) => [c.from, c.to, c.by])).toEqual([['idle', 'fenced', 'admin'], ['fenced', 'greened', 'admin']]);
    // Before: the two of 10–11 days ago over 90 days; after: the six of the last 5 days, per 30 days.
    expect(d.stats.beforeAfter!.beforePer30d).toBeCloseTo((2 * 30) / 90, 2);
    expect(d.stats.beforeAfter!.afterDays).toBeCloseTo(5, 0);
    expect(d.stats.beforeAfter!.afterPer30d).toBeCloseTo((6 * 30) / 5, 0);
    // The basemap layer follows.
    const layer = (await getJson<FeatureCollection>(`${server.url}/api/layers/vacant-lots`)).body.features;
    expect(layer.find((f) => f.properties.id === hot.id)!.properties.status).toBe('greened');
  });

  it('imports a FeatureCollection all or nothing, upserting by id', async () => {
    const base = lots[10]!;
    const [lon, lat] = turf.pointOnFeature(base as never).geometry.coordinates as [number, number];
    const ring = (cx: number, cy: number, m: number) => {
      const a = offset(cx, cy, -m, -m);
      const b = offset(cx, cy, m, m);
      return [[[a.lon, a.lat], [b.lon, a.lat], [b.lon, b.lat], [a.lon, b.lat], [a.lon, a.lat]]];
    };
    const fresh = { type: 'Feature', geometry: { type: 'Polygon', coordinates: ring(lon, lat, 20) }, properties: { id: 'lot-imported-1', kind: 'vacant_lot', name: { zh: '导入地块1号', en: 'Imported Lot 1' }, status: 'fenced', owner: '某公司' } };
    const renamed = { type: 'Feature', geometry: base.geometry, properties: { id: base.properties.id, kind: 'vacant_lot', name: { zh: '改名地块', en: 'Renamed Lot' } } };
    const before = (await list('')).body.items;

    // A ring that does not close: 400, and neither feature written.
    const unclosed = { ...fresh, properties: { ...fresh.properties, id: 'lot-bad' }, geometry: { type: 'Polygon', coordinates: [ring(lon, lat, 20)[0]!.slice(0, 4)] } };
    const bad = await postJson<ApiError>(`${server.url}/api/vacant-lots/import`, { type: 'FeatureCollection', features: [fresh, renamed, unclosed] }, admin());
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_request');
    // Far from the city: 422 outside_city, nothing written.
    const far = { ...fresh, properties: { ...fresh.properties, id: 'lot-far' }, geometry: { type: 'Polygon', coordinates: ring(100, 20, 20) } };
    const outside = await postJson<ApiError>(`${server.url}/api/vacant-lots/import`, { type: 'FeatureCollection', features: [fresh, renamed, far] }, admin());
    expect(outside.status).toBe(422);
    expect(outside.body.error).toMatchObject({ code: 'outside_city', details: { index: 2, id: 'lot-far' } });
    const dup = await postJson<ApiError>(`${server.url}/api/vacant-lots/import`, { type: 'FeatureCollection', features: [fresh, fresh] }, admin());
    expect(dup.body.error.code).toBe('duplicate_id');
    expect((await list('')).body.items.map((s) => [s.id, s.name.zh])).toEqual(before.map((s) => [s.id, s.name.zh]));
    expect((await siteAudit()).filter((e) => e.objectId !== hot.id)).toEqual([]);
    expect((await postJson<ApiError>(`${server.url}/api/vacant-lots/import`, { type: 'FeatureCollection', features: [fresh] })).status).toBe(403);

    const ok = await postJson<SiteImportAnswer>(`${server.url}/api/vacant-lots/import`, { type: 'FeatureCollection', features: [fresh, renamed] }, admin());
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ created: 1, updated: 1 });
    const after = (await list('')).body.items;
    expect(after).toHaveLength(before.length + 1);
    const imported = after.find((s) => s.id === 'lot-imported-1')!;
    expect(imported).toMatchObject({ status: 'fenced', owner: '某公司', townCode: base.properties.townCode, treatedAt: null });
    expect(imported.areaM2).toBeGreaterThan(1400);
    expect(imported.areaM2).toBeLessThan(1800);
    expect(after.find((s) => s.id === base.properties.id)!.name.en).toBe('Renamed Lot');
    expect((await getJson<FeatureCollection>(`${server.url}/api/layers/vacant-lots`)).body.features).toHaveLength(47);
    expect((await detail('lot-imported-1')).statusChanges.map((c) => [c.from, c.to])).toEqual([['idle', 'fenced']]);
  });

  it('keeps the registry across a restart without seeding it again', async () => {
    await server.stop();
    server = await startServer({ dataDir: server.dataDir });
    const items = (await list('')).body.items;
    expect(items.find((s) => s.id === hot.id)).toMatchObject({ status: 'greened', owner: '湖塘镇人民政府' });
    expect(items.filter((s) => s.kind === 'vacant_lot')).toHaveLength(47);
  }, 120_000);
});
