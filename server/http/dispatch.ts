import { Router } from 'express';
import { SuggestionQuery } from '../../shared/index.js';
import type { CaseService } from '../case/caseService.js';
import { parseOr400 } from './errors.js';

/**
 * Dispatch suggestions (派遣建议): for the oldest registered cases, a team each, no team twice, ranked
 * by the same road-graph search as a case's candidates. Applying one is the ordinary dispatch action
 * with the case's version.
 */
export function dispatchRouter(cases: Pick<CaseService, 'suggestions'>): Router {
  const r = Router();
  r.get('/dispatch/suggestions', async (req, res) => {
    const { limit } = parseOr400(SuggestionQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await cases.suggestions(limit));
  });
  return r;
}
