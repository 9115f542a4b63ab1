import { Router } from 'express';
import type { Unit } from '../../shared/index.js';

/** The units responsible (责任单位): departments and towns, the categories each handles and its crews. */
export function unitsRouter(units: readonly Unit[]): Router {
  const r = Router();
  const body = JSON.stringify(units);
  r.get('/units', (_req, res) => {
    res.type('application/json').set('Cache-Control', 'no-cache').send(body);
  });
  return r;
}
