import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BoardSummary, type CaseSummary, type CaseView, type TaskChangedMessage, type Team } from '../../shared/index.js';
import { getJson, pointsInCells, postJson, streamClient, waitFor } from '../support/api.js';
import { createToken, createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection, Incident } from '../support/types.js';

/**
 * The leaders' review (issue 15): the board's summary as the main board and the wall read it, and a
 * leader's 督办 (urge) and 批示 (instruct) through the API, recorded on the timeline and told to the crew.
 */
let server: TestServer;
let cells: FeatureCollection['features'];
let crew: Team;
const as: Record<'dispatcher' | 'leader' | 'wall' | 'field', Credentials> = {} as never;

beforeAll(async () => {
  server = await startServer();
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  for (const role of ['dispatcher', 'leader', 'wall'] as const) as[role] = { token: await createToken(server.url, server.adminCookie, role, `${role} of the leader tests`) };
  crew = (await getJson<Team[]>(`${server.url}/api/teams`)).body.find((t) => t.categories.includes('E0102'))!;
  as.field = { cookie: await createUser(server.url, server.adminCookie, 'leader-test-crew', 'field', 'leader-test-crew-password', crew.id) };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

let seed = 0;
async function report(): Promise<Incident> {
  const [p] = pointsInCells(cells, 1, 211 + seed++ * 53);
  const r = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, description: '暴露垃圾', reporter: { name: '王五', phone: '13900000000' } });
  expect(r.status).toBe(201);
  return r.body;
}

const act = (id: string, body: Record<string, unknown>, who: Credentials) => postJson<{ case: Incident } & Partial<ApiError>>(`${server.url}/api/cases/${id}/actions`, body, who);
const board = (who: Credentials) => getJson<BoardSummary & Partial<ApiError>>(`${server.url}/api/board/summary`, who);

describe('GET /api/board/summary', () => {
  it('answers leaders and the wall with today against yesterday, overdue as the case counters count it, and no personal data', async () => {
    const before = (await board(as.leader)).body;
    for (let i = 0; i < 3; i++) await report();
    const { status, body } = await board(as.leader);
    expect(status).toBe(200);
    expect(BoardSummary.parse(body)).toEqual(body);
    expect(body.reports.today).toBe(before.reports.today + 3);
    // A fresh server has no history: nothing was due today or yesterday, so no rate is made up.
    expect(body.closure.today).toEqual({ due: 0, closed: 0, onTime: 0, closureRate: null, onTimeClosureRate: null });
    expect(body.overdue).toBe((await getJson<CaseSummary>(`${server.url}/api/cases/summary`, as.leader)).body.overdue);
    expect(body.crews.onDuty).toBeGreaterThanOrEqual(body.crews.working);
    expect(body.crews.working).toBeGreaterThanOrEqual(body.crews.onSite);
    expect(JSON.stringify(body)).not.toMatch(/王五|13900000000/);
    expect((await board(as.wall)).status).toBe(200);
  });

  it('refuses the signed-out and those who do not read the live picture', async () => {
    expect((await board(null)).status).toBe(401);
    expect((await board(as.field)).status).toBe(403);
  });
});

describe("a leader's 督办 and 批示", () => {
  it('urges and instructs an open case; the timeline shows both, and the crew is told', async () => {
    const c = await report();
    let version = c.version;
    for (const [action, extra] of [['accept', {}], ['register', {}], ['dispatch', { teamId: crew.id }]] as const) {
      const r = await act(c.id, { action, version, ...extra }, as.dispatcher);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      version = r.body.case.version;
    }
    const phone = streamClient(server.url, as.field);
    const heard: TaskChangedMessage[] = [];
    phone.socket.on('task:changed', (m) => heard.push(m));
    await new Promise<void>((resolve, reject) => {
      phone.socket.once('connect', () => resolve());
      phone.socket.once('connect_error', reject);
    });
    try {
      const view = (await getJson<CaseView>(`${server.url}/api/cases/${c.id}`, as.leader)).body;
      expect(view.allowedActions).toEqual(['urge', 'instruct']);

      const urged = await act(c.id, { action: 'urge', version, note: '群众反映强烈，请加快' }, as.leader);
      expect(urged.status, JSON.stringify(urged.body)).toBe(200);
      version = urged.body.case.version;
      // An instruction without its text is refused; so is one from a dispatcher, who may not instruct.
      const empty = await act(c.id, { action: 'instruct', version }, as.leader);
      expect([empty.status, empty.body.error?.code]).toEqual([400, 'note_required']);
      const byDispatcher = await act(c.id, { action: 'instruct', version, note: '请加快' }, as.dispatcher);
      expect([byDispatcher.status, byDispatcher.body.error?.code]).toEqual([403, 'forbidden']);
      const instructed = await act(c.id, { action: 'instruct', version, note: '请街道牵头，今日内办结' }, as.leader);
      expect(instructed.status, JSON.stringify(instructed.body)).toBe(200);
      expect(instructed.body.case).toMatchObject({ status: 'dispatched', version: version + 1, urgeCount: 1, teamId: crew.id });

      await waitFor(() => heard.some((m) => m.caseId === c.id && m.action === 'instruct'), 2000, 'task:changed instruct on the crew');
      expect(heard.find((m) => m.action === 'urge')).toMatchObject({ caseId: c.id, teamId: crew.id });

      const after = (await getJson<CaseView>(`${server.url}/api/cases/${c.id}`, as.leader)).body;
      const steps = after.timeline.filter((e) => e.kind === 'case_action').map((e) => e.action!);
      expect(steps.map((a) => a.name)).toEqual(['accept', 'register', 'dispatch', 'urge', 'instruct']);
      expect(steps[3]).toMatchObject({ actor: 'leader of the leader tests', role: 'leader', note: '群众反映强烈，请加快', from: 'dispatched', to: 'dispatched' });
      expect(steps[4]).toMatchObject({ actor: 'leader of the leader tests', role: 'leader', note: '请街道牵头，今日内办结', from: 'dispatched', to: 'dispatched' });
    } finally {
      phone.socket.close();
    }
  });
});
