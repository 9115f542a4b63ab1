import { Router } from 'express';
import { SuggestionQuery, type SuggestionBatch } from '../../shared/index.js';
import type { CaseService } from '../case/caseService.js';
import { suggestDispatches } from '../dispatch/suggestions.js';
import type { IncidentStore } from '../store/store.js';
import { parseOr400 } from './errors.js';

/**
 * Dispatch suggestions (派遣建议): for the oldest registered cases, a team each, no team twice, ranked
 * by the same road-graph search as a case's candidates (CaseService.candidates). Applying one is the
 * ordinary dispatch action with the case's version.
 */
export function dispatchRouter(cases: CaseService, store: Pick<IncidentStore, 'oldestWithStatus'>, now: () => number = Date.now): Router {
  const r = Router();
  r.get('/dispatch/suggestions', async (req, res) => {
    const { limit } = parseOr400(SuggestionQuery, req.query, 'query');
    // Returned cases are back in `registered`, so they wait here too.
    const { items: oldest, total } = await store.oldestWithStatus(['registered'], limit);
    const candidates = await cases.candidatesOf(oldest);
    const ranked = oldest.map((c, k) => ({ case: c, candidates: candidates[k]! }));
    const batch: SuggestionBatch = { at: new Date(now()).toISOString(), waiting: total, suggestions: suggestDispatches(ranked) };
    res.set('Cache-Control', 'no-store').json(batch);
  });
  return r;
}
