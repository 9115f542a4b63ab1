import FlatQueue from 'flatqueue';
import { stageOfStatus, type CaseOverdueMessage, type CaseStage, type Incident } from '../../shared/index.js';

/** Statuses whose handling deadline runs: while the unit has the case (it counts from the dispatch). */
const HANDLING_RUNS = new Set(['dispatched', 'handling']);
/** Statuses whose closure deadline runs (from registration until closure). */
const CLOSURE_RUNS = new Set(['registered', 'dispatched', 'handling', 'handled', 'verified']);
/** setTimeout's longest wait; a later deadline is looked at again after it. */
const MAX_WAIT_MS = 2 ** 31 - 1;

type Watched = Pick<Incident, 'id' | 'status' | 'deadlineAt' | 'stageDeadlineAt' | 'closeDeadlineAt' | 'townCode' | 'categoryCode'>;
type Clock = CaseOverdueMessage['clock'];

interface Due {
  caseId: string;
  stage: CaseStage;
  clock: Clock;
  deadline: number;
  townCode: string;
  categoryCode: string;
}

/**
 * Tells the moment a case goes past a deadline: its unit's handling deadline, the limit of the stage
 * it is in (accepting, registering, dispatching, verifying, closing), and its closure deadline. One timer, armed for the earliest
 * deadline of all (a priority queue of clocks; clocks that changed or stopped are skipped when they
 * come up). Suspended cases are not due (GB/T 30428: 挂账 leaves the set of cases due).
 */
export class OverdueWatch {
  private readonly queue = new FlatQueue<string>();
  /** By clock key: `<caseId> handle`, `<caseId> stage` or `<caseId> close`. */
  private readonly due = new Map<string, Due>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  constructor(
    private readonly alert: (msg: CaseOverdueMessage) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Follows a case's latest state. */
  track(i: Watched): void {
    const stage = stageOfStatus(i.status) ?? 'handle';
    const at = (iso: string | null) => (iso === null ? null : Date.parse(iso));
    this.set(`${i.id} handle`, HANDLING_RUNS.has(i.status) ? at(i.deadlineAt) : null, i, stage, 'handling');
    this.set(`${i.id} stage`, stage !== 'handle' ? at(i.stageDeadlineAt) : null, i, stage, 'stage');
    this.set(`${i.id} close`, CLOSURE_RUNS.has(i.status) ? at(i.closeDeadlineAt) : null, i, stage, 'closure');
  }

  stop(): void {
    clearTimeout(this.timer);
    this.armedFor = Infinity;
  }

  private set(key: string, deadline: number | null, i: Watched, stage: CaseStage, clock: Clock): void {
    if (deadline === null || deadline <= this.now()) {
      this.due.delete(key);
      return;
    }
    const was = this.due.get(key);
    this.due.set(key, { caseId: i.id, stage, clock, deadline, townCode: i.townCode, categoryCode: i.categoryCode });
    if (was?.deadline !== deadline) this.queue.push(key, deadline);
    if (deadline < this.armedFor) this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.dropStale();
    const next = this.queue.peekValue();
    if (next === undefined) {
      this.armedFor = Infinity;
      return;
    }
    this.armedFor = next;
    this.timer = setTimeout(() => this.fire(), Math.min(MAX_WAIT_MS, Math.max(0, next - this.now())));
    this.timer.unref();
  }

  private fire(): void {
    const now = this.now();
    this.dropStale();
    while (this.queue.length > 0 && this.queue.peekValue()! <= now) {
      const key = this.queue.pop()!;
      const d = this.due.get(key)!;
      this.due.delete(key);
      this.alert({ caseId: d.caseId, stage: d.stage, clock: d.clock, deadlineAt: new Date(d.deadline).toISOString(), townCode: d.townCode, categoryCode: d.categoryCode });
      this.dropStale();
    }
    this.arm();
  }

  /** Pops queue heads that no longer stand for a clock's current deadline. */
  private dropStale(): void {
    while (this.queue.length > 0) {
      const key = this.queue.peek()!;
      if (this.due.get(key)?.deadline === this.queue.peekValue()) return;
      this.queue.pop();
    }
  }
}
