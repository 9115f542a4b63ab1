import { Router } from 'express';
import { IncidentQuery } from '../../shared/index.js';
import type { IncidentService } from '../incident/incidentService.js';
import { Refusal } from '../refusal.js';
import type { IncidentStore } from '../store/store.js';
import { parseOr400 } from './errors.js';

export function incidentsRouter(service: IncidentService, store: IncidentStore): Router {
  const r = Router();

  r.post('/', async (req, res) => {
    // The service validates with the shared schema; the reply is sent only after the commit.
    const incident = await service.report(req.body as never);
    res.status(201).location(`/api/incidents/${incident.id}`).json(incident);
  });

  r.get('/', async (req, res) => {
    const query = parseOr400(IncidentQuery, req.query, 'query');
    res.json(await store.listIncidents(query));
  });

  r.get('/:id', async (req, res) => {
    const incident = await store.getIncident(req.params.id);
    if (!incident) throw new Refusal(404, 'not_found', `No incident has the id ${req.params.id}.`);
    res.json(incident);
  });

  return r;
}
