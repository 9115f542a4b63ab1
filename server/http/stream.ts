import { Router } from 'express';
import type { IncidentStream } from '../realtime/incidentStream.js';

/** The live stream's open sockets, for operators (which wall lags, which client stopped reading). */
export function streamRouter(stream: Pick<IncidentStream, 'describeSockets'>): Router {
  const r = Router();
  r.get('/stream/sockets', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(stream.describeSockets());
  });
  return r;
}
