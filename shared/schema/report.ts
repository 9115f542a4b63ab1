import { z } from 'zod';
import { EvaluationPeriod, PeriodId } from './evaluation.js';

/**
 * 通报 (the periodic notice) and the scheduled reports (周报, 月报): the worst towns and units of a
 * period and the longest-overdue open cases, as a page and as exports; the reports the server makes
 * on schedule and keeps for download. The builders are server/report/; this is the wire.
 */

const Localized = z.object({ zh: z.string(), en: z.string() });

/** Formats a report or an export is written in. */
export const ReportFormat = z.enum(['pdf', 'xlsx']);
export type ReportFormat = z.infer<typeof ReportFormat>;

/** A town or unit on the notice: its composite and its on-time rate, with its rank now and before. */
export const NoticeRow = z.object({
  code: z.string(),
  name: Localized,
  score: z.number().nullable(),
  rank: z.number().int().positive().nullable(),
  previousRank: z.number().int().positive().nullable(),
  /** 按期结案率 of a town, 按期处置率 of a unit; null when nothing was due. */
  onTimeRate: z.number().nullable(),
});
export type NoticeRow = z.infer<typeof NoticeRow>;

/** An open case past its deadline: the closure deadline once registered, the stage's before. */
export const OverdueCase = z.object({
  id: z.string(),
  number: z.string().nullable(),
  categoryCode: z.string(),
  category: Localized,
  townCode: z.string(),
  town: Localized,
  unitCode: z.string().nullable(),
  unit: Localized.nullable(),
  /** The deadline it is past, ISO. */
  dueAt: z.string(),
  hoursOverdue: z.number().nonnegative(),
});
export type OverdueCase = z.infer<typeof OverdueCase>;

/** How each list of the notice is judged, as the notice states it. */
export const NoticeRule = z.object({
  /** The on-time indicator of the level (onTimeClosureRate, onTimeHandlingRate) and its name. */
  onTimeIndicator: z.string(),
  onTimeName: Localized,
  /** How many rows each list names at most. */
  limit: z.number().int().positive(),
});

export const NoticeLevel = z.object({
  rule: NoticeRule,
  /** Lowest composite first (unscored rows left out). */
  byScore: z.array(NoticeRow),
  /** Lowest on-time rate first (rows with nothing due left out). */
  byOnTime: z.array(NoticeRow),
});
export type NoticeLevel = z.infer<typeof NoticeLevel>;

export const Notice = z.object({
  period: EvaluationPeriod,
  /** When the notice was drawn up. */
  generatedAt: z.string(),
  /** The instant the overdue cases are judged at, ISO: the period's end once it is over, the drawing-up while it runs. */
  asOf: z.string(),
  towns: NoticeLevel,
  units: NoticeLevel,
  /** Longest overdue first. */
  overdue: z.array(OverdueCase),
  /** Every town's on-time closure rate, for the map of the PDF (and any page that draws one). */
  townRates: z.array(z.object({ code: z.string(), name: Localized, value: z.number().nullable() })),
});
export type Notice = z.infer<typeof Notice>;

export const NoticeQuery = z.object({ period: PeriodId.optional() }).strict();
export type NoticeQuery = z.infer<typeof NoticeQuery>;

export const NoticeExportQuery = z.object({ period: PeriodId.optional(), format: ReportFormat.default('pdf') }).strict();

/** 周报 every Monday 08:00 China time for the past ISO week; 月报 on the 1st, 08:00, for the past month. */
export const ReportKind = z.enum(['weekly', 'monthly']);
export type ReportKind = z.infer<typeof ReportKind>;

/** A report the server generated on schedule (or caught up at start), kept for download. */
export const ReportEntry = z.object({
  id: z.string(),
  kind: ReportKind,
  period: z.string(),
  /** The scheduled run it stands for, ISO. */
  dueAt: z.string(),
  generatedAt: z.string(),
  files: z.array(z.object({ format: ReportFormat, bytes: z.number().int().nonnegative() })),
});
export type ReportEntry = z.infer<typeof ReportEntry>;

export const ReportList = z.object({ reports: z.array(ReportEntry) });
export type ReportList = z.infer<typeof ReportList>;

export const ReportListQuery = z.object({ kind: ReportKind.optional() }).strict();
export const ReportDownloadQuery = z.object({ format: ReportFormat.default('pdf') }).strict();
