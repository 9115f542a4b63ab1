import { Router } from 'express';
import type { Category, Department, TimeLimit } from '../../shared/index.js';

/** A nominal length in hours, for lists and charts; deadlines themselves use the working calendar. */
function nominalHours(limit: TimeLimit): number {
  switch (limit.kind) {
    case 'urgent_hours':
    case 'working_hours':
      return limit.amount;
    case 'working_days':
      return limit.amount * 8;
    case 'calendar_days':
      return limit.amount * 24;
  }
}

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
