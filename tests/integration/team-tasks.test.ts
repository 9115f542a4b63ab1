import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskChangedMessage, Team } from '../../shared/index.js';
import { getJson, pointsInCells, postJson, streamClient, waitFor, type GwClient } from '../support/api.js';
import { createToken, createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { FeatureCollection, Incident } from '../support/types.js';

let server: TestServer;
let cells: FeatureCollection['features'];
let sanitation: Team[];
const crews: { a?: Credentials; b?: Credentials } = {};
let leader: Credentials;

beforeAll(async () => {
  server = await startServer();
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  sanitation = (await getJson<Team[]>(`${server.url}/api/teams`)).body.filter((t) => t.categories.includes('E0102'));
  crews.a = { cookie: await createUser(server.url, server.adminCookie, 'push-crew-a', 'field', 'push-crew-a-password', sanitation[0]!.id) };
  leader = { token: await createToken(server.url, server.adminCookie, 'leader', 'leader of the push tests') };
  crews.b = { cookie: await createUser(server.url, server.adminCookie, 'push-crew-b', 'field', 'push-crew-b-password', sanitation[1]!.id) };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

/** A field account's socket, connected, recording every `task:changed` it hears. */
async function phone(credentials: Credentials): Promise<{ socket: GwClient; heard: TaskChangedMessage[] }> {
  const { socket } = streamClient(server.url, credentials);
  const heard: TaskChangedMessage[] = [];
  socket.on('task:changed', (m) => heard.push(m));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, heard };
}

let seed = 0;
/** A registered case with a reporter on record, ready to dispatch. */
async function registeredCase(): Promise<Incident> {
  const [p] = pointsInCells(cells, 1, 313 + seed++ * 41);
  const c = (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, reporter: { name: '李四', phone: '13800000000' } })).body;
  let v = c.version;
  for (const action of ['accept', 'register']) v = (await act(c.id, { action, version: v })).version;
  return { ...c, version: v };
}

async function act(id: string, body: Record<string, unknown>, who?: Credentials): Promise<Incident> {
  const res = await postJson<{ case: Incident }>(`${server.url}/api/cases/${id}/actions`, body, who);
  expect(res.status).toBe(200);
  return res.body.case;
}

describe('team-scoped push to field phones', () => {
  it("tells a team's phones within a second that a case was dispatched to it, and not another team's", async () => {
    const [a, b] = [await phone(crews.a!), await phone(crews.b!)];
    const c = await registeredCase();
    const sentAt = Date.now();
    const sent = await act(c.id, { action: 'dispatch', version: c.version, teamId: sanitation[0]!.id });
    await waitFor(() => a.heard.some((m) => m.caseId === c.id), 1000, 'task:changed on the team of the case');
    expect(Date.now() - sentAt).toBeLessThan(1000);
    const msg = a.heard.find((m) => m.caseId === c.id)!;
    // Ids and state only: nothing of the report, and no reporter.
    expect(msg).toEqual({ caseId: c.id, teamId: sanitation[0]!.id, unitCode: 'huanwei', status: 'dispatched', version: sent.version, action: 'dispatch' });
    expect(JSON.stringify(a.heard)).not.toContain('13800000000');
    // The other team's phone heard nothing; what it then reads is its own tasks, without this case.
    await new Promise((r) => setTimeout(r, 300));
    expect(b.heard).toEqual([]);
    expect((await getJson<Incident[]>(`${server.url}/api/tasks`, crews.a!)).body.find((t) => t.id === c.id)!.reporter).toBeNull();

    // Urged: the team hears it; reassigned: the old team and the new one hear it; returned: the team that had it.
    const urged = await act(c.id, { action: 'urge', version: sent.version, note: '请尽快处置' }, leader);
    await waitFor(() => a.heard.some((m) => m.action === 'urge' && m.version === urged.version), 1000, 'urge');
    const moved = await act(c.id, { action: 'dispatch', version: urged.version, teamId: sanitation[1]!.id });
    await waitFor(() => a.heard.some((m) => m.version === moved.version) && b.heard.some((m) => m.version === moved.version), 1000, 'reassignment to both teams');
    expect(a.heard.find((m) => m.version === moved.version)).toEqual({ caseId: c.id, teamId: sanitation[1]!.id, unitCode: 'huanwei', status: 'dispatched', version: moved.version, action: 'dispatch' });
    const returned = await act(c.id, { action: 'return', version: moved.version, note: '不属于本队职责' }, crews.b!);
    await waitFor(() => b.heard.some((m) => m.version === returned.version), 1000, 'return');
    // Back at its unit's desk: still dispatched to the unit, no crew's.
    expect(b.heard.find((m) => m.version === returned.version)).toMatchObject({ teamId: null, unitCode: 'huanwei', status: 'dispatched', action: 'return' });
    await new Promise((r) => setTimeout(r, 200));
    expect(a.heard.some((m) => m.version === returned.version)).toBe(false);
    a.socket.close();
    b.socket.close();
  });

  it("tells a unit's desk of every change to its unit's cases, the crew's return included, and not another unit's desk", async () => {
    const desk = await phone({ cookie: await createUser(server.url, server.adminCookie, 'push-desk-huanwei', 'unit', undefined, undefined, 'huanwei') });
    const other = await phone({ cookie: await createUser(server.url, server.adminCookie, 'push-desk-cgzf', 'unit', undefined, undefined, 'cgzf') });
    const c = await registeredCase();
    // Dispatched to the unit without a crew: only the unit's desk has it.
    const sent = await act(c.id, { action: 'dispatch', version: c.version, unitCode: 'huanwei' });
    await waitFor(() => desk.heard.some((m) => m.version === sent.version), 1000, 'task:changed on the unit desk');
    expect(desk.heard.find((m) => m.version === sent.version)).toEqual({ caseId: c.id, teamId: null, unitCode: 'huanwei', status: 'dispatched', version: sent.version, action: 'dispatch' });
    const assigned = await act(c.id, { action: 'assign', version: sent.version, teamId: sanitation[1]!.id }, { cookie: await createUser(server.url, server.adminCookie, 'push-desk-2', 'unit', undefined, undefined, 'huanwei') });
    const returned = await act(c.id, { action: 'return', version: assigned.version, note: '不在本队辖区' }, crews.b!);
    await waitFor(() => desk.heard.some((m) => m.version === returned.version), 1000, 'the return on the unit desk');
    expect(desk.heard.filter((m) => m.caseId === c.id).map((m) => [m.action, m.teamId])).toEqual([['dispatch', null], ['assign', sanitation[1]!.id], ['return', null]]);
    expect(JSON.stringify(desk.heard)).not.toContain('13800000000');
    await new Promise((r) => setTimeout(r, 200));
    expect(other.heard).toEqual([]);
    desk.socket.close();
    other.socket.close();
  });

  it('does not reach sockets of accounts without a team', async () => {
    const dispatcher = streamClient(server.url);
    const heard: TaskChangedMessage[] = [];
    dispatcher.socket.on('task:changed', (m) => heard.push(m));
    dispatcher.socket.emit('subscribe', { sinceSeq: 0 });
    await dispatcher.live;
    const crew = await phone(crews.a!);
    const c = await registeredCase();
    await act(c.id, { action: 'dispatch', version: c.version, teamId: sanitation[0]!.id });
    await waitFor(() => crew.heard.some((m) => m.caseId === c.id), 1000, 'task:changed');
    await new Promise((r) => setTimeout(r, 200));
    expect(heard).toEqual([]);
    dispatcher.socket.close();
    crew.socket.close();
  });

  it('GET /api/teams shows each team with its shift and its status now', async () => {
    const teams = (await getJson<Team[]>(`${server.url}/api/teams`)).body;
    for (const t of teams) {
      expect(t.shift).toMatchObject({ start: expect.stringMatching(/^\d\d:\d\d$/), end: expect.stringMatching(/^\d\d:\d\d$/) });
      expect(['available', 'off_duty']).toContain(t.status);
    }
    // Round-the-clock teams are never off duty.
    expect(teams.filter((t) => t.shift.start === '00:00' && t.shift.end === '24:00').every((t) => t.status === 'available')).toBe(true);
  });
});
