import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, pointsInCells, postJson, streamClient, waitFor } from '../support/api.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { Feature, FeatureCollection, Incident } from '../support/types.js';

let server: TestServer;
let cells: Feature[];

beforeAll(async () => {
  server = await startServer();
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
});
afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

async function post(n: number, offset: number): Promise<Incident[]> {
  const out: Incident[] = [];
  for (const p of pointsInCells(cells, n, 53 + offset)) {
    const r = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0104', lon: p.lon, lat: p.lat });
    expect(r.status).toBe(201);
    out.push(r.body);
  }
  return out;
}

const seqs = (events: { seq: number }[]) => events.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('live stream with replay from the event log', () => {
  it('replays exactly the missed events, in order, then goes live', async () => {
    const made = await post(6, 0);
    const base = made[0]!.seq - 1;

    const a = streamClient(server.url);
    a.socket.emit('subscribe', { sinceSeq: base + 2 });
    const head = await a.live;
    expect(head).toBe(made[5]!.seq);
    expect(seqs(a.events)).toEqual(range(base + 3, base + 6));
    expect(a.events.map((e) => e.incident.id)).toEqual(made.slice(2).map((i) => i.id));

    // Disconnect, miss some, reconnect with the last seq held: exactly the missed ones arrive.
    const lastHeld = a.events[a.events.length - 1]!.seq;
    a.socket.close();
    const missed = await post(5, 1);
    const b = streamClient(server.url);
    b.socket.emit('subscribe', { sinceSeq: lastHeld });
    await b.live;
    expect(seqs(b.events)).toEqual(missed.map((i) => i.seq));

    // And it stays live: a new report arrives once, in order.
    const [fresh] = await post(1, 2);
    await waitFor(() => b.events.length === missed.length + 1, 3000, 'live event');
    expect(b.events[b.events.length - 1]!.incident.id).toBe(fresh!.id);
    b.socket.close();
  });

  it('keeps several clients gap-free while reports arrive during their replay', async () => {
    const start = (await getJson<{ headSeq: number }>(`${server.url}/api/health`)).body.headSeq;
    const clients = Array.from({ length: 5 }, () => streamClient(server.url));
    const posting = post(40, 3);
    for (const [i, c] of clients.entries()) c.socket.emit('subscribe', { sinceSeq: Math.max(0, start - i * 3) });
    const made = await posting;
    const end = made[made.length - 1]!.seq;
    for (const [i, c] of clients.entries()) {
      await waitFor(() => c.events.length > 0 && c.events[c.events.length - 1]!.seq >= end, 5000, `client ${i}`);
      const from = Math.max(0, start - i * 3) + 1;
      expect(seqs(c.events)).toEqual(range(from, end));
      c.socket.close();
    }
  });

  it('refuses a malformed subscription and one from beyond the head', async () => {
    const c = streamClient(server.url);
    const errors: string[] = [];
    c.socket.on('stream:error', (e) => errors.push(e.code));
    c.socket.emit('subscribe', { sinceSeq: -1 });
    c.socket.emit('subscribe', { sinceSeq: 1e9 });
    await waitFor(() => errors.length === 2, 3000, 'errors');
    expect(errors).toEqual(['invalid_request', 'seq_ahead']);
    c.socket.close();
  });
});
