import { unitHandles, type Team, type Unit } from '../../shared/index.js';
import type { Logger } from '../log.js';
import type { IncidentIntake } from '../incident/intake.js';
import type { Store } from '../store/store.js';
import { pastIncidents } from './history.js';
import type { Actor } from './staff.js';
import type { SimModel } from './model.js';

const DONE_KEY = 'history_backfilled_at';

/**
 * On the first start, fills the store with `days` of simulated past so that heatmaps and rankings
 * have data from the first minute. Past cases are dispatched to the units responsible and the roster's
 * `teams`, so the cases still open name a unit and a team that exist and count in its workload; a
 * generated case whose dispatch would break the unit rules is not stored. It runs once per data directory:
 * the marker is written after the import's transaction, so a crash in between simply repeats an
 * import that left nothing behind.
 */
export async function backfillHistory(opts: {
  store: Pick<Store, 'incidents' | 'meta'>;
  intake: IncidentIntake;
  ctx: SimModel;
  teams: readonly Team[];
  /** The units responsible: every past dispatch must go to one that handles the case. */
  units: readonly Unit[];
  /** The inspector who answers for a place (the responsibility roster), who verifies its cases. */
  inspectorOf?: (lon: number, lat: number) => Actor | null;
  seed: number;
  days: number;
  log: Logger;
  now?: number;
}): Promise<number> {
  const { store, intake, ctx, teams, units, seed, days, log } = opts;
  if (await store.meta.get(DONE_KEY)) return 0;
  if ((await store.incidents.count()) > 0) {
    // Real data is there already: never mix simulated history into it.
    await store.meta.set(DONE_KEY, 'skipped: store not empty');
    return 0;
  }
  const t0 = Date.now();
  const to = opts.now ?? t0;
  const known = new Set(teams.map((t) => t.id));
  const byCode = new Map(units.map((u) => [u.code, u]));
  const stored = await intake.importHistory(pastIncidents(ctx, seed, to - days * 86_400_000, to, teams, opts.inspectorOf), {
    teamExists: (id) => known.has(id),
    unitHandles: (unitCode, categoryCode, townCode) => {
      const unit = byCode.get(unitCode);
      return unit !== undefined && unitHandles(unit, categoryCode, townCode);
    },
  });
  await store.meta.set(DONE_KEY, new Date().toISOString());
  log.info({ days, stored, ms: Date.now() - t0 }, 'history back-filled');
  return stored;
}
