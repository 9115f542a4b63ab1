import type Database from 'better-sqlite3';
import type { InspectorRepository, InspectorTrackPoint } from '../store.js';

interface TrackRow {
  username: string;
  at: number;
  lon: number;
  lat: number;
}

/** Inspectors' tracks (`inspector_track`, migration 12): as teams' (sqliteTeams.ts), without a status. */
export class SqliteInspectorRepository implements InspectorRepository {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    this.q = {
      // A second point at the same millisecond replaces the first (a phone re-sending what it buffered).
      insertPoint: db.prepare('INSERT OR REPLACE INTO inspector_track (username, at, lon, lat) VALUES (?, ?, ?, ?)'),
      track: db.prepare('SELECT username, at, lon, lat FROM inspector_track WHERE username = ? AND at >= ? AND at < ? ORDER BY at LIMIT ?'),
      prune: db.prepare('DELETE FROM inspector_track WHERE at < ?'),
      between: db.prepare('SELECT username, at, lon, lat FROM inspector_track WHERE at >= ? AND at < ? ORDER BY username, at'),
    };
  }

  async appendTrack(points: readonly InspectorTrackPoint[]): Promise<void> {
    // All the report's points or none (a savepoint inside a transaction of the store's).
    this.db.transaction(() => {
      for (const p of points) this.q.insertPoint.run(p.username, p.at, p.lon, p.lat);
    })();
  }

  async track(username: string, sinceMs: number, untilMs: number, limit: number): Promise<InspectorTrackPoint[]> {
    return (this.q.track.all(username, sinceMs, untilMs, limit) as TrackRow[]).map((r) => ({ username: r.username, at: r.at, lon: r.lon, lat: r.lat }));
  }

  async tracksBetween(sinceMs: number, untilMs: number): Promise<InspectorTrackPoint[]> {
    return (this.q.between.all(sinceMs, untilMs) as TrackRow[]).map((r) => ({ username: r.username, at: r.at, lon: r.lon, lat: r.lat }));
  }

  async pruneTracks(beforeMs: number): Promise<number> {
    return this.q.prune.run(beforeMs).changes;
  }
}
