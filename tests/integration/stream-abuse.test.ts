import { readFileSync } from 'node:fs';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamSocketsAnswer } from '../../shared/index.js';
import { getJson, pointsInCells, postReports, streamClient, waitFor, type GwClient } from '../support/api.js';
import { createToken, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, startServerWithPilingPositions, type TestServer } from '../support/server.js';
import type { Feature, FeatureCollection } from '../support/types.js';

/**
 * The live stream against hostile and broken clients, on a server with two days of history (about
 * 19,500 logged events): a socket that subscribes again and again, one that stops reading in the
 * middle of a full replay, a credential that opens too many sockets, a flood of messages.
 */
let server: TestServer;
let cells: Feature[];
let head: number;
const PER_TOKEN = 6;
const PER_SESSION = 3;

beforeAll(async () => {
  server = await startServer({
    env: {
      HISTORY_DAYS: '2',
      STREAM_MAX_SOCKETS_PER_TOKEN: String(PER_TOKEN),
      STREAM_MAX_SOCKETS_PER_SESSION: String(PER_SESSION),
    },
  });
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  head = (await getJson<{ headSeq: number }>(`${server.url}/api/health`)).body.headSeq;
}, 180_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const seqsOf = (c: { events: { seq: number }[] }) => c.events.map((e) => e.seq);

/** A client that also counts its `stream:live` messages and collects its errors. */
function watchedClient(credentials?: Credentials, url = server.url) {
  const c = streamClient(url, credentials);
  const lives: number[] = [];
  const errors: string[] = [];
  c.socket.on('stream:live', (m) => lives.push(m.headSeq));
  c.socket.on('stream:error', (m) => errors.push(m.code));
  return { ...c, lives, errors };
}

async function connected(socket: GwClient): Promise<void> {
  if (socket.connected) return;
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
}

/** The server's resident memory (the test server is its own process). */
function serverRssMb(): number {
  const status = readFileSync(`/proc/${server.proc.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** Polls /api/health every 20 ms until stopped; resolves with the slowest answer (ms). */
function pollHealth(): { stop(): Promise<number> } {
  let running = true;
  let worst = 0;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await fetch(`${server.url}/api/health`);
      worst = Math.max(worst, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return worst;
    },
  };
}

async function sockets(on = server): Promise<StreamSocketsAnswer> {
  return (await getJson<StreamSocketsAnswer>(`${on.url}/api/stream/sockets`, { cookie: on.adminCookie })).body;
}

/** The TCP socket under a socket.io-client websocket, to stop reading from it like a stalled display. */
function tcpOf(socket: GwClient): { pause(): void; resume(): void } {
  const engine = (socket.io as unknown as { engine: { transport: { ws: { _socket: { pause(): void; resume(): void } } } } }).engine;
  return engine.transport.ws._socket;
}

describe('one subscription per socket', () => {
  it('has the history to replay', () => {
    expect(head).toBeGreaterThan(10_000);
  });

  it('two subscribes from 0 deliver every event exactly once, in order, and go live once', async () => {
    const c = watchedClient();
    await connected(c.socket);
    c.socket.emit('subscribe', { sinceSeq: 0 });
    c.socket.emit('subscribe', { sinceSeq: 0 });
    await c.live;
    await new Promise((r) => setTimeout(r, 300));
    expect(c.events.length).toBe(head);
    expect(seqsOf(c)).toEqual(range(1, head));
    expect(c.lives).toEqual([head]);
    c.socket.close();
  }, 60_000);

  it('a later subscribe moves a running replay on: {0} then {head} does not send the whole log', async () => {
    const c = watchedClient();
    await connected(c.socket);
    c.socket.emit('subscribe', { sinceSeq: 0 });
    c.socket.emit('subscribe', { sinceSeq: head });
    await c.live;
    await new Promise((r) => setTimeout(r, 300));
    // At most the chunk that was on its way when the second subscribe arrived.
    expect(c.events.length).toBeLessThan(600);
    expect(seqsOf(c)).toEqual(range(1, c.events.length));
    expect(c.lives).toEqual([head]);
    c.socket.close();
  }, 30_000);

  it('twenty subscribes in a row while reports arrive: every event once, in order', async () => {
    const start = (await getJson<{ headSeq: number }>(`${server.url}/api/health`)).body.headSeq;
    const c = watchedClient();
    await connected(c.socket);
    const points = pointsInCells(cells, 40, 7);
    const posting = postReports(server.url, points.length, (i) => ({ categoryCode: 'E0104', lon: points[i]!.lon, lat: points[i]!.lat }), 2);
    for (let i = 0; i < 20; i++) c.socket.emit('subscribe', { sinceSeq: start - 5000 });
    const answers = await posting;
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const end = start + points.length;
    await waitFor(() => c.events.length > 0 && c.events[c.events.length - 1]!.seq >= end, 30_000, 'the last report');
    expect(seqsOf(c)).toEqual(range(start - 5000 + 1, end));
    expect(c.errors).toEqual([]);
    c.socket.close();
  }, 60_000);

  it('1,000 subscribes from one socket: the server stays responsive and small, the flooder is cut off', async () => {
    const rssBefore = serverRssMb();
    const health = pollHealth();
    const bystander = watchedClient();
    await connected(bystander.socket);
    const c = watchedClient();
    await connected(c.socket);
    const gone = new Promise<string>((resolve) => c.socket.once('disconnect', (reason) => resolve(reason)));
    for (let i = 0; i < 1000; i++) c.socket.emit('subscribe', { sinceSeq: 0 });
    bystander.socket.emit('subscribe', { sinceSeq: head - 10 });
    expect(await gone).toBe('io server disconnect');
    expect(c.errors).toContain('rate_limited');
    // Whatever it was sent before it was cut off came once and in order.
    expect(seqsOf(c)).toEqual(range(1, c.events.length));
    await bystander.live;
    await new Promise((r) => setTimeout(r, 500));
    const worst = await health.stop();
    const grown = serverRssMb() - rssBefore;
    // The old stream replayed the log once per subscribe: 1,000 subscribes took it to 3.7 GB and
    // /api/health stopped answering.
    expect(grown).toBeLessThan(150);
    expect(worst).toBeLessThan(1000);
    bystander.socket.close();
  }, 60_000);
});

describe('replays share the event loop', () => {
  it('three full replays at once keep /api/health answering and a live client current', async () => {
    const live = watchedClient();
    await connected(live.socket);
    live.socket.emit('subscribe', { sinceSeq: (await getJson<{ headSeq: number }>(`${server.url}/api/health`)).body.headSeq });
    await live.live;
    const health = pollHealth();
    const replays = Array.from({ length: 3 }, () => watchedClient());
    for (const r of replays) r.socket.emit('subscribe', { sinceSeq: 0 });
    const [p] = pointsInCells(cells, 1, 3);
    const answers = await postReports(server.url, 1, () => ({ categoryCode: 'E0104', lon: p!.lon, lat: p!.lat }));
    const seq = (answers[0]!.body as { seq: number }).seq;
    await waitFor(() => live.events.some((e) => e.seq === seq), 5000, 'the live client');
    await Promise.all(replays.map((r) => r.live));
    const worst = await health.stop();
    for (const r of replays) expect(seqsOf(r)).toEqual(range(1, r.events[r.events.length - 1]!.seq));
    // One replay of the whole log used to hold the event loop for over a second.
    expect(worst).toBeLessThan(1000);
    for (const c of [live, ...replays]) c.socket.close();
  }, 60_000);
});

describe('a client that stops reading', () => {
  it('during a full replay holds little in the server, and gets the rest, in order, once it reads again', async () => {
    const fast = watchedClient();
    await connected(fast.socket);
    const from = (await getJson<{ headSeq: number }>(`${server.url}/api/health`)).body.headSeq;
    fast.socket.emit('subscribe', { sinceSeq: from });
    await fast.live;
    const slow = watchedClient();
    await connected(slow.socket);
    tcpOf(slow.socket).pause();
    slow.socket.emit('subscribe', { sinceSeq: 0 });
    await new Promise((r) => setTimeout(r, 1500));

    const view = (await sockets()).sockets.find((s) => s.id === slow.socket.id)!;
    expect(view.state).toBe('waiting');
    expect(view.cursor!).toBeLessThan(head);
    // One chunk of the replay at most (about 250 events), not the whole log (17 MB).
    expect(view.bufferedBytes).toBeLessThan(1024 * 1024);

    // Others are not held back.
    const points = pointsInCells(cells, 20, 13);
    const answers = await postReports(server.url, points.length, (i) => ({ categoryCode: 'E0104', lon: points[i]!.lon, lat: points[i]!.lat }));
    const last = Math.max(...answers.map((a) => (a.body as { seq: number }).seq));
    await waitFor(() => fast.events.length === points.length, 5000, 'the fast client');

    tcpOf(slow.socket).resume();
    await waitFor(() => slow.events.length > 0 && slow.events[slow.events.length - 1]!.seq === last, 30_000, 'the slow client');
    expect(seqsOf(slow)).toEqual(range(1, last));
    fast.socket.close();
    slow.socket.close();
  }, 60_000);
});

describe('a client that stops reading while messages keep coming', () => {
  let busy: TestServer;
  beforeAll(async () => {
    busy = await startServerWithPilingPositions();
  }, 120_000);
  afterAll(async () => {
    await busy?.stop();
    if (busy) removeDataDir(busy.dataDir);
  });

  it('is told to resync and dropped once it holds more than the cap', async () => {
    const wall = await createToken(busy.url, busy.adminCookie, 'wall', 'stalled-wall');
    const c = watchedClient({ token: wall }, busy.url);
    await connected(c.socket);
    c.socket.emit('subscribe', { sinceSeq: (await getJson<{ headSeq: number }>(`${busy.url}/api/health`)).body.headSeq });
    await c.live;
    tcpOf(c.socket).pause();
    // Large live reports fill the kernel's buffers first; the stream then takes the socket off the
    // live room, and positions pile up in the server until it passes the cap.
    const description = '人行道有暴露垃圾'.repeat(240);
    const busyCells = (await getJson<FeatureCollection>(`${busy.url}/api/layers/grid`)).body.features;
    const points = pointsInCells(busyCells, 1500, 11);
    await postReports(busy.url, points.length, (i) => ({ categoryCode: 'E0102', lon: points[i]!.lon, lat: points[i]!.lat, description }));
    await waitFor(() => busy.logs.some((l) => l.includes('socket dropped: it holds more unread data than the cap')), 30_000, 'the drop');
    expect((await sockets(busy)).sockets.some((s) => s.id === c.socket.id)).toBe(false);
    const reason = new Promise<string>((resolve) => c.socket.once('disconnect', (r) => resolve(r)));
    tcpOf(c.socket).resume();
    // Once it reads again it finds the hint behind what it had been sent, then the server's close.
    expect(await reason).toBe('io server disconnect');
    expect(c.errors).toEqual(['resync_required']);
  }, 90_000);
});

describe('sockets per credential', () => {
  it('a token opening more sockets in parallel than it may gets exactly the limit, the rest refused', async () => {
    const token = await createToken(server.url, server.adminCookie, 'wall', 'many-tabs');
    const clients = Array.from({ length: PER_TOKEN + 4 }, () =>
      io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } }),
    );
    const outcomes = await Promise.all(
      clients.map(
        (s) =>
          new Promise<string>((resolve) => {
            s.once('connect', () => resolve('connected'));
            s.once('connect_error', (err) => resolve(err.message));
          }),
      ),
    );
    expect(outcomes.filter((o) => o === 'connected').length).toBe(PER_TOKEN);
    expect(outcomes.filter((o) => o === 'too_many_sockets').length).toBe(4);
    // Closing one frees its place.
    clients.find((s) => s.connected)!.close();
    await new Promise((r) => setTimeout(r, 200));
    const again = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
    await connected(again);
    for (const s of [...clients, again]) s.close();
  }, 30_000);

  it('a session is limited too, and the refusal says so', async () => {
    const cookie = server.adminCookie;
    const open = Array.from({ length: PER_SESSION }, () => watchedClient({ cookie }));
    await Promise.all(open.map((c) => connected(c.socket)));
    const extra = watchedClient({ cookie });
    const err = await new Promise<Error & { data?: { code: string; message: string } }>((resolve) => extra.socket.once('connect_error', resolve));
    expect(err.message).toBe('too_many_sockets');
    expect(err.data?.message).toMatch(/session already holds 3/);
    for (const c of [...open, extra]) c.socket.close();
  }, 30_000);
});
