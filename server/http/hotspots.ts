import { Router } from 'express';
import { EmergingQuery, HotspotQuery } from '../../shared/index.js';
import type { HotspotService } from '../hotspot/hotspotService.js';
import { parseOr400 } from './errors.js';

/** Gi* hotspots of a theme (`GET /api/hotspots`) and emerging hotspots over weekly slices (`GET /api/hotspots/emerging`). */
export function hotspotsRouter(hotspots: Pick<HotspotService, 'hotspots' | 'emerging'>): Router {
  const r = Router();
  r.get('/hotspots', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await hotspots.hotspots(parseOr400(HotspotQuery, req.query, 'query')));
  });
  r.get('/hotspots/emerging', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await hotspots.emerging(parseOr400(EmergingQuery, req.query, 'query')));
  });
  return r;
}
