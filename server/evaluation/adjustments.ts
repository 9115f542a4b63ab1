import type { AppealJudgement } from '../../shared/index.js';

/**
 * What the centre's decisions take out of the evaluation, beside the log: cases excluded from
 * assessment (不纳入考核), and the judgements on a unit's turns that an upheld appeal (申诉) waived.
 * Kept apart from the per-case facts (which are the log's alone, and must equal a fresh fold of it);
 * applied when the facts are aggregated, by the service and a brute-force recomputation alike.
 */
export interface Adjustments {
  /** Case ids counted in no indicator. */
  readonly excluded: ReadonlySet<string>;
  /** Per case id, the waived judgements as `unitCode judgement`. */
  readonly waived: ReadonlyMap<string, ReadonlySet<string>>;
}

export const NO_ADJUSTMENTS: Adjustments = { excluded: new Set(), waived: new Map() };

const key = (unitCode: string, judgement: AppealJudgement) => `${unitCode} ${judgement}`;

/** Adjustments from the exclusions in force and the upheld appeals. */
export function adjustmentsOf(excluded: Iterable<string>, upheld: Iterable<{ caseId: string; unitCode: string; judgement: AppealJudgement }>): Adjustments {
  const waived = new Map<string, Set<string>>();
  for (const a of upheld) {
    let s = waived.get(a.caseId);
    if (!s) waived.set(a.caseId, (s = new Set()));
    s.add(key(a.unitCode, a.judgement));
  }
  return { excluded: new Set(excluded), waived };
}

/** The judgements waived on a case's turns with one unit (none for most cases). */
export function waivedFor(adj: Adjustments, caseId: string, unitCode: string): { overdue: boolean; rework: boolean; extension: boolean; returned: boolean } | null {
  const s = adj.waived.get(caseId);
  if (!s) return null;
  return { overdue: s.has(key(unitCode, 'overdue')), rework: s.has(key(unitCode, 'rework')), extension: s.has(key(unitCode, 'extension')), returned: s.has(key(unitCode, 'returned')) };
}
