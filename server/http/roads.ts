import { Router } from 'express';
import { z } from 'zod';
import { SingleLineText } from '../../shared/index.js';
import { principalOf } from '../auth/httpAuth.js';
import { Refusal } from '../refusal.js';
import type { RoadSpeeds } from '../traffic/roadSpeeds.js';
import { parseOr400 } from './errors.js';

/**
 * A feed's report, in columns so that a whole city's roads fit the request body limit:
 * `{ids: ["col4-1", …], kph: [23.5, …]}`, one speed (km/h) per road id, each id once.
 */
const SpeedReport = z
  .object({
    ids: z.array(SingleLineText.min(1).max(128)).min(1).max(20_000),
    kph: z.array(z.number().positive().max(200)).min(1).max(20_000),
  })
  .strict()
  .refine((b) => b.ids.length === b.kph.length, { message: 'ids and kph must be of the same length', path: ['kph'] })
  .refine((b) => new Set(b.ids).size === b.ids.length, { message: 'a road id is given twice', path: ['ids'] });

/**
 * Live road speeds: `GET /api/roads/speeds` (the speeds routing uses now, one per road) and
 * `POST /api/roads/speeds` (a traffic feed's machine, with an API token: readings replace the
 * speeds of their roads for a while; all or nothing).
 */
export function roadsRouter(speeds: RoadSpeeds, now: () => number = Date.now): Router {
  const r = Router();
  r.get('/roads/speeds', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(speeds.snapshot(now()));
  });
  r.post('/roads/speeds', (req, res) => {
    const { ids, kph } = parseOr400(SpeedReport, req.body, 'speed report');
    const reporter = principalOf(res)!;
    // A feed is a machine: its own API token, not a person's session nor a team's phone.
    if (reporter.kind !== 'token' || reporter.sessionHash !== null || reporter.teamId !== null) {
      throw new Refusal(403, 'token_required', 'Road speeds are reported by a feed with its own API token.');
    }
    const at = now();
    const { unknown } = speeds.report(
      ids.map((roadId, i) => ({ roadId, kph: kph[i]! })),
      at,
    );
    if (unknown.length > 0) {
      throw new Refusal(422, 'unknown_road', 'Some road ids are not roads of this city; no speed was changed.', { unknown: unknown.slice(0, 100), count: unknown.length });
    }
    res.status(204).end();
  });
  return r;
}
