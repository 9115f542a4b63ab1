import type Database from 'better-sqlite3';
import type { CoverageRepository, TownCoverageDay } from '../store.js';

interface DayRow {
  day: string;
  town_code: string;
  patrolled: number;
  under_camera: number;
  with_inspector: number;
}

/** The towns' daily coverage (`coverage_town_days`, migration 15). */
export class SqliteCoverageRepository implements CoverageRepository {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    this.q = {
      put: db.prepare(`INSERT OR REPLACE INTO coverage_town_days (day, town_code, patrolled, under_camera, with_inspector) VALUES (?, ?, ?, ?, ?)`),
      between: db.prepare('SELECT day, town_code, patrolled, under_camera, with_inspector FROM coverage_town_days WHERE day >= ? AND day <= ? ORDER BY day, town_code'),
    };
  }

  async putTownDays(rows: readonly TownCoverageDay[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of rows) this.q.put.run(r.day, r.townCode, r.patrolled, r.underCamera, r.withInspector);
    })();
  }

  async townDays(fromDay: string, toDay: string): Promise<TownCoverageDay[]> {
    return (this.q.between.all(fromDay, toDay) as DayRow[]).map((r) => ({
      day: r.day,
      townCode: r.town_code,
      patrolled: r.patrolled,
      underCamera: r.under_camera,
      withInspector: r.with_inspector,
    }));
  }
}
