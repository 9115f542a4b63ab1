import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { authHeaders } from '../support/credentials.js';
import { Pool } from 'undici';
import { getJson, pointsInCells } from '../support/api.js';
import { removeDataDir, startServer } from '../support/server.js';
import type { ClientToServerEvents, FeatureCollection, ServerToClientEvents } from '../support/types.js';

export interface IngestResult {
  method: string;
  maxBatch: number;
  acknowledged: number;
  refused: number;
  seconds: number;
  perSecond: number;
  /** POST sent → event received, over every (client, incident) pair. */
  latencyMs: { p50: number; p99: number; max: number };
  deliveredToAllClients: boolean;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Sustained ingest against a real server process: `concurrency` requests in flight over keep-alive
 * connections for `seconds`, with `clients` socket.io clients subscribed, measuring acknowledged
 * POSTs per second and the delay from POST to receipt on every client.
 */
export async function benchIngest(opts: {
  maxBatch: number;
  seconds?: number;
  clients?: number;
  concurrency?: number;
  label: string;
}): Promise<IngestResult> {
  const seconds = opts.seconds ?? 8;
  const nClients = opts.clients ?? 20;
  const concurrency = opts.concurrency ?? 64;
  const server = await startServer({ env: { INGEST_MAX_BATCH: String(opts.maxBatch) } });
  try {
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
    const points = pointsInCells(cells, 2000, 7);
    const sentAt: number[] = [];
    const latencies: number[] = [];
    const perClient = new Int32Array(nClients);

    const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
    const { body: health } = await getJson<{ headSeq: number }>(`${server.url}/api/health`);
    await Promise.all(
      Array.from({ length: nClients }, (_, c) => {
        const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { transports: ['websocket'], forceNew: true, extraHeaders: authHeaders(server.url) });
        sockets.push(s);
        s.on('incident:events', ({ events }) => {
          const now = performance.now();
          for (const e of events) {
            const n = Number(e.incident.description.slice(6));
            const t0 = sentAt[n];
            if (t0 !== undefined) latencies.push(now - t0);
            perClient[c]! += 1;
          }
        });
        return new Promise<void>((resolve) => {
          s.once('stream:live', () => resolve());
          s.emit('subscribe', { sinceSeq: health.headSeq });
        });
      }),
    );

    const pool = new Pool(server.url, { connections: concurrency, pipelining: 1 });
    let next = 0;
    let acknowledged = 0;
    let refused = 0;
    const t0 = performance.now();
    const deadline = t0 + seconds * 1000;
    async function worker(): Promise<void> {
      while (performance.now() < deadline) {
        const n = next++;
        const p = points[n % points.length]!;
        sentAt[n] = performance.now();
        const res = await pool.request({
          path: '/api/incidents',
          method: 'POST',
          headers: { 'content-type': 'application/json', ...authHeaders(server.url) },
          body: JSON.stringify({ categoryCode: 'E0102', lon: p.lon, lat: p.lat, description: `bench-${n}`, source: 'sensor' }),
        });
        await res.body.dump();
        if (res.statusCode === 201) acknowledged++;
        else refused++;
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (performance.now() - t0) / 1000;
    // A refused report means the bench measured something else than ingest (credentials, limits).
    if (refused > 0) throw new Error(`${refused} of ${acknowledged + refused} reports were refused`);
    // Let the last broadcasts arrive before judging delivery.
    const waitUntil = performance.now() + 5000;
    while (performance.now() < waitUntil && perClient.some((n) => n < acknowledged)) await new Promise((r) => setTimeout(r, 20));
    await pool.close();
    sockets.forEach((s) => s.close());
    const sorted = Float64Array.from(latencies).sort();
    return {
      method: opts.label,
      maxBatch: opts.maxBatch,
      acknowledged,
      refused,
      seconds: Number(elapsed.toFixed(2)),
      perSecond: Math.round(acknowledged / elapsed),
      latencyMs: {
        p50: Number(percentile(sorted, 50).toFixed(1)),
        p99: Number(percentile(sorted, 99).toFixed(1)),
        max: Number((sorted[sorted.length - 1] ?? NaN).toFixed(1)),
      },
      deliveredToAllClients: perClient.every((n) => n === acknowledged),
    };
  } finally {
    await server.stop();
    removeDataDir(server.dataDir);
  }
}
