import { z } from 'zod';
import { ApplicationKind, ApplicationRequest, CaseAction, ClosureKind } from '../workflow/caseWorkflow.js';
import { IsoTimestamp, Latitude, Longitude, MultiLineText, SingleLineText } from './common.js';

/** Where a report came from (信息来源). */
export const IncidentSource = z.enum(['inspector', 'hotline_12345', 'citizen_app', 'sensor', 'video_ai']);
export type IncidentSource = z.infer<typeof IncidentSource>;

/**
 * The states of the case loop (GB/T 30428): reported 上报 → accepted 受理 / rejected 不予受理 →
 * registered 立案 → dispatched 派遣 → handling 处置 → handled 待核查 → verified 核查 → closed 结案,
 * and suspended 挂账. The transitions themselves live in the workflow module.
 */
export const IncidentStatus = z.enum([
  'reported',
  'accepted',
  'rejected',
  'registered',
  'dispatched',
  'handling',
  'handled',
  'verified',
  'closed',
  'suspended',
]);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

/** Statuses after which a case no longer needs anyone's work. */
export const TERMINAL_STATUSES: readonly IncidentStatus[] = ['rejected', 'closed'];

/**
 * Who reported it, when a person did (a 12345 caller, an app user): personal data, shown only to the
 * roles allowed to read it (`personal.read`) and redacted for everyone else, in the API and the stream.
 */
export const ReporterContact = z
  .object({
    name: SingleLineText.trim().min(1).max(50).optional(),
    phone: z.string().regex(/^\+?[0-9][0-9 -]{2,19}$/, 'digits, spaces, dashes, an optional leading +').optional(),
  })
  .strict();
export type ReporterContact = z.infer<typeof ReporterContact>;

/**
 * The nature of a 12345 call (来电性质), recorded at intake: a request for help 求助, a complaint 投诉,
 * an enquiry 咨询, a suggestion 建议, thanks 表扬. Only a `hotline_12345` report carries one. It is
 * kept as the start of the description (`【投诉】…`, see `describeCall`), not as a field of the case.
 */
export const CallNature = z.enum(['request', 'complaint', 'enquiry', 'suggestion', 'thanks']);
export type CallNature = z.infer<typeof CallNature>;
export const CALL_NATURE_ZH: Record<CallNature, string> = { request: '求助', complaint: '投诉', enquiry: '咨询', suggestion: '建议', thanks: '表扬' };

/** A call's description as stored: its nature in 【】 first, then what the caller said (`【投诉】路灯不亮`). */
export function describeCall(nature: CallNature, description = ''): string {
  return `【${CALL_NATURE_ZH[nature]}】${description}`;
}

/** The body of `POST /api/incidents`. Unknown keys are refused so that typos are not silently lost. */
export const NewIncident = z
  .object({
    categoryCode: SingleLineText.min(1).max(16),
    lon: Longitude,
    lat: Latitude,
    description: MultiLineText.max(2000).optional(),
    source: IncidentSource.optional(),
    reportedAt: IsoTimestamp.optional(),
    reporter: ReporterContact.optional(),
    /** A 12345 call's nature; only with `source: 'hotline_12345'` (else 400). */
    callNature: CallNature.optional(),
  })
  .strict();
export type NewIncident = z.infer<typeof NewIncident>;

export const Incident = z.object({
  id: z.string(),
  /** The sequence number of the latest event that changed this incident. */
  seq: z.number().int().positive(),
  version: z.number().int().positive(),
  categoryCode: z.string(),
  lon: Longitude,
  lat: Latitude,
  gridCode: z.string().regex(/^\d{15}$/),
  townCode: z.string(),
  communityCode: z.string(),
  status: IncidentStatus,
  source: IncidentSource,
  description: z.string(),
  reportedAt: IsoTimestamp,
  createdAt: IsoTimestamp,
  updatedAt: IsoTimestamp,
  /** The handling deadline (处置时限): from the dispatch to the unit; null before dispatch. */
  deadlineAt: IsoTimestamp.nullable(),
  /** The closure deadline (结案时限): from registration; null before. */
  closeDeadlineAt: IsoTimestamp.nullable(),
  closedAt: IsoTimestamp.nullable(),
  /** null when no person is on record, or when the reader may not see personal data (then `reporterRedacted`). */
  reporter: ReporterContact.nullable(),
  /** True when a reporter is on record but withheld from this reader. */
  reporterRedacted: z.boolean().optional(),
  /** The account that reported it (a user or a machine's token), null for simulated history. */
  reportedBy: z.object({ name: z.string(), role: z.string() }).nullable(),
  // The workflow's state (shared/workflow/caseWorkflow.ts).
  /** The unit responsible it is dispatched to (a department's code, or a town's). */
  unitCode: z.string().nullable(),
  /** The crew it is dispatched to; null while it waits at the unit's desk. */
  teamId: z.string().nullable(),
  /** The unit's application waiting for the centre's decision (申请延期 / 挂账 / 回退). */
  application: z
    .object({ kind: ApplicationKind, extendHours: z.number().nullable(), reason: z.string(), by: z.string(), at: IsoTimestamp })
    .nullable(),
  /** When an inspector confirmed (核实) the report as real. */
  confirmedAt: IsoTimestamp.nullable(),
  urgeCount: z.number().int().nonnegative(),
  reworkCount: z.number().int().nonnegative(),
  suspendedFrom: IncidentStatus.nullable(),
  closureKind: ClosureKind.nullable(),
  arrivedAt: IsoTimestamp.nullable(),
  /**
   * When the current stage (accept, register, dispatch, verify, close) must be done; null while it is
   * being handled (`deadlineAt` applies) and once closed. See workflow/caseStages.ts.
   */
  stageDeadlineAt: IsoTimestamp.nullable(),
  /** A duplicate merged into another case: that case's id. */
  mergedInto: z.string().nullable(),
  /**
   * The case's short number a caller can quote (WJ-20261206-0042: the district's prefix, the day it
   * was registered in China time, its place that day). Null only in events logged before numbers existed.
   */
  number: z.string().nullable(),
  /** The last callback (回访) to a public reporter after closure, or null. */
  callback: z
    .object({ reached: z.boolean(), satisfaction: z.enum(['satisfied', 'basically_satisfied', 'not_satisfied']).nullable(), at: IsoTimestamp })
    .nullable(),
});
export type Incident = z.infer<typeof Incident>;

/** `case_action`: a workflow action taken through the API, with who took it (`action`). */
export const IncidentEventKind = z.enum(['created', 'status_changed', 'case_action']);
export type IncidentEventKind = z.infer<typeof IncidentEventKind>;

/** One entry of the append-only event log, as the live stream carries it. */
export const IncidentEvent = z.object({
  seq: z.number().int().positive(),
  kind: IncidentEventKind,
  /** For `case_action`: what was done, by whom, from which state to which, and why. */
  action: z
    .object({
      name: CaseAction,
      actor: z.string(),
      role: z.string(),
      from: IncidentStatus,
      to: IncidentStatus,
      note: z.string().optional(),
      /** Photo ids, served by `GET /api/photos/:id`. */
      attachments: z.array(z.string()).optional(),
      /** apply: what the unit asked for (申请延期 / 挂账 / 回退); decide: the centre's answer; confirm (核实): whether it was found. */
      application: ApplicationRequest.optional(),
      decision: z.enum(['approve', 'deny']).optional(),
      found: z.boolean().optional(),
    })
    .optional(),
  at: IsoTimestamp,
  incident: Incident,
});
export type IncidentEvent = z.infer<typeof IncidentEvent>;

/** Query string of `GET /api/incidents`. */
export const IncidentQuery = z
  .object({
    bbox: z
      .string()
      .transform((s) => s.split(',').map(Number))
      .pipe(z.tuple([Longitude, Latitude, Longitude, Latitude]))
      .optional(),
    status: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(IncidentStatus))
      .optional(),
    category: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(SingleLineText.min(1).max(16)))
      .optional(),
    town: SingleLineText.max(32).optional(),
    /** The unit responsible (a unit desk reads only its own, whatever it asks). */
    unit: SingleLineText.max(64).optional(),
    since: IsoTimestamp.optional(),
    until: IsoTimestamp.optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(500),
    cursor: SingleLineText.max(200).optional(),
    /** A case number, or the start of one (`WJ-20261206` for that day's cases). */
    number: z.string().regex(/^[A-Z]{1,4}(-\d{0,8}(-\d{0,6})?)?$/, 'a case number such as WJ-20261206-0042, or its start').optional(),
  })
  .strict();
export type IncidentQuery = z.infer<typeof IncidentQuery>;

export const IncidentPage = z.object({
  items: z.array(Incident),
  nextCursor: z.string().nullable(),
});
export type IncidentPage = z.infer<typeof IncidentPage>;

/** The time windows the maps and charts offer. */
export const TimeWindow = z.enum(['24h', '7d', '30d', '90d']);
export type TimeWindow = z.infer<typeof TimeWindow>;
export const TIME_WINDOW_MS: Record<TimeWindow, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
};

/**
 * Every incident of a window as parallel arrays, for density layers: compact on the wire and ready
 * to become typed arrays on the client. `cell` is the index of the unit grid cell in the grid layer.
 */
export const IncidentPoints = z.object({
  window: TimeWindow,
  since: IsoTimestamp,
  count: z.number().int().nonnegative(),
  lon: z.array(z.number()),
  lat: z.array(z.number()),
  /** Seconds since `since`. */
  t: z.array(z.number().int()),
  /** One letter per incident: C (component) or E (event). */
  family: z.string(),
  cell: z.array(z.number().int()),
});
export type IncidentPoints = z.infer<typeof IncidentPoints>;
