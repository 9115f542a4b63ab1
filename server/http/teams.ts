import { Router } from 'express';
import { z } from 'zod';
import { Latitude, Longitude, TeamStatus } from '../../shared/index.js';
import { principalOf } from '../auth/httpAuth.js';
import { Refusal } from '../refusal.js';
import type { Fleet } from '../team/fleet.js';
import { parseOr400 } from './errors.js';

const PositionReport = z
  .object({ positions: z.array(z.object({ teamId: z.string().min(1).max(64), lon: Longitude, lat: Latitude, status: TeamStatus.optional() }).strict()).min(1).max(1000) })
  .strict();

/**
 * Positions from a GPS gateway (or a field phone): `POST /api/teams/positions`. A field account may
 * report only its own team; a gateway's token (field role, no team) any team.
 */
export function teamsRouter(fleet: Fleet): Router {
  const r = Router();
  r.post('/teams/positions', (req, res) => {
    const { positions } = parseOr400(PositionReport, req.body, 'positions');
    const reporter = principalOf(res)!;
    if (reporter.teamId !== null && positions.some((p) => p.teamId !== reporter.teamId)) {
      throw new Refusal(403, 'not_your_team', 'A field account reports only its own team.');
    }
    // All or nothing: a report naming an unknown team changes no position.
    const unknown = positions.filter((p) => !fleet.has(p.teamId)).map((p) => p.teamId);
    if (unknown.length > 0) throw new Refusal(422, 'unknown_team', 'Some teams are unknown.', { unknown });
    const at = Date.now();
    for (const p of positions) fleet.report(p.teamId, p.lon, p.lat, p.status, at);
    res.status(204).end();
  });
  return r;
}
