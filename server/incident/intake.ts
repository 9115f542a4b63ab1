import { z } from 'zod';
import { ApplicationRequest, CaseAction, IncidentStatus, type CallNature, IsoTimestamp, MultiLineText, NewIncident, Role, SingleLineText, type Incident, type IncidentSource, type ReporterContact } from '../../shared/index.js';

/**
 * What a source of reports (the HTTP API, the simulator, later the 12345 bridge) hands to the
 * incident service. Validation, grid assignment and deadlines happen behind this interface.
 */
export interface IncidentReport {
  categoryCode: string;
  lon: number;
  lat: number;
  description?: string;
  source?: IncidentSource;
  /** ISO 8601 with offset; defaults to the time of receipt. */
  reportedAt?: string;
  /** The reporting person's contact (personal data). */
  reporter?: ReporterContact;
  /** A 12345 call's nature, kept as the start of the description (【投诉】…). */
  callNature?: CallNature;
}

/** Who took a past action and how: what a live action's timeline entry records, plus the team sent. */
export interface HistoricalAction {
  name: CaseAction;
  /** A person's name with their position (值班长 王敏), or a team's crew. */
  actor: string;
  /** A role that may take the action (ACTION_RULES[name].permission). */
  role: Role;
  note?: string;
  /** dispatch: the unit responsible sent to; dispatch or assign: the team sent, one of the roster's. */
  unitCode?: string;
  teamId?: string;
  /** apply: what the unit asked for; decide: the centre's answer; confirm: whether it was found. */
  application?: ApplicationRequest;
  decision?: 'approve' | 'deny';
  found?: boolean;
}

/** One step of a past case, in time order. */
export interface HistoricalTransition {
  /** The status after the step. */
  status: IncidentStatus;
  /** ISO 8601. */
  at: string;
  /**
   * The workflow action that caused it, logged as a `case_action`. Sources that only know the status
   * (older data files, a department outside the roster) leave it out: the step is a `status_changed`.
   */
  action?: HistoricalAction;
}

/** A past incident with the steps it went through, for back-filling history. */
export interface HistoricalIncident {
  report: IncidentReport & { reportedAt: string };
  transitions: HistoricalTransition[];
}

/**
 * The shape of a historical record from outside (a data file, another system): parse with this
 * before `importHistory`, which then checks the meaning (each action legal from the status before
 * it, taken by a role that may, naming a known team). The simulator's own records need no parsing.
 */
export const HistoricalIncidentRecord = z
  .object({
    report: NewIncident.extend({ reportedAt: IsoTimestamp }),
    transitions: z
      .array(
        z
          .object({
            status: IncidentStatus,
            at: IsoTimestamp,
            action: z
              .object({
                name: CaseAction,
                actor: SingleLineText.trim().min(1).max(100),
                role: Role,
                note: MultiLineText.max(2000).optional(),
                unitCode: SingleLineText.min(1).max(64).optional(),
                teamId: SingleLineText.min(1).max(64).optional(),
                application: ApplicationRequest.optional(),
                decision: z.enum(['approve', 'deny']).optional(),
                found: z.boolean().optional(),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .max(100),
  })
  .strict() satisfies z.ZodType<HistoricalIncident>;

/** What the history import checks besides the workflow: that teams and units sent exist and may handle the case. */
export interface HistoryChecks {
  teamExists?(teamId: string): boolean;
  unitHandles?(unitCode: string, categoryCode: string, townCode: string): boolean;
}

export interface IncidentIntake {
  /** Stores one live report; resolves with the stored incident once it is durably committed. */
  report(report: IncidentReport, reportedBy?: { name: string; role: string } | null): Promise<Incident>;
  /**
   * Stores many past incidents in one transaction; resolves with how many were stored. A record
   * whose report would be refused live, or whose steps the workflow does not allow, is skipped.
   * `teamExists` (the roster) also skips records that dispatch to a team it does not know, and
   * `unitHandles` those that dispatch to a unit that does not handle the case.
   */
  importHistory(records: Iterable<HistoricalIncident>, opts?: HistoryChecks): Promise<number>;
}
