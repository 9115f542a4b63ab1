import type { Team } from '../../shared/index.js';
import type { TeamRepository, TrackPoint } from '../store/store.js';
import { DEFAULT_SAMPLING, fixesWorthKeeping, worthKeeping, type TrackSampling } from '../tracker/trackSampling.js';

export type { TrackPoint } from '../store/store.js';
export { DEFAULT_SAMPLING, type TrackSampling } from '../tracker/trackSampling.js';

/**
 * Which of the teams' current positions are worth a track point: a team that moved at least
 * `minMetres`, changed status, or has had no point for `maxGapMs` (tracker/trackSampling.ts). Pure:
 * `last` is each team's previous kept point; the caller stores the result and remembers it as the new `last`.
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
    const point: TrackPoint = { teamId: t.id, at, lon: t.position.lon, lat: t.position.lat, status: t.status };
    if (worthKeeping(last.get(t.id), point, sampling)) out.push(point);
  }
  return out;
}

/**
 * The fleet's tracks: at each tick, the points worth keeping go to the store in one write; fixes a
 * team reports (a GPS gateway's batch, a phone's) go there too, dated when the team was there, so
 * that a batch's every fix is on the track and not only the one the next tick finds; readers ask for
 * a team's track; old points are pruned. Remembers each team's last kept point, whichever way it
 * came, so that a standing team is not written every tick nor every report.
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

  /**
   * Reported fixes, of any teams and in any order: each team's are sampled after its last kept point
   * (late ones fill in history, see fixesWorthKeeping) and written in one go. Returns how many were kept.
   */
  async recordReported(fixes: readonly TrackPoint[]): Promise<number> {
    const byTeam = new Map<string, TrackPoint[]>();
    for (const f of fixes) {
      const mine = byTeam.get(f.teamId);
      if (mine) mine.push(f);
      else byTeam.set(f.teamId, [f]);
    }
    const kept: TrackPoint[] = [];
    const lasts = new Map<string, TrackPoint>();
    for (const [teamId, mine] of byTeam) {
      const sampled = fixesWorthKeeping(mine, this.last.get(teamId), this.sampling);
      kept.push(...sampled.kept);
      if (sampled.last) lasts.set(teamId, sampled.last);
    }
    if (kept.length === 0) return 0;
    await this.store.appendTrack(kept);
    // A tick may have kept a newer point meanwhile: the newest stays the one to judge from.
    for (const [teamId, p] of lasts) if (p.at >= (this.last.get(teamId)?.at ?? -Infinity)) this.last.set(teamId, p);
    return kept.length;
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
