import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvaluationAnswer, ReportEntry, ReportFormat, ReportKind } from '../../shared/index.js';
import type { Logger } from '../log.js';
import { Refusal } from '../refusal.js';
import type { StoredReport } from '../store/reportStore.js';
import type { Store } from '../store/store.js';
import { noticePdf, noticeWorkbook } from './noticeExport.js';
import type { NoticeService } from './noticeService.js';
import { pdfFontOrRefuse, type PdfFont } from './pdfFont.js';
import { dueRuns, nextRun, type DueRun } from './reportSchedule.js';

/**
 * The scheduled reports (周报, 月报): made when their run comes (reportSchedule.ts), kept as files under
 * DATA_DIR/reports with a row each in the store, and listed for download. At start, the runs missed
 * while the server was down are made, each period once: a report is keyed by its kind and period, so
 * a second start, or the timer firing while the start's catch-up runs, makes nothing twice.
 */

/** How far back a start catches up: a server down longer than this has its older reports left unmade. */
export const CATCH_UP: Record<ReportKind, number> = { weekly: 8, monthly: 3 };
/** The timer wakes at least this often, so that a clock changed under it is noticed. */
const MAX_SLEEP_MS = 3_600_000;

export interface ReportArchiveDeps {
  store: Pick<Store, 'reports' | 'transaction'>;
  /** Where the files go (DATA_DIR/reports). */
  dir: string;
  notices: Pick<NoticeService, 'notice' | 'towns'>;
  evaluate(q: { level: 'town' | 'unit'; period: string }): EvaluationAnswer;
  pdfFont: PdfFont | null;
  /** When the district's record starts (its first case): no report for a period that ended before. */
  since: () => number;
  now: () => number;
  log: Logger;
}

export class ReportArchive {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** One run of the archive at a time (the start's catch-up and the timer may meet). */
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ReportArchiveDeps) {
    mkdirSync(deps.dir, { recursive: true });
  }

  /** Makes every due report not made yet (newest first per kind); resolves with those made now. */
  catchUp(): Promise<StoredReport[]> {
    const run = this.running.then(async () => {
      const made: StoredReport[] = [];
      const now = this.deps.now();
      for (const kind of ['weekly', 'monthly'] as const) {
        for (const due of dueRuns(kind, now, this.deps.since(), CATCH_UP[kind])) {
          if (await this.deps.store.reports.ofPeriod(kind, due.period)) continue;
          const r = await this.make(due);
          if (r) made.push(r);
        }
      }
      return made;
    });
    this.running = run.catch(() => undefined);
    return run;
  }

  /** Catches up now, then wakes for each next run. */
  start(): Promise<StoredReport[]> {
    const first = this.catchUp();
    first.then(
      (made) => this.deps.log.info({ made: made.map((r) => r.id) }, 'scheduled reports caught up'),
      (err: unknown) => this.deps.log.error({ err }, 'scheduled reports not caught up'),
    ).finally(() => this.schedule());
    return first;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The reports kept, newest first, as the wire lists them. */
  async list(kind?: ReportKind): Promise<ReportEntry[]> {
    return (await this.deps.store.reports.list(kind)).map((r) => ({
      id: r.id,
      kind: r.kind,
      period: r.period,
      dueAt: new Date(r.dueAt).toISOString(),
      generatedAt: new Date(r.generatedAt).toISOString(),
      files: r.files.map((f) => ({ format: f.format, bytes: f.bytes })),
    }));
  }

  /** The file of a report in a format; refuses (404) a report, a format or a file that is not there. */
  async fileOf(id: string, format: ReportFormat): Promise<{ path: string; name: string }> {
    const r = await this.deps.store.reports.get(id);
    if (!r) throw new Refusal(404, 'report_not_found', `No report ${id}.`);
    const f = r.files.find((x) => x.format === format);
    if (!f) throw new Refusal(404, 'report_format_missing', `Report ${r.id} has no ${format} file.`, { formats: r.files.map((x) => x.format) });
    const path = join(this.deps.dir, f.name);
    if (!existsSync(path)) throw new Refusal(404, 'report_file_missing', `The ${format} file of report ${id} is no longer on disk.`);
    return { path, name: f.name };
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = this.deps.now();
    const next = Math.min(nextRun('weekly', now), nextRun('monthly', now));
    this.timer = setTimeout(() => {
      this.catchUp().then(
        (made) => made.length > 0 && this.deps.log.info({ made: made.map((r) => r.id) }, 'scheduled reports made'),
        (err: unknown) => this.deps.log.error({ err }, 'scheduled reports not made'),
      ).finally(() => this.schedule());
    }, Math.min(MAX_SLEEP_MS, Math.max(1000, next - now + 1000)));
    this.timer.unref();
  }

  private async make(due: DueRun): Promise<StoredReport | null> {
    const d = this.deps;
    const id = `${due.kind}-${due.period}`;
    const notice = await d.notices.notice(due.period);
    const rankings = [d.evaluate({ level: 'town', period: due.period }), d.evaluate({ level: 'unit', period: due.period })];
    const files: StoredReport['files'] = [];
    const write = (name: string, bytes: Buffer) => {
      // Written aside and renamed, so a crash leaves no half file under the name a row points at.
      const tmp = join(d.dir, `.${name}.tmp`);
      writeFileSync(tmp, bytes);
      renameSync(tmp, join(d.dir, name));
    };
    const xlsx = await noticeWorkbook(notice, rankings);
    write(`${id}.xlsx`, xlsx);
    files.push({ format: 'xlsx', name: `${id}.xlsx`, bytes: xlsx.length });
    let font: PdfFont | null = null;
    try {
      font = pdfFontOrRefuse(d.pdfFont);
    } catch (err) {
      // Without a CJK font the report is kept as a workbook only, rather than not at all.
      d.log.warn({ err: (err as Error).message, report: id }, 'scheduled report made without its PDF');
    }
    if (font) {
      const pdf = await noticePdf(notice, d.notices.towns, font, rankings);
      write(`${id}.pdf`, pdf);
      files.push({ format: 'pdf', name: `${id}.pdf`, bytes: pdf.length });
    }
    const report: StoredReport = { id, kind: due.kind, period: due.period, dueAt: due.dueAt, generatedAt: d.now(), files };
    const kept = await d.store.transaction(async (tx) => {
      const added = await tx.reports.add(report);
      if (added) {
        await tx.audit.append({ at: report.generatedAt, actor: 'scheduler', role: 'system', action: 'report.generate', objectType: 'report', objectId: id, detail: { kind: due.kind, period: due.period, files: files.map((f) => f.format) }, address: null });
      }
      return added;
    });
    if (!kept) {
      // Another run made it first (the same name: its files are the ones just written, equally good).
      return null;
    }
    return report;
  }
}

