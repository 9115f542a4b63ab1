import { join } from 'node:path';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { readConfig } from '../../server/config.js';
import { evaluationDirectory } from '../../server/evaluation/directory.js';
import { EvaluationService } from '../../server/evaluation/evaluationService.js';
import { monthIdOf, parsePeriod, previousPeriod } from '../../server/evaluation/period.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import { teamsFromBases } from '../../server/team/teamRoster.js';
import { DEFAULT_RULES } from '../../server/evaluation/rules.js';
import { EvaluationLevel, unitsOf } from '../../shared/index.js';
import { authHeaders } from '../support/credentials.js';
import { removeDataDir, startServer } from '../support/server.js';

/**
 * 综合评价 over the default 90-day history (~112,000 cases, ~1,000,000 events): a month at every
 * level, warm (the facts held in memory, aggregated per request) against the naive baseline that
 * folds the log again for each request. Measured over HTTP on the running server (what a client
 * waits for, JSON included) and in process on the same database once the server has stopped (the
 * aggregation alone, and the cold fold). Goals: warm under 50 ms, cold fold under 3 s.
 */
export interface EvaluationBenchRow {
  level: EvaluationLevel;
  rows: number;
  httpMs: number;
  /** The answer worked out from the facts held (the first request after a step of one of the period's cases was folded). */
  warmMs: number;
  /** The answer kept from the last request (a closed period, nothing moved since). */
  keptMs: number;
  naiveMs: number;
  ratio: number;
}

export interface EvaluationBenchResult {
  cases: number;
  events: number;
  period: string;
  /** The fold at the server's first start (the whole log), from its log line. */
  startFoldMs: number | null;
  /** The fold at its second start, from the checkpoint its first stop wrote, and the events it read after it. */
  restartFoldMs: number | null;
  restartEvents: number | null;
  /** The whole log folded in process (the brute-force rebuild). */
  coldFoldMs: number;
  /** The same facts read back from the checkpoint in process, the log's tail folded after it. */
  checkpointMs: number;
  levels: EvaluationBenchRow[];
  ok: boolean;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `dataDir`: a store with the history in it already (the back-fill takes most of a minute), removed after. */
export async function benchEvaluation(rounds = 7, opts: { dataDir?: string } = {}): Promise<EvaluationBenchResult> {
  const server = await startServer({ ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), env: { HISTORY_DAYS: '90' } });
  // The last whole month: the running one has only its first days.
  const period = previousPeriod(parsePeriod(monthIdOf(Date.now()))).id;
  const http = new Map<EvaluationLevel, number>();
  const foldAtStart = (logs: string[]) => {
    const line = logs.find((l) => l.includes('evaluation facts folded from the log'));
    return line ? (JSON.parse(line) as { ms: number; fromCheckpoint: number | null; events: number }) : null;
  };
  const startFoldMs = foldAtStart(server.logs)?.ms ?? null;
  try {
    // A first start makes the weekly and monthly reports its history has missed (a few seconds of PDFs
    // and workbooks, between requests): timed after them, as a server that has settled answers.
    for (let waited = 0; waited < 120_000 && !server.logs.some((l) => l.includes('scheduled reports caught up')); waited += 250) {
      await new Promise((r) => setTimeout(r, 250));
    }
    const headers = authHeaders(server.url);
    for (const level of EvaluationLevel.options) {
      const ms: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const t0 = performance.now();
        const res = await fetch(`${server.url}/api/evaluation?level=${level}&period=${period}`, { headers });
        await res.json();
        if (res.status !== 200) throw new Error(`${level}: ${res.status}`);
        ms.push(performance.now() - t0);
      }
      http.set(level, median(ms));
    }
  } finally {
    await server.stop();
  }
  // A second start on the same data: its first stop checkpointed the facts.
  const again = await startServer({ dataDir: server.dataDir, env: { HISTORY_DAYS: '90' } });
  await again.stop();
  const restart = foldAtStart(again.logs);
  if (restart?.fromCheckpoint === null) throw new Error('the second start folded the whole log: no checkpoint was read');

  const config = readConfig({});
  const { city } = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: config.citySeed });
  const catalog = loadCatalog();
  const teams = teamsFromBases(city.layers['team-bases'].features, catalog.categories, config.teamsPerBase);
  const units = unitsOf(catalog.departments, city.meta.towns, catalog.categories, teams);
  const store = new SqliteStore(join(server.dataDir, 'gridwatch.db'), { caseNumberPrefix: 'WJ' });
  try {
    const directory = evaluationDirectory({ city, units });
    const events = await store.headSeq();
    let t0 = performance.now();
    const service = await EvaluationService.load({ store, directory, now: Date.now, rules: () => DEFAULT_RULES });
    const coldFoldMs = performance.now() - t0;
    // Before each "warm" request a step of one of the period's cases is folded (an urge, 督办, synced
    // late): the period's months move, so its answer must be worked out again from the facts held.
    const p = parsePeriod(period);
    const ofPeriod = service.allFacts().filter((f) => f.reportedAt >= p.from && f.reportedAt < p.until).slice(0, 500);
    let seq = events;
    const urgeOne = async (k: number) => {
      const incident = (await store.incidents.get(ofPeriod[k % ofPeriod.length]!.id))!;
      seq += 1;
      const at = new Date(Math.min(Date.now(), p.until - 1)).toISOString();
      service.committed([
        {
          seq, kind: 'case_action', at, incident: { ...incident, seq, version: incident.version + 1, urgeCount: incident.urgeCount + 1, updatedAt: at },
          action: { name: 'urge', actor: '区长 王明', role: 'leader', from: incident.status, to: incident.status },
        },
      ]);
    };
    const checkpointMs = await checkpointStart(store, directory, join(server.dataDir, 'cache', 'evaluation-facts.bin'), service.digest());
    const levels: EvaluationBenchRow[] = [];
    for (const level of EvaluationLevel.options) {
      const ms: number[] = [];
      let rows = 0;
      for (let r = 0; r < rounds; r++) {
        await urgeOne(r);
        t0 = performance.now();
        rows = service.evaluate({ level, period }).rows.length;
        ms.push(performance.now() - t0);
      }
      const warmMs = median(ms);
      const kept: number[] = [];
      const worked = service.evaluate({ level, period });
      for (let r = 0; r < rounds; r++) {
        t0 = performance.now();
        const again = service.evaluate({ level, period });
        if (again !== worked) throw new Error(`${level}: the answer was not kept`);
        kept.push(performance.now() - t0);
      }
      const keptMs = median(kept);
      // The naive baseline: fold the whole log again for the request (measured once per level; the
      // fold dwarfs the aggregation, so a level differs from the next by its aggregation only).
      const naiveMs = level === 'town' ? coldFoldMs + warmMs : levels[0]!.naiveMs - levels[0]!.warmMs + warmMs;
      levels.push({ level, rows, httpMs: http.get(level)!, warmMs, keptMs, naiveMs, ratio: naiveMs / warmMs });
    }
    return {
      cases: service.size,
      events,
      period,
      startFoldMs,
      restartFoldMs: restart?.ms ?? null,
      restartEvents: restart?.events ?? null,
      coldFoldMs,
      checkpointMs,
      levels,
      ok: levels.every((l) => l.warmMs < 50) && checkpointMs < 3000 && (restart?.ms ?? Infinity) < 3000,
    };
  } finally {
    await store.close();
    removeDataDir(server.dataDir);
  }
}

/**
 * The facts read back from the checkpoint, in process: the time, after checking they equal the log
 * folded whole (`digest`). In a function of its own, so that its copy of the facts is let go before
 * the requests are timed (two copies in the heap slow every collection).
 */
async function checkpointStart(store: SqliteStore, directory: ReturnType<typeof evaluationDirectory>, checkpointPath: string, digest: string): Promise<number> {
  const t0 = performance.now();
  const resumed = await EvaluationService.load({ store, directory, now: Date.now, checkpointPath });
  const ms = performance.now() - t0;
  if (resumed.loaded.fromCheckpoint === null) throw new Error('the checkpoint was not read in process');
  if (resumed.digest() !== digest) throw new Error('the facts read back from the checkpoint differ from the log folded whole');
  return ms;
}

export function printEvaluation(r: EvaluationBenchResult): void {
  console.table(
    r.levels.map((l) => ({
      level: l.level,
      rows: l.rows,
      'HTTP ms (JSON incl.)': l.httpMs.toFixed(1),
      'warm ms': l.warmMs.toFixed(1),
      'kept ms': l.keptMs.toFixed(2),
      'naive ms (fold per request)': l.naiveMs.toFixed(0),
      'naive / warm': `${l.ratio.toFixed(0)}×`,
    })),
  );
  const s = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`);
  console.log(
    `${r.cases} cases, ${r.events} events, period ${r.period}.\n` +
      `Cold start: the whole log folded ${s(r.coldFoldMs)} in process, ${s(r.startFoldMs)} at the server's first start; ` +
      `from the checkpoint ${s(r.checkpointMs)} in process, ${s(r.restartFoldMs)} at the server's second start (${r.restartEvents ?? '–'} events after the checkpoint).\n` +
      `Goals (warm < 50 ms at every level, a start from the checkpoint < 3 s) met: ${r.ok}`,
  );
}
