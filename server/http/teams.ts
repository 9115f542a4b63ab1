import { Router } from 'express';
import { z } from 'zod';
import { Latitude, Longitude, SingleLineText, TeamStatus, TeamTrackQuery, type TeamTrack } from '../../shared/index.js';
import { principalOf } from '../auth/httpAuth.js';
import { Refusal } from '../refusal.js';
import type { Fleet } from '../team/fleet.js';
import type { TrackRecorder } from '../team/teamTrack.js';
import { mayReport } from '../tracker/trackerAccess.js';
import type { TrackerService } from '../tracker/trackers.js';
import { MAX_TRACK_POINTS, trackWindow } from '../tracker/trackWindow.js';
import { parseOr400 } from './errors.js';

const PositionReport = z
  .object({ positions: z.array(z.object({ teamId: SingleLineText.min(1).max(64), lon: Longitude, lat: Latitude, status: TeamStatus.optional() }).strict()).min(1).max(1000) })
  .strict();

/**
 * A team's track (`GET /api/teams/:id/track`), and positions from a GPS gateway (or a field phone):
 * `POST /api/teams/positions`, the teams-only form of `POST /api/trackers/positions` (http/trackers.ts),
 * kept for the gateways that speak it and handled by the same service. A field account may report
 * only its own team; a gateway's token (field role, no team) any team.
 */
export function teamsRouter(fleet: Pick<Fleet, 'has'>, tracks: Pick<TrackRecorder, 'track'>, trackers: Pick<TrackerService, 'report'>, now: () => number = Date.now): Router {
  const r = Router();
  r.get('/teams/:id/track', async (req, res) => {
    const q = parseOr400(TeamTrackQuery, req.query, 'query');
    if (!fleet.has(req.params.id)) throw new Refusal(404, 'not_found', `No team has the id ${req.params.id}.`);
    const { since, until } = trackWindow(q, now());
    const points = await tracks.track(req.params.id, since, until, MAX_TRACK_POINTS + 1);
    const body: TeamTrack = {
      teamId: req.params.id,
      since: new Date(since).toISOString(),
      until: new Date(until).toISOString(),
      points: points.slice(0, MAX_TRACK_POINTS).map((p) => [p.lon, p.lat, p.at, p.status]),
      truncated: points.length > MAX_TRACK_POINTS,
    };
    res.set('Cache-Control', 'no-store').json(body);
  });
  r.post('/teams/positions', async (req, res) => {
    const { positions } = parseOr400(PositionReport, req.body, 'positions');
    const reporter = principalOf(res)!;
    const fixes = positions.map((p) => ({ tracker: { kind: 'team' as const, teamId: p.teamId }, lon: p.lon, lat: p.lat, status: p.status }));
    // This route's own code for another team's position, as its clients know it.
    if (fixes.some((f) => !mayReport(reporter, f.tracker))) throw new Refusal(403, 'not_your_team', 'A field account reports only its own team.');
    // All or nothing (422 unknown_team, outside_city); undated: each fix is as old as the request.
    await trackers.report(reporter, fixes);
    res.status(204).end();
  });
  return r;
}
