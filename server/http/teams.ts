import { Router } from 'express';
import { z } from 'zod';
import { Latitude, Longitude, SingleLineText, TeamStatus, TeamTrackQuery, type TeamTrack } from '../../shared/index.js';
import { principalOf } from '../auth/httpAuth.js';
import { Refusal } from '../refusal.js';
import type { Fleet } from '../team/fleet.js';
import type { TrackRecorder } from '../team/teamTrack.js';
import { parseOr400 } from './errors.js';

const PositionReport = z
  .object({ positions: z.array(z.object({ teamId: SingleLineText.min(1).max(64), lon: Longitude, lat: Latitude, status: TeamStatus.optional() }).strict()).min(1).max(1000) })
  .strict();

const DEFAULT_TRACK_WINDOW_MS = 2 * 3_600_000;
const MAX_TRACK_WINDOW_MS = 7 * 86_400_000;
/** A week at one point a minute is 10,080; a moving team writes more. */
const MAX_TRACK_POINTS = 20_000;

/**
 * A team's track (`GET /api/teams/:id/track`), and positions from a GPS gateway (or a field phone): `POST /api/teams/positions`. A field account may
 * report only its own team; a gateway's token (field role, no team) any team.
 */
export function teamsRouter(fleet: Fleet, tracks: Pick<TrackRecorder, 'track'>, now: () => number = Date.now): Router {
  const r = Router();
  r.get('/teams/:id/track', async (req, res) => {
    const q = parseOr400(TeamTrackQuery, req.query, 'query');
    if (!fleet.has(req.params.id)) throw new Refusal(404, 'not_found', `No team has the id ${req.params.id}.`);
    const until = q.until ? Date.parse(q.until) : now();
    const since = q.since ? Date.parse(q.since) : until - DEFAULT_TRACK_WINDOW_MS;
    if (!(since < until) || until - since > MAX_TRACK_WINDOW_MS) {
      throw new Refusal(400, 'invalid_window', 'since must come before until, at most 7 days apart.', { since: q.since, until: q.until });
    }
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
