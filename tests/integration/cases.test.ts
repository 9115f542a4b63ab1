import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseOverdueMessage, CaseSummary, CaseView, TaskRoute, Team } from '../../shared/index.js';
import { getJson, pointsInCells, postJson, streamClient, waitFor } from '../support/api.js';
import { authHeaders, createToken, createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection, Incident, IncidentEvent } from '../support/types.js';

let server: TestServer;
let cells: FeatureCollection['features'];
let teams: Team[];
let sanitation: Team[];
let otherCrew: Credentials;
const as: Record<'dispatcher' | 'field' | 'inspector' | 'leader' | 'wall', Credentials> = {} as never;

beforeAll(async () => {
  server = await startServer();
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  for (const role of ['dispatcher', 'inspector', 'leader', 'wall'] as const) {
    as[role] = { token: await createToken(server.url, server.adminCookie, role, `${role} of the case tests`) };
  }
  teams = (await getJson<Team[]>(`${server.url}/api/teams`)).body;
  sanitation = teams.filter((t) => t.categories.includes('E0102'));
  // Field staff are people of a team: the team the cases go to, and another one.
  as.field = { cookie: await createUser(server.url, server.adminCookie, 'crew-a', 'field', 'crew-a-password', sanitation[0]!.id) };
  otherCrew = { cookie: await createUser(server.url, server.adminCookie, 'crew-b', 'field', 'crew-b-password', sanitation[1]!.id) };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

let seed = 0;
async function newCase(): Promise<Incident> {
  const [p] = pointsInCells(cells, 1, 101 + seed++ * 37);
  const { status, body } = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, description: '暴露垃圾' });
  expect(status).toBe(201);
  return body;
}

type Answer = { case: Incident } & Partial<ApiError>;
const act = (id: string, body: Record<string, unknown>, who: Credentials) => postJson<Answer>(`${server.url}/api/cases/${id}/actions`, body, who);

describe('a field team', () => {
  it('sees and acts on its own tasks only', async () => {
    const c = await newCase();
    let v = c.version;
    for (const [action, extra] of [['accept', {}], ['register', {}], ['dispatch', { teamId: sanitation[0]!.id }]] as const) {
      v = (await act(c.id, { action, version: v, ...extra }, as.dispatcher)).body.case.version;
    }
    const tasks = (await getJson<Incident[]>(`${server.url}/api/tasks`, as.field)).body;
    expect(tasks.map((t) => t.id)).toContain(c.id);
    expect(tasks.every((t) => t.teamId === sanitation[0]!.id)).toBe(true);
    expect((await getJson<Incident[]>(`${server.url}/api/tasks`, otherCrew)).body.map((t) => t.id)).not.toContain(c.id);
    // Another team's crew can neither open nor take it; the live map is not theirs either.
    expect((await getJson<ApiError>(`${server.url}/api/cases/${c.id}`, otherCrew)).status).toBe(403);
    const taken = await act(c.id, { action: 'acknowledge', version: v }, otherCrew);
    expect(taken.status).toBe(403);
    expect(taken.body.error?.code).toBe('not_your_team');
    expect((await getJson(`${server.url}/api/incidents?limit=1`, otherCrew)).status).toBe(403);
    expect((await getJson(`${server.url}/api/cases/${c.id}`, as.field)).status).toBe(200);
    expect((await act(c.id, { action: 'acknowledge', version: v }, as.field)).status).toBe(200);
  });
});

describe('a field phone with a patchy connection', () => {
  it('can resend an action with its Idempotency-Key and gets the first answer, not a second action', async () => {
    const c = await newCase();
    const send = () =>
      fetch(`${server.url}/api/cases/${c.id}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `accept-${c.id}`, ...authHeaders(server.url, as.dispatcher) },
        body: JSON.stringify({ action: 'accept', version: c.version }),
      });
    const first = await send();
    const again = await send();
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    const view = (await getJson<{ timeline: IncidentEvent[] }>(`${server.url}/api/cases/${c.id}`, as.dispatcher)).body;
    expect(view.timeline).toHaveLength(2);
  });

  it('uploads photos checked by their bytes, kept outside the web root, shown only to who may see the case', async () => {
    const c = await newCase();
    let v = c.version;
    for (const [action, extra] of [['accept', {}], ['register', {}], ['dispatch', { teamId: sanitation[0]!.id }]] as const) {
      v = (await act(c.id, { action, version: v, ...extra }, as.dispatcher)).body.case.version;
    }
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const upload = (body: Buffer, type: string, who: Credentials) =>
      fetch(`${server.url}/api/cases/${c.id}/photos`, { method: 'POST', headers: { 'content-type': type, ...authHeaders(server.url, who) }, body: new Uint8Array(body) });
    const ok = await upload(png, 'image/png', as.field);
    expect(ok.status).toBe(201);
    const { photoId } = (await ok.json()) as { photoId: string };
    expect((await upload(Buffer.from('<html><script>alert(1)</script>'), 'image/png', as.field)).status).toBe(415);
    expect((await upload(png, 'image/jpeg', as.field)).status).toBe(415);
    expect((await upload(Buffer.alloc(9 * 1024 * 1024, 0xff), 'image/jpeg', as.field)).status).toBe(413);
    expect((await upload(png, 'image/png', otherCrew)).status).toBe(403);
    // Attached to the report, the photo is on the timeline; served to the team, not to another crew.
    v = (await act(c.id, { action: 'acknowledge', version: v }, as.field)).body.case.version;
    const done = await act(c.id, { action: 'report-handled', version: v, note: '已清理', attachments: [photoId] }, as.field);
    expect(done.status).toBe(200);
    const view = (await getJson<{ timeline: IncidentEvent[] }>(`${server.url}/api/cases/${c.id}`, as.dispatcher)).body;
    expect(view.timeline[view.timeline.length - 1]!.action?.attachments).toEqual([photoId]);
    const served = await fetch(`${server.url}/api/photos/${photoId}`, { headers: authHeaders(server.url, as.field) });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    expect((await fetch(`${server.url}/api/photos/${photoId}`, { headers: authHeaders(server.url, otherCrew) })).status).toBe(403);
    // Not under the web root: the static client does not serve it.
    expect((await fetch(`${server.url}/uploads/${photoId}.png`)).headers.get('content-type')).not.toBe('image/png');
  });
});

describe('dispatch candidates', () => {
  it('rank up to five able teams by travel time, with distance, workload and route, for dispatchers only', async () => {
    const c = await newCase();
    const res = await getJson<{ teamId: string; unitCode: string | null; etaSeconds: number; distanceMeters: number; workload: number; route: { type: string; coordinates: number[][] } }[]>(
      `${server.url}/api/cases/${c.id}/candidates`,
      as.dispatcher,
    );
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(0);
    expect(res.body.length).toBeLessThanOrEqual(5);
    const etas = res.body.map((x) => x.etaSeconds);
    expect(etas).toEqual([...etas].sort((a, b) => a - b));
    for (const x of res.body) {
      expect(teams.find((t) => t.id === x.teamId)!.categories).toContain('E0102');
      // Each names its unit: the sanitation department's crews.
      expect(x.unitCode).toBe('huanwei');
      expect(x.route.type).toBe('LineString');
      expect(x.route.coordinates[x.route.coordinates.length - 1]).toEqual([c.lon, c.lat]);
      expect(x.distanceMeters).toBeGreaterThan(0);
      expect(x.workload).toBeGreaterThanOrEqual(0);
    }
    expect((await getJson(`${server.url}/api/cases/${c.id}/candidates`, as.leader)).status).toBe(403);
  });
});

describe('a case', () => {
  it('goes from report to closure, each step by the role of its position, every step on its timeline and on the stream', async () => {
    const watcher = streamClient(server.url, as.wall);
    watcher.socket.emit('subscribe', { sinceSeq: 0 });
    await watcher.live;
    const c = await newCase();
    const steps: [string, Credentials, Record<string, unknown>, string][] = [
      ['accept', as.dispatcher, {}, 'accepted'],
      ['register', as.dispatcher, {}, 'registered'],
      ['dispatch', as.dispatcher, { teamId: sanitation[0]!.id }, 'dispatched'],
      ['acknowledge', as.field, {}, 'handling'],
      ['arrive', as.field, {}, 'handling'],
      ['urge', as.leader, { note: '尽快处理' }, 'handling'],
      ['report-handled', as.field, { note: '已清理' }, 'handled'],
      ['rework', as.inspector, { note: '仍有残留' }, 'handling'],
      ['report-handled', as.field, { note: '已彻底清理' }, 'handled'],
      ['verify', as.inspector, {}, 'verified'],
      ['close', as.dispatcher, {}, 'closed'],
    ];
    let version = c.version;
    for (const [action, who, extra, status] of steps) {
      const res = await act(c.id, { action, version, ...extra }, who);
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.case.status).toBe(status);
      expect(res.body.case.version).toBe(version + 1);
      version = res.body.case.version;
    }
    const view = (await getJson<{ case: Incident; timeline: IncidentEvent[]; allowedActions: string[]; remainingSeconds: number | null }>(`${server.url}/api/cases/${c.id}`, as.leader)).body;
    expect(view.case.status).toBe('closed');
    expect(view.case.closureKind).toBe('normal');
    expect(view.case.urgeCount).toBe(1);
    expect(view.case.reworkCount).toBe(1);
    expect(view.case.teamId).toBe(sanitation[0]!.id);
    // Dispatched straight to a crew: to the crew's unit.
    expect(view.case.unitCode).toBe(sanitation[0]!.unitCode);
    expect(view.case.reportedBy).toEqual({ name: 'test-server', role: 'dispatcher' });
    expect(view.timeline[4]!.action).toMatchObject({ name: 'acknowledge', actor: 'crew-a', role: 'field' });
    expect(view.allowedActions).toEqual([]);
    expect(view.remainingSeconds).toBeNull();
    // The timeline is the record: the report, then every action with who took it, from where to where.
    expect(view.timeline.map((e) => e.action?.name ?? e.kind)).toEqual(['created', ...steps.map((s) => s[0])]);
    expect(view.timeline[3]!.action).toMatchObject({ name: 'dispatch', role: 'dispatcher', from: 'registered', to: 'dispatched' });
    expect(view.timeline[8]!.action).toMatchObject({ name: 'rework', role: 'inspector', note: '仍有残留', from: 'handled', to: 'handling' });
    // Folding the timeline gives the current state.
    expect(view.timeline[view.timeline.length - 1]!.incident).toEqual(view.case);
    await waitFor(() => watcher.events.filter((e) => e.incident.id === c.id).length === steps.length + 1, 5000, 'every step on the stream');
    expect(watcher.events.filter((e) => e.incident.id === c.id).map((e) => e.incident.status).pop()).toBe('closed');
    watcher.socket.close();
  });

  it('refuses an action the role may not take (403), a state that does not allow it (422), and an unknown team', async () => {
    const c = await newCase();
    expect((await act(c.id, { action: 'accept', version: c.version }, as.leader)).status).toBe(403);
    expect((await act(c.id, { action: 'accept', version: c.version }, as.wall)).status).toBe(403);
    expect((await act(c.id, { action: 'acknowledge', version: c.version }, as.dispatcher)).status).toBe(403);
    const wrongState = await act(c.id, { action: 'close', version: c.version }, as.dispatcher);
    expect(wrongState.status).toBe(422);
    expect(wrongState.body.error?.code).toBe('invalid_transition');
    await act(c.id, { action: 'accept', version: c.version }, as.dispatcher);
    await act(c.id, { action: 'register', version: c.version + 1 }, as.dispatcher);
    const team = await act(c.id, { action: 'dispatch', version: c.version + 2, teamId: 'team-none' }, as.dispatcher);
    expect(team.status).toBe(422);
    expect(team.body.error?.code).toBe('unknown_team');
    const noUnit = await act(c.id, { action: 'dispatch', version: c.version + 2 }, as.dispatcher);
    expect(noUnit.status).toBe(400);
    expect(noUnit.body.error?.code).toBe('unit_required');
    const unknownUnit = await act(c.id, { action: 'dispatch', version: c.version + 2, unitCode: 'no-such-unit' }, as.dispatcher);
    expect([unknownUnit.status, unknownUnit.body.error?.code]).toEqual([422, 'unknown_unit']);
    // A crew of another unit than the one named.
    const notInUnit = await act(c.id, { action: 'dispatch', version: c.version + 2, unitCode: 'shizheng', teamId: sanitation[0]!.id }, as.dispatcher);
    expect([notInUnit.status, notInUnit.body.error?.code]).toEqual([422, 'team_not_in_unit']);
    expect((await act('no-such-case', { action: 'accept', version: 1 }, as.dispatcher)).status).toBe(404);
    // Nothing refused changed it.
    const view = (await getJson<{ case: Incident }>(`${server.url}/api/cases/${c.id}`, as.dispatcher)).body;
    expect(view.case.version).toBe(c.version + 2);
  });

  it('lets one of two dispatchers acting at once win, and tells the other it saw a stale version', async () => {
    const c = await newCase();
    const second = { token: await createToken(server.url, server.adminCookie, 'dispatcher', 'second dispatcher') };
    const [a, b] = await Promise.all([
      act(c.id, { action: 'accept', version: c.version }, as.dispatcher),
      act(c.id, { action: 'reject', version: c.version, note: '重复' }, second),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error?.code).toBe('version_conflict');
    const view = (await getJson<{ case: Incident; timeline: IncidentEvent[] }>(`${server.url}/api/cases/${c.id}`, as.dispatcher)).body;
    expect(view.case.version).toBe(c.version + 1);
    expect(view.timeline).toHaveLength(2);
  });

  it('suspends and resumes where it was, and extends the deadline in working time', async () => {
    const c = await newCase();
    const team = sanitation[0]!;
    let v = c.version;
    let deadlineAt: string | null = null;
    for (const [action, extra] of [['accept', {}], ['register', {}], ['dispatch', { teamId: team.id }]] as const) {
      ({ version: v, deadlineAt } = (await act(c.id, { action, version: v, ...extra }, as.dispatcher)).body.case);
    }
    const extended = await act(c.id, { action: 'extend', version: v, extendHours: 4 }, as.dispatcher);
    expect(extended.status).toBe(200);
    expect(Date.parse(extended.body.case.deadlineAt!)).toBeGreaterThanOrEqual(Date.parse(deadlineAt!) + 4 * 3_600_000);
    const suspended = await act(c.id, { action: 'suspend', version: v + 1 }, as.dispatcher);
    expect(suspended.body.case.status).toBe('suspended');
    const resumed = await act(c.id, { action: 'resume', version: v + 2 }, as.dispatcher);
    expect(resumed.body.case.status).toBe('dispatched');
    expect(resumed.body.case.teamId).toBe(team.id);
  });
});

describe('the drive to a task', () => {
  it('routes the crew from where it is, or from its phone\'s fix, along named roads; only for its own team', async () => {
    const c = await newCase();
    let v = c.version;
    for (const [action, extra] of [['accept', {}], ['register', {}], ['dispatch', { teamId: sanitation[0]!.id }]] as const) {
      v = (await act(c.id, { action, version: v, ...extra }, as.dispatcher)).body.case.version;
    }
    const fromTeam = await getJson<TaskRoute>(`${server.url}/api/tasks/${c.id}/route`, as.field);
    expect(fromTeam.status).toBe(200);
    const team = (await getJson<Team[]>(`${server.url}/api/teams`, as.dispatcher)).body.find((t) => t.id === sanitation[0]!.id)!;
    expect(fromTeam.body.line.coordinates[0]).toEqual([team.position!.lon, team.position!.lat]);
    expect(fromTeam.body.line.coordinates.at(-1)).toEqual([c.lon, c.lat]);
    expect(fromTeam.body.legs.length).toBeGreaterThan(0);
    expect(fromTeam.body.legs.some((l) => l.name !== null)).toBe(true);
    expect(fromTeam.body.distanceMeters).toBeGreaterThanOrEqual(Math.round(fromTeam.body.legs.reduce((n, l) => n + l.metres, 0)) - fromTeam.body.legs.length);
    const here = await getJson<TaskRoute>(`${server.url}/api/tasks/${c.id}/route?from=${c.lon + 0.003},${c.lat}`, as.field);
    expect(here.body.line.coordinates[0]).toEqual([c.lon + 0.003, c.lat]);
    expect(here.body.distanceMeters).toBeLessThan(fromTeam.body.distanceMeters + 1);
    expect((await getJson<TaskRoute>(`${server.url}/api/tasks/${c.id}/route`, otherCrew)).status).toBe(403);
    expect((await getJson(`${server.url}/api/tasks/${c.id}/route?from=somewhere`, as.field)).status).toBe(400);
  });
});

describe('deadlines of every stage', () => {
  it('runs each stage on its own clock, and the handling deadline while handling', async () => {
    const c = await newCase();
    const view = async () => (await getJson<CaseView>(`${server.url}/api/cases/${c.id}`, as.dispatcher)).body;
    let v = await view();
    expect(v.stage?.name).toBe('accept');
    expect(v.stage?.deadlineAt).toBe(c.stageDeadlineAt);
    expect(Date.parse(c.stageDeadlineAt!)).toBeGreaterThan(Date.parse(c.createdAt));
    const accepted = await act(c.id, { action: 'accept', version: c.version }, as.dispatcher);
    v = await view();
    expect(v.stage?.name).toBe('register');
    expect(v.stage?.deadlineAt).toBe(accepted.body.case.stageDeadlineAt);
    // No unit has it yet: no handling clock; no closure clock before registration.
    expect([v.case.deadlineAt, v.remainingSeconds, v.close, v.overdue]).toEqual([null, null, null, false]);
    const registered = await act(c.id, { action: 'register', version: v.case.version }, as.dispatcher);
    v = await view();
    expect(v.stage?.name).toBe('dispatch');
    // The closure clock runs from the registration.
    expect(Date.parse(registered.body.case.closeDeadlineAt!)).toBeGreaterThan(Date.parse(registered.body.case.updatedAt));
    expect(v.close).toMatchObject({ deadlineAt: registered.body.case.closeDeadlineAt, overdue: false });
    expect(v.case.deadlineAt).toBeNull();
    const dispatched = await act(c.id, { action: 'dispatch', version: registered.body.case.version, teamId: sanitation[0]!.id }, as.dispatcher);
    v = await view();
    expect(v.case.stageDeadlineAt).toBeNull();
    // The unit's handling clock runs from the dispatch, before the closure's runs out.
    const handlingDue = dispatched.body.case.deadlineAt!;
    expect(Date.parse(handlingDue)).toBeGreaterThan(Date.parse(dispatched.body.case.updatedAt));
    expect(Date.parse(handlingDue)).toBeLessThanOrEqual(Date.parse(registered.body.case.closeDeadlineAt!));
    expect(v.stage).toMatchObject({ name: 'handle', deadlineAt: handlingDue, overdue: false });
    expect(Math.abs(v.remainingSeconds! - (Date.parse(handlingDue) - Date.now()) / 1000)).toBeLessThan(5);
    expect(v.close?.deadlineAt).toBe(registered.body.case.closeDeadlineAt);
    // The team now carries it in its workload.
    const after = (await getJson<Team[]>(`${server.url}/api/teams`, as.dispatcher)).body;
    const open = (await getJson<{ items: Incident[] }>(`${server.url}/api/incidents?status=dispatched,handling&limit=1000`, as.dispatcher)).body.items;
    expect(after.find((t) => t.id === sanitation[0]!.id)!.workload).toBe(open.filter((i) => i.teamId === sanitation[0]!.id).length);
    expect(after.find((t) => t.id === sanitation[0]!.id)!.workload).toBeGreaterThanOrEqual(1);
  });

  it('pushes a case to the wall the moment its unit passes its handling deadline', async () => {
    const watcher = streamClient(server.url, as.wall);
    const overdue: CaseOverdueMessage[] = [];
    watcher.socket.on('case:overdue', (m) => overdue.push(m));
    watcher.socket.emit('subscribe', { sinceSeq: await headSeq() });
    await watcher.live;
    // A broken water-supply manhole cover: the water company has 2 urgent hours from the dispatch.
    const [p] = pointsInCells(cells, 1, 4243);
    // Backdated: the handling clock does not count from the report any more.
    const reportedAt = new Date(Date.now() - 2 * 3_600_000 + 2_000).toISOString();
    let c = (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'C0101', lon: p!.lon, lat: p!.lat, reportedAt })).body;
    expect(c.deadlineAt).toBeNull();
    for (const step of [{ action: 'accept' }, { action: 'register' }, { action: 'dispatch', unitCode: 'gongshui' }]) {
      c = (await act(c.id, { ...step, version: c.version }, as.dispatcher)).body.case;
    }
    const dispatchedAt = Date.parse(c.updatedAt);
    expect(c).toMatchObject({ status: 'dispatched', unitCode: 'gongshui', teamId: null, deadlineAt: new Date(dispatchedAt + 2 * 3_600_000).toISOString() });
    // Every clock counts from an action taken now, so none runs out within a test: the test moves this
    // case's handling deadline in the store to 3 s from now, and the next change to the case (an urge,
    // which keeps its state) makes the server follow it, as it follows an extension.
    const due = Date.now() + 3_000;
    const db = new Database(join(server.dataDir, 'gridwatch.db'));
    db.pragma('busy_timeout = 5000');
    db.prepare('UPDATE incidents SET deadline_at = ? WHERE id = ?').run(due, c.id);
    db.close();
    const urged = await act(c.id, { action: 'urge', version: c.version, note: '尽快处置' }, as.leader);
    expect(urged.body.case.deadlineAt).toBe(new Date(due).toISOString());
    expect(overdue.some((m) => m.caseId === c.id)).toBe(false);
    await waitFor(() => overdue.some((m) => m.caseId === c.id), 8_000, 'case:overdue');
    const msg = overdue.find((m) => m.caseId === c.id)!;
    expect(msg).toMatchObject({ stage: 'handle', clock: 'handling', deadlineAt: new Date(due).toISOString(), categoryCode: 'C0101' });
    expect(Date.now()).toBeGreaterThanOrEqual(due);
    const v = (await getJson<CaseView>(`${server.url}/api/cases/${c.id}`, as.dispatcher)).body;
    expect(v.overdue).toBe(true);
    expect(v.remainingSeconds!).toBeLessThanOrEqual(0);
    // Its closure clock has not run out: only the unit is late.
    expect(v.close?.overdue).toBe(false);
    watcher.socket.close();
  });
});

describe('duplicates', () => {
  it('offers open cases of the same category within 50 m and 24 h for merging, and merges into one', async () => {
    const [p] = pointsInCells(cells, 1, 5657);
    const metresEast = (m: number) => p!.lon + m / (111_320 * Math.cos((p!.lat * Math.PI) / 180));
    const report = async (lon: number, categoryCode = 'E0507') =>
      (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode, lon, lat: p!.lat, description: '占道经营' })).body;
    const first = await report(p!.lon);
    const far = await report(metresEast(80));
    const otherKind = await report(metresEast(5), 'E0102');
    const dup = await report(metresEast(20));
    const view = async (id: string) => (await getJson<CaseView>(`${server.url}/api/cases/${id}`, as.dispatcher)).body;
    const offers = (await view(dup.id)).duplicateOffers;
    expect(offers.map((o) => o.caseId)).toEqual([first.id]);
    expect(offers[0]!.distanceMeters).toBeGreaterThanOrEqual(18);
    expect(offers[0]!.distanceMeters).toBeLessThanOrEqual(22);
    expect((await view(far.id)).duplicateOffers.map((o) => o.caseId)).toEqual([]);
    expect((await view(otherKind.id)).duplicateOffers.map((o) => o.caseId)).not.toContain(first.id);

    expect((await act(dup.id, { action: 'merge', version: dup.version, mergeInto: first.id }, as.field)).status).toBe(403);
    expect((await act(dup.id, { action: 'merge', version: dup.version, mergeInto: dup.id }, as.dispatcher)).body.error?.code).toBe('invalid_merge_target');
    expect((await act(dup.id, { action: 'merge', version: dup.version }, as.dispatcher)).body.error?.code).toBe('merge_target_required');
    const merged = await act(dup.id, { action: 'merge', version: dup.version, mergeInto: first.id }, as.dispatcher);
    expect(merged.status).toBe(200);
    expect(merged.body.case).toMatchObject({ status: 'closed', closureKind: 'duplicate', mergedInto: first.id });
    const target = await view(first.id);
    expect(target.mergedCases).toEqual([dup.id]);
    // A merged case offers nothing more, and nothing merges into a closed one.
    expect((await view(dup.id)).duplicateOffers).toEqual([]);
    const late = await act(far.id, { action: 'merge', version: far.version, mergeInto: dup.id }, as.dispatcher);
    expect([late.status, late.body.error?.code]).toEqual([422, 'invalid_merge_target']);
  });
});

async function headSeq(): Promise<number> {
  return (await getJson<{ headSeq: number }>(`${server.url}/api/health`)).body.headSeq;
}

describe('the board counters', () => {
  it('count open cases by status, today\'s reports and closures, and move with each step', async () => {
    const summary = async () => (await getJson<CaseSummary>(`${server.url}/api/cases/summary`, as.wall)).body;
    const before = await summary();
    const c = await newCase();
    const after = await summary();
    expect(after.headSeq).toBeGreaterThan(before.headSeq);
    expect(after.reportedToday).toBe(before.reportedToday + 1);
    expect(after.open.reported ?? 0).toBe((before.open.reported ?? 0) + 1);
    await act(c.id, { action: 'accept', version: c.version }, as.dispatcher);
    const accepted = await summary();
    expect(accepted.open.reported ?? 0).toBe(before.open.reported ?? 0);
    expect(accepted.open.accepted ?? 0).toBe((before.open.accepted ?? 0) + 1);
    expect(Date.parse(accepted.dayStart)).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - Date.parse(accepted.dayStart)).toBeLessThan(86_400_000);
    expect((await getJson(`${server.url}/api/cases/summary`, as.field)).status).toBe(403);
  });
});

describe('a callback (回访) after closure', () => {
  async function closedCase(source: string): Promise<Incident> {
    const [p] = pointsInCells(cells, 1, 7001 + seed++ * 37);
    const c = (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, source, reporter: { name: '王女士', phone: '13800000000' } })).body;
    let version = c.version;
    for (const [action, who, extra] of [
      ['accept', as.dispatcher, {}],
      ['register', as.dispatcher, {}],
      ['dispatch', as.dispatcher, { teamId: sanitation[0]!.id }],
      ['acknowledge', as.field, {}],
      ['report-handled', as.field, {}],
      ['verify', as.inspector, {}],
      ['close', as.dispatcher, {}],
    ] as const) {
      const res = await act(c.id, { action, version, ...extra }, who);
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
      version = res.body.case.version;
    }
    return { ...c, version };
  }

  it('records whether the caller was reached and how satisfied, on the case and its timeline', async () => {
    const c = await closedCase('hotline_12345');
    const before = await headSeq();
    const answered = await act(c.id, { action: 'callback', version: c.version, callback: { reached: true, satisfaction: 'basically_satisfied' }, note: '已回访，居民认可' }, as.dispatcher);
    expect(answered.status).toBe(200);
    expect(answered.body.case).toMatchObject({ status: 'closed', callback: { reached: true, satisfaction: 'basically_satisfied' } });
    expect(await headSeq()).toBe(before + 1);
    const again = await act(c.id, { action: 'callback', version: answered.body.case.version, callback: { reached: false } }, as.dispatcher);
    expect(again.body.case.callback).toMatchObject({ reached: false, satisfaction: null });
    const view = (await getJson<{ case: Incident; timeline: IncidentEvent[] }>(`${server.url}/api/cases/${c.id}`, as.dispatcher)).body;
    expect(view.case.callback).toMatchObject({ reached: false, satisfaction: null });
    expect(view.timeline.filter((e) => e.action?.name === 'callback').map((e) => e.incident.callback?.satisfaction)).toEqual(['basically_satisfied', null]);
  });

  it('is refused for a report that did not come from the public, before closure, without an answer, and to other roles', async () => {
    const inspected = await closedCase('inspector');
    const before = await headSeq();
    const notPublic = await act(inspected.id, { action: 'callback', version: inspected.version, callback: { reached: true, satisfaction: 'satisfied' } }, as.dispatcher);
    expect([notPublic.status, notPublic.body.error?.code]).toEqual([422, 'not_public_report']);
    const [p] = pointsInCells(cells, 1, 9001);
    const open = (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, source: 'hotline_12345' })).body;
    const early = await act(open.id, { action: 'callback', version: open.version, callback: { reached: true, satisfaction: 'satisfied' } }, as.dispatcher);
    expect([early.status, early.body.error?.code]).toEqual([422, 'invalid_transition']);
    const hotline = await closedCase('hotline_12345');
    const mid = await headSeq();
    const noAnswer = await act(hotline.id, { action: 'callback', version: hotline.version }, as.dispatcher);
    expect([noAnswer.status, noAnswer.body.error?.code]).toEqual([400, 'callback_required']);
    const halfAnswer = await act(hotline.id, { action: 'callback', version: hotline.version, callback: { reached: true } }, as.dispatcher);
    expect(halfAnswer.status).toBe(400);
    const leader = await act(hotline.id, { action: 'callback', version: hotline.version, callback: { reached: false } }, as.leader);
    expect(leader.status).toBe(403);
    expect(await headSeq()).toBe(mid);
    expect(mid).toBeGreaterThan(before);
  });
});
