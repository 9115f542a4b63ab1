import type { ReportFormat, ReportKind } from '../../shared/index.js';

/** A scheduled report as the store keeps it (migration 21); times in epoch ms, files named under DATA_DIR/reports. */
export interface StoredReport {
  id: string;
  kind: ReportKind;
  period: string;
  /** The scheduled run it stands for. */
  dueAt: number;
  generatedAt: number;
  files: { format: ReportFormat; name: string; bytes: number }[];
}

/** The archive of scheduled reports (周报, 月报): one per kind and period. */
export interface ReportRepository {
  /** Every report, newest period first (by the run it stands for); of one kind when given. */
  list(kind?: ReportKind): Promise<StoredReport[]>;
  get(id: string): Promise<StoredReport | undefined>;
  /** The report of a kind and period, if made. */
  ofPeriod(kind: ReportKind, period: string): Promise<StoredReport | undefined>;
  /** Keeps a report; false (and nothing kept) when its kind and period already has one. */
  add(report: StoredReport): Promise<boolean>;
}
