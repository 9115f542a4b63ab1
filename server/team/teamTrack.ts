import { distance } from '@turf/turf';
import type { Team } from '../../shared/index.js';
import type { TeamRepository, TrackPoint } from '../store/store.js';

export type { TrackPoint } from '../store/store.js';

export interface TrackSampling {
  /** A move shorter than this is GPS jitter, not a new point. */
  minMetres: number;
  /** A standing team still gets a point this often, so a gap in its track means it was not reporting. */
  maxGapMs: number;
}

export const DEFAULT_SAMPLING: TrackSampling = { minMetres: 15, maxGapMs: 60_000 };

/**
 * Which of the teams' current positions are worth a track point: a team that moved at least
 * `minMetres`, changed status, or has had no point for `maxGapMs`. Pure: `last` is each team's
 * previous kept point; the caller stores the result and remembers it as the new `last`.
 */
export function trackPointsWorthKeeping(
  teams: readonly Team[],
  last: ReadonlyMap<string, TrackPoint>,
  at: number,
  sampling: TrackSampling = DEFAULT_SAMPLING,
): TrackPoint[] {
  const out: TrackPoint[] = [];
  for (const t of teams) {
    if (!t.position) continue;
    const prev = last.get(t.id);
    const point: TrackPoint = { teamId: t.id, at, lon: t.position.lon, lat: t.position.lat, status: t.status };
    if (
      !prev ||
      prev.status !== t.status ||
      at - prev.at >= sampling.maxGapMs ||
      distance([prev.lon, prev.lat], [point.lon, point.lat], { units: 'meters' }) >= sampling.minMetres
    ) {
      out.push(point);
    }
  }
  return out;
}

/**
 * The fleet's tracks: at each tick, the points worth keeping go to the store in one write; readers
 * ask for a team's track; old points are pruned. Remembers each team's last kept point so that a
 * standing team is not written every tick.
 */
export class TrackRecorder {
  private readonly last = new Map<string, TrackPoint>();

  constructor(
    private readonly store: Pick<TeamRepository, 'appendTrack' | 'track' | 'pruneTracks'>,
    private readonly sampling: TrackSampling = DEFAULT_SAMPLING,
  ) {}

  async record(teams: readonly Team[], at: number): Promise<number> {
    const points = trackPointsWorthKeeping(teams, this.last, at, this.sampling);
    if (points.length === 0) return 0;
    await this.store.appendTrack(points);
    for (const p of points) this.last.set(p.teamId, p);
    return points.length;
  }

  /** A team's points in [sinceMs, untilMs), oldest first, at most `limit`. */
  track(teamId: string, sinceMs: number, untilMs: number, limit: number): Promise<TrackPoint[]> {
    return this.store.track(teamId, sinceMs, untilMs, limit);
  }

  /** Drops every point older than `beforeMs` (the retention); returns how many. */
  prune(beforeMs: number): Promise<number> {
    return this.store.pruneTracks(beforeMs);
  }
}
