import { Router } from 'express';
import { ResponsibilityCellsQuery, ResponsibilityChange, ResponsibilityGapsQuery, ResponsibilityPeopleQuery } from '../../shared/index.js';
import { addressOf, principalOf } from '../auth/httpAuth.js';
import { may } from '../auth/principal.js';
import type { ResponsibilityService } from '../responsibility/responsibilityService.js';
import { parseOr400 } from './errors.js';

/**
 * Responsibility (责任网格): `GET /api/responsibility/cells?town=&community=&grid=` (who answers for
 * each cell, and the units responsible), `GET /api/responsibility/people?role=` (the roster and each
 * person's load; accounts only for admins of accounts), `GET /api/responsibility/gaps?town=&community=`
 * (the cells with no inspector) and `PUT /api/responsibility` (an admin's bulk change, all or nothing,
 * audited). Who may call which is in the access rules.
 */
export function responsibilityRouter(responsibility: ResponsibilityService): Router {
  const r = Router();
  r.get('/responsibility/cells', (req, res) => {
    res.json(responsibility.cells(parseOr400(ResponsibilityCellsQuery, req.query, 'query')));
  });
  r.get('/responsibility/people', (req, res) => {
    const q = parseOr400(ResponsibilityPeopleQuery, req.query, 'query');
    res.json({ items: responsibility.roster(q.role, may(principalOf(res), 'user.manage')) });
  });
  r.get('/responsibility/gaps', (req, res) => {
    res.json(responsibility.gaps(parseOr400(ResponsibilityGapsQuery, req.query, 'query')));
  });
  r.put('/responsibility', async (req, res) => {
    const change = parseOr400(ResponsibilityChange, req.body, 'change');
    res.json(await responsibility.change(change, { principal: principalOf(res), address: addressOf(req) }));
  });
  return r;
}
