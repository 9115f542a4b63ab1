import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { MetaRepository, Repositories, Store } from '../store.js';
import { MIGRATIONS } from './migrations.js';
import { incidentH3 } from '../../../shared/index.js';
import { SqliteAuditRepository, SqliteAuthRepository } from './sqliteAuth.js';
import { SqliteCalendarRepository } from './sqliteCalendar.js';
import { SqliteIdempotencyRepository } from './sqliteIdempotency.js';
import { SqliteInspectorRepository } from './sqliteInspectors.js';
import { IncidentTables, LogHead, SqliteCaseRepository, SqliteIncidentRepository } from './sqliteIncidents.js';
import { SqlitePhotoRepository } from './sqlitePhotos.js';
import { SqliteResponsibilityRepository } from './sqliteResponsibility.js';
import { SqliteTeamRepository } from './sqliteTeams.js';
import { SqliteCoverageRepository } from './sqliteCoverage.js';
import { SqliteSiteRepository } from './sqliteSites.js';
import { SqliteCampaignRepository } from './sqliteCampaigns.js';
import { SqliteAssessmentRepository } from './sqliteAssessment.js';
import { SqliteReportRepository } from './sqliteReports.js';
import { SqliteCongestionRepository } from './sqliteCongestion.js';

/** Applies the migrations this database has not seen yet, each in its own transaction. */
function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of MIGRATIONS) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    })();
  }
}

/** The H3 cells of the incidents stored before they were kept (migration 18), once, in one transaction. */
function fillIncidentH3(db: Database.Database): void {
  const rows = db.prepare('SELECT rowid AS rid, lon, lat FROM incidents WHERE h3_8 IS NULL').all() as { rid: number; lon: number; lat: number }[];
  if (rows.length === 0) return;
  const set = db.prepare('UPDATE incidents SET h3_8 = ? WHERE rowid = ?');
  db.transaction(() => {
    for (const r of rows) set.run(incidentH3(r.lon, r.lat), r.rid);
  })();
}

class SqliteMetaRepository implements MetaRepository {
  private readonly q;
  constructor(db: Database.Database) {
    this.q = {
      get: db.prepare('SELECT value FROM meta WHERE key = ?'),
      set: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }
  async get(key: string): Promise<string | undefined> {
    return (this.q.get.get(key) as { value: string } | undefined)?.value;
  }
  async set(key: string, value: string): Promise<void> {
    this.q.set.run(key, value);
  }
}

/**
 * Every repository of the store on one SQLite file (better-sqlite3, WAL, `synchronous = FULL`: a
 * commit is on disk before it returns, so an acknowledged incident survives power loss as well as a
 * killed process; group commit keeps that to one fsync per batch).
 *
 * One connection, one writer: transactions run one at a time, in the order they were asked for. A
 * transaction's function may await anything; until it settles, every other transaction and every
 * call made on the store itself waits, so nobody sees what it has not committed. (better-sqlite3
 * answers synchronously, so with nothing awaited inside them transactions never actually wait for
 * each other.)
 */
export class SqliteStore implements Store {
  readonly incidents: Repositories['incidents'];
  readonly cases: Repositories['cases'];
  readonly auth: Repositories['auth'];
  readonly audit: Repositories['audit'];
  readonly teams: Repositories['teams'];
  readonly inspectors: Repositories['inspectors'];
  readonly calendar: Repositories['calendar'];
  readonly photos: Repositories['photos'];
  readonly idempotency: Repositories['idempotency'];
  readonly meta: Repositories['meta'];
  readonly responsibility: Repositories['responsibility'];
  readonly coverage: Repositories['coverage'];
  readonly congestion: Repositories['congestion'];
  readonly sites: Repositories['sites'];
  readonly campaigns: Repositories['campaigns'];
  readonly assessment: Repositories['assessment'];
  readonly reports: Repositories['reports'];

  private readonly db: Database.Database;
  private readonly head: LogHead;
  /** The repositories on the connection itself. */
  private readonly inside: Repositories;
  /**
   * The same, as a transaction's function gets them: a call that fails marks the transaction, which
   * then rolls back even if the function caught the error (repositories write without savepoints, so
   * a failed call may have written part of its work).
   */
  private readonly guarded: Repositories;
  /** The failure of a repository call in the running transaction, if one failed. */
  private failure: { error: unknown } | null = null;
  private readonly afterCommit: (() => void)[] = [];
  /** The end of the queue of transactions: each waits for the one before it. */
  private tail: Promise<void> = Promise.resolve();
  /** The transaction whose function is running in this async context (a call on the store from inside it would wait for itself). */
  private readonly running = new AsyncLocalStorage<{ open: boolean }>();

  constructor(file: string, opts: { caseNumberPrefix?: string } = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    fillIncidentH3(db);
    this.db = db;
    this.head = new LogHead((db.prepare('SELECT coalesce(max(seq), 0) AS head FROM events').get() as { head: number }).head);
    const tables = new IncidentTables(db, this.head, (fn) => this.afterCommit.push(fn), opts.caseNumberPrefix ?? 'WJ');
    // Cases stored before case numbers existed get theirs now, once.
    db.transaction(() => tables.numberEarlierCases())();
    this.inside = {
      incidents: new SqliteIncidentRepository(tables),
      cases: new SqliteCaseRepository(tables),
      auth: new SqliteAuthRepository(db),
      audit: new SqliteAuditRepository(db),
      teams: new SqliteTeamRepository(db),
      inspectors: new SqliteInspectorRepository(db),
      calendar: new SqliteCalendarRepository(db),
      photos: new SqlitePhotoRepository(db),
      idempotency: new SqliteIdempotencyRepository(db),
      meta: new SqliteMetaRepository(db),
      responsibility: new SqliteResponsibilityRepository(db),
      coverage: new SqliteCoverageRepository(db),
      congestion: new SqliteCongestionRepository(db),
      sites: new SqliteSiteRepository(db),
      campaigns: new SqliteCampaignRepository(db),
      assessment: new SqliteAssessmentRepository(db),
      reports: new SqliteReportRepository(db),
    };
    this.guarded = Object.fromEntries(
      Object.entries(this.inside).map(([name, repo]) => [name, this.failuresMarked(repo as object)]),
    ) as unknown as Repositories;
    this.incidents = this.ownTransactions('incidents');
    this.cases = this.ownTransactions('cases');
    this.auth = this.ownTransactions('auth');
    this.audit = this.ownTransactions('audit');
    this.teams = this.ownTransactions('teams');
    this.inspectors = this.ownTransactions('inspectors');
    this.calendar = this.ownTransactions('calendar');
    this.photos = this.ownTransactions('photos');
    this.idempotency = this.ownTransactions('idempotency');
    this.meta = this.ownTransactions('meta');
    this.responsibility = this.ownTransactions('responsibility');
    this.coverage = this.ownTransactions('coverage');
    this.congestion = this.ownTransactions('congestion');
    this.sites = this.ownTransactions('sites');
    this.campaigns = this.ownTransactions('campaigns');
    this.assessment = this.ownTransactions('assessment');
    this.reports = this.ownTransactions('reports');
  }

  async transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    if (this.running.getStore()?.open) {
      throw new Error('A transaction was started inside another: use the repositories the transaction was given.');
    }
    const turn = this.tail;
    let done!: () => void;
    this.tail = new Promise<void>((resolve) => (done = resolve));
    await turn;
    const mine = { open: true };
    try {
      this.db.exec('BEGIN');
      try {
        this.failure = null;
        const result = await this.running.run(mine, () => fn(this.guarded));
        // (Set by failuresMarked while fn ran; TypeScript cannot see that.)
        const failed = this.failure as { error: unknown } | null;
        if (failed) throw new Error('A repository call failed inside the transaction, which was rolled back.', { cause: failed.error });
        this.db.exec('COMMIT');
        this.head.commit();
        for (const f of this.afterCommit.splice(0)) f();
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        this.head.rollback();
        this.afterCommit.length = 0;
        throw err;
      }
    } finally {
      mine.open = false;
      done();
    }
  }

  async headSeq(): Promise<number> {
    return this.head.committed;
  }

  async close(): Promise<void> {
    // Whatever is still queued finishes first.
    await this.transaction(async () => undefined);
    this.db.close();
  }

  private failuresMarked(repo: object): object {
    const inner = repo as Record<string, (...args: unknown[]) => unknown>;
    const out: Record<string, unknown> = {};
    for (const method of methodsOf(repo)) {
      out[method] = (...args: unknown[]) => {
        const mark = (error: unknown) => {
          this.failure ??= { error };
          throw error;
        };
        try {
          const r = inner[method]!(...args);
          return r instanceof Promise ? r.catch(mark) : r;
        } catch (error) {
          return mark(error);
        }
      };
    }
    return out;
  }

  /**
   * A repository whose every call is a transaction of its own. (An event reader's reads too: it is
   * handed out at once, and each of its reads waits its turn.)
   */
  private ownTransactions<K extends keyof Repositories>(name: K): Repositories[K] {
    const inner = this.inside[name] as unknown as Record<string, (...args: unknown[]) => unknown>;
    const outer: Record<string, unknown> = {};
    for (const method of methodsOf(inner)) {
      if (name === 'incidents' && method === 'eventReader') {
        outer[method] = () => {
          const reader = this.inside.incidents.eventReader();
          return { read: (...args: Parameters<typeof reader.read>) => this.transaction(async () => reader.read(...args)) };
        };
        continue;
      }
      if (name === 'incidents' && method === 'deltaReader') {
        outer[method] = () => {
          const reader = this.inside.incidents.deltaReader();
          return { read: (...args: Parameters<typeof reader.read>) => this.transaction(async () => reader.read(...args)) };
        };
        continue;
      }
      if (name === 'incidents' && method === 'logReader') {
        outer[method] = () => {
          const reader = this.inside.incidents.logReader();
          return { read: (...args: Parameters<typeof reader.read>) => this.transaction(async () => reader.read(...args)) };
        };
        continue;
      }
      outer[method] = (...args: unknown[]) => this.transaction(async () => inner[method]!(...args));
    }
    return outer as unknown as Repositories[K];
  }
}

function methodsOf(o: object): string[] {
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(o) as object | null; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const n of Object.getOwnPropertyNames(p)) if (n !== 'constructor' && typeof (o as Record<string, unknown>)[n] === 'function') names.add(n);
  }
  return [...names];
}
