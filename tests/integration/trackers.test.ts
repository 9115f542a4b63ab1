import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, CityMeta, Team, TeamTrack, TrackerList, TrackerTrack } from '../../shared/index.js';
import { getJson, sendJson } from '../support/api.js';
import { createToken, createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';

/**
 * Trackers, teams and inspectors alike: an inspector's phone reports itself, a crew's phone its team,
 * a GPS gateway's token any of them; a refused report changes nothing; each keeps a live position
 * (GET /api/trackers) and a sampled track (GET /api/trackers/:id/track).
 */

let server: TestServer;
let center: { lon: number; lat: number };
let teams: Team[];
const as: Record<'inspectorA' | 'inspectorB' | 'crew' | 'gateway' | 'wall', Credentials> = {} as never;

beforeAll(async () => {
  server = await startServer();
  const meta = (await getJson<CityMeta>(`${server.url}/api/city`)).body;
  center = { lon: meta.center[0], lat: meta.center[1] };
  teams = (await getJson<Team[]>(`${server.url}/api/teams`)).body;
  as.inspectorA = { cookie: await createUser(server.url, server.adminCookie, 'insp-a', 'inspector') };
  as.inspectorB = { cookie: await createUser(server.url, server.adminCookie, 'insp-b', 'inspector') };
  await createUser(server.url, server.adminCookie, 'insp-c', 'inspector');
  as.crew = { cookie: await createUser(server.url, server.adminCookie, 'tracker-crew', 'field', 'tracker-crew-password', teams[0]!.id) };
  as.gateway = { token: await createToken(server.url, server.adminCookie, 'field', 'gps gateway') };
  as.wall = { token: await createToken(server.url, server.adminCookie, 'wall', 'tracker wall') };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

/** A point `north` metres north and `east` metres east of the city's centre. */
const near = (north: number, east = 0) => ({ lon: center.lon + east / (111_320 * Math.cos((center.lat * Math.PI) / 180)), lat: center.lat + north / 111_320 });
const report = (positions: unknown[], who: Credentials) => sendJson<ApiError | null>('POST', `${server.url}/api/trackers/positions`, { positions }, who);
const live = async (who: Credentials = as.wall) => (await getJson<TrackerList>(`${server.url}/api/trackers?minutes=60`, who)).body.trackers;
const liveOf = async (trackerId: string) => (await live()).find((t) => t.trackerId === trackerId);
const trackOf = async (trackerId: string, query = `since=${new Date(Date.now() - 3 * 3_600_000).toISOString()}`) =>
  getJson<TrackerTrack & Partial<ApiError>>(`${server.url}/api/trackers/${encodeURIComponent(trackerId)}/track?${query}`, as.wall);
const iso = (ms: number) => new Date(ms).toISOString();

function expectRefusal(res: { status: number; body: unknown }, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect((res.body as ApiError).error.code).toBe(code);
}

describe('an inspector', () => {
  it('reports itself (204) and is on the live picture as an inspector', async () => {
    const at = Date.now() - 1000;
    expect((await report([{ trackerId: 'inspector:insp-a', ...near(100), at: iso(at) }], as.inspectorA)).status).toBe(204);
    expect(await liveOf('inspector:insp-a')).toEqual({ trackerId: 'inspector:insp-a', kind: 'inspector', ...near(100), at: iso(at), status: null });
  });

  it('may not report another inspector nor a team (403), and the refused report changes nothing', async () => {
    const before = await liveOf('inspector:insp-a');
    expectRefusal(await report([{ trackerId: 'inspector:insp-b', ...near(200) }], as.inspectorA), 403, 'not_your_tracker');
    expectRefusal(await report([{ trackerId: 'inspector:insp-a', ...near(300) }, { trackerId: teams[1]!.id, ...near(300) }], as.inspectorA), 403, 'not_your_tracker');
    // Nor through the teams-only route: not_your_team, or forbidden where the inspector role may not position.report at all.
    const viaTeams = await sendJson<ApiError>('POST', `${server.url}/api/teams/positions`, { positions: [{ teamId: teams[1]!.id, ...near(300) }] }, as.inspectorA);
    expect(viaTeams.status).toBe(403);
    expect(['not_your_team', 'forbidden']).toContain(viaTeams.body.error.code);
    expect(await liveOf('inspector:insp-a')).toEqual(before);
    expect(await liveOf('inspector:insp-b')).toBeUndefined();
  });
});

describe('a crew and a gateway', () => {
  it('a field account reports its own team only; a wall display nothing', async () => {
    const mine = teams[0]!;
    expect((await report([{ trackerId: mine.id, ...near(-100), status: 'on_site' }], as.crew)).status).toBe(204);
    expect(await liveOf(mine.id)).toMatchObject({ kind: 'team', ...near(-100), status: 'on_site' });
    expectRefusal(await report([{ trackerId: teams[1]!.id, ...near(-100) }], as.crew), 403, 'not_your_tracker');
    expectRefusal(await report([{ trackerId: 'inspector:insp-b', ...near(-100) }], as.crew), 403, 'not_your_tracker');
    expectRefusal(await report([{ trackerId: mine.id, ...near(-100) }], as.wall), 403, 'not_your_tracker');
  });

  it('a gateway token reports a team and an inspector in one batch; the team moves in the fleet', async () => {
    const team = teams[2]!;
    const at = Date.now() - 2000;
    const res = await report([{ trackerId: team.id, ...near(400, 400), at: iso(at), status: 'en_route' }, { trackerId: 'inspector:insp-b', ...near(500, 500), at: iso(at) }], as.gateway);
    expect(res.status, JSON.stringify(res.body)).toBe(204);
    const fleetTeam = (await getJson<Team[]>(`${server.url}/api/teams`)).body.find((t) => t.id === team.id)!;
    expect(fleetTeam.position).toEqual({ ...near(400, 400), at: iso(at) });
    expect(fleetTeam.status).toBe('en_route');
    expect(await liveOf(team.id)).toEqual({ trackerId: team.id, kind: 'team', ...near(400, 400), at: iso(at), status: 'en_route' });
    expect(await liveOf('inspector:insp-b')).toMatchObject({ kind: 'inspector', ...near(500, 500), at: iso(at) });
  });

  it('refuses a whole batch for one unknown tracker, one far outside the city or one from the future, and stores nothing of it', async () => {
    const team = teams[3]!;
    // A window that ends now: the fleet's ticks may add points later, never before it.
    const window = `since=${iso(Date.now() - 60_000)}&until=${iso(Date.now())}`;
    const good = [{ trackerId: team.id, ...near(600), at: iso(Date.now() - 30_000) }, { trackerId: 'inspector:insp-c', ...near(600), at: iso(Date.now() - 30_000) }];
    // Where the team is (a team never reported is dated now, whenever asked).
    const whereIs = async () => {
      const { lon, lat } = (await getJson<Team[]>(`${server.url}/api/teams`)).body.find((t) => t.id === team.id)!.position!;
      return { lon, lat };
    };
    const teamBefore = await whereIs();
    const teamTrackBefore = (await trackOf(team.id, window)).body.points;
    expectRefusal(await report([...good, { trackerId: 'team-none', ...near(0) }], as.gateway), 422, 'unknown_team');
    expectRefusal(await report([...good, { trackerId: 'inspector:nobody', ...near(0) }], as.gateway), 422, 'unknown_tracker');
    // The admin's account is no inspector.
    expectRefusal(await report([...good, { trackerId: 'inspector:admin', ...near(0) }], as.gateway), 422, 'unknown_tracker');
    expectRefusal(await report([...good, { trackerId: 'inspector:insp-a', lon: center.lon + 1, lat: center.lat }], as.gateway), 422, 'outside_city');
    expectRefusal(await report([...good, { trackerId: 'inspector:insp-a', ...near(0), at: iso(Date.now() + 5 * 60_000) }], as.gateway), 400, 'at_in_future');
    expect(await whereIs()).toEqual(teamBefore);
    expect((await trackOf(team.id, window)).body.points).toEqual(teamTrackBefore);
    expect((await trackOf('inspector:insp-c', window)).body.points).toEqual([]);
    expect(await liveOf('inspector:insp-c')).toBeUndefined();
  });

  it('keeps the old teams-only route: a gateway reports, a crew only its own team, an unknown team changes nothing', async () => {
    const [mine, other] = [teams[0]!, teams[4]!];
    expect((await sendJson('POST', `${server.url}/api/teams/positions`, { positions: [{ teamId: other.id, ...near(700), status: 'available' }] }, as.gateway)).status).toBe(204);
    expect(await liveOf(other.id)).toMatchObject(near(700));
    expect((await sendJson('POST', `${server.url}/api/teams/positions`, { positions: [{ teamId: mine.id, ...near(710) }] }, as.crew)).status).toBe(204);
    expectRefusal(await sendJson('POST', `${server.url}/api/teams/positions`, { positions: [{ teamId: other.id, ...near(720) }] }, as.crew), 403, 'not_your_team');
    expectRefusal(await sendJson('POST', `${server.url}/api/teams/positions`, { positions: [{ teamId: other.id, ...near(730) }, { teamId: 'team-none', ...near(730) }] }, as.gateway), 422, 'unknown_team');
    expect(await liveOf(other.id)).toMatchObject(near(700));
    // Its fixes are on the team's track too, dated when they came.
    const points = (await getJson<TeamTrack>(`${server.url}/api/teams/${other.id}/track`, as.wall)).body.points;
    expect(points.some(([lon, lat]) => lon === near(700).lon && lat === near(700).lat)).toBe(true);
  });
});

describe('tracks', () => {
  it('keep a point when a tracker moved 15 m or stood a minute, not for jitter; old fixes fill in the track but do not move the live position', async () => {
    const t0 = Date.now() - 30 * 60_000;
    const fix = (seconds: number, north: number) => ({ trackerId: 'inspector:insp-c', ...near(north, 1000), at: iso(t0 + seconds * 1000) });
    // Old fixes (a phone that was offline), sent out of order: 5 s jitter, 20 m moves, a minute standing.
    const old = [fix(0, 0), fix(10, 3), fix(5, 2), fix(20, 20), fix(30, 40), fix(40, 42), fix(100, 42), fix(105, 43)];
    expect((await report(old, as.gateway)).status).toBe(204);
    expect(await liveOf('inspector:insp-c')).toBeUndefined();
    const kept = [fix(0, 0), fix(20, 20), fix(30, 40), fix(100, 42)];
    const rows = (f: { lon: number; lat: number; at: string }) => [f.lon, f.lat, Date.parse(f.at), null];
    expect((await trackOf('inspector:insp-c')).body.points).toEqual(kept.map(rows));
    // Then a live fix: the live position, and the track goes on.
    const now = { trackerId: 'inspector:insp-c', ...near(0, 1100), at: iso(Date.now() - 1000) };
    expect((await report([now], as.gateway)).status).toBe(204);
    expect(await liveOf('inspector:insp-c')).toMatchObject({ ...near(0, 1100), at: now.at });
    const track = (await trackOf('inspector:insp-c')).body;
    expect(track).toMatchObject({ trackerId: 'inspector:insp-c', truncated: false });
    expect(track.points).toEqual([...kept, now].map(rows));
    // A window: [since, until).
    expect((await trackOf('inspector:insp-c', `since=${iso(t0 + 20_000)}&until=${iso(t0 + 100_000)}`)).body.points).toEqual([fix(20, 20), fix(30, 40)].map(rows));
  });

  it('are read by readers of the live picture; an unknown tracker is 404, a bad window 400', async () => {
    expect((await getJson(`${server.url}/api/trackers/inspector%3Ainsp-a/track`, as.crew)).status).toBe(403);
    expect((await getJson(`${server.url}/api/trackers`, as.crew)).status).toBe(403);
    expect((await getJson(`${server.url}/api/trackers/inspector:insp-a/track`, as.inspectorB)).status).toBe(200);
    for (const id of ['team-none', 'inspector:nobody', 'inspector:admin', 'inspector:Not A Name']) expectRefusal(await trackOf(id), 404, 'not_found');
    expectRefusal(await trackOf(teams[0]!.id, `since=${iso(Date.now())}&until=${iso(Date.now() - 1000)}`), 400, 'invalid_window');
    expectRefusal(await trackOf(teams[0]!.id, `since=${iso(Date.now() - 8 * 86_400_000)}`), 400, 'invalid_window');
    expectRefusal(await getJson(`${server.url}/api/trackers?minutes=0`, as.wall), 400, 'invalid_request');
    expectRefusal(await getJson(`${server.url}/api/trackers?who=all`, as.wall), 400, 'invalid_request');
  });
});

describe('hostile reports', () => {
  it('are refused whole: 1,001 fixes, no fix, unknown fields, a malformed id, and a body past the limit', async () => {
    const one = { trackerId: 'inspector:insp-a', ...near(0) };
    expectRefusal(await report(Array.from({ length: 1001 }, () => one), as.inspectorA), 400, 'invalid_request');
    expectRefusal(await report([], as.inspectorA), 400, 'invalid_request');
    expectRefusal(await report([{ ...one, speed: 3 }], as.inspectorA), 400, 'invalid_request');
    expectRefusal(await report([{ ...one, trackerId: 'inspector:../../etc' }], as.gateway), 400, 'invalid_request');
    expectRefusal(await report([{ ...one, at: 'yesterday' }], as.inspectorA), 400, 'invalid_request');
    expectRefusal(await sendJson('POST', `${server.url}/api/trackers/positions`, { positions: [one], extra: 1 }, as.inspectorA), 400, 'invalid_request');
    expect((await sendJson('POST', `${server.url}/api/trackers/positions`, `{"positions":[${'1,'.repeat(200_000)}1]}`, as.gateway)).status).toBe(413);
    expect((await liveOf('inspector:insp-a'))?.lat).toBe(near(100).lat);
  });

  it('a full batch of 1,000 dated fixes with statuses fits the body limit', async () => {
    const t0 = Date.now() - 9 * 60_000;
    const positions = Array.from({ length: 1000 }, (_, k) => ({ trackerId: teams[5 + (k % 20)]!.id, ...near(k, -k), at: iso(t0 + k * 500), status: 'available' }));
    expect(JSON.stringify({ positions }).length).toBeGreaterThan(64 * 1024);
    const res = await report(positions, as.gateway);
    expect(res.status, JSON.stringify(res.body)).toBe(204);
  });
});
