import { z } from 'zod';
import {
  ACTION_RULES,
  applyCaseAction,
  describeCall,
  NewIncident,
  reportedCaseState,
  roleMay,
  stageOfStatus,
  WorkflowError,
  type ApplicationRequest,
  type CaseState,
  type Category,
  type GridCellProps,
  type Incident,
  type IncidentEvent,
  type WorkflowContext,
} from '../../shared/index.js';
import type { CaseClock } from '../case/caseClock.js';
import { Refusal } from '../refusal.js';
import { createGroupCommitter } from '../store/groupCommit.js';
import type { HistoricalRecord, HistoricalState, IncidentRecord, Store } from '../store/store.js';
import type { HistoricalIncident, HistoricalTransition, HistoryChecks, IncidentIntake, IncidentReport } from './intake.js';

/** What the incident service needs from the rest of the server, passed in so it can be tested alone. */
export interface IncidentServiceDeps {
  store: Pick<Store, 'incidents'>;
  categoryOf(code: string): Category | undefined;
  /** The unit grid cell holding the point, or undefined outside the city. */
  cellAt(lon: number, lat: number): GridCellProps | undefined;
  /** The deadline to accept a new report, and (for imported history) the workflow's arithmetic. */
  clock: Pick<CaseClock, 'stageDeadline' | 'contextFor'>;
  /** Called with each committed batch of events, in seq order. */
  onCommitted(events: IncidentEvent[]): void;
  now(): number;
  newId(): string;
  /** Most reports per transaction; see createGroupCommitter. */
  maxBatch?: number;
  /** A live report dated further back than this is refused (REPORT_MAX_AGE_DAYS); 30 days unless told. */
  maxReportAgeMs?: number;
}

/** Reports may carry a client clock that runs a little fast; more than this is refused. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** How far back a live report may be dated by default (REPORT_MAX_AGE_DAYS). */
export const DEFAULT_REPORT_MAX_AGE_MS = 30 * 86_400_000;

/**
 * Turns reports into stored incidents: validates them, places them in their cell and town, computes
 * the deadline, and commits them in groups. Every source (HTTP, simulator, later the 12345 bridge)
 * comes through here, so they all obey the same rules.
 */
export class IncidentService implements IncidentIntake {
  private readonly committer;

  constructor(private readonly deps: IncidentServiceDeps) {
    this.committer = createGroupCommitter<IncidentRecord, Incident>(async (records) => {
      const events = await deps.store.incidents.append(records);
      deps.onCommitted(events);
      return events.map((e) => e.incident);
    }, deps.maxBatch);
  }

  /**
   * Validates and places a report; throws a Refusal saying what is wrong with it. A live report may
   * be dated at most `maxReportAgeMs` back; the history import (`imported`) is exempt: it is the past.
   */
  prepare(input: IncidentReport, receivedAt: number, reportedBy: IncidentRecord['reportedBy'] = null, opts: { imported?: boolean } = {}): IncidentRecord {
    const parsed = NewIncident.safeParse(input);
    if (!parsed.success) {
      throw new Refusal(400, 'invalid_request', 'The incident report is not valid.', z.treeifyError(parsed.error));
    }
    const report = parsed.data;
    if (report.callNature !== undefined && report.source !== 'hotline_12345') {
      throw new Refusal(400, 'invalid_request', 'Only a 12345 call (source hotline_12345) has a call nature.', { callNature: report.callNature, source: report.source ?? null });
    }
    const category = this.deps.categoryOf(report.categoryCode);
    if (!category) {
      throw new Refusal(422, 'unknown_category', `No category has the code ${report.categoryCode}.`, {
        categoryCode: report.categoryCode,
      });
    }
    const cell = this.deps.cellAt(report.lon, report.lat);
    if (!cell) {
      throw new Refusal(422, 'outside_city', 'The location lies outside every unit grid cell of the city.', {
        lon: report.lon,
        lat: report.lat,
      });
    }
    const reportedAt = report.reportedAt === undefined ? receivedAt : Date.parse(report.reportedAt);
    if (reportedAt > receivedAt + FUTURE_TOLERANCE_MS) {
      throw new Refusal(422, 'reported_in_future', 'reportedAt lies in the future.', { reportedAt: report.reportedAt });
    }
    const maxAgeMs = this.deps.maxReportAgeMs ?? DEFAULT_REPORT_MAX_AGE_MS;
    if (!opts.imported && reportedAt < receivedAt - maxAgeMs) {
      throw new Refusal(422, 'reported_too_early', `reportedAt lies more than ${Math.round(maxAgeMs / 86_400_000)} days back.`, {
        reportedAt: report.reportedAt,
        maxAgeDays: maxAgeMs / 86_400_000,
      });
    }
    return {
      id: this.deps.newId(),
      categoryCode: category.code,
      lon: report.lon,
      lat: report.lat,
      gridCode: cell.code,
      townCode: cell.townCode,
      communityCode: cell.communityCode,
      source: report.source ?? 'inspector',
      description: report.callNature === undefined ? (report.description ?? '') : describeCall(report.callNature, report.description),
      reporter: report.reporter && (report.reporter.name || report.reporter.phone) ? report.reporter : null,
      reportedBy,
      reportedAt,
      createdAt: receivedAt,
      // Acceptance (受理) counts from when the report reached the center.
      stageDeadlineAt: this.deps.clock.stageDeadline(category, 'accept', receivedAt),
    };
  }

  /** Stores a live report, once committed; `reportedBy` is the account that sent it (kept in its record). */
  async report(input: IncidentReport, reportedBy: IncidentRecord['reportedBy'] = null): Promise<Incident> {
    const record = this.prepare(input, this.deps.now(), reportedBy);
    return this.committer.submit(record);
  }

  /**
   * Back-fills past incidents. Each step with an action goes through the same workflow as a live one
   * (shared/workflow/caseWorkflow.ts), at its own time, so the stored state (team, stage deadlines,
   * closure kind…) is what live actions would have left. Records whose report would be refused live,
   * or whose steps the workflow refuses, are skipped, not stored.
   */
  async importHistory(records: Iterable<HistoricalIncident>, opts: HistoryChecks = {}): Promise<number> {
    const accepted: HistoricalRecord[] = [];
    for (const h of records) {
      const reportedAt = Date.parse(h.report.reportedAt);
      let incident: IncidentRecord;
      try {
        incident = this.prepare(h.report, reportedAt, null, { imported: true });
      } catch (err) {
        if (err instanceof Refusal) continue;
        throw err;
      }
      const category = this.deps.categoryOf(incident.categoryCode)!;
      const transitions = this.replay(incident, category, h.transitions, opts);
      if (transitions) accepted.push({ incident, transitions });
    }
    return this.deps.store.incidents.importHistory(accepted);
  }

  /** What each past step changed, or null when the workflow would not have allowed one of them. */
  private replay(incident: IncidentRecord, category: Category, steps: readonly HistoricalTransition[], checks: HistoryChecks): HistoricalRecord['transitions'] | null {
    const { teamExists, unitHandles } = checks;
    const clock = this.deps.clock;
    let state: CaseState = reportedCaseState(incident);
    const ctx: WorkflowContext = clock.contextFor(category, 0);
    const out: HistoricalRecord['transitions'] = [];
    for (const step of steps) {
      const at = Date.parse(step.at);
      const a = step.action;
      let next: CaseState;
      if (!a) {
        // Only the status is known: nothing to check it against, the rest of the state stays.
        const stage = stageOfStatus(step.status);
        next = {
          ...state,
          status: step.status,
          stageDeadlineAt: stage === null || stage === 'handle' ? null : clock.stageDeadline(category, stage, at),
          closedAt: step.status === 'closed' ? at : state.closedAt,
        };
        out.push({ at, changes: changesBetween(state, next) });
        state = next;
        continue;
      }
      if (!roleMay(a.role, ACTION_RULES[a.name].permission)) return null;
      if (a.teamId !== undefined && teamExists && !teamExists(a.teamId)) return null;
      // A past dispatch went to a unit that handles the case, as a live one must (a town only within its bounds).
      if (a.unitCode !== undefined && unitHandles && !unitHandles(a.unitCode, incident.categoryCode, incident.townCode)) return null;
      ctx.now = at;
      try {
        next = applyCaseAction(state, { action: a.name, teamId: a.teamId, unitCode: a.unitCode, note: a.note, ...historicalDetails(a) }, ctx);
      } catch (err) {
        if (err instanceof WorkflowError) return null;
        throw err;
      }
      // A record that says one status but whose action leads to another contradicts itself.
      if (next.status !== step.status) return null;
      // The team sent is in the state (teamId), not in the action's record.
      // The unit and team sent are in the state, not in the action's record; what was applied for, decided or found is in both.
      const action = { name: a.name, actor: a.actor, role: a.role, ...(a.note ? { note: a.note } : {}), ...historicalDetails(a) };
      out.push({ at, changes: changesBetween(state, next), action });
      state = next;
    }
    return out;
  }

  /** Resolves once every report handed in so far is committed; used at shutdown. */
  drain(): Promise<void> {
    return this.committer.drain();
  }
}

/** What an application or a decision in a past step asked for or decided. */
function historicalDetails(a: HistoricalTransition['action'] & object): { application?: ApplicationRequest; decision?: 'approve' | 'deny'; found?: boolean } {
  return {
    ...(a.application ? { application: a.application } : {}),
    ...(a.decision ? { decision: a.decision } : {}),
    ...(a.found !== undefined ? { found: a.found } : {}),
  };
}

/**
 * The workflow fields that differ between two states, as the store logs a past step. Spelled out
 * rather than looped over keys: it runs about a million times per import.
 */
function changesBetween(prev: CaseState, next: CaseState): Partial<HistoricalState> {
  const c: Partial<HistoricalState> = {};
  if (next.status !== prev.status) c.status = next.status;
  if (next.closedAt !== prev.closedAt) c.closedAt = next.closedAt;
  if (next.deadlineAt !== prev.deadlineAt) c.deadlineAt = next.deadlineAt;
  if (next.closeDeadlineAt !== prev.closeDeadlineAt) c.closeDeadlineAt = next.closeDeadlineAt;
  if (next.unitCode !== prev.unitCode) c.unitCode = next.unitCode;
  if (next.application !== prev.application) c.application = next.application;
  if (next.confirmedAt !== prev.confirmedAt) c.confirmedAt = next.confirmedAt;
  if (next.teamId !== prev.teamId) c.teamId = next.teamId;
  if (next.urgeCount !== prev.urgeCount) c.urgeCount = next.urgeCount;
  if (next.reworkCount !== prev.reworkCount) c.reworkCount = next.reworkCount;
  if (next.suspendedFrom !== prev.suspendedFrom) c.suspendedFrom = next.suspendedFrom;
  if (next.closureKind !== prev.closureKind) c.closureKind = next.closureKind;
  if (next.arrivedAt !== prev.arrivedAt) c.arrivedAt = next.arrivedAt;
  if (next.stageDeadlineAt !== prev.stageDeadlineAt) c.stageDeadlineAt = next.stageDeadlineAt;
  if (next.mergedInto !== prev.mergedInto) c.mergedInto = next.mergedInto;
  return c;
}
