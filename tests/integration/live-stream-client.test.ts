import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentColumns } from '../../client/live/incidentColumns.js';
import { LiveStream, type LinkState, type LiveSocket, type SessionEnd } from '../../client/live/liveStream.js';
import { getJson, pointsInCells, postJson, postReports, sendJson, waitFor } from '../support/api.js';
import { createToken } from '../support/credentials.js';
import { removeDataDir, startServer, startServerWithPilingPositions, type TestServer } from '../support/server.js';
import type { Feature, FeatureCollection, Incident, IncidentEvent } from '../support/types.js';

/**
 * The client's live stream (client/live/liveStream.ts) driven in Node with the real socket.io-client
 * against a real server, with the dashboard's column store as its sink: a snapshot taken while
 * events are committed, dropped connections, a restart, resyncs and the end of a session.
 */

let server: TestServer;
let cells: Feature[];

beforeAll(async () => {
  server = await startServer({ env: { STREAM_MAX_SOCKETS_PER_TOKEN: '2' } });
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
});
afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

let spot = 0;
async function report(url = server.url): Promise<Incident> {
  const [p] = pointsInCells(cells, 1, 7 + 31 * spot++);
  const { status, body } = await postJson<Incident>(`${url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, description: '暴露垃圾' });
  expect(status).toBe(201);
  return body;
}

async function act(c: Incident, action: string): Promise<Incident> {
  const { status, body } = await postJson<{ case: Incident }>(`${server.url}/api/cases/${c.id}/actions`, { action, version: c.version });
  expect(status).toBe(200);
  return body.case;
}

const headSeq = async (url = server.url, token?: string) => (await getJson<{ headSeq: number }>(`${url}/api/health`, token ? { token } : undefined)).body.headSeq;

/** Every incident the server holds, page by page (the snapshot of these tests). */
async function allIncidents(url: string, token: string): Promise<Incident[]> {
  const out: Incident[] = [];
  for (let cursor: string | null = ''; cursor !== null; ) {
    const { status, body }: { status: number; body: { items: Incident[]; nextCursor: string | null } } = await getJson(
      `${url}/api/incidents?limit=5000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    if (status !== 200) throw Object.assign(new Error(`GET /api/incidents: ${status}`), { status });
    out.push(...body.items);
    cursor = body.nextCursor;
  }
  return out;
}

interface HarnessOptions {
  /** The server to stream from: the file's own by default. */
  on?: TestServer;
  /** The token of the socket (the snapshot reads with `token`). */
  socketToken?: string;
  /** Run inside the snapshot, after the health read and before the page / after the page. */
  beforePage?: () => Promise<void>;
  afterPage?: () => Promise<void>;
  /** Replaces the health read. */
  position?: (real: () => Promise<number>) => Promise<number>;
  /** After each batch of events was applied. */
  afterEvents?: () => void;
}

/** A LiveStream with the column store as its sink, recording what it was given and did. */
async function harness(opts: HarnessOptions = {}) {
  const target = opts.on ?? server;
  const url = target.url;
  const token = await createToken(url, target.adminCookie, 'dispatcher', `live-${spot++}`);
  const columns = new IncidentColumns();
  const rec = {
    token,
    columns,
    sockets: [] as LiveSocket[],
    delivered: [] as IncidentEvent[],
    /** Seqs of events the column store ignored: it held a newer state. */
    ignored: [] as number[],
    links: [] as LinkState[],
    ended: [] as SessionEnd[],
    loads: [] as { seq: number; reload: boolean }[],
    logs: [] as string[],
  };
  const stream = new LiveStream({
    connect: () => {
      const s: LiveSocket = io(url, {
        transports: ['websocket'],
        forceNew: true,
        auth: { token: opts.socketToken ?? token },
        reconnectionDelay: 100,
        reconnectionDelayMax: 300,
      });
      rec.sockets.push(s);
      return s;
    },
    snapshot: {
      position: () => (opts.position ? opts.position(() => headSeq(url, token)) : headSeq(url, token)),
      async load(seq, reload) {
        await opts.beforePage?.();
        const items = await allIncidents(url, token);
        await opts.afterPage?.();
        columns.replaceAll(items, seq);
        rec.loads.push({ seq, reload });
      },
    },
    onEvents: (events) => {
      rec.delivered.push(...events);
      for (const e of events) if (!columns.apply(e.incident)) rec.ignored.push(e.seq);
      columns.settle(events[events.length - 1]!.seq);
      opts.afterEvents?.();
    },
    onLink: (l) => rec.links.push(l.state),
    onSessionEnded: (reason) => rec.ended.push(reason),
    log: (m) => rec.logs.push(m),
    backoff: { baseMs: 50, maxMs: 400 },
  });
  return { stream, ...rec, state: (id: string) => columns.incidentAt(columns.rowOfId(id)) };
}
type Harness = Awaited<ReturnType<typeof harness>>;

const seqs = (events: { seq: number }[]) => events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const live = (h: Harness) => waitFor(() => h.stream.status.state === 'live', 15_000, 'the stream to be live');
const holds = (h: Harness, seq: number, timeoutMs = 15_000) => waitFor(() => h.stream.lastSeq >= seq, timeoutMs, `seq ${seq}`);
/** The TCP socket under a live socket's websocket. */
const tcpOf = (s: LiveSocket) =>
  (s.io as unknown as { engine: { transport: { ws: { _socket: { pause(): void; resume(): void; destroy(): void } } } } }).engine.transport.ws._socket;

describe('the client live stream', () => {
  it('applies exactly once what is committed while its snapshot loads, and never an older state over a newer one', async () => {
    let x = await report();
    let y = await report();
    let z: Incident | null = null;
    let position = 0;
    const xStates: string[] = [];
    const h = await harness({
      position: async (real) => (position = await real()),
      afterEvents: () => xStates.push(h.state(x.id)!.status),
      // Between the health read and the page: the page shows X newer than the first event replayed.
      beforePage: async () => {
        x = await act(x, 'accept');
        x = await act(x, 'register');
      },
      // After the page: only the stream can bring these.
      afterPage: async () => {
        y = await act(y, 'accept');
        z = await report();
      },
    });
    h.stream.start();
    await live(h);
    await holds(h, z!.seq);

    // What was committed after the page is there (a health read after the page would have skipped it).
    expect(h.state(y.id)).toMatchObject({ status: 'accepted', version: y.version, seq: y.seq });
    expect(h.state(z!.id)).toMatchObject({ status: 'reported', seq: z!.seq });
    expect(h.state(x.id)).toMatchObject({ status: 'registered', version: x.version, seq: x.seq });
    // Every event after the snapshot's seq, each once, in order.
    expect(h.loads).toEqual([{ seq: position, reload: false }]);
    expect(seqs(h.delivered)).toEqual(range(position + 1, z!.seq));
    // X's accept came after the health read but the page already showed X registered: ignored.
    expect(h.ignored).toContain(x.seq - 1);
    expect(xStates.every((s) => s === 'registered')).toBe(true);

    // And it stays live.
    const after = await report();
    await holds(h, after.seq);
    expect(seqs(h.delivered)).toEqual(range(position + 1, after.seq));
    expect(h.sockets).toHaveLength(1);
    h.stream.stop();
  });

  it('reconnects after the connection drops and after a restart, and resumes without gaps or duplicates', async () => {
    const h = await harness();
    h.stream.start();
    await live(h);
    const from = h.loads[0]!.seq;

    // The connection breaks; reports keep coming while the stream reconnects.
    tcpOf(h.sockets[0]!).destroy();
    const during: Incident[] = [];
    for (let i = 0; i < 5; i++) during.push(await report());
    await holds(h, during[4]!.seq);
    await live(h);
    expect(h.links).toContain('offline');

    // The server goes away and comes back on the same address.
    const port = new URL(server.url).port;
    const dataDir = server.dataDir;
    await server.stop();
    await waitFor(() => h.stream.status.state === 'offline', 10_000, 'offline');
    server = await startServer({ dataDir, env: { PORT: port, STREAM_MAX_SOCKETS_PER_TOKEN: '2' } });
    const later: Incident[] = [];
    for (let i = 0; i < 3; i++) later.push(await report());
    await holds(h, later[2]!.seq, 30_000);
    await live(h);

    expect(seqs(h.delivered)).toEqual(range(from + 1, later[2]!.seq));
    for (const i of [...during, ...later]) expect(h.state(i.id)?.seq).toBe(i.seq);
    // Reconnected, not reloaded.
    expect(h.loads).toHaveLength(1);
    expect(h.ended).toEqual([]);
    h.stream.stop();
  }, 90_000);

  it('takes a fresh snapshot and subscribes on a new connection when the server has never written its seq', async () => {
    // As if the client held data from before the database was reset.
    let first = true;
    const h = await harness({
      position: async (real) => {
        const seq = await real();
        if (!first) return seq;
        first = false;
        return seq + 1000;
      },
    });
    h.stream.start();
    await live(h);
    const real = await headSeq();
    expect(h.loads).toEqual([
      { seq: real + 1000, reload: false },
      { seq: real, reload: true },
    ]);
    expect(h.sockets).toHaveLength(2);
    expect(h.sockets[0]!.connected).toBe(false);
    const fresh = await report();
    await holds(h, fresh.seq);
    expect(seqs(h.delivered)).toEqual([fresh.seq]);
    h.stream.stop();
  });

  it('shows a refused link while the token holds all the sockets it may, and connects once one is free', async () => {
    const h = await harness();
    const others = [0, 1].map(() => io(server.url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token: h.token } }));
    await Promise.all(others.map((s) => new Promise((resolve) => s.once('connect', () => resolve(null)))));
    h.stream.start();
    await waitFor(() => h.stream.status.state === 'refused', 10_000, 'refused');
    await new Promise((r) => setTimeout(r, 500));
    expect(h.ended).toEqual([]);
    expect(h.sockets.length).toBeGreaterThan(1);
    others[0]!.close();
    await live(h);
    const fresh = await report();
    await holds(h, fresh.seq);
    others[1]!.close();
    h.stream.stop();
  });

  it('stops for good when the session ends, and when the handshake is refused', async () => {
    const h = await harness();
    h.stream.start();
    await live(h);
    const id = /^gw_([A-Za-z0-9]{12})_/.exec(h.token)![1]!;
    expect((await sendJson('DELETE', `${server.url}/api/tokens/${id}`, undefined, { cookie: server.adminCookie })).status).toBe(200);
    await waitFor(() => h.ended.length > 0, 5000, 'the session to end');
    await new Promise((r) => setTimeout(r, 800));
    expect(h.ended).toEqual(['revoked']);
    expect(h.sockets).toHaveLength(1);
    expect(h.sockets[0]!.connected).toBe(false);
    expect(h.sockets[0]!.active).toBe(false);

    const refused = await harness({ socketToken: 'gw_notAToken_xxxxxxxxxxxxxxxxxxxxxxxx' });
    refused.stream.start();
    await waitFor(() => refused.ended.length > 0, 5000, 'the refusal');
    await new Promise((r) => setTimeout(r, 800));
    expect(refused.ended).toEqual(['unauthenticated']);
    expect(refused.sockets).toHaveLength(1);
  });
});

let busy: TestServer;
describe('the client live stream on a socket that stops reading', () => {
  beforeAll(async () => {
    busy = await startServerWithPilingPositions();
  }, 120_000);
  afterAll(async () => {
    await busy?.stop();
    if (busy) removeDataDir(busy.dataDir);
  });

  it('takes a fresh snapshot on a new connection when told resync_required, and then holds what the server holds', async () => {
    const h = await harness({ on: busy });
    h.stream.start();
    await live(h);
    tcpOf(h.sockets[0]!).pause();
    const description = '人行道有暴露垃圾'.repeat(240);
    const busyCells = (await getJson<FeatureCollection>(`${busy.url}/api/layers/grid`)).body.features;
    const points = pointsInCells(busyCells, 1500, 11);
    const answers = await postReports(busy.url, points.length, (i) => ({ categoryCode: 'E0102', lon: points[i]!.lon, lat: points[i]!.lat, description }));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    await waitFor(() => busy.logs.some((l) => /resync|socket dropped/.test(l)), 30_000, 'the server to drop the socket');
    tcpOf(h.sockets[0]!).resume();
    await waitFor(() => h.loads.length === 2, 20_000, 'a fresh snapshot');
    await live(h);
    expect(h.loads[1]!.reload).toBe(true);
    expect(h.sockets).toHaveLength(2);
    expect(h.logs.some((l) => l.includes('resync_required'))).toBe(true);
    const last = Math.max(...answers.map((a) => (a.body as Incident).seq));
    await holds(h, last);
    const open = (await allIncidents(busy.url, h.token)).filter((i) => i.status !== 'closed' && i.status !== 'rejected');
    expect(h.columns.length).toBe(open.length);
    // From the new snapshot on: gap-free and once each.
    const fresh = await postJson<Incident>(`${busy.url}/api/incidents`, { categoryCode: 'E0102', lon: points[0]!.lon, lat: points[0]!.lat });
    await holds(h, fresh.body.seq);
    const after = h.delivered.filter((e) => e.seq > h.loads[1]!.seq);
    expect(seqs(after)).toEqual(range(h.loads[1]!.seq + 1, fresh.body.seq));
    h.stream.stop();
  }, 120_000);
});
