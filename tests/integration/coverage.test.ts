import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { decodeCellFrame, type BlindSpot, type CameraAlertMessage, type CameraList, type CellFrame, type CoverageAlertMessage, type Team, type TownCoverageList } from '../../shared/index.js';
import { getJson, sendJson, waitFor } from '../support/api.js';
import { authHeaders, createToken, createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { FeatureCollection } from '../support/types.js';

/**
 * Patrol coverage end to end (issue 13): a gateway reports a crew's fixes; the segments between them
 * are walked through the cells (the cell in the middle, where no fix fell, counts too); the live
 * picture receives the changed cells as one binary `coverage:cells` frame, and the snapshot at
 * `GET /api/coverage/cells` has them, at a seq the frames continue from.
 */
let server: TestServer;
let gateway: Credentials;
let wall: Credentials;
let desk: Credentials;

beforeAll(async () => {
  server = await startServer({ env: { COVERAGE_FRAME_MS: '300' } });
  gateway = { token: await createToken(server.url, server.adminCookie, 'field', 'coverage gateway') };
  wall = { token: await createToken(server.url, server.adminCookie, 'wall', 'coverage wall') };
  desk = { cookie: await createUser(server.url, server.adminCookie, 'coverage-desk', 'unit', undefined, undefined, 'huanwei') };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

async function snapshot(who: Credentials): Promise<{ status: number; frame: CellFrame | null }> {
  const res = await fetch(`${server.url}/api/coverage/cells`, { headers: authHeaders(server.url, who) });
  if (res.status !== 200) return { status: res.status, frame: null };
  return { status: 200, frame: decodeCellFrame(await res.arrayBuffer()) };
}

let codes: string[] = [];
/** The index of the cell holding a point, in the grid layer's order (the frames' cell indices). */
async function cellIndexAt(lon: number, lat: number): Promise<{ index: number; code: string }> {
  if (codes.length === 0) codes = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features.map((f) => String(f.properties.code));
  const { code } = (await getJson<{ properties: { code: string } }>(`${server.url}/api/grid/cell?lon=${lon}&lat=${lat}`)).body.properties;
  return { index: codes.indexOf(code), code };
}

describe('patrol coverage, streamed', () => {
  it('walks a crew\'s reported segments through the cells and streams the cells that changed', async () => {
    const before = await snapshot(wall);
    expect(before.status).toBe(200);
    expect(before.frame!.snapshot).toBe(true);
    const cellCount = before.frame!.cells.length;
    expect(cellCount).toBeGreaterThan(9000);

    const frames: CellFrame[] = [];
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: authHeaders(server.url, wall) });
    socket.on('coverage:cells', (data: ArrayBuffer) => frames.push(decodeCellFrame(data)));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });

    // A crew rides 400 m east in 20 s (72 km/h), fixes 20 s apart: the cells between are walked.
    const team = (await getJson<Team[]>(`${server.url}/api/teams`)).body[0]!;
    const [lon0, lat0] = [team.position!.lon, team.position!.lat];
    const now = Date.now();
    const fixes = [
      { trackerId: team.id, lon: lon0, lat: lat0, at: new Date(now - 20_000).toISOString() },
      { trackerId: team.id, lon: lon0 + 0.0042, lat: lat0, at: new Date(now).toISOString() },
    ];
    expect((await sendJson('POST', `${server.url}/api/trackers/positions`, { positions: fixes }, gateway)).status).toBe(204);
    const middle = await cellIndexAt(lon0 + 0.0021, lat0);
    const end = await cellIndexAt(lon0 + 0.0042, lat0);
    expect(middle.index).toBeGreaterThanOrEqual(0);
    expect(middle.index).not.toBe(end.index);

    await waitFor(() => frames.some((f) => f.cells.includes(middle.index)), 10_000, 'a frame with the middle cell');
    const frame = frames.find((f) => f.cells.includes(middle.index))!;
    expect(frame.snapshot).toBe(false);
    expect(frame.cells.length).toBeLessThan(50);
    const k = frame.cells.indexOf(middle.index);
    // Patrolled when the crew passed it: between the two fixes, to the second.
    expect(frame.lastPatrolAt![k]).toBeGreaterThanOrEqual(Math.floor((now - 20_000) / 1000) * 1000);
    expect(frame.lastPatrolAt![k]).toBeLessThanOrEqual(now + 1000);
    expect(frame.passes![k]).toBe(1);
    socket.close();

    // The snapshot has it too, at a seq the frames continue from.
    const after = (await snapshot(wall)).frame!;
    expect(after.seq).toBeGreaterThanOrEqual(frame.seq);
    expect(after.seq).toBeGreaterThan(before.frame!.seq);
    expect(after.lastPatrolAt![middle.index]).toBe(frame.lastPatrolAt![k]);
    expect(after.passes![middle.index]).toBe(1);
    // A cell far from the ride was never patrolled.
    const far = (middle.index + Math.floor(cellCount / 2)) % cellCount;
    expect(Number.isNaN(after.lastPatrolAt![far])).toBe(true);
  });

  it('ranks blind spots worst first with their reasons, by town, and gives each town\'s coverage', async () => {
    const all = await getJson<BlindSpot[]>(`${server.url}/api/blind-spots?limit=20`, wall);
    expect(all.status).toBe(200);
    expect(all.body).toHaveLength(20);
    for (let i = 1; i < all.body.length; i++) expect(all.body[i - 1]!.score).toBeGreaterThanOrEqual(all.body[i]!.score);
    // No simulator here: nobody patrols but the crew above, so the worst cells are late for a patrol.
    expect(all.body[0]!.reasons.map((r) => r.kind)).toContain('patrol');
    // The snapshot carries every cell's score, the same as the ranking's to a byte.
    const frame = (await snapshot(wall)).frame!;
    expect(frame.score).toBeDefined();
    for (const b of all.body) expect(Math.abs(frame.score![b.cell]! - Math.round(b.score * 255))).toBeLessThanOrEqual(2);
    const ranked = new Set(all.body.map((b) => b.cell));
    const unranked = [...frame.cells].find((c) => !ranked.has(c) && frame.score![c]! < frame.score![all.body.at(-1)!.cell]!);
    expect(unranked).toBeDefined();
    const town = all.body[0]!.townCode;
    const inTown = (await getJson<BlindSpot[]>(`${server.url}/api/blind-spots?limit=5&town=${town}`, wall)).body;
    expect(inTown.every((b) => b.townCode === town)).toBe(true);
    expect((await getJson(`${server.url}/api/blind-spots?limit=0`, wall)).status).toBe(400);
    const towns = (await getJson<TownCoverageList>(`${server.url}/api/coverage/towns`, wall)).body;
    expect(towns.towns).toHaveLength(8);
    // No simulated past here, and no day has ended since the server started: an empty series.
    expect(towns.series).toEqual([]);
    expect((await getJson(`${server.url}/api/coverage/towns?days=91`, wall)).status).toBe(400);
    for (const t of towns.towns) {
      expect(t.withInspector).toBeGreaterThan(0.9);
      expect(t.patrolled24h).toBeLessThan(0.05);
      expect(t.underCamera).toBeGreaterThanOrEqual(0);
      expect(t.meanScore).toBeGreaterThan(0);
    }
    // Nobody patrols here: every town stands raised from the start, for a page that connects now.
    const alerts = (await getJson<CoverageAlertMessage[]>(`${server.url}/api/coverage/alerts`, wall)).body;
    expect(alerts.map((a) => a.townCode).sort()).toEqual(towns.towns.map((t) => t.townCode).sort());
    for (const a of alerts) {
      expect(a.state).toBe('raised');
      expect(a.overdueCells / a.cells).toBeGreaterThan(0.15);
      expect(a.worstGrids.length).toBeGreaterThan(0);
    }
    // The cells the crew rode are among the town's patrolled ones.
    expect(towns.towns.some((t) => t.patrolled24h > 0)).toBe(true);
  });

  it('keeps its coverage over a restart: the stored tracks of the last day are walked again', async () => {
    const before = (await snapshot(wall)).frame!;
    const patrolled = [...before.cells].filter((c) => !Number.isNaN(before.lastPatrolAt![c]));
    expect(patrolled.length).toBeGreaterThan(2);
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, env: { COVERAGE_FRAME_MS: '300' } });
    const after = (await snapshot(wall)).frame!;
    for (const c of patrolled) {
      // The track keeps the fixes to the millisecond; the frame to the second.
      expect(Math.abs(after.lastPatrolAt![c]! - before.lastPatrolAt![c]!)).toBeLessThanOrEqual(1000);
    }
  }, 120_000);

  it('is read with the live picture: a unit desk is refused', async () => {
    expect((await getJson(`${server.url}/api/blind-spots`, desk)).status).toBe(403);
    expect((await snapshot(desk)).status).toBe(403);
    expect((await snapshot(null)).status).toBe(401);
  });
});

describe('camera alerts', () => {
  it('tell the live picture at once when a camera goes silent past the silent time, and when it is heard from again', async () => {
    const cameras = (await getJson<CameraList>(`${server.url}/api/cameras`, wall)).body;
    const alerts: CameraAlertMessage[] = [];
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: authHeaders(server.url, wall) });
    socket.on('camera:alert', (msg: CameraAlertMessage) => alerts.push(msg));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    try {
      const [quiet, ...rest] = cameras.features.map((f) => f.properties.id);
      const longAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
      const beats = [{ id: quiet!, at: longAgo }, ...rest.map((id) => ({ id }))];
      expect((await sendJson('POST', `${server.url}/api/cameras/heartbeat`, { cameras: beats }, gateway)).status).toBe(204);
      await waitFor(() => alerts.some((a) => a.down.includes(quiet!)), 10_000);
      const down = alerts.find((a) => a.down.includes(quiet!))!;
      expect(down.cameras).toBe(cameras.features.length);
      expect(down.silent).toBeGreaterThanOrEqual(1);
      expect(down.cells).toBeGreaterThan(0);
      expect((await sendJson('POST', `${server.url}/api/cameras/heartbeat`, { cameras: [{ id: quiet! }] }, gateway)).status).toBe(204);
      await waitFor(() => alerts.some((a) => a.up.includes(quiet!)), 10_000);
      expect(alerts.at(-1)!.silent).toBe(down.silent - 1);
    } finally {
      socket.close();
    }
  });
});
