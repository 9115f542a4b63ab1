import { Router } from 'express';
import { IncidentQuery, PointsQuery } from '../../shared/index.js';
import type { IncidentQueries } from '../incident/incidentQueries.js';
import type { IncidentService } from '../incident/incidentService.js';
import { principalOf } from '../auth/httpAuth.js';
import { incidentFor } from '../auth/redaction.js';
import { parseOr400 } from './errors.js';

export function incidentsRouter(service: IncidentService, queries: IncidentQueries): Router {
  const r = Router();

  // The density layers' points: binary columns for a client that asks for them (the map), JSON otherwise.
  r.get('/points', async (req, res) => {
    const query = parseOr400(PointsQuery, req.query, 'query');
    res.set('Cache-Control', 'no-cache').vary('Accept');
    if (req.accepts(['application/json', 'application/octet-stream']) === 'application/octet-stream') {
      const frame = await queries.pointFrame(query);
      // Not gzipped: quantized u16 columns shrink by 4 % (a theme) to 15 % (all points) at level 1,
      // for 8–50 ms of compression per answer, more than the bytes saved take on an intranet link.
      // `no-transform` is what tells the compression middleware (and proxies) to leave them as they are.
      res.set('Cache-Control', 'no-cache, no-transform');
      res.type('application/octet-stream').send(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
    } else {
      res.json(await queries.densityPoints(query));
    }
  });

  r.post('/', async (req, res) => {
    // The service validates with the shared schema; the reply is sent only after the commit.
    // Who reported it is kept in the incident's own record (its created event), inside the same group
    // commit: a separate audit row per report would cost a write and an fsync of its own.
    const reader = principalOf(res)!;
    const incident = await service.report(req.body as never, { name: reader.name, role: reader.role });
    res.status(201).location(`/api/incidents/${incident.id}`).json(incidentFor(reader, incident));
  });

  r.get('/', async (req, res) => {
    res.json(await queries.page(parseOr400(IncidentQuery, req.query, 'query'), principalOf(res)));
  });

  r.get('/:id', async (req, res) => {
    res.json(await queries.get(req.params.id, principalOf(res)));
  });

  return r;
}
