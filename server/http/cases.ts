import { Router } from 'express';
import { CaseActionRequest, TaskRouteQuery, type Team } from '../../shared/index.js';
import { principalOf } from '../auth/httpAuth.js';
import type { CaseService } from '../case/caseService.js';
import { parseOr400 } from './errors.js';

/**
 * A case is an incident as it moves through the workflow: the same record and the same id, seen
 * with its timeline, deadlines and the actions open to the reader.
 */
export function casesRouter(cases: CaseService, teams: () => Team[]): Router {
  const r = Router();
  // Before /cases/:id, which would take "summary" for an id.
  r.get('/cases/summary', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await cases.summary());
  });
  r.get('/cases/applications', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await cases.applications(principalOf(res)!));
  });
  r.get('/units/:code/cases', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await cases.casesOfUnit(req.params.code, principalOf(res)!));
  });
  r.get('/cases/:id', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await cases.view(req.params.id, principalOf(res)!));
  });
  r.get('/cases/:id/units', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await cases.unitsFor(req.params.id));
  });
  r.get('/cases/:id/candidates', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await cases.candidates(req.params.id, principalOf(res)!));
  });
  r.post('/cases/:id/actions', async (req, res) => {
    const body = parseOr400(CaseActionRequest, req.body, 'action');
    res.json({ case: await cases.act(req.params.id, body, principalOf(res)!) });
  });
  r.get('/tasks/:id/route', async (req, res) => {
    const { from } = parseOr400(TaskRouteQuery, req.query, 'query');
    const [lon, lat] = from ? from.split(',').map(Number) : [];
    const origin = from ? { lon: lon!, lat: lat! } : undefined;
    res.set('Cache-Control', 'no-store').json(await cases.routeTo(req.params.id, principalOf(res)!, origin));
  });
  r.get('/tasks', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await cases.tasksOf(principalOf(res)!));
  });
  r.get('/teams', async (_req, res) => {
    const workload = await cases.workload();
    res.set('Cache-Control', 'no-store').json(teams().map((t) => ({ ...t, workload: workload.get(t.id) ?? 0 })));
  });
  return r;
}
