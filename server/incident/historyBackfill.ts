import type { Logger } from '../log.js';
import { generateHistory } from '../simulation/history.js';
import type { SimModel } from '../simulation/model.js';
import type { IncidentStore } from '../store/store.js';
import type { IncidentIntake } from './intake.js';

const DONE_KEY = 'history_backfilled_at';

/**
 * On the first start, fills the store with `days` of simulated past so that heatmaps and rankings
 * have data from the first minute. It runs once per data directory: the marker is written after the
 * import's transaction, so a crash in between simply repeats an import that left nothing behind.
 */
export async function backfillHistory(opts: {
  store: IncidentStore;
  intake: IncidentIntake;
  ctx: SimModel;
  seed: number;
  days: number;
  log: Logger;
  now?: number;
}): Promise<number> {
  const { store, intake, ctx, seed, days, log } = opts;
  if (await store.getMeta(DONE_KEY)) return 0;
  if ((await store.countIncidents()) > 0) {
    // Real data is there already: never mix simulated history into it.
    await store.setMeta(DONE_KEY, 'skipped: store not empty');
    return 0;
  }
  const t0 = Date.now();
  const to = opts.now ?? t0;
  const records = generateHistory(ctx, seed, to - days * 86_400_000, to);
  const stored = await intake.importHistory(records);
  await store.setMeta(DONE_KEY, new Date().toISOString());
  log.info({ days, stored, ms: Date.now() - t0 }, 'history back-filled');
  return stored;
}
