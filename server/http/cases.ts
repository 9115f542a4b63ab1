import { Router } from 'express';
import { CaseActionRequest, type Team } from '../../shared/index.js';
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
  r.get('/cases/:id', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await cases.view(req.params.id, principalOf(res)!));
  });
  r.get('/cases/:id/candidates', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await cases.candidates(req.params.id));
  });
  r.post('/cases/:id/actions', async (req, res) => {
    const body = parseOr400(CaseActionRequest, req.body, 'action');
    res.json({ case: await cases.act(req.params.id, body, principalOf(res)!) });
  });
  r.get('/tasks', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await cases.tasksOf(principalOf(res)!));
  });
  r.get('/teams', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(teams());
  });
  return r;
}
