import type { BoardSummary, TeamStatus } from '../../shared/index.js';
import type { Store } from '../store/store.js';
import { boardSummary } from './boardSummary.js';

const DAY_MS = 86_400_000;

export interface BoardServiceDeps {
  store: { incidents: Pick<Store['incidents'], 'points'>; cases: Pick<Store['cases'], 'boardCases'> };
  /** Every crew's status now (the fleet). */
  crews(now: number): TeamStatus[];
  /** Local midnight of the day holding `ms` (CaseClock.localDayStart). */
  localDayStart(ms: number): number;
  now(): number;
}

/** The leader's board, read fresh at each call: the facts from the store and the fleet, the figures from boardSummary. */
export class BoardService {
  constructor(private readonly deps: BoardServiceDeps) {}

  async summary(): Promise<BoardSummary> {
    const now = this.deps.now();
    const dayStart = this.deps.localDayStart(now);
    // Yesterday's same hours are the comparison, so the facts start at yesterday's midnight.
    const since = dayStart - DAY_MS;
    const [points, cases] = await Promise.all([this.deps.store.incidents.points(since, now + 1), this.deps.store.cases.boardCases(since)]);
    return boardSummary({ now, dayStart, reportedAt: points.map((p) => p.reportedAt), cases, crews: this.deps.crews(now) });
  }
}
