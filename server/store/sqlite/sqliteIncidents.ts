import type Database from 'better-sqlite3';
import type { CaseState, CaseSummary, Incident, IncidentEvent, IncidentPage, IncidentQuery, IncidentSource, IncidentStatus } from '../../../shared/index.js';
import { TERMINAL_STATUSES } from '../../../shared/index.js';
import {
  InvalidCursorError,
  NotFoundError,
  VersionConflictError,
  type ActionRecord,
  type BoardCase,
  type CaseRepository,
  type EventReader,
  type HistoricalRecord,
  type IncidentPoint,
  type IncidentRecord,
  type IncidentRepository,
  type LoggedChange,
  type LogReader,
  type DeltaReader,
} from '../store.js';
import {
  caseAfter,
  caseFromRow,
  decodeChange,
  decodeDelta,
  decodeEvent,
  INSERT_INCIDENT_SQL,
  packCreated,
  packPatch,
  reportedCase,
  rowValues,
  toIncident,
  UPDATE_CASE_SQL,
  updateValues,
  type EventRow,
  type IncidentRow,
  type StoredCase,
} from './incidentCodec.js';

/**
 * The head of the event log: `committed` is what readers outside may know; `pending` runs ahead of it
 * inside a transaction and is taken back if the transaction rolls back (SqliteStore.transaction).
 */
export class LogHead {
  pending: number;
  constructor(public committed: number) {
    this.pending = committed;
  }
  commit(): void {
    this.committed = this.pending;
  }
  rollback(): void {
    this.pending = this.committed;
  }
}

/** What the incident and case repositories share on one connection: statements, the log's head, and work to do after a commit. */
export class IncidentTables {
  readonly q;
  constructor(
    readonly db: Database.Database,
    readonly head: LogHead,
    readonly afterCommit: (fn: () => void) => void,
    /** The district's prefix of case numbers (WJ). */
    readonly numberPrefix: string,
  ) {
    this.q = {
      lastNumber: db.prepare('SELECT last FROM case_number_days WHERE day = ?').pluck(),
      setLastNumber: db.prepare('INSERT INTO case_number_days (day, last) VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET last = excluded.last'),
      unnumbered: db.prepare('SELECT rid, created_at FROM incidents WHERE number IS NULL ORDER BY created_at, rid'),
      setNumber: db.prepare('UPDATE incidents SET number = ? WHERE rid = ?'),
      insertIncident: db.prepare(INSERT_INCIDENT_SQL),
      updateCase: db.prepare(UPDATE_CASE_SQL),
      insertRtree: db.prepare('INSERT INTO incidents_rtree (rid, min_lon, max_lon, min_lat, max_lat) VALUES (?, ?, ?, ?, ?)'),
      insertEvent: db.prepare('INSERT INTO events (seq, incident_rid, kind, at, payload) VALUES (?, ?, ?, ?, ?)'),
      getIncident: db.prepare('SELECT * FROM incidents WHERE id = ?'),
      ridOf: db.prepare('SELECT rid FROM incidents WHERE id = ?'),
      numbers: db.prepare('SELECT rid, id FROM incidents').raw(true),
      readEvents: db.prepare('SELECT seq, incident_rid, kind, at, payload FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?'),
      // The same as arrays (no object per row): the log reader folds a million of them at start.
      readEventsRaw: db.prepare('SELECT seq, incident_rid, kind, at, payload FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?').raw(true),
      // The kind as a small number: better-sqlite3 makes a JS string of every text value, a million here.
      readDeltasRaw: db
        .prepare("SELECT seq, incident_rid, CASE kind WHEN 'created' THEN 0 WHEN 'status_changed' THEN 1 ELSE 2 END, at, payload FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?")
        .raw(true),
      eventsOfBefore: db.prepare('SELECT seq, incident_rid, kind, at, payload FROM events WHERE incident_rid = ? AND seq < ? ORDER BY seq'),
      points: db.prepare(
        `SELECT lon, lat, reported_at AS reportedAt, category_code AS categoryCode, source, town_code AS townCode, grid_code AS gridCode, h3_8 AS h3
         FROM incidents WHERE reported_at >= ? AND reported_at < ? ORDER BY reported_at`,
      ),
      count: db.prepare('SELECT count(*) AS n FROM incidents'),
      dueAfter: db.prepare(`SELECT * FROM incidents WHERE (deadline_at > @ms OR stage_deadline_at > @ms OR close_deadline_at > @ms)
        AND status NOT IN ('closed', 'rejected', 'suspended')`),
      openNear: db.prepare(`SELECT * FROM incidents WHERE rowid IN (SELECT rid FROM incidents_rtree
        WHERE min_lon >= @w AND max_lon <= @e AND min_lat >= @s AND max_lat <= @n)
        AND category_code = @categoryCode AND reported_at >= @since AND status NOT IN ('closed', 'rejected') ORDER BY reported_at`),
      mergedInto: db.prepare(`SELECT * FROM incidents WHERE merged_into = ? ORDER BY reported_at`),
      openByStatus: db.prepare(`SELECT status, count(*) AS n FROM incidents WHERE status NOT IN ('closed', 'rejected') GROUP BY status`),
      reportedSince: db.prepare('SELECT count(*) AS n FROM incidents WHERE reported_at >= ?'),
      boardCases: db.prepare(`SELECT town_code AS townCode, status, deadline_at AS deadlineAt, stage_deadline_at AS stageDeadlineAt,
        close_deadline_at AS closeDeadlineAt, closed_at AS closedAt FROM incidents WHERE status NOT IN ('closed', 'rejected') OR close_deadline_at >= ?`),
      closedSince: db.prepare('SELECT count(*) AS n FROM incidents WHERE closed_at >= ?'),
      // stage_deadline_at is NULL while handling and once closed, so it only counts where a stage clock runs;
      // the handling deadline counts while a unit has the case, the closure deadline until it is closed.
      overdueAt: db.prepare(`SELECT count(*) AS n FROM incidents WHERE status NOT IN ('closed', 'rejected', 'suspended')
        AND ((status IN ('dispatched', 'handling') AND deadline_at < @now) OR stage_deadline_at < @now OR close_deadline_at < @now)`),
      workload: db.prepare(`SELECT team_id, count(*) AS n FROM incidents WHERE team_id IS NOT NULL AND status IN ('dispatched', 'handling') GROUP BY team_id`),
      casesOfTeam: db.prepare(`SELECT * FROM incidents WHERE team_id = ? AND status IN ('dispatched', 'handling') ORDER BY deadline_at, id`),
      casesOfUnit: db.prepare(`SELECT * FROM incidents WHERE unit_code = ? AND status IN ('dispatched', 'handling', 'handled', 'suspended') ORDER BY deadline_at, id`),
      withApplication: db.prepare(`SELECT * FROM incidents WHERE application IS NOT NULL AND status NOT IN ('closed', 'rejected') ORDER BY json_extract(application, '$.at'), id`),
      unitOfTeamCases: db.prepare(`UPDATE incidents SET unit_code = ? WHERE team_id = ? AND unit_code IS NULL AND status NOT IN ('reported', 'accepted', 'registered', 'rejected')`),
    };
  }

  /**
   * Gives case numbers (WJ-20261206-0042: prefix, day of registration in China time, place that day)
   * in the order asked; `save` writes each day's last number, in the same transaction as the cases.
   */
  numberer(): { next(createdAt: number): string; save(): void } {
    const last = new Map<string, number>();
    return {
      next: (createdAt) => {
        const day = new Date(createdAt + CHINA_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
        const n = (last.get(day) ?? ((this.q.lastNumber.get(day) as number | undefined) ?? 0)) + 1;
        last.set(day, n);
        return `${this.numberPrefix}-${day}-${String(n).padStart(4, '0')}`;
      },
      save: () => {
        for (const [day, n] of last) this.q.setLastNumber.run(day, n);
      },
    };
  }

  /** Numbers the cases stored before case numbers existed, in the order they were registered. */
  numberEarlierCases(): number {
    const rows = this.q.unnumbered.all() as { rid: number; created_at: number }[];
    if (rows.length === 0) return 0;
    const numbers = this.numberer();
    for (const r of rows) this.q.setNumber.run(numbers.next(r.created_at), r.rid);
    numbers.save();
    return rows.length;
  }

  /** The row of a case and its R*-tree entry: the one way a case becomes a row, for live reports and the history alike. Returns its rid. */
  insertCase(c: StoredCase): number {
    const rid = Number(this.q.insertIncident.run(...rowValues(c)).lastInsertRowid);
    this.q.insertRtree.run(rid, c.lon, c.lon, c.lat, c.lat);
    return rid;
  }

  /** A case as it stood just before event `seq`, from its snapshot and the patches since. */
  caseBefore(rid: number, seq: number): StoredCase {
    let c: StoredCase | undefined;
    for (const r of this.q.eventsOfBefore.all(rid, seq) as EventRow[]) c = caseAfter(r, c);
    if (!c) throw new Error(`event log has no created event for incident rid ${rid} before seq ${seq}`);
    return c;
  }

  incidents(rows: unknown[]): Incident[] {
    return (rows as IncidentRow[]).map((r) => toIncident(caseFromRow(r)));
  }
}

const DELTA_KINDS = ['created', 'status_changed', 'case_action'] as const;

/** Case numbers count days in China time (UTC+8), like the working calendar. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

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

export class SqliteIncidentRepository implements IncidentRepository {
  constructor(private readonly t: IncidentTables) {}

  async append(records: IncidentRecord[]): Promise<IncidentEvent[]> {
    const { t } = this;
    // Always inside the store's transaction (SqliteStore), which is what makes it atomic: a nested
    // one here would cost a savepoint, whose sub-journal copies every page the import writes.
    const out: IncidentEvent[] = [];
    const numbers = t.numberer();
    let seq = t.head.pending;
    for (const rec of records) {
      seq += 1;
      const c = reportedCase(rec, seq);
      c.number = numbers.next(rec.createdAt);
      const rid = t.insertCase(c);
      t.q.insertEvent.run(seq, rid, 'created', rec.createdAt, packCreated(c));
      out.push({ seq, kind: 'created', at: new Date(rec.createdAt).toISOString(), incident: toIncident(c) });
    }
    numbers.save();
    t.head.pending = seq;
    return out;
  }

  async importHistory(records: HistoricalRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const { t } = this;
    // Log the past in the order it happened, not record by record, so that a client replaying the
    // log sees the city evolve in time. Each entry is (record, step): step 0 is the report itself.
    const steps: { at: number; r: number; step: number }[] = [];
    records.forEach((rec, r) => {
      steps.push({ at: rec.incident.createdAt, r, step: 0 });
      rec.transitions.forEach((s, i) => steps.push({ at: s.at, r, step: i + 1 }));
    });
    steps.sort((a, b) => a.at - b.at || a.r - b.r || a.step - b.step);
    const base = t.head.pending;
    const createdSeq = new Int32Array(records.length);
    const lastSeq = new Int32Array(records.length);
    // Numbers in the order the cases were registered, like live ones.
    const numberOf: string[] = new Array(records.length);
    const numbers = t.numberer();
    steps.forEach((s, i) => {
      if (s.step === 0) {
        createdSeq[s.r] = base + i + 1;
        numberOf[s.r] = numbers.next(records[s.r]!.incident.createdAt);
      }
      lastSeq[s.r] = base + i + 1;
    });
    numbers.save();
    // The row holds each case as it stands after its last step, written like a live report's; the
    // `created` event holds it as reported.
    const created: string[] = new Array(records.length);
    const rids = records.map((rec, r) => {
      const c = reportedCase(rec.incident, createdSeq[r]!);
      c.number = numberOf[r]!;
      created[r] = packCreated(c);
      for (const s of rec.transitions) Object.assign(c, s.changes);
      c.seq = lastSeq[r]!;
      c.version = rec.transitions.length + 1;
      c.updatedAt = rec.transitions[rec.transitions.length - 1]?.at ?? rec.incident.createdAt;
      return t.insertCase(c);
    });
    steps.forEach((s, i) => {
      const rec = records[s.r]!;
      const seq = base + i + 1;
      if (s.step === 0) {
        t.q.insertEvent.run(seq, rids[s.r], 'created', s.at, created[s.r]);
        return;
      }
      const step = rec.transitions[s.step - 1]!;
      t.q.insertEvent.run(seq, rids[s.r], step.action ? 'case_action' : 'status_changed', s.at, packPatch(step.changes, step.action));
    });
    t.head.pending = base + steps.length;
    // The import wrote a large WAL; fold it into the database file once it has committed, not on the first reads.
    t.afterCommit(() => t.db.pragma('wal_checkpoint(TRUNCATE)'));
    return records.length;
  }

  async get(id: string): Promise<Incident | undefined> {
    const row = this.t.q.getIncident.get(id) as IncidentRow | undefined;
    return row && toIncident(caseFromRow(row));
  }

  async list(q: IncidentQuery): Promise<IncidentPage> {
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
    if (q.unit) {
      where.push('unit_code = ?');
      params.push(q.unit);
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
    if (q.number) {
      // A number or its start: a range on the unique index.
      where.push('number >= ? AND number < ?');
      params.push(q.number, `${q.number}\uffff`);
    }
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      where.push('(reported_at < ? OR (reported_at = ? AND id < ?))');
      params.push(at, at, id);
    }
    const sql = `SELECT * FROM incidents ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY reported_at DESC, id DESC LIMIT ?`;
    const rows = this.t.db.prepare(sql).all(...params, q.limit + 1) as IncidentRow[];
    const more = rows.length > q.limit;
    const page = more ? rows.slice(0, q.limit) : rows;
    const last = page[page.length - 1];
    return {
      items: this.t.incidents(page),
      nextCursor: more && last ? encodeCursor(last.reported_at, last.id) : null,
    };
  }

  async points(sinceMs: number, untilMs: number): Promise<IncidentPoint[]> {
    return this.t.q.points.all(sinceMs, untilMs) as IncidentPoint[];
  }

  async readEvents(afterSeq: number, upToSeq: number, limit: number): Promise<IncidentEvent[]> {
    return this.readFolding(afterSeq, upToSeq, limit, new Map());
  }

  eventReader(): EventReader {
    // Open cases only: a closed one rarely changes again, and is rebuilt from the log if it does.
    const MAX_KEPT = 50_000;
    const known = new Map<number, StoredCase>();
    let last = -1;
    return {
      read: async (afterSeq, upToSeq, limit) => {
        if (afterSeq !== last) known.clear();
        const events = this.readFolding(afterSeq, upToSeq, limit, known);
        last = events.length > 0 ? events[events.length - 1]!.seq : afterSeq;
        for (const [rid, c] of known) if (TERMINAL_STATUSES.includes(c.status)) known.delete(rid);
        if (known.size > MAX_KEPT) known.clear();
        return events;
      },
    };
  }

  logReader(): LogReader {
    // Every case read so far but the closed ones (a callback after closure is rebuilt from the log):
    // unlike eventReader no cap, since a fold at start reads each open case's whole life.
    const known = new Map<number, StoredCase>();
    let last = -1;
    return {
      read: async (afterSeq, upToSeq, limit, visit) => {
        if (afterSeq !== last) known.clear();
        const raw = this.t.q.readEventsRaw.all(afterSeq, upToSeq, limit) as [number, number, string, number, string][];
        const r: EventRow = { seq: 0, incident_rid: 0, kind: '', at: 0, payload: '' };
        for ([r.seq, r.incident_rid, r.kind, r.at, r.payload] of raw) {
          const before = r.kind === 'created' ? undefined : (known.get(r.incident_rid) ?? this.t.caseBefore(r.incident_rid, r.seq));
          const from = before?.status;
          // Patched in place: a million events would otherwise copy a million cases.
          const { after, action } = decodeChange(r, before, true);
          if (after.status === 'closed' || after.status === 'rejected') known.delete(r.incident_rid);
          else known.set(r.incident_rid, after);
          visit({ seq: r.seq, kind: r.kind as LoggedChange['kind'], at: r.at, action: action ? Object.assign(action, { from: from ?? after.status, to: after.status }) : null, case: after });
        }
        last = raw.length > 0 ? raw[raw.length - 1]![0] : afterSeq;
        return last;
      },
    };
  }

  deltaReader(): DeltaReader {
    return {
      read: async (afterSeq, upToSeq, limit, visit) => {
        let last = afterSeq;
        for (const [seq, rid, kind, at, payload] of this.t.q.readDeltasRaw.iterate(afterSeq, upToSeq, limit) as Iterable<[number, number, 0 | 1 | 2, number, string]>) {
          visit(decodeDelta(seq, rid, DELTA_KINDS[kind], at, payload));
          last = seq;
        }
        return last;
      },
    };
  }

  /** Events after `afterSeq`, each with its incident as of that event; `known` holds the cases already folded. */
  private readFolding(afterSeq: number, upToSeq: number, limit: number, known: Map<number, StoredCase>): IncidentEvent[] {
    const rows = this.t.q.readEvents.all(afterSeq, upToSeq, limit) as EventRow[];
    return rows.map((r) => {
      const before = r.kind === 'created' ? undefined : (known.get(r.incident_rid) ?? this.t.caseBefore(r.incident_rid, r.seq));
      const { after, event } = decodeEvent(r, before);
      known.set(r.incident_rid, after);
      return event!;
    });
  }

  async incidentNumbers(): Promise<[number, string][]> {
    return this.t.q.numbers.all() as [number, string][];
  }

  async timelineOf(id: string): Promise<IncidentEvent[]> {
    const found = this.t.q.ridOf.get(id) as { rid: number } | undefined;
    if (!found) return [];
    let c: StoredCase | undefined;
    return (this.t.q.eventsOfBefore.all(found.rid, Number.MAX_SAFE_INTEGER) as EventRow[]).map((r) => {
      const { after, event } = decodeEvent(r, c);
      c = after;
      return event!;
    });
  }

  async count(): Promise<number> {
    return (this.t.q.count.get() as { n: number }).n;
  }
}

export class SqliteCaseRepository implements CaseRepository {
  constructor(private readonly t: IncidentTables) {}

  async applyAction(
    id: string,
    expectedVersion: number,
    at: number,
    decide: (current: Incident) => { state: CaseState; action: ActionRecord },
    admit?: (current: Incident) => void,
  ): Promise<IncidentEvent> {
    const { t } = this;
    const row = t.q.getIncident.get(id) as (IncidentRow & { rid: number }) | undefined;
    if (!row) throw new NotFoundError(`No case has the id ${id}.`);
    const current = caseFromRow(row);
    const incident = toIncident(current);
    admit?.(incident);
    if (current.version !== expectedVersion) throw new VersionConflictError(current.version);
    const { state, action } = decide(incident);
    const seq = t.head.pending + 1;
    const next: StoredCase = { ...current, ...state, seq, version: current.version + 1, updatedAt: at };
    t.q.updateCase.run(...updateValues(next));
    // A live action logs its whole workflow state, and what was done.
    t.q.insertEvent.run(seq, row.rid, 'case_action', at, packPatch(state, action));
    t.head.pending = seq;
    const after = toIncident(next);
    const event: IncidentEvent = { seq, kind: 'case_action', at: new Date(at).toISOString(), incident: after, action: { ...action, from: current.status, to: next.status } };
    return event;
  }

  async dueAfter(ms: number): Promise<Incident[]> {
    return this.t.incidents(this.t.q.dueAfter.all({ ms }));
  }

  async openNear(q: { categoryCode: string; lon: number; lat: number; metres: number; sinceMs: number }): Promise<Incident[]> {
    // A box a little larger than the circle; the caller measures the true distance.
    const dLat = q.metres / 111_320;
    const dLon = q.metres / (111_320 * Math.cos((q.lat * Math.PI) / 180));
    return this.t.incidents(
      this.t.q.openNear.all({ w: q.lon - dLon, e: q.lon + dLon, s: q.lat - dLat, n: q.lat + dLat, categoryCode: q.categoryCode, since: q.sinceMs }),
    );
  }

  async oldestWithStatus(status: IncidentStatus[], limit: number): Promise<{ items: Incident[]; total: number }> {
    if (status.length === 0) return { items: [], total: 0 };
    const marks = status.map(() => '?').join(',');
    // Served by incidents_by_status (status, reported_at): a short range scan per status.
    const rows = this.t.db.prepare(`SELECT * FROM incidents WHERE status IN (${marks}) ORDER BY reported_at, id LIMIT ?`).all(...status, limit);
    const { n } = this.t.db.prepare(`SELECT count(*) AS n FROM incidents WHERE status IN (${marks})`).get(...status) as { n: number };
    return { items: this.t.incidents(rows), total: n };
  }

  async awaitingInspection(q: { sources: readonly IncidentSource[]; near: { lon: number; lat: number } | null; limit: number }): Promise<Incident[]> {
    const marks = q.sources.map(() => '?').join(',');
    const toConfirm = q.sources.length === 0 ? '0' : `(status IN ('reported', 'accepted') AND confirmed_at IS NULL AND source IN (${marks}))`;
    // Served by incidents_by_status: short range scans of the three statuses. Nearest by the squared
    // flat-earth distance (longitude shrunk by the cosine of the latitude).
    const order = q.near ? '((lon - ?) * ?) * ((lon - ?) * ?) + (lat - ?) * (lat - ?), reported_at, id' : 'reported_at, id';
    const near = q.near ? [q.near.lon, Math.cos((q.near.lat * Math.PI) / 180)] : [];
    const orderArgs = q.near ? [...near, ...near, q.near.lat, q.near.lat] : [];
    const rows = this.t.db
      .prepare(`SELECT * FROM incidents WHERE ${toConfirm} OR status = 'handled' ORDER BY ${order} LIMIT ?`)
      .all(...q.sources, ...orderArgs, q.limit);
    return this.t.incidents(rows);
  }

  async summary(nowMs: number, dayStartMs: number): Promise<CaseSummary> {
    const { q } = this.t;
    // In one transaction: no commit can slip in between the counts and the head they stand at.
    const byStatus = q.openByStatus.all() as { status: IncidentStatus; n: number }[];
    const open = Object.fromEntries(byStatus.map((r) => [r.status, r.n])) as CaseSummary['open'];
    return {
      at: new Date(nowMs).toISOString(),
      headSeq: this.t.head.pending,
      dayStart: new Date(dayStartMs).toISOString(),
      open,
      reportedToday: (q.reportedSince.get(dayStartMs) as { n: number }).n,
      closedToday: (q.closedSince.get(dayStartMs) as { n: number }).n,
      overdue: (q.overdueAt.get({ now: nowMs }) as { n: number }).n,
    };
  }

  async boardCases(closeDueSinceMs: number): Promise<BoardCase[]> {
    return this.t.q.boardCases.all(closeDueSinceMs) as BoardCase[];
  }

  async mergedInto(id: string): Promise<Incident[]> {
    return this.t.incidents(this.t.q.mergedInto.all(id));
  }

  async workloadByTeam(): Promise<Map<string, number>> {
    return new Map((this.t.q.workload.all() as { team_id: string; n: number }[]).map((r) => [r.team_id, r.n]));
  }

  async ofTeam(teamId: string): Promise<Incident[]> {
    return this.t.incidents(this.t.q.casesOfTeam.all(teamId));
  }

  async ofUnit(unitCode: string): Promise<Incident[]> {
    return this.t.incidents(this.t.q.casesOfUnit.all(unitCode));
  }

  async withApplication(): Promise<Incident[]> {
    return this.t.incidents(this.t.q.withApplication.all());
  }

  async backfillUnits(unitOfTeam: ReadonlyMap<string, string>): Promise<number> {
    let n = 0;
    for (const [teamId, unitCode] of unitOfTeam) n += this.t.q.unitOfTeamCases.run(unitCode, teamId).changes;
    return n;
  }
}
