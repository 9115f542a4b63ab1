import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distance as turfDistance } from '@turf/turf';
import type { ApiError, Team, TeamPositionsMessage, TeamTrack } from '../../shared/index.js';
import { getJson, pointsInCells, postJson, sendJson, streamClient, waitFor } from '../support/api.js';
import { createToken, createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { FeatureCollection, Incident, IncidentEvent } from '../support/types.js';

let server: TestServer;
let wall: Credentials;

beforeAll(async () => {
  // Ten simulated minutes per second: crews drive, stay on site and report within seconds.
  server = await startServer({ env: { SIM: 'on', SIM_SPEED: '600', TEAM_POSITIONS_MS: '300' } });
  wall = { token: await createToken(server.url, server.adminCookie, 'wall') };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

describe('the teams', () => {
  it('stream their positions to the live picture, batched, and move along the roads', async () => {
    const client = streamClient(server.url, wall);
    const messages: TeamPositionsMessage[] = [];
    client.socket.on('team:positions', (m) => messages.push(m));
    await waitFor(() => messages.length >= 12, 15_000, 'positions');
    const teams = (await getJson<Team[]>(`${server.url}/api/teams`)).body;
    expect(messages[0]!.teams).toHaveLength(teams.length);
    const first = new Map(messages[0]!.teams.map((r) => [r[0], r]));
    const last = messages[messages.length - 1]!;
    expect(last.teams.filter(([id, lon, lat]) => first.get(id)![1] !== lon || first.get(id)![2] !== lat).length).toBeGreaterThan(0);
    client.socket.close();
  });

  it('take a dispatched case: the crew acknowledges, drives there, arrives and reports it handled', async () => {
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
    const [p] = pointsInCells(cells, 1, 211);
    const c = (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat })).body;
    let v = c.version;
    for (const [action, extra] of [['accept', {}], ['register', {}]] as const) {
      v = (await postJson<{ case: Incident }>(`${server.url}/api/cases/${c.id}/actions`, { action, version: v, ...extra })).body.case.version;
    }
    const [best] = (await getJson<{ teamId: string; etaSeconds: number }[]>(`${server.url}/api/cases/${c.id}/candidates`)).body;
    const sent = await postJson<{ case: Incident }>(`${server.url}/api/cases/${c.id}/actions`, { action: 'dispatch', version: v, teamId: best!.teamId });
    expect(sent.status).toBe(200);
    const timelineNow = async () => (await getJson<{ timeline: IncidentEvent[] }>(`${server.url}/api/cases/${c.id}`)).body.timeline;
    await expect.poll(async () => (await timelineNow()).some((e) => e.action?.name === 'report-handled'), { timeout: 40_000, interval: 250 }).toBe(true);
    const timeline = await timelineNow();
    expect(timeline.map((e) => e.action?.name).filter(Boolean)).toEqual(['accept', 'register', 'dispatch', 'acknowledge', 'arrive', 'report-handled']);
    expect(timeline[4]!.action!.role).toBe('field');
  }, 60_000);
});

describe('a GPS gateway', () => {
  it('reports positions; a field account only its own team; an unknown team changes nothing', async () => {
    const teams = (await getJson<Team[]>(`${server.url}/api/teams`)).body;
    const [mine, other] = [teams[0]!, teams[1]!];
    const crew: Credentials = { cookie: await createUser(server.url, server.adminCookie, 'gps-crew', 'field', 'gps-crew-password', mine.id) };
    const gateway: Credentials = { token: await createToken(server.url, server.adminCookie, 'field', 'gps gateway') };
    expect((await sendJson('POST', `${server.url}/api/teams/positions`, { positions: [{ teamId: mine.id, lon: 119.9, lat: 31.7, status: 'off_duty' }] }, crew)).status).toBe(204);
    expect((await sendJson('POST', `${server.url}/api/teams/positions`, { positions: [{ teamId: other.id, lon: 119.9, lat: 31.7 }] }, crew)).status).toBe(403);
    const refused = await sendJson('POST', `${server.url}/api/teams/positions`, { positions: [{ teamId: other.id, lon: 119.91, lat: 31.71 }, { teamId: 'team-none', lon: 119.9, lat: 31.7 }] }, gateway);
    expect(refused.status).toBe(422);
    const now = (await getJson<Team[]>(`${server.url}/api/teams`)).body;
    expect(now.find((t) => t.id === mine.id)!.status).toBe('off_duty');
    expect(now.find((t) => t.id === other.id)!.position!.lon).not.toBe(119.91);
    expect((await sendJson('POST', `${server.url}/api/teams/positions`, { positions: [{ teamId: other.id, lon: 119.91, lat: 31.71 }] }, wall)).status).toBe(403);
  });

  it('keeps each team\'s track: where it moved and when, oldest first, for readers of the live picture', async () => {
    const teams = (await getJson<Team[]>(`${server.url}/api/teams`, wall)).body;
    const moving = async () => {
      const now = (await getJson<Team[]>(`${server.url}/api/teams`, wall)).body;
      return now.filter((t) => { const was = teams.find((x) => x.id === t.id)!; return was.position!.lon !== t.position!.lon || was.position!.lat !== t.position!.lat; });
    };
    let movers: Team[] = [];
    for (let i = 0; i < 30 && movers.length === 0; i++) {
      movers = await moving();
      if (movers.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(movers.length).toBeGreaterThan(0);
    const team = movers[0]!;
    let track: TeamTrack = { teamId: '', since: '', until: '', points: [], truncated: false };
    for (let i = 0; i < 30 && track.points.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 300));
      track = (await getJson<TeamTrack>(`${server.url}/api/teams/${team.id}/track`, wall)).body;
    }
    expect(track.teamId).toBe(team.id);
    expect(track.points.length).toBeGreaterThanOrEqual(3);
    const times = track.points.map((p) => p[2]);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // A point is kept only when the team moved 15 m, changed status or stood for a minute.
    for (let k = 1; k < track.points.length; k++) {
      const [a, b] = [track.points[k - 1]!, track.points[k]!];
      const metres = turfDistance([a[0], a[1]], [b[0], b[1]], { units: 'meters' });
      expect(metres >= 14.9 || a[3] !== b[3] || b[2] - a[2] >= 60_000, `point ${k}`).toBe(true);
    }
    const window = (q: string) => getJson<ApiError>(`${server.url}/api/teams/${team.id}/track?${q}`, wall);
    expect((await window(`since=${new Date(Date.now() + 60_000).toISOString()}`)).body.error?.code).toBe('invalid_window');
    expect((await window('since=yesterday')).status).toBe(400);
    expect((await getJson(`${server.url}/api/teams/team-none/track`, wall)).status).toBe(404);
    const crew: Credentials = { cookie: await createUser(server.url, server.adminCookie, 'track-crew', 'field', 'track-crew-password', team.id) };
    expect((await getJson(`${server.url}/api/teams/${team.id}/track`, crew)).status).toBe(403);
  });
});
