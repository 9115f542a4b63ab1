import { incidentH3 } from '../../../shared/index.js';
import type { CaseState, Incident, IncidentEvent, IncidentEventKind, IncidentStatus, ReporterContact } from '../../../shared/index.js';
import type { ActionRecord, IncidentRecord, LoggedDelta } from '../store.js';

/**
 * One codec for an incident in SQLite: the row of the `incidents` table, the `created` event's
 * snapshot, the later events' patches, and the wire record. Inside the store a case is a
 * `StoredCase`, its times in epoch ms; ISO strings are made once, at the edge (`toIncident`).
 */

/** An incident as the store keeps it: the report's facts and the case's workflow state, times in epoch ms. */
export type StoredCase = Omit<IncidentRecord, 'stageDeadlineAt'> & CaseState & { seq: number; updatedAt: number; number: string | null };

export interface IncidentRow {
  rid?: number;
  id: string;
  seq: number;
  version: number;
  category_code: string;
  lon: number;
  lat: number;
  grid_code: string;
  town_code: string;
  community_code: string;
  status: string;
  source: string;
  description: string;
  reported_at: number;
  created_at: number;
  updated_at: number;
  deadline_at: number | null;
  close_deadline_at: number | null;
  unit_code: string | null;
  application: string | null;
  confirmed_at: number | null;
  closed_at: number | null;
  reporter: string | null;
  reported_by: string | null;
  team_id: string | null;
  urge_count: number;
  rework_count: number;
  suspended_from: string | null;
  closure_kind: string | null;
  arrived_at: number | null;
  stage_deadline_at: number | null;
  merged_into: string | null;
  callback: string | null;
  number: string | null;
}

export interface EventRow {
  seq: number;
  incident_rid: number;
  kind: string;
  at: number;
  payload: string;
}

/** The columns of `incidents` written for a case, in the order `rowValues` gives them. */
const COLUMNS = [
  'id', 'seq', 'version', 'category_code', 'lon', 'lat', 'grid_code', 'town_code', 'community_code', 'status', 'source',
  'description', 'reported_at', 'created_at', 'updated_at', 'deadline_at', 'closed_at', 'reporter', 'reported_by',
  'stage_deadline_at', 'team_id', 'urge_count', 'rework_count', 'suspended_from', 'closure_kind', 'arrived_at', 'merged_into',
  'callback', 'number', 'close_deadline_at', 'unit_code', 'application', 'confirmed_at', 'h3_8',
] as const;

export const INSERT_INCIDENT_SQL = `INSERT INTO incidents (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;

/** Positional values for INSERT_INCIDENT_SQL (positional: binding is several times faster than named, over 100,000 rows). */
export function rowValues(c: StoredCase): unknown[] {
  return [
    c.id, c.seq, c.version, c.categoryCode, c.lon, c.lat, c.gridCode, c.townCode, c.communityCode, c.status, c.source,
    c.description, c.reportedAt, c.createdAt, c.updatedAt, c.deadlineAt, c.closedAt,
    c.reporter ? JSON.stringify(c.reporter) : null, c.reportedBy ? JSON.stringify(c.reportedBy) : null,
    c.stageDeadlineAt, c.teamId, c.urgeCount, c.reworkCount, c.suspendedFrom, c.closureKind, c.arrivedAt, c.mergedInto,
    c.callback ? JSON.stringify(c.callback) : null, c.number, c.closeDeadlineAt, c.unitCode,
    c.application ? JSON.stringify(c.application) : null, c.confirmedAt, incidentH3(c.lon, c.lat),
  ];
}

/** The columns a workflow step changes; the rest of a row never changes after the report. */
const MUTABLE = COLUMNS.slice(1).filter((c) => !['category_code', 'lon', 'lat', 'grid_code', 'town_code', 'community_code', 'source', 'description', 'reported_at', 'created_at', 'reporter', 'reported_by', 'number', 'h3_8'].includes(c));
export const UPDATE_CASE_SQL = `UPDATE incidents SET ${MUTABLE.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;

/** Values for UPDATE_CASE_SQL. */
export function updateValues(c: StoredCase): unknown[] {
  return [
    c.seq, c.version, c.status, c.updatedAt, c.deadlineAt, c.closedAt, c.stageDeadlineAt, c.teamId, c.urgeCount,
    c.reworkCount, c.suspendedFrom, c.closureKind, c.arrivedAt, c.mergedInto, c.callback ? JSON.stringify(c.callback) : null,
    c.closeDeadlineAt, c.unitCode, c.application ? JSON.stringify(c.application) : null, c.confirmedAt, c.id,
  ];
}

export function caseFromRow(r: IncidentRow): StoredCase {
  return {
    id: r.id,
    seq: r.seq,
    version: r.version,
    categoryCode: r.category_code,
    lon: r.lon,
    lat: r.lat,
    gridCode: r.grid_code,
    townCode: r.town_code,
    communityCode: r.community_code,
    status: r.status as IncidentStatus,
    source: r.source as Incident['source'],
    description: r.description,
    reportedAt: r.reported_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deadlineAt: r.deadline_at,
    closedAt: r.closed_at,
    reporter: r.reporter === null ? null : (JSON.parse(r.reporter) as ReporterContact),
    reportedBy: r.reported_by === null ? null : (JSON.parse(r.reported_by) as IncidentRecord['reportedBy']),
    teamId: r.team_id,
    urgeCount: r.urge_count,
    reworkCount: r.rework_count,
    suspendedFrom: r.suspended_from as IncidentStatus | null,
    closureKind: r.closure_kind as CaseState['closureKind'],
    arrivedAt: r.arrived_at,
    stageDeadlineAt: r.stage_deadline_at,
    mergedInto: r.merged_into,
    callback: r.callback === null ? null : (JSON.parse(r.callback) as CaseState['callback']),
    number: r.number,
    closeDeadlineAt: r.close_deadline_at,
    unitCode: r.unit_code,
    application: r.application === null ? null : (JSON.parse(r.application) as CaseState['application']),
    confirmedAt: r.confirmed_at,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** The wire record: the one place the store turns epoch ms into ISO strings. */
export function toIncident(c: StoredCase): Incident {
  return {
    id: c.id,
    seq: c.seq,
    version: c.version,
    categoryCode: c.categoryCode,
    lon: c.lon,
    lat: c.lat,
    gridCode: c.gridCode,
    townCode: c.townCode,
    communityCode: c.communityCode,
    status: c.status,
    source: c.source,
    description: c.description,
    reportedAt: iso(c.reportedAt),
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    deadlineAt: isoOrNull(c.deadlineAt),
    closeDeadlineAt: isoOrNull(c.closeDeadlineAt),
    closedAt: isoOrNull(c.closedAt),
    reporter: c.reporter,
    reportedBy: c.reportedBy,
    unitCode: c.unitCode,
    teamId: c.teamId,
    application: c.application && { ...c.application, at: iso(c.application.at) },
    confirmedAt: isoOrNull(c.confirmedAt),
    urgeCount: c.urgeCount,
    reworkCount: c.reworkCount,
    suspendedFrom: c.suspendedFrom,
    closureKind: c.closureKind,
    arrivedAt: isoOrNull(c.arrivedAt),
    stageDeadlineAt: isoOrNull(c.stageDeadlineAt),
    mergedInto: c.mergedInto,
    number: c.number,
    callback: c.callback && { reached: c.callback.reached, satisfaction: c.callback.satisfaction, at: iso(c.callback.at) },
  };
}

/** A case as reported: the record with its workflow state fresh (no unit or team, only the acceptance clock). */
export function reportedCase(rec: IncidentRecord, seq: number): StoredCase {
  // One literal, not a spread of the record: the history import makes over 100,000 of these, and a
  // spread costs several times as much (and as much again in garbage).
  return {
    id: rec.id, seq, version: 1, categoryCode: rec.categoryCode, lon: rec.lon, lat: rec.lat, gridCode: rec.gridCode,
    townCode: rec.townCode, communityCode: rec.communityCode, status: 'reported', source: rec.source,
    description: rec.description, reportedAt: rec.reportedAt, createdAt: rec.createdAt, updatedAt: rec.createdAt,
    deadlineAt: null, closeDeadlineAt: null, closedAt: null, reporter: rec.reporter, reportedBy: rec.reportedBy,
    stageDeadlineAt: rec.stageDeadlineAt, unitCode: null, teamId: null, application: null, confirmedAt: null, urgeCount: 0,
    reworkCount: 0, suspendedFrom: null, closureKind: null, arrivedAt: null, mergedInto: null, callback: null, number: null,
  };
}

/**
 * The `created` event's payload: the case as reported, as a positional array with epoch-ms times
 * (the log holds a snapshot per incident; this halves it on disk). Entries written before schema
 * versions 2, 3 and 6 end before the reporter, the account and the stage deadline.
 */
type PackedCase = [
  string, number, number, string, number, number, string, string, string, string, string, string,
  // deadlineAt: a number in entries written before schema version 13 (it ran from the report), null since.
  number, number, number, number | null, number | null,
  (ReporterContact | null)?,
  (IncidentRecord['reportedBy'] | null)?,
  (number | null)?,
  // Added in schema version 11.
  (string | null)?,
];

export function packCreated(c: StoredCase): string {
  const packed: PackedCase = [
    c.id, c.seq, c.version, c.categoryCode, c.lon, c.lat, c.gridCode, c.townCode, c.communityCode, c.status,
    c.source, c.description, c.reportedAt, c.createdAt, c.updatedAt, c.deadlineAt, c.closedAt, c.reporter, c.reportedBy,
    c.stageDeadlineAt, c.number,
  ];
  return JSON.stringify(packed);
}

export function unpackCreated(text: string): StoredCase {
  const [id, seq, version, categoryCode, lon, lat, gridCode, townCode, communityCode, status, source, description,
    reportedAt, createdAt, updatedAt, deadlineAt, closedAt, reporter, reportedBy, stageDeadlineAt, number] = JSON.parse(text) as PackedCase;
  return {
    id, seq, version, categoryCode, lon, lat, gridCode, townCode, communityCode,
    status: status as IncidentStatus,
    source: source as Incident['source'],
    description, reportedAt, createdAt, updatedAt, deadlineAt, closedAt,
    reporter: reporter ?? null,
    reportedBy: reportedBy ?? null,
    // A created event is a new case: its workflow state starts fresh.
    unitCode: null, closeDeadlineAt: null, application: null, confirmedAt: null,
    teamId: null, urgeCount: 0, reworkCount: 0, suspendedFrom: null, closureKind: null, arrivedAt: null, mergedInto: null,
    callback: null,
    stageDeadlineAt: stageDeadlineAt ?? null,
    number: number ?? null,
  };
}

/**
 * Events after `created` store only what changed (a patch of the workflow state, times in epoch ms):
 * a case goes through about eight steps, and repeating its whole record at each would make the log
 * several times larger. Readers rebuild the case by folding the patches onto the snapshot. seq,
 * version and updatedAt are not in a patch: they follow from the event row itself.
 */
export type Patch = Partial<Omit<CaseState, 'version'>> & { action?: ActionRecord };

/** A patch of these changes and the action that made them; fields left undefined are left out of the JSON. */
export function packPatch(changes: Partial<Omit<CaseState, 'version'>>, action: ActionRecord | undefined): string {
  // One literal shape for every step: the import writes about a million of them.
  const patch: Patch = {
    status: changes.status, closedAt: changes.closedAt, deadlineAt: changes.deadlineAt, teamId: changes.teamId,
    urgeCount: changes.urgeCount, reworkCount: changes.reworkCount, suspendedFrom: changes.suspendedFrom,
    closureKind: changes.closureKind, arrivedAt: changes.arrivedAt, stageDeadlineAt: changes.stageDeadlineAt,
    mergedInto: changes.mergedInto, callback: changes.callback, closeDeadlineAt: changes.closeDeadlineAt,
    unitCode: changes.unitCode, application: changes.application, confirmedAt: changes.confirmedAt, action,
  };
  return JSON.stringify(patch);
}

const pick = <T>(v: T | undefined, was: T): T => (v === undefined ? was : v);

export function applyPatch(prev: StoredCase, patch: Patch, row: { seq: number; at: number }): StoredCase {
  return {
    ...prev,
    seq: row.seq,
    version: prev.version + 1,
    updatedAt: row.at,
    status: pick(patch.status, prev.status),
    closedAt: pick(patch.closedAt, prev.closedAt),
    deadlineAt: pick(patch.deadlineAt, prev.deadlineAt),
    teamId: pick(patch.teamId, prev.teamId),
    urgeCount: pick(patch.urgeCount, prev.urgeCount),
    reworkCount: pick(patch.reworkCount, prev.reworkCount),
    suspendedFrom: pick(patch.suspendedFrom, prev.suspendedFrom),
    closureKind: pick(patch.closureKind, prev.closureKind),
    arrivedAt: pick(patch.arrivedAt, prev.arrivedAt),
    stageDeadlineAt: pick(patch.stageDeadlineAt, prev.stageDeadlineAt),
    mergedInto: pick(patch.mergedInto, prev.mergedInto),
    callback: pick(patch.callback, prev.callback),
    closeDeadlineAt: pick(patch.closeDeadlineAt, prev.closeDeadlineAt),
    unitCode: pick(patch.unitCode, prev.unitCode),
    application: pick(patch.application, prev.application),
    confirmedAt: pick(patch.confirmedAt, prev.confirmedAt),
  };
}

/**
 * An event row read back as the case after it and the action it logged, without a wire event;
 * `inPlace` patches `before` itself (a fold that keeps nothing of the case before).
 */
export function decodeChange(r: EventRow, before: StoredCase | undefined, inPlace = false): { after: StoredCase; action: ActionRecord | null } {
  if (r.kind === 'created') return { after: unpackCreated(r.payload), action: null };
  if (!before) throw new Error(`event ${r.seq} patches an incident whose earlier events were not read`);
  const patch = JSON.parse(r.payload) as Patch;
  if (!inPlace) return { after: applyPatch(before, patch, r), action: patch.action ?? null };
  // The JSON holds only the fields that changed (undefined ones were left out when it was written).
  const target = before as unknown as Record<string, unknown>;
  for (const k in patch) if (k !== 'action') target[k] = (patch as Record<string, unknown>)[k];
  const action = patch.action;
  before.seq = r.seq;
  before.version += 1;
  before.updatedAt = r.at;
  return { after: before, action: action ?? null };
}

/** An event row read back as a delta: the snapshot of a `created`, else the patch as stored, nothing folded. */
export function decodeDelta(seq: number, incident: number, kind: LoggedDelta['kind'], at: number, payload: string): LoggedDelta {
  if (kind === 'created') return { seq, incident, kind, at, created: unpackCreated(payload), changes: null, action: null };
  const patch = JSON.parse(payload) as Patch;
  return { seq, incident, kind, at, created: null, changes: patch, action: patch.action ?? null };
}

/** The case after an event: the snapshot of a `created`, or the patch folded onto the case before it. */
export function caseAfter(r: EventRow, before: StoredCase | undefined): StoredCase {
  return decodeEvent(r, before, false).after;
}

/**
 * An event row read back: the case after it and, unless only the case is wanted, the event as the
 * stream carries it (a case_action names what was done, by whom, from which status to which).
 */
export function decodeEvent(r: EventRow, before: StoredCase | undefined, withEvent = true): { after: StoredCase; event: IncidentEvent | null } {
  let after: StoredCase;
  let patch: Patch | null = null;
  if (r.kind === 'created') after = unpackCreated(r.payload);
  else {
    if (!before) throw new Error(`event ${r.seq} patches an incident whose earlier events were not read`);
    patch = JSON.parse(r.payload) as Patch;
    after = applyPatch(before, patch, r);
  }
  if (!withEvent) return { after, event: null };
  const incident = toIncident(after);
  const event: IncidentEvent = { seq: r.seq, kind: r.kind as IncidentEventKind, at: iso(r.at), incident };
  if (r.kind === 'case_action' && patch?.action) event.action = { ...patch.action, from: before?.status ?? incident.status, to: incident.status };
  return { after, event };
}
