import type Database from 'better-sqlite3';
import type { CongestionRepository, CongestionSlotRow } from '../store.js';

/** The areas' congestion every 5 minutes (`congestion_5min`, migration 16). */
export class SqliteCongestionRepository implements CongestionRepository {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    this.q = {
      put: db.prepare('INSERT OR REPLACE INTO congestion_5min (area, slot, "index") VALUES (?, ?, ?)'),
      between: db.prepare('SELECT area, slot, "index" AS "index" FROM congestion_5min WHERE slot >= ? AND slot < ? ORDER BY area, slot'),
      slots: db.prepare('SELECT DISTINCT slot FROM congestion_5min WHERE slot >= ? AND slot < ? ORDER BY slot'),
      prune: db.prepare('DELETE FROM congestion_5min WHERE slot < ?'),
    };
  }

  async put(rows: readonly CongestionSlotRow[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of rows) this.q.put.run(r.area, r.slot, r.index);
    })();
  }

  async between(fromSlot: number, toSlot: number, areas?: readonly string[]): Promise<CongestionSlotRow[]> {
    const rows = this.q.between.all(fromSlot, toSlot) as CongestionSlotRow[];
    if (!areas) return rows;
    const wanted = new Set(areas);
    return rows.filter((r) => wanted.has(r.area));
  }

  async slotsStored(fromSlot: number, toSlot: number): Promise<number[]> {
    return (this.q.slots.all(fromSlot, toSlot) as { slot: number }[]).map((r) => r.slot);
  }

  async prune(beforeSlot: number): Promise<number> {
    return this.q.prune.run(beforeSlot).changes;
  }
}
