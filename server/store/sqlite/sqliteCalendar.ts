import type Database from 'better-sqlite3';
import type { CalendarRepository, StoredCalendarYear } from '../store.js';

interface YearRow {
  year: number;
  updated_at: number;
  updated_by: string;
}

interface DayRow {
  day: string;
  year: number;
  kind: 'holiday' | 'workday';
}

/** The working calendar as admins edited it: `calendar_years` and `calendar_days` (migration 7). */
export class SqliteCalendarRepository implements CalendarRepository {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    this.q = {
      years: db.prepare('SELECT year, updated_at, updated_by FROM calendar_years ORDER BY year'),
      days: db.prepare('SELECT day, year, kind FROM calendar_days ORDER BY day'),
      upsertYear: db.prepare(`INSERT INTO calendar_years (year, updated_at, updated_by) VALUES (?, ?, ?)
        ON CONFLICT (year) DO UPDATE SET updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      deleteDays: db.prepare('DELETE FROM calendar_days WHERE year = ?'),
      insertDay: db.prepare('INSERT INTO calendar_days (day, year, kind) VALUES (?, ?, ?)'),
    };
  }

  async years(): Promise<StoredCalendarYear[]> {
    const years = new Map<number, StoredCalendarYear>();
    for (const r of this.q.years.all() as YearRow[]) {
      years.set(r.year, { year: r.year, holidays: [], adjustedWorkdays: [], updatedAt: r.updated_at, updatedBy: r.updated_by });
    }
    // Sorted by day, so each year's lists come out sorted.
    for (const r of this.q.days.all() as DayRow[]) {
      const y = years.get(r.year);
      if (y) (r.kind === 'holiday' ? y.holidays : y.adjustedWorkdays).push(r.day);
    }
    return [...years.values()];
  }

  async putYear(y: StoredCalendarYear): Promise<void> {
    // The marker and exactly these days, or nothing (a savepoint inside a transaction of the store's).
    this.db.transaction(() => {
      this.q.upsertYear.run(y.year, y.updatedAt, y.updatedBy);
      this.q.deleteDays.run(y.year);
      for (const d of y.holidays) this.q.insertDay.run(d, y.year, 'holiday');
      for (const d of y.adjustedWorkdays) this.q.insertDay.run(d, y.year, 'workday');
    })();
  }
}
