import type Database from 'better-sqlite3';
import type { TeamStatus } from '../../../shared/index.js';
import type { StoredShift, TeamRepository, TrackPoint } from '../store.js';

interface ShiftRow {
  team_id: string;
  shift_start: string;
  shift_end: string;
  updated_at: number;
  updated_by: string;
}

interface TrackRow {
  team_id: string;
  at: number;
  lon: number;
  lat: number;
  status: string;
}

const pointOf = (r: TrackRow): TrackPoint => ({ teamId: r.team_id, at: r.at, lon: r.lon, lat: r.lat, status: r.status as TeamStatus });

/** Teams' edited shifts (`team_shifts`, migration 9) and their tracks (`team_track`, migration 8). */
export class SqliteTeamRepository implements TeamRepository {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    this.q = {
      shifts: db.prepare('SELECT team_id, shift_start, shift_end, updated_at, updated_by FROM team_shifts ORDER BY team_id'),
      putShift: db.prepare(`INSERT INTO team_shifts (team_id, shift_start, shift_end, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (team_id) DO UPDATE SET shift_start = excluded.shift_start, shift_end = excluded.shift_end,
          updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      removeShift: db.prepare('DELETE FROM team_shifts WHERE team_id = ?'),
      // A second point at the same millisecond replaces the first (a re-sent tick).
      insertPoint: db.prepare('INSERT OR REPLACE INTO team_track (team_id, at, lon, lat, status) VALUES (?, ?, ?, ?, ?)'),
      track: db.prepare('SELECT team_id, at, lon, lat, status FROM team_track WHERE team_id = ? AND at >= ? AND at < ? ORDER BY at LIMIT ?'),
      prune: db.prepare('DELETE FROM team_track WHERE at < ?'),
      between: db.prepare('SELECT team_id, at, lon, lat, status FROM team_track WHERE at >= ? AND at < ? ORDER BY team_id, at'),
    };
  }

  async shifts(): Promise<StoredShift[]> {
    return (this.q.shifts.all() as ShiftRow[]).map((r) => ({
      teamId: r.team_id,
      shift: { start: r.shift_start, end: r.shift_end },
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    }));
  }

  async putShift(s: StoredShift): Promise<void> {
    this.q.putShift.run(s.teamId, s.shift.start, s.shift.end, s.updatedAt, s.updatedBy);
  }

  async removeShift(teamId: string): Promise<boolean> {
    return this.q.removeShift.run(teamId).changes === 1;
  }

  async appendTrack(points: readonly TrackPoint[]): Promise<void> {
    // All the tick's points or none (a savepoint inside a transaction of the store's).
    this.db.transaction(() => {
      for (const p of points) this.q.insertPoint.run(p.teamId, p.at, p.lon, p.lat, p.status);
    })();
  }

  async track(teamId: string, sinceMs: number, untilMs: number, limit: number): Promise<TrackPoint[]> {
    return (this.q.track.all(teamId, sinceMs, untilMs, limit) as TrackRow[]).map(pointOf);
  }

  async tracksBetween(sinceMs: number, untilMs: number): Promise<TrackPoint[]> {
    return (this.q.between.all(sinceMs, untilMs) as TrackRow[]).map(pointOf);
  }

  async pruneTracks(beforeMs: number): Promise<number> {
    return this.q.prune.run(beforeMs).changes;
  }
}
