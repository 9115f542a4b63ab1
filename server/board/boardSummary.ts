import { WORST_TOWN_MIN_DUE, type BoardSummary, type DayClosure, type IncidentStatus, type TeamStatus } from '../../shared/index.js';
import type { BoardCase } from '../store/store.js';

const DAY_MS = 86_400_000;

export interface BoardFacts {
  now: number;
  /** Today's midnight in China time. */
  dayStart: number;
  /** When each report since yesterday's midnight came in. */
  reportedAt: readonly number[];
  /** Every open case, and every case whose closure deadline is at or after yesterday's midnight. */
  cases: readonly BoardCase[];
  /** The status of every crew now. */
  crews: readonly TeamStatus[];
}

const CLOSED_OR_VOID: readonly IncidentStatus[] = ['closed', 'rejected'];

/**
 * Overdue now: open, not suspended, and past the deadline whose clock runs — the same rule as the
 * store's case counters (sqliteIncidents `overdueAt`), so the two boards never disagree.
 */
export function isOverdue(c: BoardCase, now: number): boolean {
  if (CLOSED_OR_VOID.includes(c.status) || c.status === 'suspended') return false;
  const handlingRuns = c.status === 'dispatched' || c.status === 'handling';
  return (
    (handlingRuns && c.deadlineAt !== null && c.deadlineAt < now) ||
    (c.stageDeadlineAt !== null && c.stageDeadlineAt < now) ||
    (c.closeDeadlineAt !== null && c.closeDeadlineAt < now)
  );
}

/** Whether a case belongs to the closure cohort of [from, until]: its closure deadline fell then, and it is not suspended or void. */
function dueBetween(c: BoardCase, from: number, until: number): boolean {
  return c.closeDeadlineAt !== null && c.closeDeadlineAt >= from && c.closeDeadlineAt <= until && c.status !== 'suspended' && c.status !== 'rejected';
}

/** The closure of the cases due in [from, until], as it stood at `until` (see DayClosure). */
export function dayClosure(cases: readonly BoardCase[], from: number, until: number): DayClosure {
  let due = 0;
  let closed = 0;
  let onTime = 0;
  for (const c of cases) {
    if (!dueBetween(c, from, until)) continue;
    due += 1;
    if (c.closedAt === null || c.closedAt > until) continue;
    closed += 1;
    if (c.closedAt <= c.closeDeadlineAt!) onTime += 1;
  }
  return { due, closed, onTime, closureRate: due === 0 ? null : closed / due, onTimeClosureRate: due === 0 ? null : onTime / due };
}

/**
 * The town a leader should look at today. By the lowest on-time closure rate today among towns with
 * at least WORST_TOWN_MIN_DUE cases due (more overdue first on a tie, then by code); before any town
 * has that many, by the most cases overdue now. Null when no town has a case due or overdue.
 */
export function worstTown(cases: readonly BoardCase[], now: number, dayStart: number): BoardSummary['worstTown'] {
  const towns = new Map<string, BoardCase[]>();
  for (const c of cases) {
    const list = towns.get(c.townCode);
    if (list) list.push(c);
    else towns.set(c.townCode, [c]);
  }
  const rows = [...towns].map(([townCode, list]) => {
    const closure = dayClosure(list, dayStart, now);
    return { townCode, due: closure.due, onTimeClosureRate: closure.onTimeClosureRate, overdue: list.filter((c) => isOverdue(c, now)).length };
  });
  const byCode = (a: { townCode: string }, b: { townCode: string }) => (a.townCode < b.townCode ? -1 : a.townCode > b.townCode ? 1 : 0);
  const ranked = rows
    .filter((r) => r.due >= WORST_TOWN_MIN_DUE)
    .sort((a, b) => a.onTimeClosureRate! - b.onTimeClosureRate! || b.overdue - a.overdue || byCode(a, b));
  if (ranked[0]) return { ...ranked[0], rule: 'onTimeClosureRate' };
  const late = rows.filter((r) => r.overdue > 0).sort((a, b) => b.overdue - a.overdue || byCode(a, b));
  return late[0] ? { ...late[0], rule: 'overdue' } : null;
}

/**
 * The leader's board: today's reports and closure against the same time yesterday, overdue cases,
 * crews at work, the worst town. Pure: the endpoint reads the facts from the store and the fleet.
 */
export function boardSummary(f: BoardFacts): BoardSummary {
  const yesterdayStart = f.dayStart - DAY_MS;
  const sameTimeYesterday = f.now - DAY_MS;
  let today = 0;
  let yesterday = 0;
  for (const t of f.reportedAt) {
    if (t >= f.dayStart && t <= f.now) today += 1;
    else if (t >= yesterdayStart && t <= sameTimeYesterday) yesterday += 1;
  }
  const working = f.crews.filter((s) => s === 'en_route' || s === 'on_site').length;
  return {
    at: new Date(f.now).toISOString(),
    dayStart: new Date(f.dayStart).toISOString(),
    reports: { today, yesterday },
    closure: { today: dayClosure(f.cases, f.dayStart, f.now), yesterday: dayClosure(f.cases, yesterdayStart, sameTimeYesterday) },
    overdue: f.cases.filter((c) => isOverdue(c, f.now)).length,
    crews: { onDuty: f.crews.filter((s) => s !== 'off_duty' && s !== 'offline').length, working, onSite: f.crews.filter((s) => s === 'on_site').length },
    worstTown: worstTown(f.cases, f.now, f.dayStart),
  };
}
