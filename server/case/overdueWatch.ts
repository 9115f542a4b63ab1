import FlatQueue from 'flatqueue';
import type { CaseOverdueMessage, Incident } from '../../shared/index.js';

const WATCHED = new Set(['reported', 'accepted', 'registered', 'dispatched', 'handling', 'handled', 'verified']);
/** setTimeout's longest wait; a later deadline is looked at again after it. */
const MAX_WAIT_MS = 2 ** 31 - 1;

interface Due {
  deadline: number;
  townCode: string;
  categoryCode: string;
}

/**
 * Tells the moment a case goes past its handling deadline: one timer, armed for the earliest
 * deadline of the open cases (a priority queue; changed or closed cases are skipped when they come
 * up). Suspended cases are not due (GB/T 30428: 挂账 leaves the set of cases due).
 */
export class OverdueWatch {
  private readonly queue = new FlatQueue<string>();
  private readonly due = new Map<string, Due>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  constructor(
    private readonly alert: (msg: CaseOverdueMessage) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Follows a case's latest state. */
  track(i: Pick<Incident, 'id' | 'status' | 'deadlineAt' | 'townCode' | 'categoryCode'>): void {
    const deadline = Date.parse(i.deadlineAt);
    if (!WATCHED.has(i.status) || deadline <= this.now()) {
      this.due.delete(i.id);
      return;
    }
    const was = this.due.get(i.id);
    this.due.set(i.id, { deadline, townCode: i.townCode, categoryCode: i.categoryCode });
    if (was?.deadline !== deadline) this.queue.push(i.id, deadline);
    if (deadline < this.armedFor) this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.armedFor = Infinity;
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
      const id = this.queue.pop()!;
      const d = this.due.get(id)!;
      this.due.delete(id);
      this.alert({ caseId: id, deadlineAt: new Date(d.deadline).toISOString(), townCode: d.townCode, categoryCode: d.categoryCode });
      this.dropStale();
    }
    this.arm();
  }

  /** Pops queue heads that no longer stand for a case's current deadline. */
  private dropStale(): void {
    while (this.queue.length > 0) {
      const id = this.queue.peek()!;
      if (this.due.get(id)?.deadline === this.queue.peekValue()) return;
      this.queue.pop();
    }
  }
}
