import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { factsDigest, foldLog } from '../../server/evaluation/evaluationService.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import { getJson, pointsInCells, postJson } from '../support/api.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { FeatureCollection, Incident } from '../support/types.js';

/**
 * The evaluation's facts checkpointed to disk (issue 15, the cold start): a server started on a data
 * directory with a checkpoint folds only the events after it, and its facts equal a brute-force fold
 * of the whole log; a checkpoint of another log, or a damaged one, is not used.
 */
const dirs: string[] = [];
/** Servers started and not yet stopped: a failed expectation must not leave one running. */
const running = new Set<TestServer>();
afterAll(async () => {
  for (const s of running) await s.stop();
  dirs.forEach((d) => removeDataDir(d));
});

async function start(opts: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(opts);
  running.add(server);
  if (!dirs.includes(server.dataDir)) dirs.push(server.dataDir);
  return server;
}

async function stop(server: TestServer): Promise<void> {
  running.delete(server);
  await server.stop();
}

const checkpointOf = (dataDir: string) => join(dataDir, 'cache', 'evaluation-facts.bin');

/** What the server's start said of the fold: the checkpoint's seq it went on from (or null) and the events it read. */
function foldAtStart(server: TestServer): { fromCheckpoint: number | null; events: number; cases: number } {
  const line = server.logs.find((l) => l.includes('evaluation facts folded from the log'));
  expect(line).toBeDefined();
  return JSON.parse(line!) as { fromCheckpoint: number | null; events: number; cases: number };
}

/** The facts of a stopped server's log, folded whole, as a digest; and the log's head. */
async function bruteForce(dataDir: string): Promise<{ digest: string; head: number }> {
  const store = new SqliteStore(join(dataDir, 'gridwatch.db'), { caseNumberPrefix: 'WJ' });
  try {
    const { facts, seq } = await foldLog(store);
    return { digest: factsDigest(facts.values()), head: seq };
  } finally {
    await store.close();
  }
}

/** What the server's stop said of the checkpoint it wrote: its seq. */
function checkpointAtStop(server: TestServer): number {
  const line = server.logs.find((l) => l.includes('evaluation facts checkpointed'));
  expect(line).toBeDefined();
  return (JSON.parse(line!) as { seq: number }).seq;
}

/** A server that checkpoints the facts at its stop (any event folded since the last checkpoint is enough). */
const EAGER = { FACTS_CHECKPOINT_EVENTS: '1' };

const liveDigest = async (server: TestServer) => (await getJson<{ cases: number; digest: string }>(`${server.url}/api/evaluation/facts`, { cookie: server.adminCookie })).body;

describe('the facts checkpoint', () => {
  it('lets a start fold only the events after it, to the same facts as the whole log', async () => {
    const first = await start({ env: { HISTORY_DAYS: '2', SIM: 'off', ...EAGER } });
    expect(foldAtStart(first).fromCheckpoint).toBeNull();
    await stop(first);
    const seq = checkpointAtStop(first);

    // Events after the checkpoint (this server writes none: too few events): a report taken through intake, and a rejected one.
    const second = await start({ dataDir: first.dataDir, env: { HISTORY_DAYS: '2', SIM: 'off' } });
    const atStart = foldAtStart(second);
    expect(atStart.fromCheckpoint).toBe(seq);
    expect(atStart.events).toBe(0);
    const cells = (await getJson<FeatureCollection>(`${second.url}/api/layers/grid`)).body.features;
    for (const [i, p] of pointsInCells(cells, 2, 4242).entries()) {
      const made = await postJson<Incident>(`${second.url}/api/incidents`, { categoryCode: 'C0102', lon: p.lon, lat: p.lat, source: 'hotline_12345', description: '井盖破损' });
      expect(made.status).toBe(201);
      const body = i === 0 ? { action: 'accept' } : { action: 'reject', note: '重复来电' };
      const acted = await postJson<{ case: Incident }>(`${second.url}/api/cases/${made.body.id}/actions`, { ...body, version: made.body.version });
      expect(acted.status).toBe(200);
    }
    await stop(second);

    const third = await start({ dataDir: first.dataDir, env: { HISTORY_DAYS: '2', SIM: 'off' } });
    const resumed = foldAtStart(third);
    expect(resumed.fromCheckpoint).toBe(seq);
    expect(resumed.events).toBeGreaterThanOrEqual(4);
    const live = await liveDigest(third);
    await stop(third);
    const whole = await bruteForce(first.dataDir);
    expect(live.digest).toBe(whole.digest);
    expect(whole.head).toBeGreaterThanOrEqual(seq + 4);
  }, 300_000);

  it('is not used for another log, nor when damaged: the start folds the whole log', async () => {
    const a = await start({ env: { HISTORY_DAYS: '1', SIM: 'off', ...EAGER } });
    await stop(a);
    checkpointAtStop(a);
    const b = await start({ env: { HISTORY_DAYS: '1', SIM: 'off', SIM_SEED: '7', ...EAGER } });
    await stop(b);
    checkpointAtStop(b);

    // Another log's checkpoint.
    const own = readFileSync(checkpointOf(b.dataDir));
    copyFileSync(checkpointOf(a.dataDir), checkpointOf(b.dataDir));
    let server = await start({ dataDir: b.dataDir, env: { HISTORY_DAYS: '1', SIM: 'off', SIM_SEED: '7' } });
    expect(foldAtStart(server).fromCheckpoint).toBeNull();
    let live = await liveDigest(server);
    await stop(server);
    expect(live.digest).toBe((await bruteForce(b.dataDir)).digest);

    // Its own checkpoint, cut short.
    writeFileSync(checkpointOf(b.dataDir), own.subarray(0, Math.floor(own.length * 0.6)));
    server = await start({ dataDir: b.dataDir, env: { HISTORY_DAYS: '1', SIM: 'off', SIM_SEED: '7' } });
    expect(foldAtStart(server).fromCheckpoint).toBeNull();
    live = await liveDigest(server);
    await stop(server);
    expect(live.digest).toBe((await bruteForce(b.dataDir)).digest);
  }, 300_000);
});
