import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { CellDirectory } from './cells.js';
import { defaultRoster } from './defaultRoster.js';
import { rosterAssignments } from './responsibility.js';

const SEEDED_KEY = 'responsibility_seeded_at';
const SEEDED_BY = 'default roster';

/**
 * On the first start, stores the default roster (defaultRoster.ts) as the city's responsibility: its
 * people and one assignment per responsibility grid and role. Once per data directory, like the
 * history back-fill: the roster, its assignments and the marker in meta are one transaction, so a
 * crash leaves all or nothing; a store that already has people or assignments (a city's own roster)
 * is left as it is and only marked. Admins' edits are never overwritten: later starts do nothing.
 * Resolves to whether it seeded.
 */
export async function seedDefaultRoster(opts: {
  store: Pick<Store, 'meta' | 'transaction'>;
  cells: CellDirectory;
  seed: number;
  log: Logger;
  now?: () => number;
}): Promise<boolean> {
  const { store, cells, seed, log } = opts;
  if (await store.meta.get(SEEDED_KEY)) return false;
  const at = (opts.now ?? Date.now)();
  const roster = defaultRoster(cells.cells, seed);
  const seeded = await store.transaction(async (tx) => {
    if (await tx.meta.get(SEEDED_KEY)) return false;
    if ((await tx.responsibility.people()).length > 0 || (await tx.responsibility.assignments()).length > 0) {
      await tx.meta.set(SEEDED_KEY, 'skipped: roster not empty');
      return false;
    }
    await tx.responsibility.putPeople(roster.people.map((p) => ({ ...p, updatedAt: at, updatedBy: SEEDED_BY })));
    await tx.responsibility.putAssignments(rosterAssignments(roster).map((a) => ({ ...a, updatedAt: at, updatedBy: SEEDED_BY })));
    await tx.meta.set(SEEDED_KEY, new Date(at).toISOString());
    return true;
  });
  if (seeded) {
    const count = (role: string) => roster.people.filter((p) => p.role === role).length;
    log.info({ inspectors: count('inspector'), gridWorkers: count('grid_worker'), gridHeads: count('grid_head'), grids: roster.grids.length }, 'default responsibility roster stored');
  }
  return seeded;
}
