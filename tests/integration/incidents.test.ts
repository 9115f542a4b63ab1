import fc from 'fast-check';
import * as turf from '@turf/turf';
import { latLngToCell } from 'h3-js';
import { decodePointColumns, type PointColumnsFrame } from '../../shared/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, pointsInCells, postJson, streamClient, waitFor } from '../support/api.js';
import { authHeaders } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, CityMeta, Feature, FeatureCollection, Incident, IncidentPage } from '../support/types.js';

let server: TestServer;
let cells: Feature[];
let meta: CityMeta;

beforeAll(async () => {
  server = await startServer();
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  meta = (await getJson<CityMeta>(`${server.url}/api/city`)).body;
});
afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

async function headSeq(): Promise<number> {
  return (await getJson<{ headSeq: number }>(`${server.url}/api/health`)).body.headSeq;
}

describe('incident API against a real server and SQLite', () => {
  it('answers health and the client settings', async () => {
    const { status, body } = await getJson<{ status: string }>(`${server.url}/api/health`);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect((await getJson<{ basemapStyle: string | null }>(`${server.url}/api/settings`)).body).toEqual({ basemapStyle: null });
  });

  it('stores a report, places it in its cell and town, and streams it to a subscriber', async () => {
    const client = streamClient(server.url);
    client.socket.emit('subscribe', { sinceSeq: await headSeq() });
    await client.live;
    const [p] = pointsInCells(cells, 1, 1);
    const { status, body } = await postJson<Incident>(`${server.url}/api/incidents`, {
      categoryCode: 'E0102',
      lon: p!.lon,
      lat: p!.lat,
      description: '武宜路东侧人行道有暴露垃圾',
      source: 'hotline_12345',
    });
    expect(status).toBe(201);
    expect(body.gridCode).toBe(p!.cell.properties.code);
    expect(body.townCode).toBe(p!.cell.properties.townCode);
    expect(body.status).toBe('reported');
    // Only the acceptance clock runs: no unit has it (no handling deadline), nor is it registered (no closure deadline).
    expect(Date.parse(body.stageDeadlineAt!)).toBeGreaterThan(Date.parse(body.reportedAt));
    expect(body).toMatchObject({ unitCode: null, teamId: null, deadlineAt: null, closeDeadlineAt: null, application: null, confirmedAt: null });
    expect(meta.towns.map((t) => t.code)).toContain(body.townCode);
    await waitFor(() => client.events.some((e) => e.incident.id === body.id), 3000, 'streamed incident');
    const streamed = client.events.find((e) => e.incident.id === body.id)!;
    expect(streamed.seq).toBe(body.seq);
    expect(streamed.kind).toBe('created');
    expect(streamed.incident).toEqual(body);
    expect((await getJson<Incident>(`${server.url}/api/incidents/${body.id}`)).body).toEqual(body);
    client.socket.close();
  });

  it('answers 404 with a code for an unknown incident', async () => {
    const { status, body } = await getJson<ApiError>(`${server.url}/api/incidents/nope`);
    expect(status).toBe(404);
    expect(body.error.code).toBe('not_found');
  });

  it('refuses a point outside the city with 422 outside_city and writes nothing', async () => {
    const before = await headSeq();
    const [w, s] = meta.bbox;
    const { status, body } = await postJson<ApiError>(`${server.url}/api/incidents`, {
      categoryCode: 'E0102',
      lon: w - 0.5,
      lat: s - 0.5,
    });
    expect(status).toBe(422);
    expect(body.error.code).toBe('outside_city');
    expect(await headSeq()).toBe(before);
  });

  it('refuses bad input with 400 and a machine-readable error', async () => {
    const cases: unknown[] = [
      {},
      { categoryCode: 'E0102', lon: 'x', lat: 31.7 },
      { categoryCode: 'E0102', lon: 119.95, lat: 31.7, extra: 1 },
      { categoryCode: 'E0102', lon: 200, lat: 31.7 },
      { categoryCode: 'E0102', lon: 119.95, lat: 31.7, reportedAt: 'yesterday' },
      '{"categoryCode": ',
    ];
    for (const c of cases) {
      const { status, body } = await postJson<ApiError>(`${server.url}/api/incidents`, c);
      expect(status, JSON.stringify(c)).toBe(400);
      expect(typeof body.error.code).toBe('string');
      expect(typeof body.error.message).toBe('string');
    }
    const unknown = await postJson<ApiError>(`${server.url}/api/incidents`, { categoryCode: 'E9999', lon: 119.95, lat: 31.7 });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('unknown_category');
  });

  it('lists with filters and pages with a cursor, newest first, without repeats', async () => {
    const pts = pointsInCells(cells, 12, 389);
    // A day back, on a whole minute: within the age a live report may have (REPORT_MAX_AGE_DAYS).
    const t0 = Math.floor((Date.now() - 86_400_000) / 60_000) * 60_000;
    const made: Incident[] = [];
    for (const [i, p] of pts.entries()) {
      const r = await postJson<Incident>(`${server.url}/api/incidents`, {
        categoryCode: i % 2 ? 'E0501' : 'E0507',
        lon: p.lon,
        lat: p.lat,
        reportedAt: new Date(t0 + i * 60_000).toISOString(),
      });
      expect(r.status).toBe(201);
      made.push(r.body);
    }
    const since = new Date(t0).toISOString();
    const until = new Date(t0 + 12 * 60_000).toISOString();
    const seen: Incident[] = [];
    let cursor: string | null = null;
    do {
      const qs = new URLSearchParams({ since, until, limit: '5', category: 'E0501,E0507' });
      if (cursor) qs.set('cursor', cursor);
      const page: { status: number; body: IncidentPage } = await getJson<IncidentPage>(`${server.url}/api/incidents?${qs}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.map((i) => i.id)).toEqual([...made].reverse().map((i) => i.id));

    const vending = await getJson<IncidentPage>(`${server.url}/api/incidents?since=${since}&until=${until}&category=E0501`);
    expect(vending.body.items).toHaveLength(6);
    expect(vending.body.items.every((i) => i.categoryCode === 'E0501')).toBe(true);

    const town = made[0]!.townCode;
    const inTown = await getJson<IncidentPage>(`${server.url}/api/incidents?since=${since}&until=${until}&town=${town}`);
    expect(inTown.body.items.map((i) => i.id).sort()).toEqual(made.filter((i) => i.townCode === town).map((i) => i.id).sort());

    const m = made[3]!;
    const d = 0.0005;
    const bbox = [m.lon - d, m.lat - d, m.lon + d, m.lat + d].join(',');
    const near = await getJson<IncidentPage>(`${server.url}/api/incidents?since=${since}&until=${until}&bbox=${bbox}`);
    expect(near.body.items.map((i) => i.id)).toContain(m.id);
    for (const i of near.body.items) {
      expect(Math.abs(i.lon - m.lon)).toBeLessThanOrEqual(d);
      expect(Math.abs(i.lat - m.lat)).toBeLessThanOrEqual(d);
    }

    const bad = await getJson<ApiError>(`${server.url}/api/incidents?cursor=garbage`);
    expect(bad.status).toBe(400);
    const badStatus = await getJson<ApiError>(`${server.url}/api/incidents?status=bogus`);
    expect(badStatus.status).toBe(400);
  });

  it('serves the incidents of a time window as columns for density maps', async () => {
    const [p] = pointsInCells(cells, 1, 211);
    const posted = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'C0118', lon: p!.lon, lat: p!.lat });
    const { status, body } = await getJson<{ count: number; lon: number[]; lat: number[]; t: number[]; family: string; cell: number[] }>(
      `${server.url}/api/incidents/points?window=24h`,
    );
    expect(status).toBe(200);
    expect(body.lon).toHaveLength(body.count);
    expect(body.cell).toHaveLength(body.count);
    expect(body.family).toHaveLength(body.count);
    const k = body.lon.findLastIndex((lon, i) => Math.abs(lon - posted.body.lon) < 1e-5 && Math.abs(body.lat[i]! - posted.body.lat) < 1e-5);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(body.family[k]).toBe('C');
    expect(cells[body.cell[k]!]!.properties.code).toBe(posted.body.gridCode);
    expect(body.t.every((t, i) => i === 0 || t >= body.t[i - 1]!)).toBe(true);
    expect((await getJson<ApiError>(`${server.url}/api/incidents/points?window=1y`)).status).toBe(400);
  });

  it('serves the points as binary columns, by theme and filters, each with its stored cell and H3 cell', async () => {
    const roads = (await getJson<FeatureCollection>(`${server.url}/api/layers/roads`)).body.features;
    const main = roads.filter((r) => r.properties.class === 'arterial' || r.properties.class === 'expressway');
    const mainLines = turf.featureCollection(main.map((r) => turf.lineString((r.geometry as { coordinates: [number, number][] }).coordinates)));
    const distanceToMain = (lon: number, lat: number) => Math.min(...mainLines.features.map((l) => turf.pointToLineDistance([lon, lat], l, { units: 'meters' })));
    // On an arterial, and in a cell far from every main road.
    const [a, b] = (main[0]!.geometry as { coordinates: [number, number][] }).coordinates;
    const onRoad = { lon: (a![0] + b![0]) / 2, lat: (a![1] + b![1]) / 2 };
    // (Found lazily: a distance to every main road is slow enough to let a kept-alive socket time out.)
    const farOnes: { lon: number; lat: number }[] = [];
    for (const p of pointsInCells(cells, 400, 907)) if (farOnes.length < 2 && distanceToMain(p.lon, p.lat) > 150) farOnes.push(p);
    const [far, far2] = farOnes;
    const post = (categoryCode: string, at: { lon: number; lat: number }, source?: string) =>
      postJson<Incident>(`${server.url}/api/incidents`, { categoryCode, lon: at.lon, lat: at.lat, ...(source && { source }) });
    const garbageOnRoad = (await post('E0102', onRoad)).body;
    const garbageFar = (await post('E0102', far!)).body;
    const vending = (await post('E0508', far2!, 'hotline_12345')).body;
    const binary = async (query: string) => {
      const res = await fetch(`${server.url}/api/incidents/points?${query}`, { headers: { accept: 'application/octet-stream', ...authHeaders(server.url) } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/octet-stream/);
      return decodePointColumns(await res.arrayBuffer());
    };
    // Positions come back quantized to 1/65535 of the city's span: well under 1e-5°.
    const has = (f: PointColumnsFrame, i: Incident) => {
      for (let k = 0; k < f.count; k++) if (Math.abs(f.lon[k]! - i.lon) < 1e-5 && Math.abs(f.lat[k]! - i.lat) < 1e-5) return k;
      return -1;
    };

    // Everything: the binary columns and the JSON agree, and each point carries its stored cell.
    const all = await binary('window=24h');
    const json = (await getJson<{ count: number; cell: number[]; t: number[] }>(`${server.url}/api/incidents/points?window=24h`)).body;
    expect(all.count).toBe(json.count);
    expect([...all.cell]).toEqual(json.cell);
    for (let k = 0; k < all.count; k++) expect(Math.abs(all.t[k]! - json.t[k]!)).toBeLessThanOrEqual(all.tStepS);
    for (const i of [garbageOnRoad, garbageFar, vending]) {
      const k = has(all, i);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(cells[all.cell[k]!]!.properties.code).toBe(i.gridCode);
    }
    // Eight bytes a point, against the JSON's digits.
    const bytes = (await (await fetch(`${server.url}/api/incidents/points?window=24h`, { headers: { accept: 'application/octet-stream', ...authHeaders(server.url) } })).arrayBuffer()).byteLength;
    expect(bytes).toBeLessThan(8 * all.count + 200);

    // Main-road garbage: the garbage near an arterial or expressway only (50 m, and the quantization).
    const roadGarbage = await binary('window=24h&theme=main_road_garbage');
    expect(has(roadGarbage, garbageOnRoad)).toBeGreaterThanOrEqual(0);
    expect(has(roadGarbage, garbageFar)).toBe(-1);
    for (let k = 0; k < roadGarbage.count; k++) expect(distanceToMain(roadGarbage.lon[k]!, roadGarbage.lat[k]!)).toBeLessThanOrEqual(51.5);
    // Street order, narrowed by source and town.
    const order = await binary(`window=24h&theme=street_order&sources=hotline_12345&town=${vending.townCode}`);
    expect(has(order, vending)).toBeGreaterThanOrEqual(0);
    expect(has(order, garbageFar)).toBe(-1);
    // Congestion is drawn from road speeds: no report is a congestion point.
    expect((await binary('window=24h&theme=congestion')).count).toBe(0);
    for (const bad of ['theme=weather', 'sources=fax', 'categories=X1', 'town=1', 'family=Z']) {
      expect((await getJson<ApiError>(`${server.url}/api/incidents/points?window=24h&${bad}`)).status).toBe(400);
    }

    // The H3 cells stored at ingest: the hexagon counts hold every incident, each in its own hexagon.
    const hexes = (await getJson<{ incidents: number; cells: { h3: string; count: number }[] }>(`${server.url}/api/hotspots?window=24h&res=h3-8&all=true`)).body;
    expect(hexes.cells.reduce((sum, c) => sum + c.count, 0)).toBe(json.count);
    expect(hexes.cells.find((c) => c.h3 === latLngToCell(garbageOnRoad.lat, garbageOnRoad.lon, 8))!.count).toBeGreaterThanOrEqual(1);
  });

  it('finds the hot spots of a theme with Gi* and the FDR correction, by cell, distance band or H3, and emerging ones over weeks', async () => {
    // A cluster of vending in one cell and around it: the hottest spot of street order, at 99 %.
    // Near the middle of the city, so the whole cluster lies inside it.
    const [cx, cy] = (await getJson<CityMeta>(`${server.url}/api/city`)).body.center;
    const centre = pointsInCells(cells, 300, 4242).sort((a, b) => Math.hypot(a.lon - cx, a.lat - cy) - Math.hypot(b.lon - cx, b.lat - cy))[0]!;
    const spot = (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0504', lon: centre.lon, lat: centre.lat })).body;
    for (let k = 0; k < 24; k++) {
      const d = ((k % 5) - 2) * 0.0004;
      const e = (Math.floor(k / 5) - 2) * 0.0004;
      const r = await postJson<{ error?: { code: string } }>(`${server.url}/api/incidents`, { categoryCode: 'E0504', lon: centre.lon + d, lat: centre.lat + e });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    type Answer = { incidents: number; cellsScored: number; classes: Record<string, number>; cells: { gridCode?: string; h3?: string; z: number; p: number; q: number; class: string; count: number }[] };
    const hot = (await getJson<Answer>(`${server.url}/api/hotspots?window=24h&theme=street_order`)).body;
    expect(hot.cellsScored).toBe(cells.length);
    expect(hot.incidents).toBeGreaterThanOrEqual(25);
    const cell = hot.cells.find((c) => c.gridCode === spot.gridCode)!;
    expect(cell.class).toBe('hot_99');
    expect(cell.q).toBeGreaterThanOrEqual(cell.p);
    expect(cell.q).toBeLessThan(0.01);
    // Only the significant cells are listed, the strongest first; the classes count every cell.
    expect(hot.cells.every((c) => c.class !== 'not_significant')).toBe(true);
    for (let i = 1; i < hot.cells.length; i++) expect(hot.cells[i - 1]!.z).toBeGreaterThanOrEqual(hot.cells[i]!.z);
    expect(Object.values(hot.classes).reduce((a, b) => a + b, 0)).toBe(cells.length);
    const band = (await getJson<Answer>(`${server.url}/api/hotspots?window=24h&theme=street_order&weights=band&bandM=300`)).body;
    expect(band.cells.find((c) => c.gridCode === spot.gridCode)?.class).toMatch(/^hot_/);
    const hex = (await getJson<Answer>(`${server.url}/api/hotspots?window=24h&theme=street_order&res=h3-8`)).body;
    expect(hex.cells.find((c) => c.h3 === latLngToCell(spot.lat, spot.lon, 8))?.class).toMatch(/^hot_/);
    for (const bad of ['weights=rook', 'res=h3-9', 'bandM=5', 'all=maybe']) {
      expect((await getJson<ApiError>(`${server.url}/api/hotspots?window=24h&${bad}`)).status).toBe(400);
    }
    const emerging = (await getJson<{ weeks: number; slices: string[]; classes: Record<string, number>; cells: { gridCode: string; class: string }[] }>(`${server.url}/api/hotspots/emerging?weeks=4&theme=street_order`)).body;
    expect(emerging.slices).toHaveLength(4);
    expect(Object.values(emerging.classes).reduce((a, b) => a + b, 0)).toBe(cells.length);
    // Hot only in the last week, never before: a new hot spot.
    expect(emerging.cells.find((c) => c.gridCode === spot.gridCode)?.class).toBe('new_hot');
    expect((await getJson<ApiError>(`${server.url}/api/hotspots/emerging?weeks=2`)).status).toBe(400);
  });

  it('finds the cell of a point and serves every layer', async () => {
    const [p] = pointsInCells(cells, 1, 5);
    const cell = await getJson<Feature>(`${server.url}/api/grid/cell?lon=${p!.lon}&lat=${p!.lat}`);
    expect(cell.status).toBe(200);
    expect(cell.body.properties.code).toBe(p!.cell.properties.code);
    const out = await getJson<ApiError>(`${server.url}/api/grid/cell?lon=0&lat=0`);
    expect(out.status).toBe(404);
    for (const { name, featureCount } of meta.layers) {
      const res = await fetch(`${server.url}/api/layers/${name}`, { headers: authHeaders(server.url) });
      expect(res.status, name).toBe(200);
      expect(res.headers.get('etag')).toBeTruthy();
      const fcoll = (await res.json()) as FeatureCollection;
      expect(fcoll.features).toHaveLength(featureCount);
    }
    const missing = await getJson<ApiError>(`${server.url}/api/layers/nothing`);
    expect(missing.status).toBe(404);
  });

  it('refuses 1,000 malformed bodies with 4xx, never 5xx, and writes nothing', async () => {
    const before = await headSeq();
    const valid = { categoryCode: 'E0102', lon: 119.95, lat: 31.7 };
    const field = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.array(fc.anything(), { maxLength: 3 }),
      fc.object({ maxDepth: 2 }),
    );
    const body = fc.oneof(
      // a valid-looking report with one or more fields broken
      fc.record({ categoryCode: field, lon: field, lat: field, description: field, source: field, reportedAt: field }, {
        requiredKeys: [],
      }),
      // an extra unknown key on a valid report
      fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !(k in valid) && k !== '__proto__').map((k) => ({ ...valid, [k]: 1 })),
      // not an object at all, or not JSON
      fc.anything().map((v) => JSON.stringify(v) ?? 'undefined'),
      fc.string().map((s) => `{${s}`),
    );
    const statuses: number[] = [];
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await fetch(`${server.url}/api/incidents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...authHeaders(server.url) },
          body: typeof b === 'string' ? b : JSON.stringify(b),
        });
        statuses.push(res.status);
        const json = (await res.json()) as Partial<ApiError>;
        // Anything that happens to be a valid report inside the city may be stored; everything else is refused.
        if (res.status === 201) return;
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(typeof json.error?.code).toBe('string');
      }),
      { numRuns: 1000, seed: 42 },
    );
    expect(statuses).toHaveLength(1000);
    expect(statuses.filter((s) => s === 201)).toHaveLength(0);
    expect(await headSeq()).toBe(before);
  });
});
