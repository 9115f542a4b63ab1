import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { Pool } from 'undici';
import { getJson, pointsInCells } from '../support/api.js';
import { authHeaders, createToken } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ClientToServerEvents, FeatureCollection, ServerToClientEvents } from '../support/types.js';

export interface Latencies {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

export interface ReplayPhase {
  phase: string;
  seconds: number;
  /** POST sent → event received on a live client, for every report of the steady stream. */
  liveMs: Latencies;
  /** GET /api/health answer times, polled every 50 ms. */
  healthMs: Latencies;
  /** Server CPU seconds (user + system) during the phase. */
  serverCpuSeconds: number;
  replay?: { replays: number; events: number; seconds: number; inOrder: boolean; eventsPerSecond: number; serverCpuMsPer1000Events: number };
}

export interface ReplayResult {
  name: 'replay';
  historyDays: number;
  headSeq: number;
  reportsPerSecond: number;
  phases: ReplayPhase[];
  /** Replay phase ÷ idle phase. */
  ratios: { liveP99: number; healthP99: number };
  /** p99 within 2× of idle, max within idle max + 100 ms (live latency and /api/health alike). */
  ok: boolean;
}

function latencies(values: number[]): Latencies {
  const s = Float64Array.from(values).sort();
  const at = (p: number) => Number((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN).toFixed(1));
  return { n: s.length, p50: at(50), p99: at(99), max: Number((s[s.length - 1] ?? NaN).toFixed(1)) };
}

function serverCpuSeconds(server: TestServer): number {
  // /proc/<pid>/stat fields 14 and 15: utime and stime in clock ticks (100 per second here).
  const fields = readFileSync(`/proc/${server.proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Live clients while another client replays the whole log: a server with `historyDays` of history, a
 * steady stream of `rate` reports a second, a live client measuring POST → receipt and /api/health
 * polled, first with nothing else going on (the baseline), then while a client in its own process
 * replays from seq 0, one replay after another for as long as the baseline ran.
 */
export async function benchReplay(opts: { historyDays?: number; rate?: number; idleSeconds?: number } = {}): Promise<ReplayResult> {
  const historyDays = opts.historyDays ?? 30;
  const rate = opts.rate ?? 20;
  const server = await startServer({ env: { HISTORY_DAYS: String(historyDays) } });
  try {
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
    const points = pointsInCells(cells, 2000, 7);
    const wallToken = await createToken(server.url, server.adminCookie, 'wall', 'bench-replayer');
    const { body: health } = await getJson<{ headSeq: number }>(`${server.url}/api/health`);

    const sentAt = new Map<string, number>();
    let live: number[] = [];
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { transports: ['websocket'], forceNew: true, extraHeaders: authHeaders(server.url) });
    socket.on('incident:events', ({ events }) => {
      const now = performance.now();
      for (const e of events) {
        const t0 = sentAt.get(e.incident.description);
        if (t0 !== undefined) live.push(now - t0);
      }
    });
    await new Promise<void>((resolve) => {
      socket.once('stream:live', () => resolve());
      socket.emit('subscribe', { sinceSeq: health.headSeq });
    });

    // The steady stream and the health poll run through both phases; each phase takes its own samples.
    let running = true;
    let healthMs: number[] = [];
    const pool = new Pool(server.url, { connections: 4 });
    let n = 0;
    const stream = (async () => {
      const t0 = performance.now();
      while (running) {
        const i = n++;
        const p = points[i % points.length]!;
        const description = `replay-bench-${i}`;
        sentAt.set(description, performance.now());
        void pool
          .request({
            path: '/api/incidents',
            method: 'POST',
            headers: { 'content-type': 'application/json', ...authHeaders(server.url) },
            body: JSON.stringify({ categoryCode: 'E0102', lon: p.lon, lat: p.lat, description, source: 'sensor' }),
          })
          .then((r) => r.body.dump());
        // On schedule, not after the answer: a slow server must not slow the stream down.
        const wait = t0 + ((i + 1) * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
    })();
    const poll = (async () => {
      while (running) {
        const t0 = performance.now();
        await fetch(`${server.url}/api/health`).then((r) => r.arrayBuffer());
        healthMs.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const take = () => {
      const out = { live: latencies(live), health: latencies(healthMs) };
      live = [];
      healthMs = [];
      return out;
    };

    const phases: ReplayPhase[] = [];
    // Warm up, then the baseline.
    await new Promise((r) => setTimeout(r, 2000));
    take();
    const idleSeconds = opts.idleSeconds ?? 15;
    let cpu0 = serverCpuSeconds(server);
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    let sample = take();
    phases.push({ phase: 'idle: no replay', seconds: idleSeconds, liveMs: sample.live, healthMs: sample.health, serverCpuSeconds: Number((serverCpuSeconds(server) - cpu0).toFixed(2)) });

    cpu0 = serverCpuSeconds(server);
    const t0 = performance.now();
    // Replays back to back for as long as the baseline ran, so both phases have as many samples.
    const replay = { events: 0, seconds: 0, inOrder: true, replays: 0 };
    while (performance.now() - t0 < idleSeconds * 1000) {
      const one = await runReplayClient(server.url, wallToken);
      replay.events += one.events;
      replay.seconds = Number((replay.seconds + one.seconds).toFixed(2));
      replay.inOrder &&= one.inOrder;
      replay.replays += 1;
    }
    const seconds = (performance.now() - t0) / 1000;
    sample = take();
    const cpu = serverCpuSeconds(server) - cpu0;
    phases.push({
      phase: 'a client replays the whole log, again and again',
      seconds: Number(seconds.toFixed(2)),
      liveMs: sample.live,
      healthMs: sample.health,
      serverCpuSeconds: Number(cpu.toFixed(2)),
      replay: {
        ...replay,
        eventsPerSecond: Math.round(replay.events / replay.seconds),
        // The steady stream's share of the CPU is taken off at the idle phase's rate.
        serverCpuMsPer1000Events: Number((((cpu - (phases[0]!.serverCpuSeconds / idleSeconds) * seconds) * 1000 * 1000) / replay.events).toFixed(1)),
      },
    });
    running = false;
    await Promise.all([stream, poll]);
    await pool.close();
    socket.close();

    const [idle, busy] = phases as [ReplayPhase, ReplayPhase];
    const ratios = {
      liveP99: Number((busy.liveMs.p99 / idle.liveMs.p99).toFixed(2)),
      healthP99: Number((busy.healthMs.p99 / idle.healthMs.p99).toFixed(2)),
    };
    const within = (b: Latencies, i: Latencies) => b.p99 <= 2 * i.p99 && b.max <= i.max + 100;
    return {
      name: 'replay',
      historyDays,
      headSeq: health.headSeq,
      reportsPerSecond: rate,
      phases,
      ratios,
      ok: !!busy.replay?.inOrder && within(busy.liveMs, idle.liveMs) && within(busy.healthMs, idle.healthMs),
    };
  } finally {
    await server.stop();
    removeDataDir(server.dataDir);
  }
}

function runReplayClient(url: string, token: string): Promise<{ events: number; seconds: number; inOrder: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'replayClient.ts'), url, token], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`replay client exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as { events: number; seconds: number; inOrder: boolean });
    });
  });
}
