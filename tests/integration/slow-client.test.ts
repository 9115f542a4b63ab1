import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, pointsInCells, postReports, streamClient, waitFor } from '../support/api.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { FeatureCollection } from '../support/types.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

/** The TCP socket under a socket.io-client websocket, to stop reading from it like a stalled display. */
function tcpOf(client: ReturnType<typeof streamClient>): { pause(): void; resume(): void } {
  const engine = (client.socket.io as unknown as { engine: { transport: { ws: { _socket: { pause(): void; resume(): void } } } } }).engine;
  return engine.transport.ws._socket;
}

describe('a slow client', () => {
  it('does not hold back the others and still receives every event, in order, once it reads again', async () => {
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
    const { body: health } = await getJson<{ headSeq: number }>(`${server.url}/api/health`);
    const fast = streamClient(server.url);
    const slow = streamClient(server.url);
    fast.socket.emit('subscribe', { sinceSeq: health.headSeq });
    slow.socket.emit('subscribe', { sinceSeq: health.headSeq });
    await Promise.all([fast.live, slow.live]);
    tcpOf(slow).pause();

    // Enough large reports to fill the kernel's socket buffers many times over.
    const n = 2500;
    const description = '人行道有暴露垃圾'.repeat(240);
    const points = pointsInCells(cells, n, 11);
    const answers = await postReports(server.url, n, (i) => ({ categoryCode: 'E0102', lon: points[i]!.lon, lat: points[i]!.lat, description }));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const lastSeq = Math.max(...answers.map((a) => (a.body as { seq: number }).seq));

    // The fast client has everything promptly while the slow one is still stalled.
    await waitFor(() => fast.events.length === n, 10_000, 'fast client');
    expect(slow.events.length).toBeLessThan(n);
    expect(server.logs.some((l) => l.includes('slow client taken off the live room'))).toBe(true);

    tcpOf(slow).resume();
    await waitFor(() => slow.events.length >= n, 20_000, 'slow client catching up');
    const expected = Array.from({ length: n }, (_, i) => health.headSeq + 1 + i);
    expect(fast.events.map((e) => e.seq)).toEqual(expected);
    expect(slow.events.map((e) => e.seq)).toEqual(expected);
    expect(lastSeq).toBe(health.headSeq + n);
    fast.socket.close();
    slow.socket.close();
  });
});
