import { Router } from 'express';
import type { CongestionService } from '../traffic/congestionService.js';

/**
 * Congestion from the road speeds: `GET /api/roads/speeds/frame`, every road's speed ratio as one
 * binary frame (shared/traffic/speedFrame.ts) at the `seq` the socket's `roads:speeds` frames continue
 * from; `GET /api/roads/congestion`, the levels now and each area's index today against last week.
 */
export function congestionRouter(congestion: Pick<CongestionService, 'snapshotFrame' | 'summary'>, now: () => number = Date.now): Router {
  const r = Router();
  r.get('/roads/speeds/frame', (_req, res) => {
    res.type('application/octet-stream').set('Cache-Control', 'no-store').send(Buffer.from(congestion.snapshotFrame()));
  });
  r.get('/roads/congestion', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await congestion.summary(now()));
  });
  return r;
}
