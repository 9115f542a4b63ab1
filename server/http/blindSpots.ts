import { Router } from 'express';
import { BlindSpotQuery, TownCoverageQuery } from '../../shared/index.js';
import type { BlindSpotService } from '../coverage/blindSpotService.js';
import { parseOr400 } from './errors.js';

/**
 * The worst blind spots (`GET /api/blind-spots?limit&town`), each town's coverage now (`GET
 * /api/coverage/towns`) and the towns whose patrol alert stands (`GET /api/coverage/alerts`).
 */
export function blindSpotsRouter(blindSpots: Pick<BlindSpotService, 'worst' | 'towns' | 'raisedPatrolAlerts'>): Router {
  const r = Router();
  r.get('/blind-spots', async (req, res) => {
    const { limit, town } = parseOr400(BlindSpotQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await blindSpots.worst(limit, town));
  });
  r.get('/coverage/towns', async (req, res) => {
    const { days } = parseOr400(TownCoverageQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await blindSpots.towns(days));
  });
  // The patrol alerts standing now (a page connecting later hears only changes on `coverage:alert`).
  r.get('/coverage/alerts', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(blindSpots.raisedPatrolAlerts());
  });
  return r;
}
