import { Router } from 'express';
import { TeamShiftChange } from '../../shared/index.js';
import { addressOf, principalOf } from '../auth/httpAuth.js';
import type { TeamShiftService } from '../team/teamShifts.js';
import { parseOr400 } from './errors.js';

/**
 * Teams' working hours for admins: `GET /api/teams/shifts` lists every team's shift with its default,
 * `PUT /api/teams/:id/shift` sets one (`{shift: {start, end}}`), `DELETE /api/teams/:id/shift`
 * restores the default. Who may call them is in the access rules (`team.manage`).
 */
export function teamShiftsRouter(shifts: TeamShiftService): Router {
  const r = Router();
  r.get('/teams/shifts', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(shifts.list());
  });
  r.put('/teams/:id/shift', async (req, res) => {
    const { shift } = parseOr400(TeamShiftChange, req.body, 'shift');
    res.json(await shifts.setShift(req.params.id, shift, { principal: principalOf(res), address: addressOf(req) }));
  });
  r.delete('/teams/:id/shift', async (req, res) => {
    res.json(await shifts.restoreDefault(req.params.id, { principal: principalOf(res), address: addressOf(req) }));
  });
  return r;
}
