import type { EvaluationAnswer, EvaluationRow, Notice, NoticeLevel, NoticeRow, OverdueCase } from '../../shared/index.js';
import type { CaseFacts } from '../evaluation/caseFacts.js';

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

/** An open case's deadline as the notice judges it: the closure deadline once registered, the stage's before. */
export function deadlineOf(f: CaseFacts): number | null {
  return f.closeDeadlineAt ?? f.last.stageDeadlineAt;
}

const CLOSED = new Set(['closed', 'rejected']);

/**
 * The open cases longest past their deadline at `asOf`, longest first (ties by id). A suspended case
 * (挂账) is left out: its clock is stopped by decision, and the notice names cases someone is late on.
 */
export function longestOverdue(facts: Iterable<CaseFacts>, asOf: number, limit: number): { id: string; dueAt: number; hoursOverdue: number; unitCode: string | null }[] {
  const late: { id: string; dueAt: number; hoursOverdue: number; unitCode: string | null }[] = [];
  for (const f of facts) {
    if (CLOSED.has(f.last.status) || f.last.status === 'suspended' || f.reportedAt > asOf) continue;
    const due = deadlineOf(f);
    if (due === null || due >= asOf) continue;
    late.push({ id: f.id, dueAt: due, hoursOverdue: (asOf - due) / HOUR_MS, unitCode: f.last.unitCode });
  }
  late.sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : 1));
  return late.slice(0, limit);
}

/** The notice of a period from the towns' and units' evaluations and the overdue cases. */
export function noticeOf(towns: EvaluationAnswer, units: EvaluationAnswer, overdue: OverdueCase[], generatedAt: number): Notice {
  return {
    period: towns.period,
    generatedAt: new Date(generatedAt).toISOString(),
    towns: worstOf(towns, 'onTimeClosureRate', NOTICE_TOWNS),
    units: worstOf(units, 'onTimeHandlingRate', NOTICE_UNITS),
    overdue,
    townRates: towns.rows.map((r) => ({ code: r.code, name: r.name, value: r.indicators.onTimeClosureRate ?? null })),
  };
}
