import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, Candidate, Team, TeamShiftView } from '../../shared/index.js';
import { getJson, postJson, sendJson } from '../support/api.js';
import { createToken } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, Incident } from '../support/types.js';

let server: TestServer;
const admin = () => ({ cookie: server.adminCookie });

/** Local time (UTC+8) `hours` from now, as HH:MM. */
function localClock(hours: number): string {
  const d = new Date(Date.now() + (8 + hours) * 3_600_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

const shifts = async () => (await getJson<TeamShiftView[]>(`${server.url}/api/teams/shifts`, admin())).body;
const teamNow = async (id: string) => (await getJson<Team[]>(`${server.url}/api/teams`)).body.find((t) => t.id === id)!;
const putShift = (id: string, body: unknown, credentials: { cookie: string } | { token: string } = admin()) =>
  sendJson<TeamShiftView & ApiError>('PUT', `${server.url}/api/teams/${id}/shift`, body, credentials);
const shiftAudit = async () =>
  (await getJson<AuditEntry[]>(`${server.url}/api/audit?limit=1000`, admin())).body.filter((e) => e.action.startsWith('team.shift.'));

/** A round-the-clock team (the first of its department): available whatever the hour the test runs. */
let team: Team;
/** Hours that do not cover now: the team is off duty under them. */
const elsewhere = () => ({ start: localClock(2), end: localClock(4) });

beforeAll(async () => {
  server = await startServer();
  const all = (await getJson<Team[]>(`${server.url}/api/teams`)).body;
  team = all.find((t) => t.shift.start === '00:00' && t.shift.end === '24:00' && t.status === 'available')!;
  expect(team).toBeDefined();
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

describe("teams' working hours, kept by admins", () => {
  it("lists every team's shift with the roster's default, none edited yet", async () => {
    const list = await shifts();
    const teams = (await getJson<Team[]>(`${server.url}/api/teams`)).body;
    expect(list.map((s) => s.teamId)).toEqual(teams.map((t) => t.id));
    for (const s of list) {
      expect(s.edited).toBeNull();
      expect(s.shift).toEqual(s.defaultShift);
      expect(s.shift).toEqual(teams.find((t) => t.id === s.teamId)!.shift);
    }
  });

  it('an admin sets hours that do not cover now: the team is off duty at once, and no longer offered for dispatch', async () => {
    const hours = elsewhere();
    const r = await putShift(team.id, { shift: hours });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ teamId: team.id, shift: hours, defaultShift: { start: '00:00', end: '24:00' }, edited: { by: 'admin' } });
    const now = await teamNow(team.id);
    expect(now.shift).toEqual(hours);
    expect(now.status).toBe('off_duty');
    // A case of its own category right at its base: it is not among the candidates while off duty.
    const at = team.position!;
    const c = (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: team.categories[0], lon: at.lon, lat: at.lat })).body;
    const ranked = (await getJson<Candidate[]>(`${server.url}/api/cases/${c.id}/candidates`)).body;
    expect(ranked.map((x) => x.teamId)).not.toContain(team.id);
    const audit = await shiftAudit();
    expect(audit.map((e) => [e.action, e.objectId])).toEqual([['team.shift.update', team.id]]);
  });

  it('refuses everyone but admins, and writes nothing', async () => {
    const before = await shifts();
    const dispatcher = await putShift(team.id, { shift: { start: '00:00', end: '24:00' } }, { token: server.token });
    expect(dispatcher.status).toBe(403);
    expect(dispatcher.body.error.code).toBe('forbidden');
    const leader = { token: await createToken(server.url, server.adminCookie, 'leader') };
    expect((await putShift(team.id, { shift: { start: '00:00', end: '24:00' } }, leader)).status).toBe(403);
    expect((await getJson<ApiError>(`${server.url}/api/teams/shifts`, leader)).status).toBe(403);
    expect((await sendJson<ApiError>('DELETE', `${server.url}/api/teams/${team.id}/shift`, undefined, leader)).status).toBe(403);
    expect((await sendJson<ApiError>('PUT', `${server.url}/api/teams/${team.id}/shift`, { shift: { start: '00:00', end: '24:00' } }, null)).status).toBe(401);
    expect(await shifts()).toEqual(before);
  });

  it('refuses bad hours with a code and a message, and writes nothing', async () => {
    const before = await shifts();
    const cases: [string, unknown, number, string][] = [
      [team.id, { shift: { start: '25:00', end: '08:00' } }, 400, 'invalid_request'],
      [team.id, { shift: { start: '8:00', end: '17:00' } }, 400, 'invalid_request'],
      [team.id, { shift: { start: '08:00', end: '08:00' } }, 400, 'invalid_request'],
      [team.id, { shift: { start: '24:00', end: '08:00' } }, 400, 'invalid_request'],
      [team.id, { shift: { start: '08:00' } }, 400, 'invalid_request'],
      [team.id, { shift: { start: '08:00', end: '17:00' }, note: 'x' }, 400, 'invalid_request'],
      [team.id, '{"shift": {', 400, 'invalid_json'],
      ['team-404', { shift: { start: '08:00', end: '17:00' } }, 404, 'not_found'],
    ];
    for (const [id, body, status, code] of cases) {
      const r = await putShift(id, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error.code).toBe(code);
      expect(r.body.error.message).toEqual(expect.any(String));
    }
    expect(await shifts()).toEqual(before);
    expect(await shiftAudit()).toHaveLength(1);
  });

  it('keeps the hours across a restart: the team starts off duty', async () => {
    const before = await shifts();
    await server.stop();
    server = await startServer({ dataDir: server.dataDir });
    expect(await shifts()).toEqual(before);
    expect((await teamNow(team.id)).status).toBe('off_duty');
  }, 120_000);

  it('an admin restores the default: round the clock again, available at once', async () => {
    const r = await sendJson<TeamShiftView>('DELETE', `${server.url}/api/teams/${team.id}/shift`, undefined, admin());
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ teamId: team.id, shift: { start: '00:00', end: '24:00' }, defaultShift: { start: '00:00', end: '24:00' }, edited: null });
    expect((await teamNow(team.id)).status).toBe('available');
    expect((await shiftAudit()).map((e) => e.action).sort()).toEqual(['team.shift.restore', 'team.shift.update']);
    // Restoring what is already in force changes nothing and audits nothing.
    expect((await sendJson<TeamShiftView>('DELETE', `${server.url}/api/teams/${team.id}/shift`, undefined, admin())).status).toBe(200);
    expect(await shiftAudit()).toHaveLength(2);
    expect((await sendJson<ApiError>('DELETE', `${server.url}/api/teams/team-404/shift`, undefined, admin())).status).toBe(404);
  });
});
