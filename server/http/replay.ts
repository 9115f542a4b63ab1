import { Router } from 'express';
import { ReplayQuery } from '../../shared/schema/replay.js';
import { principalOf } from '../auth/httpAuth.js';
import { may } from '../auth/principal.js';
import { Refusal } from '../refusal.js';
import { ReplayError, type ReplayService } from '../replay/replayService.js';
import { parseOr400 } from './errors.js';

/**
 * `GET /api/replay?day=YYYY-MM-DD` or `?caseId=…` (复盘): a local day or one case rebuilt from the log
 * and the tracks (analytics.read, HTTP_RULES). Who did each step is named only for a reader who may
 * read people's names (personal.read); a leader sees the steps without the names.
 */
export function replayRouter(service: Pick<ReplayService, 'day' | 'ofCase'>): Router {
  const r = Router();
  r.get('/replay', async (req, res) => {
    const q = parseOr400(ReplayQuery, req.query, 'query');
    const withNames = may(principalOf(res), 'personal.read');
    try {
      const answer = q.day !== undefined ? await service.day(q.day, withNames) : await service.ofCase(q.caseId!, withNames);
      res.set('Cache-Control', 'no-store').json(answer);
    } catch (err) {
      if (err instanceof ReplayError) throw new Refusal(err.status, err.code, err.message);
      throw err;
    }
  });
  return r;
}
