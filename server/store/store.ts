import type { CaseAction, CaseState, CaseSummary, Incident, IncidentEvent, IncidentPage, IncidentQuery, IncidentSource, IncidentStatus, ReporterContact } from '../../shared/index.js';

/** An incident ready to be stored: validated, placed in its cell and town, with its deadline. */
export interface IncidentRecord {
  id: string;
  categoryCode: string;
  lon: number;
  lat: number;
  gridCode: string;
  townCode: string;
  communityCode: string;
  source: IncidentSource;
  description: string;
  /** The reporter's contact, personal data; null when none was given. */
  reporter: ReporterContact | null;
  /** The account that reported it; null for simulated history. */
  reportedBy: { name: string; role: string } | null;
  /** Epoch milliseconds. */
  reportedAt: number;
  createdAt: number;
  deadlineAt: number;
  /** When it must be accepted (受理), the first stage's deadline. */
  stageDeadlineAt: number;
}

/** The workflow state of a past case (the store numbers the versions itself). */
export type HistoricalState = Omit<CaseState, 'version'>;

/**
 * A past incident and the steps it went through (epoch ms), for back-filling history. Each step
 * lists only what it changed in the workflow state (the case starts as reported: no team, the
 * record's deadlines) and the action that led there, logged as a `case_action` like a live one; a
 * step without an action (a source that only knew the status) is logged as `status_changed`.
 */
export interface HistoricalRecord {
  incident: IncidentRecord;
  transitions: { at: number; changes: Partial<HistoricalState>; action?: ActionRecord }[];
}

export interface IncidentPoint {
  lon: number;
  lat: number;
  reportedAt: number;
  categoryCode: string;
}

/**
 * The storage boundary. SQLite (embedded) implements it today; a PostgreSQL + PostGIS implementation
 * will fill in the same contract, which is why every method is asynchronous.
 *
 * The event log is the spine: every change to an incident appends one event with the next global
 * sequence number, in the same transaction as the change, so seqs have no gaps and the live stream
 * and the resync read one and the same history.
 */
export interface EventReader {
  read(afterSeq: number, upToSeq: number, limit: number): Promise<IncidentEvent[]>;
}

export interface IncidentStore {
  /** Stores new incidents in one transaction and returns their `created` events, in seq order. */
  appendIncidents(records: IncidentRecord[]): Promise<IncidentEvent[]>;
  /** Stores past incidents with their transitions; events are logged in time order. Returns the count. */
  importHistory(records: HistoricalRecord[]): Promise<number>;
  getIncident(id: string): Promise<Incident | undefined>;
  listIncidents(query: IncidentQuery): Promise<IncidentPage>;
  /** Location, time and category of every incident reported in [sinceMs, untilMs), for density maps. */
  incidentPoints(sinceMs: number, untilMs: number): Promise<IncidentPoint[]>;
  /** Events with afterSeq < seq ≤ upToSeq, at most `limit`, in seq order. */
  readEvents(afterSeq: number, upToSeq: number, limit: number): Promise<IncidentEvent[]>;
  /**
   * A reader for one long replay (a client catching up from far back): reads like `readEvents`, but
   * remembers the incidents it has read, so that a later chunk need not rebuild each incident from its
   * first event. Reads go forward; one that does not continue where the last ended starts afresh.
   */
  eventReader(): EventReader;
  /**
   * Applies a workflow action in one transaction: reads the case, asks `admit` whether the actor may
   * act on it at all (it throws to refuse; before the version, so a refused actor learns nothing of
   * it), refuses a stale `expectedVersion` (VersionConflictError), asks `decide` for the next state
   * (it may throw to refuse), writes the row and appends a `case_action` event. Returns the event.
   */
  applyCaseAction(
    id: string,
    expectedVersion: number,
    at: number,
    decide: (current: Incident) => { state: CaseState; action: ActionRecord },
    admit?: (current: Incident) => void,
  ): Promise<IncidentEvent>;
  /** The open cases dispatched to a team (dispatched or being handled), earliest deadline first. */
  casesOfTeam(teamId: string): Promise<Incident[]>;
  /** The open cases whose handling or stage deadline is still ahead (for the overdue watch). */
  casesDueAfter(ms: number): Promise<Incident[]>;
  /**
   * Open cases of a category reported since `sinceMs` within about `metres` of a point (a bounding
   * box: the caller measures the true distance), oldest first: the candidates a duplicate merges into.
   */
  openCasesNear(q: { categoryCode: string; lon: number; lat: number; metres: number; sinceMs: number }): Promise<Incident[]>;
  /** The oldest cases in these statuses, oldest report first (ties by id), and how many there are in all. */
  oldestWithStatus(status: IncidentStatus[], limit: number): Promise<{ items: Incident[]; total: number }>;
  /** The board's counters at `nowMs`, with the head seq they stand at (see CaseSummary). */
  caseSummary(nowMs: number, dayStartMs: number): Promise<CaseSummary>;
  /** The duplicates merged into a case, oldest first. */
  casesMergedInto(id: string): Promise<Incident[]>;
  /** Open cases (dispatched or being handled) per team. */
  workloadByTeam(): Promise<Map<string, number>>;
  /** Every event of one incident, oldest first: its timeline. */
  timelineOf(id: string): Promise<IncidentEvent[]>;
  /** The seq of the last committed event (0 for an empty log). */
  headSeq(): Promise<number>;
  countIncidents(): Promise<number>;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  close(): Promise<void>;
}

/** What an action did, for the case's timeline. */
export interface ActionRecord {
  name: CaseAction;
  actor: string;
  role: string;
  note?: string;
  attachments?: string[];
}

export class NotFoundError extends Error {}

/** The case changed since the actor saw it: `current` is its version now. */
export class VersionConflictError extends Error {
  constructor(readonly current: number) {
    super(`The case is at version ${current} now.`);
  }
}

export class InvalidCursorError extends Error {
  constructor() {
    super('The paging cursor is malformed or from another query.');
  }
}
