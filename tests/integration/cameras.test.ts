import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CameraList, type CameraView } from '../../shared/index.js';
import { getJson, postJson } from '../support/api.js';
import { createToken, createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection } from '../support/types.js';

/** Shortened from 300 s so that the test sees a camera go silent. */
const SILENT_SECONDS = 3;

let server: TestServer;
let gateway: Credentials;
let wall: Credentials;
let layer: { id: string; kind: string; fovDeg: number; position: number[] }[];

beforeAll(async () => {
  server = await startServer({ env: { CAMERA_SILENT_SECONDS: String(SILENT_SECONDS) } });
  gateway = { token: await createToken(server.url, server.adminCookie, 'field', 'camera gateway') };
  wall = { token: await createToken(server.url, server.adminCookie, 'wall') };
  const cams = (await getJson<FeatureCollection>(`${server.url}/api/layers/cameras`)).body.features;
  layer = cams.map((f) => ({ ...(f.properties as { id: string; kind: string; fovDeg: number }), position: (f.geometry as { coordinates: number[] }).coordinates }));
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

const list = async () => {
  const res = await getJson<CameraList>(`${server.url}/api/cameras`, wall);
  expect(res.status).toBe(200);
  return res.body;
};
const cameraOf = (body: CameraList, id: string): CameraView['properties'] => body.features.find((f) => f.properties.id === id)!.properties;
const beat = (cameras: unknown, credentials: Credentials = gateway) => postJson<ApiError>(`${server.url}/api/cameras/heartbeat`, { cameras }, credentials);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cameras', () => {
  it('are listed for the map: every camera of the layer with its sector, state and last heartbeat', async () => {
    const body = await list();
    expect(CameraList.safeParse(body).success).toBe(true);
    expect(body.silentAfterSeconds).toBe(SILENT_SECONDS);
    expect(body.heartbeatsFrom).toBe('none');
    expect(body.features.map((f) => f.properties.id)).toEqual(layer.map((c) => c.id));
    expect(body.live + body.silent).toBe(layer.length);
    body.features.forEach((f, i) => {
      const ring = f.geometry.coordinates[0]!;
      expect(ring[0]).toEqual(ring.at(-1));
      expect(f.properties.position).toEqual(layer[i]!.position);
      expect(f.properties.kind).toBe(layer[i]!.kind);
      // A sector starts at the camera; a 360° PTZ camera's circle does not.
      if (f.properties.fovDeg < 360) expect(ring[0]).toEqual(layer[i]!.position);
      else expect(ring).not.toContainEqual(layer[i]!.position);
      expect(f.properties.lastHeartbeatAt).toBeNull();
    });
    // A field token does not read the live picture; nobody reads anything.
    expect((await getJson(`${server.url}/api/cameras`, gateway)).status).toBe(403);
    expect((await getJson(`${server.url}/api/cameras`, null)).status).toBe(401);
  });

  it("take a gateway's heartbeats, from a machine's token only", async () => {
    const at = new Date(Date.now() - 1000).toISOString();
    expect((await beat([{ id: layer[0]!.id }, { id: layer[1]!.id, at }])).status).toBe(204);
    const body = await list();
    expect(body.heartbeatsFrom).toBe('gateway');
    expect(cameraOf(body, layer[0]!.id).state).toBe('live');
    expect(cameraOf(body, layer[0]!.id).lastHeartbeatAt).not.toBeNull();
    expect(Date.parse(cameraOf(body, layer[1]!.id).lastHeartbeatAt!)).toBe(Date.parse(at));

    // A person's session (even a field account's or an inspector's): 403 token_required.
    for (const [name, role] of [['cam-crew', 'field'], ['cam-inspector', 'inspector']] as const) {
      const cookie = await createUser(server.url, server.adminCookie, name, role);
      const res = await beat([{ id: layer[2]!.id }], { cookie });
      expect([res.status, res.body.error.code]).toEqual([403, 'token_required']);
    }
    // Roles without position.report: a wall, a dispatcher (the default test token), the admin's session; nobody at all.
    expect((await beat([{ id: layer[2]!.id }], wall)).status).toBe(403);
    expect((await postJson(`${server.url}/api/cameras/heartbeat`, { cameras: [{ id: layer[2]!.id }] })).status).toBe(403);
    expect((await beat([{ id: layer[2]!.id }], { cookie: server.adminCookie })).status).toBe(403);
    expect((await beat([{ id: layer[2]!.id }], null)).status).toBe(401);
    expect(cameraOf(await list(), layer[2]!.id).lastHeartbeatAt).toBeNull();
  });

  it('refuse an unknown camera, all or nothing, and a malformed report', async () => {
    const refused = await beat([{ id: layer[3]!.id }, { id: 'no-such-camera' }]);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('unknown_camera');
    expect(refused.body.error.details).toEqual({ unknown: ['no-such-camera'], count: 1 });
    expect(cameraOf(await list(), layer[3]!.id).lastHeartbeatAt).toBeNull();
    const id = layer[3]!.id;
    for (const bad of [
      [],
      [{ id, extra: 1 }],
      [{ id, at: 'yesterday' }],
      [{ id: '' }],
      [{}],
      Array.from({ length: 5001 }, () => ({ id })),
    ]) {
      expect((await beat(bad)).status, JSON.stringify(bad).slice(0, 80)).toBe(400);
    }
    expect((await postJson(`${server.url}/api/cameras/heartbeat`, { cameras: [{ id }], more: 1 }, gateway)).status).toBe(400);
    // The whole city in one report (and 5,000 at most, over the API's usual 64 kB).
    expect((await beat(layer.map((c) => ({ id: c.id, at: new Date().toISOString() })))).status).toBe(204);
    expect((await beat(Array.from({ length: 5000 }, (_, i) => ({ id: layer[i % layer.length]!.id })))).status).toBe(204);
  });

  it('drop out when silent past the silent time, and come back on a heartbeat', async () => {
    const id = layer[4]!.id;
    expect((await beat([{ id }])).status).toBe(204);
    const heard = Date.parse(cameraOf(await list(), id).lastHeartbeatAt!);
    expect(cameraOf(await list(), id).state).toBe('live');
    // Keep another camera beating meanwhile: only the quiet one goes.
    const other = layer[5]!.id;
    let state = 'live';
    const t0 = Date.now();
    while (state === 'live' && Date.now() - t0 < (SILENT_SECONDS + 5) * 1000) {
      await beat([{ id: other }]);
      await sleep(250);
      state = cameraOf(await list(), id).state;
    }
    expect(state).toBe('silent');
    // Not before its time.
    expect(Date.now() - heard).toBeGreaterThanOrEqual(SILENT_SECONDS * 1000);
    const body = await list();
    expect(Date.parse(cameraOf(body, id).silentSince!)).toBe(heard + SILENT_SECONDS * 1000);
    expect(cameraOf(body, other).state).toBe('live');
    expect(body.silent).toBeGreaterThan(0);
    // A heartbeat from before the silence ended does not bring it back; a fresh one does.
    expect((await beat([{ id, at: new Date(heard).toISOString() }])).status).toBe(204);
    expect(cameraOf(await list(), id).state).toBe('silent');
    expect((await beat([{ id }])).status).toBe(204);
    const back = cameraOf(await list(), id);
    expect([back.state, back.silentSince]).toEqual(['live', null]);
  });
});
