import type Database from 'better-sqlite3';
import type { TeamStatus } from '../../../shared/index.js';
import type { TeamTrackStore, TrackPoint } from '../../team/teamTrack.js';

interface TrackRow {
  team_id: string;
  at: number;
  lon: number;
  lat: number;
  status: string;
}

/** Team tracks in the `team_track` table (migration 8), one transaction per tick. */
export class SqliteTrackStore implements TeamTrackStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      // A second point at the same millisecond replaces the first (a re-sent tick).
      insert: db.prepare('INSERT OR REPLACE INTO team_track (team_id, at, lon, lat, status) VALUES (?, ?, ?, ?, ?)'),
      track: db.prepare('SELECT * FROM team_track WHERE team_id = ? AND at >= ? AND at < ? ORDER BY at LIMIT ?'),
      prune: db.prepare('DELETE FROM team_track WHERE at < ?'),
    };
  }

  async append(points: readonly TrackPoint[]): Promise<void> {
    this.db.transaction(() => {
      for (const p of points) this.stmts.insert.run(p.teamId, p.at, p.lon, p.lat, p.status);
    })();
  }

  async track(teamId: string, sinceMs: number, untilMs: number, limit: number): Promise<TrackPoint[]> {
    return (this.stmts.track.all(teamId, sinceMs, untilMs, limit) as TrackRow[]).map((r) => ({
      teamId: r.team_id,
      at: r.at,
      lon: r.lon,
      lat: r.lat,
      status: r.status as TeamStatus,
    }));
  }

  async prune(beforeMs: number): Promise<number> {
    return this.stmts.prune.run(beforeMs).changes;
  }
}
