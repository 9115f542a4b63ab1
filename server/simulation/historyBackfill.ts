import { unitHandles, type Team, type Unit } from '../../shared/index.js';
import type { Logger } from '../log.js';
import type { IncidentIntake } from '../incident/intake.js';
import type { RoadGraph } from '../dispatch/roadGraph.js';
import type { Store } from '../store/store.js';
import { crewTrackPoints, CrewVisitLog } from './crewTracks.js';
import { pastIncidents } from './history.js';
import type { Actor } from './staff.js';
import type { SimModel } from './model.js';

const DONE_KEY = 'history_backfilled_at';
const DAY_MS = 86_400_000;
/** China time: the replay picks local days. */
const LOCAL_OFFSET_MS = 8 * 3_600_000;
/**
 * The crews' tracks are back-filled for today and the seven whole local days before it, so that a
 * week's review can replay any day of that week with its crews. Not for the whole history: measured
 * on a first start with HISTORY_DAYS=90 (2 cores, under load), each day is about 41,000 points and
 * 2.9 MB of SQLite (table and index); two days took 1.2 s of the start, seven 3.0 s (298,000 points,
 * 21 MB), thirty 20.6 s (1.25 million points, 90 MB, the 45 s start grown to 79 s), and the retention
 * (TRACK_RETENTION_DAYS, 30 by default) drops such days anyway.
 */
export const CREW_TRACK_DAYS = 7;
/** The crews' day before the tracks begin is driven unseen, so that the first hours show crews already out. */
const CREW_WARM_UP_MS = 6 * 3_600_000;

/**
 * On the first start, fills the store with `days` of simulated past so that heatmaps and rankings
 * have data from the first minute. Past cases are dispatched to the units responsible and the roster's
 * `teams`, so the cases still open name a unit and a team that exist and count in its workload; a
 * generated case whose dispatch would break the unit rules is not stored. Given the road network, the
 * crews' drives to those cases over the last CREW_TRACK_DAYS days are stored as their tracks, so that
 * a replay of a recent day shows them moving (crewTracks.ts). It runs once per data directory:
 * the marker is written after the import's transaction, so a crash in between simply repeats an
 * import that left nothing behind.
 */
export async function backfillHistory(opts: {
  store: Pick<Store, 'incidents' | 'meta' | 'teams'>;
  /** The road network the crews drive: with it, the crews' tracks of the last days are back-filled too. */
  roads?: RoadGraph;
  intake: IncidentIntake;
  ctx: SimModel;
  teams: readonly Team[];
  /** The units responsible: every past dispatch must go to one that handles the case. */
  units: readonly Unit[];
  /** The inspector who answers for a place (the responsibility roster), who verifies its cases. */
  inspectorOf?: (lon: number, lat: number) => Actor | null;
  seed: number;
  days: number;
  /** Local days of crews' tracks before today's (CREW_TRACK_DAYS unless a test asks for fewer). */
  trackDays?: number;
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
  const from = to - days * DAY_MS;
  // The crews' tracks start at local midnight `trackDays` days before today's.
  const trackDays = opts.trackDays ?? CREW_TRACK_DAYS;
  const tracksFrom = Math.max(from, Math.floor((to + LOCAL_OFFSET_MS) / DAY_MS - trackDays) * DAY_MS - LOCAL_OFFSET_MS);
  const visits = new CrewVisitLog(known, to, tracksFrom - CREW_WARM_UP_MS);
  const stored = await intake.importHistory(visits.tap(pastIncidents(ctx, seed, from, to, teams, opts.inspectorOf)), {
    teamExists: (id) => known.has(id),
    unitHandles: (unitCode, categoryCode, townCode) => {
      const unit = byCode.get(unitCode);
      return unit !== undefined && unitHandles(unit, categoryCode, townCode);
    },
  });
  if (opts.roads && stored > 0) {
    const t1 = Date.now();
    const tracks = crewTrackPoints({ g: opts.roads, teams, visits: visits.visits, seed, warmFrom: tracksFrom - CREW_WARM_UP_MS, from: tracksFrom, to });
    await store.teams.appendTrack(tracks.points);
    log.info({ points: tracks.points.length, calls: tracks.made, missed: tracks.missed, ms: Date.now() - t1 }, "crews' tracks back-filled");
  }
  await store.meta.set(DONE_KEY, new Date().toISOString());
  log.info({ days, stored, ms: Date.now() - t0 }, 'history back-filled');
  return stored;
}
