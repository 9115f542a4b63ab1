import { createHash } from 'node:crypto';
import type { EvaluationAnswer, EvaluationLevel, EvaluationQuery, EvaluationRules, Exclusion, IncidentEvent } from '../../shared/index.js';
import type { Store } from '../store/store.js';
import { changeOfDelta, changeOfEvent, foldChange, scratchChange, type CaseChange, type CaseFacts } from './caseFacts.js';
import { NO_ADJUSTMENTS, type Adjustments } from './adjustments.js';
import { anchorOf, encodeFacts, readCheckpoint, writeCheckpoint, type CheckpointEntry } from './factsCheckpoint.js';
import { compositeRule, scoredRows } from './composite.js';
import { formulasOf, indicatorRows, type EvaluationDirectory, type RowFigures } from './indicators.js';
import { monthIdOf, parsePeriod, periodAsOf, previousPeriod, type Period } from './period.js';
import { DEFAULT_RULES, weightTableOf } from './rules.js';
import type { WeightTable } from './weights.js';

/** Closed periods' answers kept (levels × the periods and towns the screens ask for). */
const MAX_ANSWERS = 64;

/** Events read per chunk while folding the log at start. */
const CHUNK = 20_000;

/** The levels that name people (personal data): not for walls. */
export const POSITION_LEVELS: readonly EvaluationLevel[] = ['inspector', 'acceptor', 'shiftLead', 'dispatcher'];

/**
 * Folds the log into per-case facts, in seq order; from an empty map, this is the brute-force rebuild.
 * `resume` goes on from a checkpoint: the facts as of its seq, and each case's facts by the store's number of it.
 */
export async function foldLog(
  store: { incidents: Pick<Store['incidents'], 'deltaReader'>; headSeq: Store['headSeq'] },
  facts = new Map<string, CaseFacts>(),
  folded?: (f: CaseFacts, c: CaseChange) => void,
  resume?: { seq: number; byIncident: (CaseFacts | undefined)[] },
): Promise<{ facts: Map<string, CaseFacts>; seq: number; events: number }> {
  const head = await store.headSeq();
  const reader = store.incidents.deltaReader();
  // Each case's facts by the store's number of it (dense small integers: an array, not a map by id).
  const byIncident: (CaseFacts | undefined)[] = resume?.byIncident ?? [];
  const c = scratchChange();
  let after = resume?.seq ?? 0;
  const start = after;
  while (after < head) {
    const last = await reader.read(after, head, CHUNK, (d) => {
      let f: CaseFacts | undefined;
      if (d.created) {
        f = fold(facts, changeOfDelta(c, d, undefined));
        byIncident[d.incident] = f;
      } else {
        const before = byIncident[d.incident];
        if (!before) return;
        f = foldChange(before, changeOfDelta(c, d, before));
      }
      if (f && folded) folded(f, c);
    });
    if (last === after) break;
    after = last;
  }
  return { facts, seq: Math.max(after, head), events: after - start };
}

/** Folds a change into its case's facts; returns them (undefined for a case never created). */
function fold(facts: Map<string, CaseFacts>, c: CaseChange): CaseFacts | undefined {
  const before = facts.get(c.case.id);
  const after = foldChange(before, c);
  if (after && !before) facts.set(c.case.id, after);
  return after;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;
/** The last month monthKey worked out, [from, until) in ms: the log's instants come mostly in order, a million of them at start. */
let lastMonth = { key: 0, from: 0, until: 0 };
/** A local (China) month as one number, for the month index. */
function monthKey(ms: number): number {
  if (ms >= lastMonth.from && ms < lastMonth.until) return lastMonth.key;
  const d = new Date(ms + CHINA_OFFSET_MS);
  const [y, m] = [d.getUTCFullYear(), d.getUTCMonth()];
  lastMonth = { key: y * 12 + m, from: Date.UTC(y, m, 1) - CHINA_OFFSET_MS, until: Date.UTC(y, m + 1, 1) - CHINA_OFFSET_MS };
  return lastMonth.key;
}

/**
 * The cases each local month touches: every instant a case's facts record (steps, deadlines) lies
 * between its report and the latest step or deadline seen, so a period needs only the cases of the
 * months it overlaps — a month's evaluation reads a few of the ~100,000 cases, not all of them.
 */
class MonthIndex {
  private readonly months = new Map<number, Set<CaseFacts>>();
  /** Each month's cases as an array (iterated much faster than the set), dropped when the month gains a case. */
  private readonly arrays = new Map<number, CaseFacts[]>();
  // A Map, not a WeakMap: cases are never dropped, and 100,000 weak keys make every collection slower.
  private readonly span = new Map<CaseFacts, { first: number; last: number }>();

  /** Moves whenever a case filed under the month changes: what was worked out from the month's cases holds while it stands. */
  private readonly versions = new Map<number, number>();

  /** `live`: bump the months' versions (not while the start folds the log: nothing is kept yet). */
  note(f: CaseFacts, c: CaseChange, live = true): void {
    const end = Math.max(c.at, c.case.deadlineAt ?? 0, c.case.closeDeadlineAt ?? 0);
    let s = this.span.get(f);
    const last = monthKey(end);
    if (!s) {
      const first = monthKey(Math.min(f.reportedAt, c.at));
      this.span.set(f, (s = { first, last }));
      for (let m = first; m <= last; m++) this.bucket(m).add(f);
    } else if (last > s.last) {
      for (let m = s.last + 1; m <= last; m++) this.bucket(m).add(f);
      s.last = last;
    }
    if (live) for (let m = s.first; m <= s.last; m++) this.versions.set(m, (this.versions.get(m) ?? 0) + 1);
  }

  /** A stamp of the months [from, until) overlaps: equal stamps, the same cases with the same facts. */
  stamp(from: number, until: number): string {
    let stamp = '';
    for (let m = monthKey(from), last = monthKey(until - 1); m <= last; m++) stamp += `${this.versions.get(m) ?? 0},`;
    return stamp;
  }

  /** Files a case under the months a checkpoint recorded for it. */
  restore(f: CaseFacts, first: number, last: number): void {
    this.span.set(f, { first, last });
    for (let m = first; m <= last; m++) this.bucket(m).add(f);
  }

  /** The months a case is filed under (the checkpoint keeps them). */
  spanOf(f: CaseFacts): { first: number; last: number } | undefined {
    return this.span.get(f);
  }

  /** The cases of the months [from, until) overlaps. */
  between(from: number, until: number): Iterable<CaseFacts> {
    const [first, last] = [monthKey(from), monthKey(until - 1)];
    if (first === last) return this.array(first);
    const all = new Set<CaseFacts>();
    for (let m = first; m <= last; m++) for (const f of this.array(m)) all.add(f);
    return [...all];
  }

  private array(m: number): CaseFacts[] {
    let a = this.arrays.get(m);
    if (!a) this.arrays.set(m, (a = [...(this.months.get(m) ?? [])]));
    return a;
  }

  private bucket(m: number): Set<CaseFacts> {
    this.arrays.delete(m);
    let b = this.months.get(m);
    if (!b) this.months.set(m, (b = new Set()));
    return b;
  }
}

/** A stable digest of facts, whatever order they were folded in: equal digests, equal facts. */
export function factsDigest(facts: Iterable<CaseFacts>): string {
  const all = [...facts].sort((a, b) => (a.id < b.id ? -1 : 1));
  const h = createHash('sha256');
  for (const f of all) h.update(JSON.stringify(f)).update('\n');
  return h.digest('hex');
}

export interface EvaluationDeps {
  store: Pick<Store, 'incidents' | 'headSeq'>;
  directory: EvaluationDirectory;
  now: () => number;
  /** Fixed weights (the bench); otherwise the rules' weights. */
  weights?: WeightTable;
  /** The rules in force (an admin's, or the default), read at each request. */
  rules?: () => EvaluationRules;
  /** Exclusions and upheld appeals in force, read at each request. */
  adjustments?: () => Adjustments;
  /** The exclusions of the cases a predicate picks (a period's). */
  exclusionsOf?: (isOfPeriod: (caseId: string) => boolean) => Exclusion[];
  /** Where the facts are checkpointed (factsCheckpoint.ts): a start folds only the events after it. */
  checkpointPath?: string;
}

/** How the facts were loaded at start. */
export interface FactsLoad {
  /** The checkpoint's seq the fold went on from; null when the whole log was folded. */
  fromCheckpoint: number | null;
  /** Events read from the log. */
  events: number;
}

/**
 * 综合评价 materialised: the facts of every case are folded from the log once at start and kept up to
 * date from the committed stream (`committed`), so a request only aggregates the facts of its period
 * (two passes over the facts: the period and the one before).
 */
export class EvaluationService {
  private constructor(
    private readonly deps: EvaluationDeps,
    private readonly facts: Map<string, CaseFacts>,
    private readonly months: MonthIndex,
    /** Events committed while the log was being folded, applied once it is (per-case seqs drop repeats). */
    private pending: IncidentEvent[] | null,
  ) {}

  static async load(deps: EvaluationDeps): Promise<EvaluationService> {
    const service = new EvaluationService(deps, new Map(), new MonthIndex(), []);
    const resume = deps.checkpointPath ? await service.restore(deps.checkpointPath) : null;
    const { seq, events } = await foldLog(deps.store, service.facts, (f, c) => service.months.note(f, c, false), resume ?? undefined);
    service.seq = seq;
    service.loaded = { fromCheckpoint: resume?.seq ?? null, events };
    service.checkpointed = resume?.seq ?? 0;
    const pending = service.pending ?? [];
    service.pending = null;
    service.committed(pending);
    return service;
  }

  /** The last event folded. */
  private seq = 0;
  /** The seq of the last checkpoint read or written. */
  private checkpointed = 0;
  loaded: FactsLoad = { fromCheckpoint: null, events: 0 };

  /** Events folded since the facts were last checkpointed (or read from one). */
  get sinceCheckpoint(): number {
    return this.seq - this.checkpointed;
  }

  /**
   * The facts of a checkpoint, if it was made by this fold from this log: filed in the month index and
   * by the store's number of each case, for the fold to go on from its seq. Null otherwise.
   */
  private async restore(path: string): Promise<{ seq: number; byIncident: (CaseFacts | undefined)[] } | null> {
    const cp = await readCheckpoint(path);
    if (!cp || cp.seq > (await this.deps.store.headSeq()) || (await this.anchorAt(cp.seq)) !== cp.anchor) return null;
    for (const { facts, first, last } of cp.entries) {
      this.facts.set(facts.id, facts);
      this.months.restore(facts, first, last);
    }
    const byIncident: (CaseFacts | undefined)[] = [];
    for (const [n, id] of await this.deps.store.incidents.incidentNumbers()) byIncident[n] = this.facts.get(id);
    return { seq: cp.seq, byIncident };
  }

  /** The digest of the logged event at `seq` (null where there is none). */
  private async anchorAt(seq: number): Promise<string | null> {
    let anchor: string | null = null;
    await this.deps.store.incidents.deltaReader().read(seq - 1, seq, 1, (d) => {
      anchor = anchorOf(d);
    });
    return anchor;
  }

  /**
   * Writes the facts as they stand to the checkpoint (a few hundred ms for 100,000 cases, most of it
   * encoding, which blocks: the facts change with each event folded). Returns the seq and bytes
   * written, or null while loading or with nothing folded.
   */
  async saveCheckpoint(): Promise<{ seq: number; bytes: number } | null> {
    const path = this.deps.checkpointPath;
    if (!path || this.pending || this.seq === 0) return null;
    const seq = this.seq;
    const entries: CheckpointEntry[] = [];
    for (const f of this.facts.values()) {
      const span = this.months.spanOf(f);
      if (span) entries.push({ facts: f, first: span.first, last: span.last });
    }
    const facts = encodeFacts(entries);
    const anchor = await this.anchorAt(seq);
    if (anchor === null) return null;
    const bytes = await writeCheckpoint(path, { seq, anchor }, facts);
    this.checkpointed = seq;
    return { seq, bytes };
  }

  /**
   * The last answers of closed periods, by query (LRU): a closed period's answer changes only with the
   * facts of its months and the previous period's (their stamp), the rules or the adjustments; so
   * today's events leave last month's rankings standing.
   */
  private readonly answers = new Map<string, { stamp: string; roster: unknown; rules: EvaluationRules; adj: Adjustments; asOf: number; prevAsOf: number; answer: EvaluationAnswer }>();
  /** A period's rows before scoring, by level, period and town (LRU), for as long as the stamp of its months stands: the previous period's serve each answer. */
  private readonly figures = new Map<string, { stamp: string; roster: unknown; adj: Adjustments; asOf: number; rows: RowFigures[] }>();

  /** Every committed event, in seq order (the server's `committed`). */
  committed(events: readonly IncidentEvent[]): void {
    if (this.pending) {
      this.pending.push(...events);
      return;
    }
    for (const e of events) {
      if (e.seq > this.seq) this.seq = e.seq;
      const c = changeOfEvent(e);
      const f = fold(this.facts, c);
      if (f) this.months.note(f, c);
    }
  }

  get size(): number {
    return this.facts.size;
  }

  /** A digest of the facts held (tests compare it with a fresh fold of the log). */
  digest(): string {
    return factsDigest(this.facts.values());
  }

  /** One case's facts (undefined for a case never created). */
  factsOf(caseId: string): CaseFacts | undefined {
    return this.facts.get(caseId);
  }

  allFacts(): CaseFacts[] {
    return [...this.facts.values()];
  }

  /**
   * An evaluation; throws PeriodError for a period that names none or has not started. A closed
   * period's answer is kept until a case of its months (or the previous period's) changes, or the
   * rules, the adjustments or the roster in force (the walls and the review ask for the same rankings
   * again and again); a running one is judged as of now, so is worked out at each request. The answer
   * is shared: read it, do not change it.
   */
  evaluate(q: EvaluationQuery): EvaluationAnswer {
    const now = this.deps.now();
    const period = parsePeriod(q.period ?? monthIdOf(now));
    const { asOf, running } = periodAsOf(period, now);
    const prev = previousPeriod(period);
    const prevAsOf = periodAsOf(prev, now).asOf;
    const rules = this.deps.rules?.() ?? DEFAULT_RULES;
    const adj = this.deps.adjustments?.() ?? NO_ADJUSTMENTS;
    const key = `${q.level}|${period.id}|${q.town ?? ''}`;
    const stamp = this.months.stamp(prev.from, period.until);
    const roster = this.deps.directory.rosterStamp();
    const kept = this.answers.get(key);
    if (kept && kept.stamp === stamp && kept.roster === roster && kept.rules === rules && kept.adj === adj && kept.asOf === asOf && kept.prevAsOf === prevAsOf) {
      this.answers.delete(key);
      this.answers.set(key, kept);
      return kept.answer;
    }
    const answer = this.answerOf(q, period, asOf, running, prev, prevAsOf, rules, adj);
    if (!running) {
      this.answers.delete(key);
      this.answers.set(key, { stamp, roster, rules, adj, asOf, prevAsOf, answer });
      if (this.answers.size > MAX_ANSWERS) this.answers.delete(this.answers.keys().next().value!);
    }
    return answer;
  }

  /** A period's rows before scoring, as of `asOf`: kept while its months' stamp and the roster stand. */
  private figuresOf(q: EvaluationQuery, period: Period, asOf: number, adj: Adjustments): RowFigures[] {
    const key = `${q.level}|${period.id}|${q.town ?? ''}`;
    const stamp = this.months.stamp(period.from, period.until);
    const roster = this.deps.directory.rosterStamp();
    const kept = this.figures.get(key);
    if (kept && kept.stamp === stamp && kept.roster === roster && kept.asOf === asOf && kept.adj === adj) {
      this.figures.delete(key);
      this.figures.set(key, kept);
      return kept.rows;
    }
    const rows = indicatorRows(q.level, this.months.between(period.from, period.until), { from: period.from, until: period.until, asOf }, this.deps.directory, q.town, adj);
    this.figures.delete(key);
    this.figures.set(key, { stamp, roster, adj, asOf, rows });
    if (this.figures.size > MAX_ANSWERS) this.figures.delete(this.figures.keys().next().value!);
    return rows;
  }

  private answerOf(
    q: EvaluationQuery,
    period: Period,
    asOf: number,
    running: boolean,
    prev: Period,
    prevAsOf: number,
    rules: EvaluationRules,
    adj: Adjustments,
  ): EvaluationAnswer {
    const formulas = formulasOf(q.level, this.deps.weights ?? weightTableOf(rules));
    const current = this.figuresOf(q, period, asOf, adj);
    const before = this.figuresOf(q, prev, prevAsOf, adj);
    // The period's cases: reported before its end, and open at its start or closed after it.
    const ofPeriod = (id: string) => {
      const f = this.facts.get(id);
      return !!f && f.reportedAt < period.until && (f.closedAt === null || f.closedAt >= period.from);
    };
    const excluded = this.deps.exclusionsOf?.(ofPeriod) ?? [];
    return {
      level: q.level,
      period: {
        id: period.id,
        from: new Date(period.from).toISOString(),
        until: new Date(period.until).toISOString(),
        asOf: new Date(asOf).toISOString(),
        running,
        previous: prev.id,
      },
      formulas,
      composite: compositeRule(rules),
      grades: rules.grades,
      excluded: { count: excluded.length, cases: excluded },
      rows: scoredRows(current, before, formulas, rules),
    };
  }
}
