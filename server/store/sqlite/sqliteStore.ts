import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { CaseState, CaseSummary, Incident, IncidentEvent, IncidentEventKind, IncidentPage, IncidentQuery, IncidentStatus, ReporterContact } from '../../../shared/index.js';
import { reportedCaseState, TERMINAL_STATUSES } from '../../../shared/index.js';
import { InvalidCursorError, NotFoundError, VersionConflictError, type ActionRecord, type HistoricalRecord, type HistoricalState, type IncidentPoint, type EventReader, type IncidentRecord, type IncidentStore } from '../store.js';
import { MIGRATIONS } from './migrations.js';
import { SqliteAuthStore } from './sqliteAuthStore.js';
import { SqliteTrackStore } from './sqliteTrackStore.js';

interface IncidentRow {
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
  deadline_at: number;
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
}

interface EventRow {
  seq: number;
  incident_rid: number;
  kind: string;
  at: number;
  payload: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

function rowToIncident(r: IncidentRow): Incident {
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
    reportedAt: iso(r.reported_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    deadlineAt: iso(r.deadline_at),
    closedAt: r.closed_at === null ? null : iso(r.closed_at),
    reporter: r.reporter === null ? null : (JSON.parse(r.reporter) as ReporterContact),
    reportedBy: r.reported_by === null ? null : (JSON.parse(r.reported_by) as Incident['reportedBy']),
    teamId: r.team_id,
    urgeCount: r.urge_count,
    reworkCount: r.rework_count,
    suspendedFrom: r.suspended_from as IncidentStatus | null,
    closureKind: r.closure_kind as Incident['closureKind'],
    arrivedAt: r.arrived_at === null ? null : iso(r.arrived_at),
    stageDeadlineAt: r.stage_deadline_at === null ? null : iso(r.stage_deadline_at),
    mergedInto: r.merged_into,
  };
}

/** A new case's workflow state, before any action. */
const FRESH_CASE = { teamId: null, urgeCount: 0, reworkCount: 0, suspendedFrom: null, closureKind: null, arrivedAt: null, mergedInto: null } as const;

interface SnapshotState {
  seq: number;
  version: number;
  status: IncidentStatus;
  updatedAt: number;
  closedAt: number | null;
  stageDeadlineAt: number | null;
}

/** The incident as it stood after one of its events: what the log records and the stream carries. */
function snapshot(rec: IncidentRecord, state: SnapshotState): Incident {
  return {
    id: rec.id,
    seq: state.seq,
    version: state.version,
    categoryCode: rec.categoryCode,
    lon: rec.lon,
    lat: rec.lat,
    gridCode: rec.gridCode,
    townCode: rec.townCode,
    communityCode: rec.communityCode,
    status: state.status,
    source: rec.source,
    description: rec.description,
    reportedAt: iso(rec.reportedAt),
    createdAt: iso(rec.createdAt),
    updatedAt: iso(state.updatedAt),
    deadlineAt: iso(rec.deadlineAt),
    closedAt: state.closedAt === null ? null : iso(state.closedAt),
    reporter: rec.reporter,
    reportedBy: rec.reportedBy,
    ...FRESH_CASE,
    stageDeadlineAt: state.stageDeadlineAt === null ? null : iso(state.stageDeadlineAt),
  };
}

/**
 * Event payloads are stored as positional arrays with epoch-ms times rather than keyed JSON with ISO
 * strings: the log holds several snapshots per incident, and this halves its size on disk.
 */
type PackedIncident = [
  string, number, number, string, number, number, string, string, string, string, string, string,
  number, number, number, number, number | null,
  // Added in schema versions 2, 3 and 6; older entries end before them.
  (ReporterContact | null)?,
  (Incident['reportedBy'] | null)?,
  (number | null)?,
];

function packIncident(i: Incident): string {
  const packed: PackedIncident = [
    i.id, i.seq, i.version, i.categoryCode, i.lon, i.lat, i.gridCode, i.townCode, i.communityCode, i.status,
    i.source, i.description, Date.parse(i.reportedAt), Date.parse(i.createdAt), Date.parse(i.updatedAt),
    Date.parse(i.deadlineAt), i.closedAt === null ? null : Date.parse(i.closedAt), i.reporter, i.reportedBy,
    i.stageDeadlineAt === null ? null : Date.parse(i.stageDeadlineAt),
  ];
  return JSON.stringify(packed);
}

/**
 * Events after `created` store only what changed (a patch of the mutable fields, times in epoch ms):
 * a case goes through about eight steps, and repeating its whole record at each would make the log
 * several times larger. Readers rebuild the full record by folding the patches onto the snapshot.
 */
interface Patch {
  status?: IncidentStatus;
  closedAt?: number | null;
  // A workflow action (case_action) writes the whole workflow state, and what was done.
  deadlineAt?: number;
  teamId?: string | null;
  urgeCount?: number;
  reworkCount?: number;
  suspendedFrom?: IncidentStatus | null;
  closureKind?: Incident['closureKind'];
  arrivedAt?: number | null;
  stageDeadlineAt?: number | null;
  mergedInto?: string | null;
  action?: ActionRecord;
}

/** seq, version and updatedAt are not stored in a patch: they follow from the event row itself. */
function applyPatch(prev: Incident, patch: Patch, row: { seq: number; at: number }): Incident {
  const time = (v: number | null | undefined, was: string | null) => (v === undefined ? was : v === null ? null : iso(v));
  return {
    ...prev,
    seq: row.seq,
    version: prev.version + 1,
    status: patch.status ?? prev.status,
    updatedAt: iso(row.at),
    closedAt: time(patch.closedAt, prev.closedAt),
    deadlineAt: patch.deadlineAt === undefined ? prev.deadlineAt : iso(patch.deadlineAt),
    teamId: patch.teamId === undefined ? prev.teamId : patch.teamId,
    urgeCount: patch.urgeCount ?? prev.urgeCount,
    reworkCount: patch.reworkCount ?? prev.reworkCount,
    suspendedFrom: patch.suspendedFrom === undefined ? prev.suspendedFrom : patch.suspendedFrom,
    closureKind: patch.closureKind === undefined ? prev.closureKind : patch.closureKind,
    arrivedAt: time(patch.arrivedAt, prev.arrivedAt),
    stageDeadlineAt: time(patch.stageDeadlineAt, prev.stageDeadlineAt),
    mergedInto: patch.mergedInto === undefined ? prev.mergedInto : patch.mergedInto,
  };
}

/**
 * A past step's patch: what it changed, and what was done. One shape for every step, because the
 * import writes about a million: the fields it did not change are undefined, which JSON leaves out,
 * so the log holds only the changes, as applyPatch reads them. (A live action logs its whole state;
 * repeating the unchanged fields at every past step would several-fold the log.)
 */
function stepPatch(c: Partial<HistoricalState>, action: ActionRecord | undefined): Patch {
  return {
    status: c.status, closedAt: c.closedAt, deadlineAt: c.deadlineAt, teamId: c.teamId, urgeCount: c.urgeCount, reworkCount: c.reworkCount,
    suspendedFrom: c.suspendedFrom, closureKind: c.closureKind, arrivedAt: c.arrivedAt, stageDeadlineAt: c.stageDeadlineAt, mergedInto: c.mergedInto,
    action,
  };
}

/** The event as the stream carries it: a case_action names what was done and by whom. */
function eventOf(r: EventRow, incident: Incident, previous: Incident | undefined): IncidentEvent {
  const event: IncidentEvent = { seq: r.seq, kind: r.kind as IncidentEventKind, at: iso(r.at), incident };
  if (r.kind === 'case_action') {
    const { action } = JSON.parse(r.payload) as Patch;
    if (action) event.action = { ...action, from: previous?.status ?? incident.status, to: incident.status };
  }
  return event;
}

function unpackIncident(text: string): Incident {
  const [id, seq, version, categoryCode, lon, lat, gridCode, townCode, communityCode, status, source, description,
    reportedAt, createdAt, updatedAt, deadlineAt, closedAt, reporter, reportedBy, stageDeadlineAt] = JSON.parse(text) as PackedIncident;
  return {
    id, seq, version, categoryCode, lon, lat, gridCode, townCode, communityCode,
    status: status as IncidentStatus,
    source: source as Incident['source'],
    description,
    reportedAt: iso(reportedAt),
    createdAt: iso(createdAt),
    updatedAt: iso(updatedAt),
    deadlineAt: iso(deadlineAt),
    closedAt: closedAt === null ? null : iso(closedAt),
    reporter: reporter ?? null,
    reportedBy: reportedBy ?? null,
    // A created event is a new case: its workflow state starts fresh.
    ...FRESH_CASE,
    stageDeadlineAt: stageDeadlineAt == null ? null : iso(stageDeadlineAt),
  };
}

function encodeCursor(reportedAt: number, id: string): string {
  return Buffer.from(JSON.stringify([reportedAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === 'string') {
      return [v[0] as number, v[1] as string];
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidCursorError();
}

/** Applies the migrations this database has not seen yet, each in its own transaction. */
function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    })();
  }
}

export class SqliteIncidentStore implements IncidentStore {
  /** The auth tables on this same connection: one writer for the file, so no lock contention. */
  authStore(): SqliteAuthStore {
    return new SqliteAuthStore(this.db);
  }

  /** The team tracks on this same connection. */
  trackStore(): SqliteTrackStore {
    return new SqliteTrackStore(this.db);
  }

  /** The connection itself, for the HTTP edge's small SQLite tables (idempotency keys, photos). */
  get connection(): Database.Database {
    return this.db;
  }

  private readonly db: Database.Database;
  /** The last committed seq; only advanced after a commit succeeds. */
  private head: number;
  private readonly stmts;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before better-sqlite3 returns, so an acknowledged incident survives
    // power loss as well as a killed process. Group commit keeps this to one fsync per batch.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    const db = this.db;
    this.stmts = {
      insertIncident: db.prepare(`INSERT INTO incidents (id, seq, version, category_code, lon, lat, grid_code, town_code,
        community_code, status, source, description, reported_at, created_at, updated_at, deadline_at, closed_at, reporter, reported_by,
        stage_deadline_at)
        VALUES (@id, @seq, @version, @categoryCode, @lon, @lat, @gridCode, @townCode, @communityCode, @status, @source,
        @description, @reportedAt, @createdAt, @updatedAt, @deadlineAt, @closedAt, @reporterJson, @reportedByJson, @stageDeadlineAt)`),
      updateCase: db.prepare(`UPDATE incidents SET seq = @seq, version = @version, status = @status, updated_at = @updatedAt,
        deadline_at = @deadlineAt, closed_at = @closedAt, team_id = @teamId, urge_count = @urgeCount, rework_count = @reworkCount,
        suspended_from = @suspendedFrom, closure_kind = @closureKind, arrived_at = @arrivedAt,
        stage_deadline_at = @stageDeadlineAt, merged_into = @mergedInto WHERE id = @id`),
      // A past case arrives with its workflow state already set (team, rework, closure kind…).
      insertHistorical: db.prepare(`INSERT INTO incidents (id, seq, version, category_code, lon, lat, grid_code, town_code,
        community_code, status, source, description, reported_at, created_at, updated_at, deadline_at, closed_at, reporter, reported_by,
        stage_deadline_at, team_id, urge_count, rework_count, suspended_from, closure_kind, arrived_at, merged_into)
        VALUES (@id, @seq, @version, @categoryCode, @lon, @lat, @gridCode, @townCode, @communityCode, @status, @source,
        @description, @reportedAt, @createdAt, @updatedAt, @deadlineAt, @closedAt, @reporterJson, @reportedByJson, @stageDeadlineAt,
        @teamId, @urgeCount, @reworkCount, @suspendedFrom, @closureKind, @arrivedAt, @mergedInto)`),
      ridOf: db.prepare('SELECT rid FROM incidents WHERE id = ?'),
      dueAfter: db.prepare(`SELECT * FROM incidents WHERE (deadline_at > @ms OR stage_deadline_at > @ms) AND status NOT IN ('closed', 'rejected', 'suspended')`),
      openNear: db.prepare(`SELECT * FROM incidents WHERE rowid IN (SELECT rid FROM incidents_rtree
        WHERE min_lon >= @w AND max_lon <= @e AND min_lat >= @s AND max_lat <= @n)
        AND category_code = @categoryCode AND reported_at >= @since AND status NOT IN ('closed', 'rejected') ORDER BY reported_at`),
      mergedInto: db.prepare(`SELECT * FROM incidents WHERE merged_into = ? ORDER BY reported_at`),
      openByStatus: db.prepare(`SELECT status, count(*) AS n FROM incidents WHERE status NOT IN ('closed', 'rejected') GROUP BY status`),
      reportedSince: db.prepare('SELECT count(*) AS n FROM incidents WHERE reported_at >= ?'),
      closedSince: db.prepare('SELECT count(*) AS n FROM incidents WHERE closed_at >= ?'),
      // stage_deadline_at is NULL while handling and once closed, so it only counts where a stage clock runs.
      overdueAt: db.prepare(`SELECT count(*) AS n FROM incidents WHERE status NOT IN ('closed', 'rejected', 'suspended')
        AND (deadline_at < @now OR stage_deadline_at < @now)`),
      workload: db.prepare(`SELECT team_id, count(*) AS n FROM incidents WHERE team_id IS NOT NULL AND status IN ('dispatched', 'handling') GROUP BY team_id`),
      casesOfTeam: db.prepare(`SELECT * FROM incidents WHERE team_id = ? AND status IN ('dispatched', 'handling') ORDER BY deadline_at, id`),
      insertRtree: db.prepare('INSERT INTO incidents_rtree (rid, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)'),
      insertEvent: db.prepare('INSERT INTO events (seq, incident_rid, kind, at, payload) VALUES (?, ?, ?, ?, ?)'),
      getIncident: db.prepare('SELECT * FROM incidents WHERE id = ?'),
      points: db.prepare(
        'SELECT lon, lat, reported_at AS reportedAt, category_code AS categoryCode FROM incidents WHERE reported_at >= ? AND reported_at < ? ORDER BY reported_at',
      ),
      readEvents: db.prepare('SELECT seq, incident_rid, kind, at, payload FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?'),
      eventsOfBefore: db.prepare('SELECT seq, incident_rid, kind, at, payload FROM events WHERE incident_rid = ? AND seq < ? ORDER BY seq'),
      headSeq: db.prepare('SELECT coalesce(max(seq), 0) AS head FROM events'),
      count: db.prepare('SELECT count(*) AS n FROM incidents'),
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
    this.head = (this.stmts.headSeq.get() as { head: number }).head;
  }

  /** Inserts the incident row and its R*-tree entry; returns its rid. */
  private insertRow(rec: IncidentRecord, state: SnapshotState): number {
    const reporterJson = rec.reporter ? JSON.stringify(rec.reporter) : null;
    const reportedByJson = rec.reportedBy ? JSON.stringify(rec.reportedBy) : null;
    const rid = Number(this.stmts.insertIncident.run({ ...rec, ...state, reporter: undefined, reportedBy: undefined, reporterJson, reportedByJson }).lastInsertRowid);
    this.stmts.insertRtree.run(rid, rec.lon, rec.lon, rec.lat, rec.lat);
    return rid;
  }

  async appendIncidents(records: IncidentRecord[]): Promise<IncidentEvent[]> {
    if (records.length === 0) return [];
    let seq = this.head;
    const events = this.db.transaction(() => {
      const out: IncidentEvent[] = [];
      for (const rec of records) {
        seq += 1;
        const state = { seq, version: 1, status: 'reported' as const, updatedAt: rec.createdAt, closedAt: null, stageDeadlineAt: rec.stageDeadlineAt };
        const rid = this.insertRow(rec, state);
        const incident = snapshot(rec, state);
        this.stmts.insertEvent.run(seq, rid, 'created', rec.createdAt, packIncident(incident));
        out.push({ seq, kind: 'created', at: incident.createdAt, incident });
      }
      return out;
    })();
    this.head = seq;
    return events;
  }

  async importHistory(records: HistoricalRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    // Log the past in the order it happened, not record by record, so that a client replaying the
    // log sees the city evolve in time. Each entry is (record, step): step 0 is the report itself.
    const steps: { at: number; r: number; step: number }[] = [];
    records.forEach((rec, r) => {
      steps.push({ at: rec.incident.createdAt, r, step: 0 });
      rec.transitions.forEach((t, i) => steps.push({ at: t.at, r, step: i + 1 }));
    });
    steps.sort((a, b) => a.at - b.at || a.r - b.r || a.step - b.step);
    const base = this.head;
    const lastSeq = new Int32Array(records.length);
    steps.forEach((s, i) => {
      lastSeq[s.r] = base + i + 1;
    });
    const rids = new Int32Array(records.length);
    this.db.transaction(() => {
      records.forEach((rec, r) => {
        const state: HistoricalState = reportedCaseState(rec.incident);
        for (const t of rec.transitions) Object.assign(state, t.changes);
        const last = rec.transitions[rec.transitions.length - 1];
        const i = rec.incident;
        // Every parameter named in one literal: better-sqlite3 binds it several times faster than an
        // object spread together from the record and the state, which counts over 100,000 rows.
        const rid = Number(
          this.stmts.insertHistorical.run({
            id: i.id, seq: lastSeq[r]!, version: rec.transitions.length + 1, categoryCode: i.categoryCode, lon: i.lon, lat: i.lat,
            gridCode: i.gridCode, townCode: i.townCode, communityCode: i.communityCode, status: state.status, source: i.source,
            description: i.description, reportedAt: i.reportedAt, createdAt: i.createdAt, updatedAt: last?.at ?? i.createdAt,
            deadlineAt: state.deadlineAt, closedAt: state.closedAt, reporterJson: i.reporter ? JSON.stringify(i.reporter) : null,
            reportedByJson: i.reportedBy ? JSON.stringify(i.reportedBy) : null, stageDeadlineAt: state.stageDeadlineAt, teamId: state.teamId,
            urgeCount: state.urgeCount, reworkCount: state.reworkCount, suspendedFrom: state.suspendedFrom, closureKind: state.closureKind,
            arrivedAt: state.arrivedAt, mergedInto: state.mergedInto,
          }).lastInsertRowid,
        );
        this.stmts.insertRtree.run(rid, i.lon, i.lon, i.lat, i.lat);
        rids[r] = rid;
      });
      steps.forEach((s, i) => {
        const rec = records[s.r]!;
        const seq = base + i + 1;
        if (s.step === 0) {
          const state = { seq, version: 1, status: 'reported' as const, updatedAt: s.at, closedAt: null, stageDeadlineAt: rec.incident.stageDeadlineAt };
          this.stmts.insertEvent.run(seq, rids[s.r], 'created', s.at, packIncident(snapshot(rec.incident, state)));
          return;
        }
        const t = rec.transitions[s.step - 1]!;
        this.stmts.insertEvent.run(seq, rids[s.r], t.action ? 'case_action' : 'status_changed', s.at, JSON.stringify(stepPatch(t.changes, t.action)));
      });
    })();
    this.head = base + steps.length;
    // The import wrote a large WAL; fold it into the database file now rather than on the first reads.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return records.length;
  }

  async getIncident(id: string): Promise<Incident | undefined> {
    const row = this.stmts.getIncident.get(id) as IncidentRow | undefined;
    return row && rowToIncident(row);
  }

  async listIncidents(q: IncidentQuery): Promise<IncidentPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.bbox) {
      const [w, s, e, n] = q.bbox;
      where.push('rowid IN (SELECT rid FROM incidents_rtree WHERE min_lon >= ? AND max_lon <= ? AND min_lat >= ? AND max_lat <= ?)');
      params.push(w, e, s, n);
    }
    if (q.status?.length) {
      where.push(`status IN (${q.status.map(() => '?').join(',')})`);
      params.push(...q.status);
    }
    if (q.category?.length) {
      where.push(`category_code IN (${q.category.map(() => '?').join(',')})`);
      params.push(...q.category);
    }
    if (q.town) {
      where.push('town_code = ?');
      params.push(q.town);
    }
    if (q.since) {
      where.push('reported_at >= ?');
      params.push(Date.parse(q.since));
    }
    if (q.until) {
      where.push('reported_at < ?');
      params.push(Date.parse(q.until));
    }
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      where.push('(reported_at < ? OR (reported_at = ? AND id < ?))');
      params.push(at, at, id);
    }
    const sql = `SELECT * FROM incidents ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY reported_at DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, q.limit + 1) as IncidentRow[];
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map(rowToIncident),
      nextCursor: more && last ? encodeCursor(last.reported_at, last.id) : null,
    };
  }

  async incidentPoints(sinceMs: number, untilMs: number): Promise<IncidentPoint[]> {
    return this.stmts.points.all(sinceMs, untilMs) as IncidentPoint[];
  }

  async readEvents(afterSeq: number, upToSeq: number, limit: number): Promise<IncidentEvent[]> {
    return this.readEventsFolding(afterSeq, upToSeq, limit, new Map());
  }

  eventReader(): EventReader {
    // Open cases only: a closed one rarely changes again, and is rebuilt from the log if it does.
    const MAX_KEPT = 50_000;
    const current = new Map<number, Incident>();
    let last = -1;
    return {
      read: async (afterSeq, upToSeq, limit) => {
        if (afterSeq !== last) current.clear();
        const events = this.readEventsFolding(afterSeq, upToSeq, limit, current);
        last = events.length > 0 ? events[events.length - 1]!.seq : afterSeq;
        for (const [rid, i] of current) if (TERMINAL_STATUSES.includes(i.status)) current.delete(rid);
        if (current.size > MAX_KEPT) current.clear();
        return events;
      },
    };
  }

  /** Events after `afterSeq`, each with its incident's state as of that event; `current` holds the states already known. */
  private readEventsFolding(afterSeq: number, upToSeq: number, limit: number, current: Map<number, Incident>): IncidentEvent[] {
    const rows = this.stmts.readEvents.all(afterSeq, upToSeq, limit) as EventRow[];
    // The state of each incident as of the event being read, folded forward through the window.
    return rows.map((r) => {
      let incident: Incident;
      let prev: Incident | undefined;
      if (r.kind === 'created') {
        incident = unpackIncident(r.payload);
      } else {
        prev = current.get(r.incident_rid) ?? this.stateBefore(r.incident_rid, r.seq);
        incident = applyPatch(prev, JSON.parse(r.payload) as Patch, r);
      }
      current.set(r.incident_rid, incident);
      return eventOf(r, incident, prev);
    });
  }

  async applyCaseAction(
    id: string,
    expectedVersion: number,
    at: number,
    decide: (current: Incident) => { state: CaseState; action: ActionRecord },
    admit?: (current: Incident) => void,
  ): Promise<IncidentEvent> {
    const event = this.db.transaction(() => {
      const row = this.stmts.getIncident.get(id) as (IncidentRow & { rid: number }) | undefined;
      if (!row) throw new NotFoundError(`No case has the id ${id}.`);
      const current = rowToIncident(row);
      admit?.(current);
      if (current.version !== expectedVersion) throw new VersionConflictError(current.version);
      const { state, action } = decide(current);
      const seq = this.head + 1;
      const patch: Patch = {
        status: state.status,
        closedAt: state.closedAt,
        deadlineAt: state.deadlineAt,
        teamId: state.teamId,
        urgeCount: state.urgeCount,
        reworkCount: state.reworkCount,
        suspendedFrom: state.suspendedFrom,
        closureKind: state.closureKind,
        arrivedAt: state.arrivedAt,
        stageDeadlineAt: state.stageDeadlineAt,
        mergedInto: state.mergedInto,
        action,
      };
      this.stmts.updateCase.run({ id, seq, version: current.version + 1, updatedAt: at, ...patch, action: undefined });
      this.stmts.insertEvent.run(seq, row.rid, 'case_action', at, JSON.stringify(patch));
      this.head = seq;
      const eventRow: EventRow = { seq, incident_rid: row.rid, kind: 'case_action', at, payload: JSON.stringify(patch) };
      return eventOf(eventRow, applyPatch(current, patch, eventRow), current);
    })();
    return event;
  }

  async casesDueAfter(ms: number): Promise<Incident[]> {
    return (this.stmts.dueAfter.all({ ms }) as IncidentRow[]).map(rowToIncident);
  }

  async openCasesNear(q: { categoryCode: string; lon: number; lat: number; metres: number; sinceMs: number }): Promise<Incident[]> {
    // A box a little larger than the circle; the caller measures the true distance.
    const dLat = q.metres / 111_320;
    const dLon = q.metres / (111_320 * Math.cos((q.lat * Math.PI) / 180));
    const rows = this.stmts.openNear.all({
      w: q.lon - dLon, e: q.lon + dLon, s: q.lat - dLat, n: q.lat + dLat, categoryCode: q.categoryCode, since: q.sinceMs,
    }) as IncidentRow[];
    return rows.map(rowToIncident);
  }

  async oldestWithStatus(status: IncidentStatus[], limit: number): Promise<{ items: Incident[]; total: number }> {
    if (status.length === 0) return { items: [], total: 0 };
    const marks = status.map(() => '?').join(',');
    // Served by incidents_by_status (status, reported_at): a short range scan per status.
    const rows = this.db.prepare(`SELECT * FROM incidents WHERE status IN (${marks}) ORDER BY reported_at, id LIMIT ?`).all(...status, limit) as IncidentRow[];
    const { n } = this.db.prepare(`SELECT count(*) AS n FROM incidents WHERE status IN (${marks})`).get(...status) as { n: number };
    return { items: rows.map(rowToIncident), total: n };
  }

  async caseSummary(nowMs: number, dayStartMs: number): Promise<CaseSummary> {
    // One synchronous read: no commit can slip in between the counts and the head they stand at.
    const byStatus = this.stmts.openByStatus.all() as { status: IncidentStatus; n: number }[];
    const open = Object.fromEntries(byStatus.map((r) => [r.status, r.n])) as CaseSummary['open'];
    return {
      at: iso(nowMs),
      headSeq: this.head,
      dayStart: iso(dayStartMs),
      open,
      reportedToday: (this.stmts.reportedSince.get(dayStartMs) as { n: number }).n,
      closedToday: (this.stmts.closedSince.get(dayStartMs) as { n: number }).n,
      overdue: (this.stmts.overdueAt.get({ now: nowMs }) as { n: number }).n,
    };
  }

  async casesMergedInto(id: string): Promise<Incident[]> {
    return (this.stmts.mergedInto.all(id) as IncidentRow[]).map(rowToIncident);
  }

  async workloadByTeam(): Promise<Map<string, number>> {
    return new Map((this.stmts.workload.all() as { team_id: string; n: number }[]).map((r) => [r.team_id, r.n]));
  }

  async casesOfTeam(teamId: string): Promise<Incident[]> {
    return (this.stmts.casesOfTeam.all(teamId) as IncidentRow[]).map(rowToIncident);
  }

  async timelineOf(id: string): Promise<IncidentEvent[]> {
    const found = this.stmts.ridOf.get(id) as { rid: number } | undefined;
    if (!found) return [];
    const rows = this.stmts.eventsOfBefore.all(found.rid, Number.MAX_SAFE_INTEGER) as EventRow[];
    let state: Incident | undefined;
    return rows.map((r) => {
      const prev = state;
      state = r.kind === 'created' ? unpackIncident(r.payload) : applyPatch(state!, JSON.parse(r.payload) as Patch, r);
      return eventOf(r, state, prev);
    });
  }

  /** An incident as it stood just before event `seq`, from its snapshot and the patches since. */
  private stateBefore(rid: number, seq: number): Incident {
    const rows = this.stmts.eventsOfBefore.all(rid, seq) as EventRow[];
    let state: Incident | undefined;
    for (const r of rows) state = r.kind === 'created' ? unpackIncident(r.payload) : applyPatch(state!, JSON.parse(r.payload) as Patch, r);
    if (!state) throw new Error(`event log has no created event for incident rid ${rid} before seq ${seq}`);
    return state;
  }

  async headSeq(): Promise<number> {
    return this.head;
  }

  async countIncidents(): Promise<number> {
    return (this.stmts.count.get() as { n: number }).n;
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (this.stmts.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.stmts.setMeta.run(key, value);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
