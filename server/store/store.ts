import type { ApplicationRequest, AssignmentScope, CaseAction, CaseState, CaseSummary, Incident, IncidentEvent, IncidentPage, IncidentQuery, IncidentSource, IncidentStatus, ReporterContact, ResponsibilityPerson, ResponsibilityRole, Shift, TeamStatus } from '../../shared/index.js';
import type { AuditRepository, AuthRepository } from './authStore.js';
import type { CampaignRepository } from './campaignStore.js';
export type { CampaignRepository, StoredCampaign, StoredCampaignMeasure } from './campaignStore.js';
import type { AssessmentRepository } from './assessmentStore.js';
import type { ReportRepository } from './reportStore.js';
export type { ReportRepository, StoredReport } from './reportStore.js';
import type { LocalizedName, SiteGeometry, SiteKind, SiteStatus } from '../../shared/index.js';

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
  source: string;
  townCode: string;
  gridCode: string;
  /** The H3 cell at resolution 8, stored at ingest. */
  h3: string;
}

export interface EventReader {
  read(afterSeq: number, upToSeq: number, limit: number): Promise<IncidentEvent[]>;
}

/** A case as the store keeps it, times in epoch ms (no wire strings). */
export type LoggedCase = Omit<IncidentRecord, 'stageDeadlineAt'> & CaseState;

/** One event of the log as the store keeps it: the case after it and, for an action, who did what. */
export interface LoggedChange {
  seq: number;
  kind: 'created' | 'status_changed' | 'case_action';
  at: number;
  action: (ActionRecord & { from: IncidentStatus; to: IncidentStatus }) | null;
  case: LoggedCase;
}

/**
 * Reads the whole log forward in chunks without making wire events (no ISO strings, no copy of the
 * case per event): for services that fold every event once at start (the evaluation's per-case facts).
 */
export interface LogReader {
  /**
   * Visits the events with afterSeq < seq ≤ upToSeq, at most `limit`, in seq order, and resolves with
   * the last seq visited (afterSeq when none). The change and its case are the reader's own, patched
   * in place by the next event of the case: read them during the call, keep only what you copy.
   */
  read(afterSeq: number, upToSeq: number, limit: number, visit: (change: LoggedChange) => void): Promise<number>;
}

/**
 * One event of the log as stored, the case not rebuilt: at `created` the case as reported, after it
 * only the fields the event changed. For a fold that keeps each case's state itself (the evaluation's
 * facts): it need not have the store rebuild every case at every event.
 */
export interface LoggedDelta {
  seq: number;
  /** The store's own number of the incident, the same at every event of it (not its id). */
  incident: number;
  kind: LoggedChange['kind'];
  at: number;
  /** The case as reported; null after `created`. */
  created: LoggedCase | null;
  /** The fields of the case the event changed (a field left out is unchanged); null at `created`. */
  changes: Partial<CaseState> | null;
  action: ActionRecord | null;
}

/** Reads the log forward like a LogReader, as deltas; the delta and what it holds are fresh for each event. */
export interface DeltaReader {
  read(afterSeq: number, upToSeq: number, limit: number, visit: (delta: LoggedDelta) => void): Promise<number>;
}

/**
 * Incidents and their event log. The event log is the spine: every change to an incident appends one
 * event with the next global sequence number, in the same transaction as the change, so seqs have no
 * gaps and the live stream and the resync read one and the same history.
 */
export interface IncidentRepository {
  /** Stores new incidents and returns their `created` events, in seq order. */
  append(records: IncidentRecord[]): Promise<IncidentEvent[]>;
  /**
   * Stores past incidents with their transitions through the same rows and codec as `append`; the
   * events are logged in time order, not record by record. Returns the count.
   */
  importHistory(records: HistoricalRecord[]): Promise<number>;
  get(id: string): Promise<Incident | undefined>;
  list(query: IncidentQuery): Promise<IncidentPage>;
  /** Location, time and category of every incident reported in [sinceMs, untilMs), for density maps. */
  points(sinceMs: number, untilMs: number): Promise<IncidentPoint[]>;
  /** Events with afterSeq < seq ≤ upToSeq, at most `limit`, in seq order. */
  readEvents(afterSeq: number, upToSeq: number, limit: number): Promise<IncidentEvent[]>;
  /**
   * A reader for one long replay (a client catching up from far back): reads like `readEvents`, but
   * remembers the incidents it has read, so that a later chunk need not rebuild each incident from its
   * first event. Reads go forward; one that does not continue where the last ended starts afresh.
   */
  eventReader(): EventReader;
  /** A reader of the log as stored (LoggedChange), for folding it whole. */
  logReader(): LogReader;
  /** A reader of the log as deltas (LoggedDelta), for a fold at start that keeps the cases' state itself. */
  deltaReader(): DeltaReader;
  /** Each incident's store number (LoggedDelta's `incident`) with its id: a fold resumed from a checkpoint maps the deltas with it. */
  incidentNumbers(): Promise<[number, string][]>;
  /** Every event of one incident, oldest first: its timeline. */
  timelineOf(id: string): Promise<IncidentEvent[]>;
  count(): Promise<number>;
}

/** What the leader's board needs of a case (times in epoch ms). */
export interface BoardCase {
  townCode: string;
  status: IncidentStatus;
  /** The handling deadline (处置时限), which runs while a unit has the case. */
  deadlineAt: number | null;
  stageDeadlineAt: number | null;
  /** The closure deadline (结案时限), from registration. */
  closeDeadlineAt: number | null;
  closedAt: number | null;
}

/** Incidents as cases: the workflow's writes and the reads the desks, the fleet and the watch need. */
export interface CaseRepository {
  /**
   * Applies a workflow action: reads the case, asks `admit` whether the actor may act on it at all
   * (it throws to refuse; before the version, so a refused actor learns nothing of it), refuses a
   * stale `expectedVersion` (VersionConflictError), asks `decide` for the next state (it may throw to
   * refuse), writes the row and appends a `case_action` event. Returns the event.
   */
  applyAction(
    id: string,
    expectedVersion: number,
    at: number,
    decide: (current: Incident) => { state: CaseState; action: ActionRecord },
    admit?: (current: Incident) => void,
  ): Promise<IncidentEvent>;
  /** The open cases dispatched to a team (dispatched or being handled), earliest deadline first. */
  ofTeam(teamId: string): Promise<Incident[]>;
  /** The cases a unit has (dispatched, being handled, handled awaiting verification, suspended), earliest handling deadline first. */
  ofUnit(unitCode: string): Promise<Incident[]>;
  /** The open cases with a unit's application waiting for the centre, oldest application first. */
  withApplication(): Promise<Incident[]>;
  /**
   * Names the unit of cases dispatched before units existed (schema version 13): each gets its team's
   * unit, from the roster. Changes no event (the log keeps what was recorded); returns how many.
   */
  backfillUnits(unitOfTeam: ReadonlyMap<string, string>): Promise<number>;
  /** The open cases whose handling, stage or closure deadline is still ahead (for the overdue watch). */
  dueAfter(ms: number): Promise<Incident[]>;
  /**
   * Open cases of a category reported since `sinceMs` within about `metres` of a point (a bounding
   * box: the caller measures the true distance), oldest first: the candidates a duplicate merges into.
   */
  openNear(q: { categoryCode: string; lon: number; lat: number; metres: number; sinceMs: number }): Promise<Incident[]>;
  /**
   * The inspectors' shared queue (核实 and 核查): reports from `sources` that are reported or accepted
   * and not yet confirmed, and every handled case. Nearest to `near` first (a flat-earth distance,
   * plenty at a city's scale: the caller measures the true one), else oldest report first; ties by
   * the report's time, then id. At most `limit`.
   */
  awaitingInspection(q: { sources: readonly IncidentSource[]; near: { lon: number; lat: number } | null; limit: number }): Promise<Incident[]>;
  /** The oldest cases in these statuses, oldest report first (ties by id), and how many there are in all. */
  oldestWithStatus(status: IncidentStatus[], limit: number): Promise<{ items: Incident[]; total: number }>;
  /** The board's counters at `nowMs`, with the head seq they stand at (see CaseSummary). */
  summary(nowMs: number, dayStartMs: number): Promise<CaseSummary>;
  /**
   * The leader's board (server/board/boardSummary.ts): every open case and every case whose closure
   * deadline is at or after `closeDueSinceMs`, with only its town, status and clocks.
   */
  boardCases(closeDueSinceMs: number): Promise<BoardCase[]>;
  /** The duplicates merged into a case, oldest first. */
  mergedInto(id: string): Promise<Incident[]>;
  /** Open cases (dispatched or being handled) per team. */
  workloadByTeam(): Promise<Map<string, number>>;
}

/** One point of a team's track: where it was, when (epoch ms), in which status. */
export interface TrackPoint {
  teamId: string;
  at: number;
  lon: number;
  lat: number;
  status: TeamStatus;
}

/** A team's working hours as an admin set them. */
export interface StoredShift {
  teamId: string;
  shift: Shift;
  updatedAt: number;
  updatedBy: string;
}

/** Teams' edited shifts and their tracks. */
export interface TeamRepository {
  shifts(): Promise<StoredShift[]>;
  putShift(s: StoredShift): Promise<void>;
  /** Removes an edited shift (the default is in force again); false when there was none. */
  removeShift(teamId: string): Promise<boolean>;
  appendTrack(points: readonly TrackPoint[]): Promise<void>;
  /** A team's points in [sinceMs, untilMs), oldest first, at most `limit`. */
  track(teamId: string, sinceMs: number, untilMs: number, limit: number): Promise<TrackPoint[]>;
  /** Every team's points in [sinceMs, untilMs), team by team, each oldest first (a restart's coverage). */
  tracksBetween(sinceMs: number, untilMs: number): Promise<TrackPoint[]>;
  /** Drops every point older than `beforeMs`; returns how many. */
  pruneTracks(beforeMs: number): Promise<number>;
}

/** One point of an inspector's track: where the inspector was, when (epoch ms). */
export interface InspectorTrackPoint {
  username: string;
  at: number;
  lon: number;
  lat: number;
}

/** Inspectors' tracks (监督员轨迹), kept like teams' for the coverage of their grids. */
export interface InspectorRepository {
  /** Stores points; a second point of an inspector at the same millisecond replaces the first (a re-sent fix). */
  appendTrack(points: readonly InspectorTrackPoint[]): Promise<void>;
  /** An inspector's points in [sinceMs, untilMs), oldest first, at most `limit`. */
  track(username: string, sinceMs: number, untilMs: number, limit: number): Promise<InspectorTrackPoint[]>;
  /** Every inspector's points in [sinceMs, untilMs), inspector by inspector, each oldest first (a restart's coverage). */
  tracksBetween(sinceMs: number, untilMs: number): Promise<InspectorTrackPoint[]>;
  /** Drops every point older than `beforeMs`, every inspector's; returns how many. */
  pruneTracks(beforeMs: number): Promise<number>;
}

/** A year of the working calendar as an admin edited it. */
export interface StoredCalendarYear {
  year: number;
  holidays: string[];
  adjustedWorkdays: string[];
  updatedAt: number;
  updatedBy: string;
}

export interface CalendarRepository {
  /** Every edited year, with its days sorted. */
  years(): Promise<StoredCalendarYear[]>;
  /** Replaces everything a year had. */
  putYear(y: StoredCalendarYear): Promise<void>;
}

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

/** A case photo's record (the bytes are files the photo module keeps). */
export interface StoredPhoto {
  id: string;
  caseId: string;
  contentType: PhotoType;
  bytes: number;
  file: string;
  uploadedBy: string;
  at: number;
}

export interface PhotoRepository {
  add(p: StoredPhoto): Promise<void>;
  get(id: string): Promise<StoredPhoto | undefined>;
}

/** The first answer to a write sent with an Idempotency-Key. */
export interface StoredAnswer {
  principal: string;
  key: string;
  request: string;
  status: number;
  body: string;
  at: number;
}

export interface IdempotencyRepository {
  get(principal: string, key: string): Promise<StoredAnswer | undefined>;
  /** Keeps the first answer for a key; a second is ignored. */
  put(a: StoredAnswer): Promise<void>;
  prune(beforeMs: number): Promise<number>;
}

/** A person of the responsibility roster (监督员, 网格员, 网格长), with who last changed them and when. */
export interface StoredPerson extends ResponsibilityPerson {
  updatedAt: number;
  updatedBy: string;
}

/** Which assignment: a role on a responsibility grid (`grid`, its code) or on one unit grid cell (`cell`, its 15-digit code). */
export interface AssignmentKey {
  scope: AssignmentScope;
  code: string;
  role: ResponsibilityRole;
}

/**
 * Who holds a role on a responsibility grid or a cell: a person's id, or null for nobody (a cell so
 * set answers to nobody, whatever its grid has). A cell with no assignment of its own for a role
 * inherits its grid's.
 */
export interface StoredAssignment extends AssignmentKey {
  personId: string | null;
  updatedAt: number;
  updatedBy: string;
}

/**
 * The responsibility roster and its assignments (责任网格). The store keeps what it is given: the
 * service checks that persons and codes exist before writing.
 */
export interface ResponsibilityRepository {
  /** Every person, in no particular order. */
  people(): Promise<StoredPerson[]>;
  /** Adds persons, or replaces those with the same id. */
  putPeople(people: readonly StoredPerson[]): Promise<void>;
  /** Every assignment, in no particular order. */
  assignments(): Promise<StoredAssignment[]>;
  /** Sets assignments, replacing those with the same key. */
  putAssignments(assignments: readonly StoredAssignment[]): Promise<void>;
  /** Removes assignments (a cell's: it inherits its grid's again); returns how many there were. */
  removeAssignments(keys: readonly AssignmentKey[]): Promise<number>;
}

/** Small facts about the database itself (when the history was back-filled, …). */
export interface MetaRepository {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/** A town's coverage over one local day (China time), as recorded at its end. */
export interface TownCoverageDay {
  /** Local date, YYYY-MM-DD. */
  day: string;
  townCode: string;
  /** Share of its cells patrolled at least once that day. */
  patrolled: number;
  /** Share of its area under a working camera at the day's end. */
  underCamera: number;
  /** Share of its cells with an inspector at the day's end. */
  withInspector: number;
}

/** The towns' daily coverage (migration 15), for the series of GET /api/coverage/towns. */
export interface CoverageRepository {
  /** Stores days; a day and town already stored is replaced. */
  putTownDays(rows: readonly TownCoverageDay[]): Promise<void>;
  /** The days in [fromDay, toDay] (inclusive, YYYY-MM-DD), by day then town. */
  townDays(fromDay: string, toDay: string): Promise<TownCoverageDay[]>;
}

/** A vacant lot or material yard as the registry keeps it (migration 17); times in epoch ms. */
export interface StoredSite {
  id: string;
  kind: SiteKind;
  name: LocalizedName;
  geometry: SiteGeometry;
  owner: string | null;
  areaM2: number;
  status: SiteStatus;
  treatedAt: number | null;
  townCode: string;
  updatedAt: number;
  updatedBy: string;
}

/** An audit entry about one object, oldest first (a site's status changes are read from these). */
export interface StoredAuditTrailEntry {
  at: number;
  actor: string;
  action: string;
  detail: unknown;
}

/** The registry of vacant lots and material yards (闲置地块, 堆物堆料). */
export interface SiteRepository {
  /** Every site, by id. */
  all(): Promise<StoredSite[]>;
  get(id: string): Promise<StoredSite | undefined>;
  /** Adds sites, or replaces those with the same id; all of them or none. */
  put(sites: readonly StoredSite[]): Promise<void>;
  /** The audit entries of objectType `site` about this site, oldest first. */
  auditTrail(id: string): Promise<StoredAuditTrailEntry[]>;
}

/** An area's congestion index in one 5-minute slot (slots counted from the Unix epoch). */
export interface CongestionSlotRow {
  area: string;
  slot: number;
  index: number;
}

/** The areas' congestion index every 5 minutes (migration 16), for today against last week. */
export interface CongestionRepository {
  /** Stores slots; an area's slot already stored is replaced. */
  put(rows: readonly CongestionSlotRow[]): Promise<void>;
  /** The slots in [fromSlot, toSlot), by area then slot; of the given areas only, when given. */
  between(fromSlot: number, toSlot: number, areas?: readonly string[]): Promise<CongestionSlotRow[]>;
  /** The slots in [fromSlot, toSlot) that any area has stored, ascending. */
  slotsStored(fromSlot: number, toSlot: number): Promise<number[]>;
  /** Deletes the slots before `beforeSlot`; answers how many rows went. */
  prune(beforeSlot: number): Promise<number>;
}

/** Every repository, as a transaction or the store hands them out. */
export interface Repositories {
  incidents: IncidentRepository;
  cases: CaseRepository;
  auth: AuthRepository;
  audit: AuditRepository;
  teams: TeamRepository;
  inspectors: InspectorRepository;
  calendar: CalendarRepository;
  photos: PhotoRepository;
  idempotency: IdempotencyRepository;
  meta: MetaRepository;
  responsibility: ResponsibilityRepository;
  coverage: CoverageRepository;
  congestion: CongestionRepository;
  sites: SiteRepository;
  campaigns: CampaignRepository;
  assessment: AssessmentRepository;
  reports: ReportRepository;
}

/**
 * The storage boundary: every table GridWatch keeps is behind one of these repositories, and nothing
 * outside server/store/ writes SQL. SQLite (embedded) implements it today; PostgreSQL + PostGIS will
 * fill in the same contract (tests/contract/ runs against any implementation), which is why every
 * method is asynchronous.
 *
 * Each repository call made on the store itself runs as a transaction of its own. `transaction`
 * runs several as one: the function gets repositories bound to the transaction, it commits when the
 * function resolves and rolls back when it throws; until it commits nobody else sees what it wrote.
 * Inside the function use only the repositories it is given, never the store's own.
 */
export interface Store extends Repositories {
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** The seq of the last committed event (0 for an empty log). */
  headSeq(): Promise<number>;
  close(): Promise<void>;
}

/** What an action did, for the case's timeline. */
export interface ActionRecord {
  name: CaseAction;
  actor: string;
  role: string;
  note?: string;
  attachments?: string[];
  /** apply: what the unit asked for; decide: the centre's answer; confirm: whether it was found. */
  application?: ApplicationRequest;
  decision?: 'approve' | 'deny';
  found?: boolean;
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
