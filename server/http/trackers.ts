import { Router } from 'express';
import { TrackerListQuery, TrackerPositionReport, trackerOf, TrackerTrackQuery, type TrackerPosition } from '../../shared/index.js';
import { principalOf } from '../auth/httpAuth.js';
import type { ReportedFix, TrackerService } from '../tracker/trackers.js';
import { parseOr400 } from './errors.js';

/**
 * The body limit of `POST /api/trackers/positions`, above the API's 64 kB: a gateway's 1,000 fixes
 * with their times and statuses take about 120 kB (app.ts parses this route's body with it).
 */
export const TRACKER_BODY_LIMIT = '256kb';

/** A fix as the wire carries it, for the service (the schema has checked the id and the time). */
const fixOf = (p: TrackerPosition): ReportedFix => ({
  tracker: trackerOf(p.trackerId)!,
  lon: p.lon,
  lat: p.lat,
  at: p.at === undefined ? undefined : Date.parse(p.at),
  status: p.status,
});

/**
 * Trackers, teams and inspectors alike (server/tracker/trackers.ts): `POST /api/trackers/positions`
 * (an inspector's phone for itself, a crew's phone for its team, a gateway's token for any),
 * `GET /api/trackers` (where each was last heard from) and `GET /api/trackers/:id/track`.
 */
export function trackersRouter(trackers: Pick<TrackerService, 'report' | 'list' | 'track'>): Router {
  const r = Router();
  r.post('/trackers/positions', async (req, res) => {
    // The body first: every signed-in principal gets here (accessRules.ts), and who may report what
    // depends on the trackers it names (tracker/trackerAccess.ts: 403 not_your_tracker).
    const { positions } = parseOr400(TrackerPositionReport, req.body, 'position report');
    await trackers.report(principalOf(res)!, positions.map(fixOf));
    res.status(204).end();
  });
  r.get('/trackers', (req, res) => {
    const { minutes } = parseOr400(TrackerListQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(trackers.list(minutes));
  });
  r.get('/trackers/:id/track', async (req, res) => {
    const q = parseOr400(TrackerTrackQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await trackers.track(req.params.id, q));
  });
  return r;
}
