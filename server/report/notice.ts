import type { EvaluationAnswer, EvaluationRow, Notice, NoticeLevel, NoticeRow, OverdueCase } from '../../shared/index.js';
import { suspendedAt, type CaseFacts } from '../evaluation/caseFacts.js';

/**
 * 通报: the worst towns and units of a period, by composite and by on-time rate, and the open cases
 * longest past their deadline. Pure: the evaluation's answers and the cases' facts in, the notice out
 * (noticeService.ts gathers them).
 */

/** Towns named on each list (a district has about ten). */
export const NOTICE_TOWNS = 3;
/** Units named on each list. */
export const NOTICE_UNITS = 5;
/** Overdue cases listed. */
export const NOTICE_CASES = 20;

const HOUR_MS = 3_600_000;

function rowOf(r: EvaluationRow, onTime: string): NoticeRow {
  return { code: r.code, name: r.name, score: r.score, rank: r.rank, previousRank: r.previous?.rank ?? null, onTimeRate: r.indicators[onTime] ?? null };
}

/** The worst of an answer's rows: lowest composite, and lowest on-time rate; ties by code, so the list is stable. */
export function worstOf(a: EvaluationAnswer, onTime: string, limit: number): NoticeLevel {
  const formula = a.formulas.find((f) => f.id === onTime);
  const byCode = (x: EvaluationRow, y: EvaluationRow) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0);
  const scored = a.rows.filter((r) => r.score !== null).sort((x, y) => x.score! - y.score! || byCode(x, y));
  const rated = a.rows.filter((r) => typeof r.indicators[onTime] === 'number').sort((x, y) => r0(x, onTime) - r0(y, onTime) || byCode(x, y));
  return {
    rule: { onTimeIndicator: onTime, onTimeName: formula?.name ?? { zh: onTime, en: onTime }, limit },
    byScore: scored.slice(0, limit).map((r) => rowOf(r, onTime)),
    byOnTime: rated.slice(0, limit).map((r) => rowOf(r, onTime)),
  };
}

const r0 = (r: EvaluationRow, id: string) => r.indicators[id] as number;

/** A case on the notice's overdue list, as it stood at the instant judged. */
export interface LateCase {
  id: string;
  dueAt: number;
  hoursOverdue: number;
  /** The unit that held the case at that instant (null when none did). */
  unitCode: string | null;
}

/** Whether the case was closed, or rejected at intake, by `at`. */
function settledBy(f: CaseFacts, at: number): boolean {
  if (f.closedAt !== null) return f.closedAt <= at;
  if (f.intake?.rejected) return f.intake.at <= at;
  // Closed or rejected with no instant on record (never so from the fold): not a case anyone is late on.
  return f.last.status === 'closed' || f.last.status === 'rejected';
}

/**
 * The deadline that ran at `at`: the closure deadline once registered (a case created registered has
 * no registration step, only its deadline). Before registration the stage's deadline is the one the
 * facts keep only while the case is still in that stage; once it moved on (accepted or registered
 * after `at`), the earlier stage's deadline is not in the facts, and the case is not judged (these
 * stages take hours, so a case stuck in them over a period's end is rare).
 */
function deadlineAt(f: CaseFacts, at: number): number | null {
  if (f.closeDeadlineAt !== null && (f.registered === null || f.registered.at <= at)) return f.closeDeadlineAt;
  const movedOn = (f.registered !== null && f.registered.at > at) || (f.intake !== null && f.intake.at > at);
  return movedOn ? null : f.last.stageDeadlineAt;
}

/** The unit that held the case at `at`: the latest turn begun by then and not yet ended. */
function unitAt(f: CaseFacts, at: number): string | null {
  for (let i = f.stints.length - 1; i >= 0; i -= 1) {
    const s = f.stints[i]!;
    if (s.dispatchedAt > at) continue;
    return s.endedAt === null || s.endedAt > at ? s.unitCode : null;
  }
  return null;
}

/**
 * The open cases longest past their deadline at `asOf`, longest first (ties by id), each as it stood
 * then: a closed period's notice is judged at the period's end from the facts' instants (closure,
 * rejection, suspensions, the units' turns), not from the case's state today. A case suspended (挂账)
 * at `asOf` is left out: its clock is stopped by decision, and the notice names cases someone is late on.
 */
export function longestOverdue(facts: Iterable<CaseFacts>, asOf: number, limit: number): LateCase[] {
  const late: LateCase[] = [];
  for (const f of facts) {
    if (f.reportedAt > asOf || settledBy(f, asOf) || suspendedAt(f, asOf)) continue;
    const due = deadlineAt(f, asOf);
    if (due === null || due >= asOf) continue;
    late.push({ id: f.id, dueAt: due, hoursOverdue: (asOf - due) / HOUR_MS, unitCode: unitAt(f, asOf) });
  }
  late.sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1));
  return late.slice(0, limit);
}

/** The notice of a period from the towns' and units' evaluations and the overdue cases. */
export function noticeOf(towns: EvaluationAnswer, units: EvaluationAnswer, overdue: OverdueCase[], generatedAt: number): Notice {
  return {
    period: towns.period,
    generatedAt: new Date(generatedAt).toISOString(),
    // The overdue cases are judged at the evaluation's instant: the period's end once it is over, now while it runs.
    asOf: towns.period.asOf,
    towns: worstOf(towns, 'onTimeClosureRate', NOTICE_TOWNS),
    units: worstOf(units, 'onTimeHandlingRate', NOTICE_UNITS),
    overdue,
    townRates: towns.rows.map((r) => ({ code: r.code, name: r.name, value: r.indicators.onTimeClosureRate ?? null })),
  };
}
