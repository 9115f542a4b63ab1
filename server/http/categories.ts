import { Router } from 'express';
import type { Category, Department } from '../../shared/index.js';
import { nominalHours } from '../../shared/workflow/deadlines.js';

export function categoriesRouter(categories: readonly Category[], departments: readonly Department[]): Router {
  const r = Router();
  const body = JSON.stringify(categories.map((c) => ({ ...c, timeLimitHours: nominalHours(c.timeLimit) })));
  r.get('/categories', (_req, res) => {
    res.type('application/json').set('Cache-Control', 'public, max-age=300').send(body);
  });
  r.get('/departments', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(departments);
  });
  return r;
}
