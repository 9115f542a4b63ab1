import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { CongestionSummary, decodeSpeedFrame, LEVEL_OF_RATIO_BYTE, speedRatioToByte, type SpeedFrame } from '../../shared/index.js';
import { getJson, postJson, waitFor } from '../support/api.js';
import { authHeaders, createToken, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { FeatureCollection } from '../support/types.js';

/**
 * Congestion end to end (issue 14): a traffic feed reports a road at a crawl; the live picture
 * receives a binary `roads:speeds` frame carrying that road's new ratio byte (and only roads whose
 * byte moved), the snapshot at `GET /api/roads/speeds/frame` has it at a seq the frames continue
 * from, and `GET /api/roads/congestion` gives the levels and the areas' index.
 */
let server: TestServer;
let feed: Credentials;
let wall: Credentials;
let roads: { id: string; speedKph: number; class: string }[];

beforeAll(async () => {
  // Speeds from the feed alone (free-flow where it says nothing): the model's rush hours would make
  // which roads are free now, and how many a minute moves, depend on the time the test runs.
  server = await startServer({ env: { COVERAGE_FRAME_MS: '300', ROAD_SPEEDS: 'feed' } });
  feed = { token: await createToken(server.url, server.adminCookie, 'field', 'traffic feed') };
  wall = { token: await createToken(server.url, server.adminCookie, 'wall', 'congestion wall') };
  roads = (await getJson<FeatureCollection>(`${server.url}/api/layers/roads`)).body.features.map((f) => f.properties as { id: string; speedKph: number; class: string });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

async function snapshot(who: Credentials): Promise<{ status: number; frame: SpeedFrame | null; bytes: number }> {
  const res = await fetch(`${server.url}/api/roads/speeds/frame`, { headers: authHeaders(server.url, who) });
  if (res.status !== 200) return { status: res.status, frame: null, bytes: 0 };
  expect(res.headers.get('content-type')).toContain('application/octet-stream');
  const buf = await res.arrayBuffer();
  return { status: 200, frame: decodeSpeedFrame(buf), bytes: buf.byteLength };
}

describe('congestion from road speeds', () => {
  it('streams the road a feed slows as a frame with its ratio byte, and the snapshot follows', async () => {
    const before = await snapshot(wall);
    expect(before.status).toBe(200);
    expect(before.frame!.snapshot).toBe(true);
    // One byte per road of the roads layer, in its order.
    expect(before.frame!.roads.length).toBe(roads.length);
    expect(before.bytes).toBe(16 + 3 * roads.length);

    const frames: SpeedFrame[] = [];
    const socket = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: authHeaders(server.url, wall) });
    socket.on('roads:speeds', (data: ArrayBuffer) => frames.push(decodeSpeedFrame(data)));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });

    // An arterial at free-flow now; the feed says 6 km/h.
    const r = roads.findIndex((x, i) => x.class === 'arterial' && before.frame!.ratio[i]! > 200);
    expect(r).toBeGreaterThanOrEqual(0);
    expect((await postJson(`${server.url}/api/roads/speeds`, { ids: [roads[r]!.id], kph: [6] }, feed)).status).toBe(204);
    const expected = speedRatioToByte(6 / roads[r]!.speedKph);
    await waitFor(() => frames.some((f) => f.roads.includes(r)), 10_000, 'a frame with the slowed road');
    const frame = frames.find((f) => f.roads.includes(r))!;
    expect(frame.snapshot).toBe(false);
    expect(frame.ratio[frame.roads.indexOf(r)]).toBe(expected);
    expect(LEVEL_OF_RATIO_BYTE[expected]).toBe(3);
    // Only roads whose byte moved: the feed's road.
    expect(frame.roads.length).toBeLessThan(roads.length / 4);
    // Frames are numbered on from the snapshot, one by one.
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.seq).toBe(frames[i - 1]!.seq + 1);
    expect(frames[0]!.seq).toBeGreaterThan(before.frame!.seq);
    socket.close();

    const after = (await snapshot(wall)).frame!;
    expect(after.seq).toBeGreaterThanOrEqual(frame.seq);
    expect(after.ratio[r]).toBe(expected);
  });

  it('answers the levels now and each area\'s index, today and last week', async () => {
    const res = await getJson<unknown>(`${server.url}/api/roads/congestion`, wall);
    expect(res.status).toBe(200);
    const summary = CongestionSummary.parse(res.body);
    expect(summary.slotMinutes).toBe(5);
    const total = Object.values(summary.levels).reduce((n, l) => n + l.roads, 0);
    expect(total).toBe(roads.length);
    // The road slowed above is severe for as long as the feed's reading holds.
    expect(summary.levels.severe.roads).toBeGreaterThanOrEqual(1);
    const centre = summary.areas.find((a) => a.kind === 'centre')!;
    expect(centre).toMatchObject({ code: 'centre', name: { zh: '湖塘老城区', en: 'Hutang old town' } });
    expect(centre.roads).toBeGreaterThan(10);
    const towns = summary.areas.filter((a) => a.kind === 'town');
    expect(towns.length).toBe(8);
    // Every road of the city lies in some town (by its midpoint), nearly all of them.
    expect(towns.reduce((n, a) => n + a.roads, 0)).toBeGreaterThan(roads.length * 0.95);
    // No simulator: no back-fill, only the slot recorded at start.
    expect(centre.today.length).toBeGreaterThanOrEqual(1);
    expect(centre.lastWeek).toEqual([]);
    expect(centre.lastWeekNow).toBeNull();
  });

  it('is read with the live picture only', async () => {
    expect((await snapshot(null)).status).toBe(401);
    expect((await snapshot(feed)).status).toBe(403);
    expect((await getJson(`${server.url}/api/roads/congestion`, null)).status).toBe(401);
    expect((await getJson(`${server.url}/api/roads/congestion`, feed)).status).toBe(403);
  });
});

describe('congestion history of a simulated city', () => {
  let sim: TestServer;
  beforeAll(async () => {
    sim = await startServer({ env: { SIM: 'on', HISTORY_DAYS: '0' } });
  }, 120_000);
  afterAll(async () => {
    await sim?.stop();
    if (sim) removeDataDir(sim.dataDir);
  });

  it('back-fills 8 days of 5-minute slots from the model at the first start, so last week is whole', async () => {
    expect(sim.logs.some((l) => l.includes('congestion history back-filled from the traffic model'))).toBe(true);
    const summary = CongestionSummary.parse((await getJson<unknown>(`${sim.url}/api/roads/congestion`)).body);
    for (const a of summary.areas) {
      expect(a.lastWeek).toHaveLength(288);
      expect(a.lastWeekNow).not.toBeNull();
      // Today from local midnight to now, every slot, the current one included (unless it began in
      // the last tick, before the timer recorded it).
      const minutes = ((Date.parse(summary.at) + 8 * 3_600_000) % 86_400_000) / 60_000;
      expect(a.today.length).toBeLessThanOrEqual(Math.floor(minutes / 5) + 1);
      expect(a.today.length).toBeGreaterThanOrEqual(Math.floor(minutes / 5));
      for (const p of [...a.today, ...a.lastWeek]) expect(p.index).toBeGreaterThan(0.2);
    }
    // The same weekday: last week's first slot is local midnight seven days before today's.
    const c = summary.areas.find((a) => a.kind === 'centre')!;
    expect(Date.parse(c.today[0]!.at) - Date.parse(c.lastWeek[0]!.at)).toBe(7 * 86_400_000);
  });
});
