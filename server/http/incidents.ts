import { Router } from 'express';
import { z } from 'zod';
import { IncidentQuery, TIME_WINDOW_MS, TimeWindow, type IncidentPoints } from '../../shared/index.js';
import type { IncidentService } from '../incident/incidentService.js';
import { principalOf } from '../auth/httpAuth.js';
import { incidentFor } from '../auth/redaction.js';
import { Refusal } from '../refusal.js';
import type { IncidentStore } from '../store/store.js';
import { parseOr400 } from './errors.js';

export function incidentsRouter(
  service: IncidentService,
  store: IncidentStore,
  cellIndexAt: (lon: number, lat: number) => number,
): Router {
  const r = Router();

  const PointsQuery = z.object({ window: TimeWindow.default('24h') }).strict();
  r.get('/points', async (req, res) => {
    const { window } = parseOr400(PointsQuery, req.query, 'query');
    const until = Date.now();
    const since = until - TIME_WINDOW_MS[window];
    const points = await store.incidentPoints(since, until);
    const body: IncidentPoints = {
      window,
      since: new Date(since).toISOString(),
      count: points.length,
      lon: points.map((p) => Math.round(p.lon * 1e5) / 1e5),
      lat: points.map((p) => Math.round(p.lat * 1e5) / 1e5),
      t: points.map((p) => Math.round((p.reportedAt - since) / 1000)),
      family: points.map((p) => p.categoryCode[0]).join(''),
      cell: points.map((p) => cellIndexAt(p.lon, p.lat)),
    };
    res.set('Cache-Control', 'no-cache').json(body);
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
    const query = parseOr400(IncidentQuery, req.query, 'query');
    const page = await store.listIncidents(query);
    const reader = principalOf(res);
    res.json({ ...page, items: page.items.map((i) => incidentFor(reader, i)) });
  });

  r.get('/:id', async (req, res) => {
    const incident = await store.getIncident(req.params.id);
    if (!incident) throw new Refusal(404, 'not_found', `No incident has the id ${req.params.id}.`);
    res.json(incidentFor(principalOf(res), incident));
  });

  return r;
}
