import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, pointsInCells, postJson } from '../support/api.js';
import { createToken, createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection, Incident } from '../support/types.js';

interface Snapshot {
  at: string;
  source: string;
  ids: string[];
  kph: number[];
  from: string;
}
interface Candidate {
  teamId: string;
  etaSeconds: number;
  distanceMeters: number;
}

let server: TestServer;
let feed: Credentials;
let wall: Credentials;
let roads: { id: string; speedKph: number }[];

beforeAll(async () => {
  server = await startServer();
  feed = { token: await createToken(server.url, server.adminCookie, 'field', 'traffic feed') };
  wall = { token: await createToken(server.url, server.adminCookie, 'wall') };
  const layer = (await getJson<FeatureCollection>(`${server.url}/api/layers/roads`)).body;
  roads = layer.features.map((f) => f.properties as { id: string; speedKph: number });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

const speedsNow = async () => (await getJson<Snapshot>(`${server.url}/api/roads/speeds`, wall)).body;

describe('live road speeds', () => {
  it('are read by whoever reads the live picture: one speed per road of the roads layer, from the model', async () => {
    const res = await getJson<Snapshot>(`${server.url}/api/roads/speeds`, wall);
    expect(res.status).toBe(200);
    expect(res.body.source).toBe('model');
    expect(res.body.ids).toEqual(roads.map((r) => r.id));
    expect(res.body.kph).toHaveLength(roads.length);
    expect(res.body.from).toBe('m'.repeat(roads.length));
    res.body.kph.forEach((kph, i) => {
      expect(kph).toBeGreaterThan(0);
      expect(kph).toBeLessThanOrEqual(roads[i]!.speedKph + 0.05);
    });
    // A field token does not read the live picture; nobody reads anything.
    expect((await getJson(`${server.url}/api/roads/speeds`, feed)).status).toBe(403);
    expect((await getJson(`${server.url}/api/roads/speeds`, null)).status).toBe(401);
  });

  it("take a feed's report, all or nothing, from a machine's token only", async () => {
    const [a, b, c] = [roads[0]!.id, roads[1]!.id, roads[2]!.id];
    expect((await postJson(`${server.url}/api/roads/speeds`, { ids: [a, b], kph: [7, 45.5] }, feed)).status).toBe(204);
    let now = await speedsNow();
    expect([now.kph[0], now.kph[1]]).toEqual([7, 45.5]);
    expect(now.from.slice(0, 3)).toBe('ffm');

    const refused = await postJson<ApiError>(`${server.url}/api/roads/speeds`, { ids: [c, 'no-such-road'], kph: [9, 9] }, feed);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('unknown_road');
    expect((refused.body.error.details as { unknown: string[] }).unknown).toEqual(['no-such-road']);
    for (const bad of [{ ids: [c], kph: [9, 9] }, { ids: [c], kph: [-1] }, { ids: [c, c], kph: [1, 2] }, { ids: [], kph: [] }, { ids: [c], kph: [9], extra: 1 }]) {
      expect((await postJson<ApiError>(`${server.url}/api/roads/speeds`, bad, feed)).status).toBe(400);
    }
    // A person's session (even a field account's), a wall, a dispatcher: refused.
    const crew: Credentials = { cookie: await createUser(server.url, server.adminCookie, 'road-crew', 'field') };
    const asCrew = await postJson<ApiError>(`${server.url}/api/roads/speeds`, { ids: [c], kph: [9] }, crew);
    expect([asCrew.status, asCrew.body.error.code]).toEqual([403, 'token_required']);
    expect((await postJson(`${server.url}/api/roads/speeds`, { ids: [c], kph: [9] }, wall)).status).toBe(403);
    expect((await postJson(`${server.url}/api/roads/speeds`, { ids: [c], kph: [9] })).status).toBe(403);
    now = await speedsNow();
    expect(now.from[2]).toBe('m');
    expect(now.kph[2]).not.toBe(9);
  });

  it('slow down the routes dispatch ranks teams by', async () => {
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
    const [p] = pointsInCells(cells, 1, 331);
    const c = (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat })).body;
    const before = (await getJson<Candidate[]>(`${server.url}/api/cases/${c.id}/candidates`)).body;
    expect(before.length).toBeGreaterThan(0);
    // Gridlock: every road at 4 km/h, slower than walking off the road (5 m/s).
    const all = { ids: roads.map((r) => r.id), kph: roads.map(() => 4) };
    expect((await postJson(`${server.url}/api/roads/speeds`, all, feed)).status).toBe(204);
    expect((await speedsNow()).from).toBe('f'.repeat(roads.length));
    const after = (await getJson<Candidate[]>(`${server.url}/api/cases/${c.id}/candidates`)).body;
    expect(after.length).toBeGreaterThan(0);
    expect(after[0]!.etaSeconds).toBeGreaterThan(before[0]!.etaSeconds);
    // No leg is faster than 5 m/s any more.
    for (const x of after) expect(x.etaSeconds).toBeGreaterThanOrEqual(Math.floor(x.distanceMeters / 5) - 1);
  });
});
