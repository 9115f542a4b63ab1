import { Router } from 'express';
import type { CoverageService } from '../coverage/coverageService.js';

/**
 * `GET /api/coverage/cells`: every cell's coverage as one binary frame (shared/coverage/cellFrame.ts:
 * last patrol, passes in the last day, camera share), at the `seq` the socket's `coverage:cells`
 * frames continue from. A client reads it first, then applies the frames whose seq follows.
 */
export function coverageRouter(coverage: Pick<CoverageService, 'snapshotFrame'>, now: () => number = Date.now): Router {
  const r = Router();
  r.get('/coverage/cells', (_req, res) => {
    res.type('application/octet-stream').set('Cache-Control', 'no-store').send(Buffer.from(coverage.snapshotFrame(now())));
  });
  return r;
}
