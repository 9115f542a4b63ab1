import { Router } from 'express';
import { SuggestionQuery, type Incident, type SuggestionBatch } from '../../shared/index.js';
import type { CaseService } from '../case/caseService.js';
import { suggestDispatches } from '../dispatch/suggestions.js';
import type { IncidentStore } from '../store/store.js';
import { parseOr400 } from './errors.js';

/** The registered cases waiting for a team: the oldest `limit` of them, and how many wait in all. */
export type WaitingCases = (limit: number) => Promise<{ oldest: Incident[]; total: number }>;

/** The oldest registered cases, from the store (returned cases are back in `registered`, so they are included). */
export function waitingCasesFrom(store: Pick<IncidentStore, 'oldestWithStatus'>): WaitingCases {
  return async (limit) => {
    const { items, total } = await store.oldestWithStatus(['registered'], limit);
    return { oldest: items, total };
  };
}

/**
 * Dispatch suggestions (派遣建议): for the oldest registered cases, a team each, no team twice, ranked
 * by the same road-graph search as a case's candidates (CaseService.candidates). Applying one is the
 * ordinary dispatch action with the case's version.
 */
export function dispatchRouter(cases: CaseService, waiting: WaitingCases, now: () => number = Date.now): Router {
  const r = Router();
  r.get('/dispatch/suggestions', async (req, res) => {
    const { limit } = parseOr400(SuggestionQuery, req.query, 'query');
    const { oldest, total } = await waiting(limit);
    const ranked = [];
    // One after another: each is a synchronous search over the road graph, nothing to overlap.
    for (const c of oldest) ranked.push({ case: c, candidates: await cases.candidates(c.id) });
    const batch: SuggestionBatch = { at: new Date(now()).toISOString(), waiting: total, suggestions: suggestDispatches(ranked) };
    res.set('Cache-Control', 'no-store').json(batch);
  });
  return r;
}
