import type { AppealJudgement } from '../../shared/index.js';
import type { CaseFacts } from './caseFacts.js';

/**
 * What a unit may appeal (申诉), read from the evaluation's facts: whether a judgement stands against
 * its turns with a case, and the closed cases it had a turn with. Pure.
 */

/** Whether a judgement stands against a unit's turns with a case, as the facts have it now. */
export function judgementStands(f: CaseFacts, unitCode: string, judgement: AppealJudgement, now: number): boolean {
  return f.stints.some((s) => {
    if (s.unitCode !== unitCode) return false;
    switch (judgement) {
      case 'overdue':
        return s.deadlineAt !== null && (s.handledAt !== null ? s.handledAt > s.deadlineAt : s.endedAt === null && s.deadlineAt < now);
      case 'rework':
        return s.reworks > 0;
      case 'extension':
        return s.extensions > 0;
      case 'returned':
        return s.returned;
    }
  });
}

const JUDGEMENTS: readonly AppealJudgement[] = ['overdue', 'rework', 'extension', 'returned'];

export interface ClosedCaseOfUnit {
  facts: CaseFacts;
  judgements: AppealJudgement[];
}

/**
 * The closed cases a unit had a turn with (any stint: a case it returned to the centre counts too,
 * though another unit closed it), closed within [since, now], newest first (ties by id), the first
 * `limit` of them with the judgements that stand, and how many there are in all.
 */
export function closedCasesOfUnit(
  facts: Iterable<CaseFacts>,
  unitCode: string,
  since: number,
  now: number,
  limit: number,
): { total: number; items: ClosedCaseOfUnit[] } {
  const hits: CaseFacts[] = [];
  for (const f of facts) {
    if (f.last.status !== 'closed' || f.closedAt === null || f.closedAt < since || f.closedAt > now) continue;
    if (f.stints.some((s) => s.unitCode === unitCode)) hits.push(f);
  }
  hits.sort((a, b) => b.closedAt! - a.closedAt! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    total: hits.length,
    items: hits.slice(0, limit).map((f) => ({ facts: f, judgements: JUDGEMENTS.filter((j) => judgementStands(f, unitCode, j, now)) })),
  };
}
