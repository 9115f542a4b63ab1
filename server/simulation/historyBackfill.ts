import type { Team } from '../../shared/index.js';
import type { Logger } from '../log.js';
import type { IncidentIntake } from '../incident/intake.js';
import type { Store } from '../store/store.js';
import { pastIncidents } from './history.js';
import type { SimModel } from './model.js';

const DONE_KEY = 'history_backfilled_at';

/**
 * On the first start, fills the store with `days` of simulated past so that heatmaps and rankings
 * have data from the first minute. Past cases are dispatched to the roster's `teams`, so the cases
 * still open name a team that exists and count in its workload. It runs once per data directory:
 * the marker is written after the import's transaction, so a crash in between simply repeats an
 * import that left nothing behind.
 */
export async function backfillHistory(opts: {
  store: Pick<Store, 'incidents' | 'meta'>;
  intake: IncidentIntake;
  ctx: SimModel;
  teams: readonly Team[];
  seed: number;
  days: number;
  log: Logger;
  now?: number;
}): Promise<number> {
  const { store, intake, ctx, teams, seed, days, log } = opts;
  if (await store.meta.get(DONE_KEY)) return 0;
  if ((await store.incidents.count()) > 0) {
    // Real data is there already: never mix simulated history into it.
    await store.meta.set(DONE_KEY, 'skipped: store not empty');
    return 0;
  }
  const t0 = Date.now();
  const to = opts.now ?? t0;
  const known = new Set(teams.map((t) => t.id));
  const stored = await intake.importHistory(pastIncidents(ctx, seed, to - days * 86_400_000, to, teams), { teamExists: (id) => known.has(id) });
  await store.meta.set(DONE_KEY, new Date().toISOString());
  log.info({ days, stored, ms: Date.now() - t0 }, 'history back-filled');
  return stored;
}
