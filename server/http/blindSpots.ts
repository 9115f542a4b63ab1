import { Router } from 'express';
import { BlindSpotQuery, TownCoverageQuery } from '../../shared/index.js';
import type { BlindSpotService } from '../coverage/blindSpotService.js';
import { parseOr400 } from './errors.js';

/** The worst blind spots (`GET /api/blind-spots?limit&town`) and each town's coverage now (`GET /api/coverage/towns`). */
export function blindSpotsRouter(blindSpots: Pick<BlindSpotService, 'worst' | 'towns'>): Router {
  const r = Router();
  r.get('/blind-spots', async (req, res) => {
    const { limit, town } = parseOr400(BlindSpotQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await blindSpots.worst(limit, town));
  });
  r.get('/coverage/towns', async (req, res) => {
    const { days } = parseOr400(TownCoverageQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await blindSpots.towns(days));
  });
  return r;
}
