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
  /** The answer worked out from the facts held (the first request after anything moved). */
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
  /** The fold at the server's start, from its log line. */
  startFoldMs: number | null;
  coldFoldMs: number;
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
  let startFoldMs: number | null = null;
  try {
    for (const line of server.logs) {
      if (line.includes('evaluation facts folded from the log')) startFoldMs = (JSON.parse(line) as { ms: number }).ms;
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
    // The rules as a fresh object at each request unless `keep`: a kept answer holds only for the
    // rules it was worked out under, so a fresh copy makes every request work its answer out again.
    let keep = false;
    const service = await EvaluationService.load({ store, directory, now: Date.now, rules: () => (keep ? DEFAULT_RULES : { ...DEFAULT_RULES }) });
    const coldFoldMs = performance.now() - t0;
    const levels: EvaluationBenchRow[] = [];
    for (const level of EvaluationLevel.options) {
      const ms: number[] = [];
      let rows = 0;
      for (let r = 0; r < rounds; r++) {
        t0 = performance.now();
        rows = service.evaluate({ level, period }).rows.length;
        ms.push(performance.now() - t0);
      }
      const warmMs = median(ms);
      keep = true;
      const kept: number[] = [];
      const worked = service.evaluate({ level, period });
      for (let r = 0; r < rounds; r++) {
        t0 = performance.now();
        const again = service.evaluate({ level, period });
        // The inspectors' rows follow the roster, so are worked out at every request.
        if (level !== 'inspector' && again !== worked) throw new Error(`${level}: the answer was not kept`);
        kept.push(performance.now() - t0);
      }
      keep = false;
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
      coldFoldMs,
      levels,
      ok: levels.every((l) => l.warmMs < 50) && coldFoldMs < 3000,
    };
  } finally {
    await store.close();
    removeDataDir(server.dataDir);
  }
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
  console.log(
    `${r.cases} cases, ${r.events} events, period ${r.period}; cold fold ${(r.coldFoldMs / 1000).toFixed(2)} s in process` +
      (r.startFoldMs === null ? '' : `, ${(r.startFoldMs / 1000).toFixed(2)} s at the server's start`) +
      `; goals (warm < 50 ms at every level, cold < 3 s) met: ${r.ok}`,
  );
}
