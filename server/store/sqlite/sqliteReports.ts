import type Database from 'better-sqlite3';
import type { ReportKind } from '../../../shared/index.js';
import type { ReportRepository, StoredReport } from '../reportStore.js';

interface ReportRow {
  id: string;
  kind: ReportKind;
  period: string;
  due_at: number;
  generated_at: number;
  files: string;
}

const COLUMNS = 'id, kind, period, due_at, generated_at, files';

function reportOf(r: ReportRow): StoredReport {
  return { id: r.id, kind: r.kind, period: r.period, dueAt: r.due_at, generatedAt: r.generated_at, files: JSON.parse(r.files) as StoredReport['files'] };
}

/** The scheduled reports: `reports` (migration 21). */
export class SqliteReportRepository implements ReportRepository {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      all: db.prepare(`SELECT ${COLUMNS} FROM reports ORDER BY due_at DESC, kind`),
      ofKind: db.prepare(`SELECT ${COLUMNS} FROM reports WHERE kind = ? ORDER BY due_at DESC`),
      get: db.prepare(`SELECT ${COLUMNS} FROM reports WHERE id = ?`),
      ofPeriod: db.prepare(`SELECT ${COLUMNS} FROM reports WHERE kind = ? AND period = ?`),
      add: db.prepare(`INSERT INTO reports (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, period) DO NOTHING`),
    };
  }

  async list(kind?: ReportKind): Promise<StoredReport[]> {
    return ((kind ? this.q.ofKind.all(kind) : this.q.all.all()) as ReportRow[]).map(reportOf);
  }

  async get(id: string): Promise<StoredReport | undefined> {
    const row = this.q.get.get(id) as ReportRow | undefined;
    return row && reportOf(row);
  }

  async ofPeriod(kind: ReportKind, period: string): Promise<StoredReport | undefined> {
    const row = this.q.ofPeriod.get(kind, period) as ReportRow | undefined;
    return row && reportOf(row);
  }

  async add(r: StoredReport): Promise<boolean> {
    return this.q.add.run(r.id, r.kind, r.period, r.dueAt, r.generatedAt, JSON.stringify(r.files)).changes === 1;
  }
}
