import type { Candidate, Incident, Suggestion } from '../../shared/index.js';

/** What a suggestion needs of a waiting case. */
export type WaitingCase = Pick<Incident, 'id' | 'version' | 'categoryCode' | 'townCode' | 'gridCode' | 'reportedAt'>;

/** A waiting case and its candidate teams, best first (as CaseService.candidates ranks them). */
export interface CaseWithCandidates {
  case: WaitingCase;
  candidates: readonly Candidate[];
  /** The unit to dispatch to when no crew is suggested (the first unit able, see CaseService.unitsFor); null when none is. */
  unitCode: string | null;
}

/**
 * The order cases are served in: the oldest report first (the one that has waited longest, and whose
 * time limit, counted from the report, has run longest), ties by id so the order is total. Urgency is
 * not put first on purpose: a batch is a short FIFO of cases that are all already registered and due,
 * so the old case is never starved by a stream of newer urgent ones; an urgent case the dispatcher
 * wants out first is one click in the queue.
 */
export function oldestFirst(a: WaitingCase, b: WaitingCase): number {
  const ta = Date.parse(a.reportedAt);
  const tb = Date.parse(b.reportedAt);
  return ta - tb || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Suggests a team for each waiting case so that no team is suggested twice in one batch: greedily, in
 * the order of `oldestFirst`, each case takes its best candidate that no older case has taken. A case
 * whose candidates are all taken, or that has none, is listed without a team and says why. Pure: the
 * ranking is done before (one road-graph search per case) and passed in.
 */
export function suggestDispatches(waiting: readonly CaseWithCandidates[]): Suggestion[] {
  const taken = new Set<string>();
  return [...waiting]
    .sort((a, b) => oldestFirst(a.case, b.case))
    .map(({ case: c, candidates, unitCode }): Suggestion => {
      const about = { caseId: c.id, version: c.version, categoryCode: c.categoryCode, townCode: c.townCode, gridCode: c.gridCode, reportedAt: c.reportedAt };
      const pick = candidates.find((x) => !taken.has(x.teamId));
      if (!pick) {
        // No crew to name: the case goes to the unit itself, whose desk sends its own crew.
        const reason = candidates.length === 0 ? 'no_candidate' : 'candidates_taken';
        return { ...about, unitCode, teamId: null, teamName: null, etaSeconds: null, distanceMeters: null, workload: null, route: null, reason };
      }
      taken.add(pick.teamId);
      return {
        ...about,
        unitCode: pick.unitCode,
        teamId: pick.teamId,
        teamName: pick.teamName,
        etaSeconds: pick.etaSeconds,
        distanceMeters: pick.distanceMeters,
        workload: pick.workload,
        route: pick.route,
        reason: null,
      };
    });
}
