import { Router } from 'express';
import { CameraHeartbeatReport, type CameraList } from '../../shared/index.js';
import { principalOf } from '../auth/httpAuth.js';
import type { CameraCoverage } from '../coverage/cameraCoverage.js';
import type { CameraLiveness } from '../coverage/cameraLiveness.js';
import { Refusal } from '../refusal.js';
import { parseOr400 } from './errors.js';

/**
 * The body limit of `POST /api/cameras/heartbeat`, above the API's 64 kB: 5,000 cameras with their
 * times take about 300 kB (app.ts parses this route's body with it).
 */
export const CAMERA_HEARTBEAT_BODY_LIMIT = '512kb';

/**
 * For the map: arcs with a vertex every 5° (within 0.1 % of the range, 0.25 m at 250 m) and
 * coordinates to 1e-6° (about 0.1 m): the default city's 342 cameras take about 330 kB (70 kB
 * gzipped), half what the coverage's 2° arcs would.
 */
const MAP_ARC_STEP_DEG = 5;
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Cameras: `GET /api/cameras` (every camera's field of view, state and last heartbeat, for the map)
 * and `POST /api/cameras/heartbeat` (a camera gateway's machine, with an API token: all or nothing).
 */
export function camerasRouter(coverage: CameraCoverage, liveness: CameraLiveness, now: () => number = Date.now): Router {
  const r = Router();
  // The sectors never change while the server runs: drawn once, rounded for the wire.
  const sectors = new Map(
    coverage.cameraIds.map((id) => {
      const ring = coverage.sector(id, MAP_ARC_STEP_DEG).coordinates[0]!.map(([lon, lat]) => [round6(lon), round6(lat)] as [number, number]);
      return [id, { type: 'Polygon' as const, coordinates: [ring] }];
    }),
  );
  r.get('/cameras', (_req, res) => {
    const statuses = liveness.statuses();
    const live = statuses.filter((s) => s.live).length;
    const body: CameraList = {
      type: 'FeatureCollection',
      at: new Date(now()).toISOString(),
      silentAfterSeconds: Math.round(liveness.silentAfterMs / 1000),
      heartbeatsFrom: liveness.heartbeatsFrom,
      live,
      silent: statuses.length - live,
      features: statuses.map((s) => {
        const spec = coverage.spec(s.id);
        return {
          type: 'Feature',
          geometry: sectors.get(s.id)!,
          properties: {
            id: s.id,
            kind: spec.kind ?? (spec.fovDeg >= 360 ? 'ptz' : 'fixed'),
            headingDeg: spec.headingDeg,
            fovDeg: spec.fovDeg,
            rangeM: spec.rangeM,
            position: [spec.lon, spec.lat],
            state: s.live ? 'live' : 'silent',
            lastHeartbeatAt: iso(s.lastHeartbeatAt),
            silentSince: iso(s.silentSince),
          },
        };
      }),
    };
    res.set('Cache-Control', 'no-store').json(body);
  });
  r.post('/cameras/heartbeat', (req, res) => {
    const { cameras } = parseOr400(CameraHeartbeatReport, req.body, 'heartbeat report');
    const reporter = principalOf(res)!;
    // A gateway is a machine: its own API token, not a person's session nor a team's phone.
    if (reporter.kind !== 'token' || reporter.sessionHash !== null || reporter.teamId !== null) {
      throw new Refusal(403, 'token_required', 'Camera heartbeats are reported by a gateway with its own API token.');
    }
    const { unknown } = liveness.heartbeat(cameras.map((c) => ({ id: c.id, at: c.at === undefined ? undefined : Date.parse(c.at) })));
    if (unknown.length > 0) {
      throw new Refusal(422, 'unknown_camera', 'Some ids are not cameras of this city; no heartbeat was taken.', { unknown: unknown.slice(0, 100), count: unknown.length });
    }
    res.status(204).end();
  });
  return r;
}
