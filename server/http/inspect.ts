import { Router } from 'express';
import { InspectTasksQuery } from '../../shared/index.js';
import { principalOf } from '../auth/httpAuth.js';
import type { InspectTaskQueue } from '../inspect/inspectTasks.js';
import { parseOr400 } from './errors.js';

/**
 * The inspectors' phone (城管通): `GET /api/inspect/tasks?near=lon,lat`, the on-duty inspectors'
 * shared queue of 核实 (confirm) and 核查 (verify) tasks, nearest first (`case.confirm`).
 */
export function inspectRouter(queue: Pick<InspectTaskQueue, 'tasks'>): Router {
  const r = Router();
  r.get('/inspect/tasks', async (req, res) => {
    const { near } = parseOr400(InspectTasksQuery, req.query, 'query');
    const at = near ? { lon: near[0], lat: near[1] } : null;
    res.set('Cache-Control', 'no-store').json(await queue.tasks(principalOf(res)!, at));
  });
  return r;
}
