import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, Candidate, CaseView, Unit } from '../../shared/index.js';
import { getJson, pointsInCells, postJson, streamClient, waitFor } from '../support/api.js';
import { createToken, createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection, Incident } from '../support/types.js';

/**
 * Two-level dispatch through the HTTP API of a real server (issue 12): the centre dispatches a case
 * to the unit responsible, the unit's desk sends one of its own crews, the crew handles it; a desk
 * sees and works its own unit's cases only; the unit applies for more time, a suspension or a return,
 * and the centre decides; the handling clock is the unit's, from its dispatch.
 */
let server: TestServer;
let cells: FeatureCollection['features'];
let units: Unit[];
/** The water company's desk (its unit handles sewer manhole covers, C0102) and the gas company's. */
let desk: Credentials;
let gasDesk: Credentials;
/** A field account of the water company's crew. */
let crew: Credentials;
let crewId: string;
let inspector: Credentials;
let leader: Credentials;

const HOUR = 3_600_000;
/** C0102 (污水井盖, the water company's) and C0111 (燃气井盖, the gas company's): 2 urgent hours each to handle. */
const SEWER = 'C0102';
const GAS = 'C0111';
/** E0112 (闲置地块杂草丛生): the town's own (属地). */
const WEEDS = 'E0112';
const PHONE = '13700001111';

beforeAll(async () => {
  server = await startServer();
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  units = (await getJson<Unit[]>(`${server.url}/api/units`)).body;
  crewId = units.find((u) => u.code === 'shuiwu')!.teams[0]!;
  // Desk accounts are made like any account, by an admin, bound to their unit.
  desk = { cookie: await createUser(server.url, server.adminCookie, 'desk-shuiwu', 'unit', undefined, undefined, 'shuiwu') };
  gasDesk = { cookie: await createUser(server.url, server.adminCookie, 'desk-ranqi', 'unit', undefined, undefined, 'ranqi') };
  crew = { cookie: await createUser(server.url, server.adminCookie, 'crew-shuiwu', 'field', undefined, crewId) };
  inspector = { token: await createToken(server.url, server.adminCookie, 'inspector', 'inspector of the unit tests') };
  leader = { token: await createToken(server.url, server.adminCookie, 'leader', 'leader of the unit tests') };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

type Answer = { case: Incident } & Partial<ApiError>;
/** An action; by the server's dispatcher token unless told otherwise. */
const act = (id: string, body: Record<string, unknown>, who?: Credentials) => postJson<Answer>(`${server.url}/api/cases/${id}/actions`, body, who);
const view = async (id: string, who?: Credentials) => getJson<CaseView & Partial<ApiError>>(`${server.url}/api/cases/${id}`, who);
const audit = async () => (await getJson<AuditEntry[]>(`${server.url}/api/audit?limit=1000`, { cookie: server.adminCookie })).body;

let spot = 0;
/** A hotline report with a caller on record, accepted and registered by the centre. */
async function registered(categoryCode: string): Promise<Incident> {
  const [p] = pointsInCells(cells, 1, 503 + spot++ * 89);
  const posted = await postJson<Incident>(`${server.url}/api/incidents`, {
    categoryCode, lon: p!.lon, lat: p!.lat, source: 'hotline_12345', description: '井盖破损', reporter: { name: '赵先生', phone: PHONE },
  });
  expect(posted.status).toBe(201);
  let c = posted.body;
  for (const action of ['accept', 'register']) {
    const res = await act(c.id, { action, version: c.version });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    c = res.body.case;
  }
  return c;
}

/** Registered and dispatched to a unit by the centre, without naming a crew. */
async function atDesk(categoryCode: string, unitCode: string): Promise<Incident> {
  const c = await registered(categoryCode);
  const res = await act(c.id, { action: 'dispatch', version: c.version, unitCode });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.case;
}

/** The handling deadline of a C0102 or C0111 case dispatched at `at` (2 urgent hours). */
const twoHoursAfter = (at: string) => new Date(Date.parse(at) + 2 * HOUR).toISOString();

describe('a sewer manhole cover (C0102) through its unit', () => {
  it('is dispatched to the water company, whose desk assigns its own crew, which handles it; verified and closed by the centre', async () => {
    const c = await registered(SEWER);
    expect([c.unitCode, c.deadlineAt]).toEqual([null, null]);
    expect(c.closeDeadlineAt).not.toBeNull();

    // The centre names the unit, not a crew.
    const sent = await act(c.id, { action: 'dispatch', version: c.version, unitCode: 'shuiwu' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.case).toMatchObject({ status: 'dispatched', unitCode: 'shuiwu', teamId: null, closeDeadlineAt: c.closeDeadlineAt });
    // The unit's clock starts now.
    expect(sent.body.case.deadlineAt).toBe(twoHoursAfter(sent.body.case.updatedAt));

    // The desk finds it in its queue, and may assign or apply; the caller's name and number stay hidden.
    const queue = await getJson<Incident[]>(`${server.url}/api/units/shuiwu/cases`, desk);
    expect(queue.status).toBe(200);
    const queued = queue.body.find((q) => q.id === c.id)!;
    expect(queued).toMatchObject({ status: 'dispatched', teamId: null, reporter: null, reporterRedacted: true });
    const seen = await view(c.id, desk);
    expect(seen.status).toBe(200);
    expect(seen.body.allowedActions).toEqual(expect.arrayContaining(['assign', 'apply']));
    expect(seen.body.allowedActions).not.toContain('dispatch');
    expect(JSON.stringify(queue.body)).not.toContain(PHONE);
    expect(JSON.stringify(seen.body)).not.toContain(PHONE);
    expect(seen.body.case.reporterRedacted).toBe(true);

    // Its candidates are its own crews only.
    const own = await getJson<Candidate[]>(`${server.url}/api/cases/${c.id}/candidates`, desk);
    expect(own.status).toBe(200);
    expect(own.body.length).toBeGreaterThan(0);
    const shuiwu = units.find((u) => u.code === 'shuiwu')!;
    for (const x of own.body) {
      expect(x.unitCode).toBe('shuiwu');
      expect(shuiwu.teams).toContain(x.teamId);
    }
    expect(own.body.map((x) => x.teamId)).toContain(crewId);

    // The desk assigns its crew (二级派遣): the same unit, the same clock.
    const assigned = await act(c.id, { action: 'assign', version: sent.body.case.version, teamId: crewId }, desk);
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body.case).toMatchObject({ status: 'dispatched', unitCode: 'shuiwu', teamId: crewId, deadlineAt: sent.body.case.deadlineAt });

    // The crew's phone has it; it acknowledges, arrives and reports it handled.
    const tasks = (await getJson<Incident[]>(`${server.url}/api/tasks`, crew)).body;
    expect(tasks.map((t) => t.id)).toContain(c.id);
    let version = assigned.body.case.version;
    const steps: [string, Credentials | undefined, Record<string, unknown>, string][] = [
      ['acknowledge', crew, {}, 'handling'],
      ['arrive', crew, {}, 'handling'],
      ['report-handled', crew, { note: '井盖已更换' }, 'handled'],
      ['verify', inspector, {}, 'verified'],
      ['close', undefined, {}, 'closed'],
    ];
    for (const [action, who, extra, status] of steps) {
      const res = await act(c.id, { action, version, ...extra }, who);
      expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.case.status).toBe(status);
      version = res.body.case.version;
    }
    const done = (await view(c.id)).body;
    expect(done.case).toMatchObject({ status: 'closed', closureKind: 'normal', unitCode: 'shuiwu', teamId: crewId });
    expect(done.timeline.map((e) => e.action?.name ?? e.kind)).toEqual([
      'created', 'accept', 'register', 'dispatch', 'assign', 'acknowledge', 'arrive', 'report-handled', 'verify', 'close',
    ]);
    expect(done.timeline[4]!.action).toMatchObject({ name: 'assign', actor: 'desk-shuiwu', role: 'unit', from: 'dispatched', to: 'dispatched' });
    expect(done.timeline[5]!.action).toMatchObject({ actor: 'crew-shuiwu', role: 'field' });
    // Closed, it leaves the unit's queue.
    expect((await getJson<Incident[]>(`${server.url}/api/units/shuiwu/cases`, desk)).body.map((q) => q.id)).not.toContain(c.id);
  });
});

describe("a unit's desk, route × role", () => {
  it("neither sees nor acts on another unit's case, nor on one not yet dispatched", async () => {
    const gas = await atDesk(GAS, 'ranqi');
    const refusedWith = async (p: Promise<{ status: number; body: Partial<ApiError> }>, code: string) => {
      const res = await p;
      expect([res.status, res.body.error?.code], JSON.stringify(res.body)).toEqual([403, code]);
    };
    await refusedWith(view(gas.id, desk), 'not_your_unit');
    await refusedWith(getJson(`${server.url}/api/cases/${gas.id}/candidates`, desk), 'not_your_unit');
    await refusedWith(getJson(`${server.url}/api/tasks/${gas.id}/route`, desk), 'not_your_unit');
    await refusedWith(getJson(`${server.url}/api/units/ranqi/cases`, desk), 'not_your_unit');
    for (const body of [
      { action: 'assign', teamId: crewId },
      { action: 'apply', application: { kind: 'return' }, note: '不是我们的' },
      { action: 'acknowledge' },
      { action: 'report-handled', note: '已处置' },
    ]) {
      await refusedWith(act(gas.id, { ...body, version: gas.version }, desk), 'not_your_unit');
    }
    // Nothing refused changed it; its own desk does see it.
    expect((await view(gas.id)).body.case.version).toBe(gas.version);
    expect((await view(gas.id, gasDesk)).status).toBe(200);
    expect((await getJson<Incident[]>(`${server.url}/api/units/ranqi/cases`, gasDesk)).body.map((q) => q.id)).toContain(gas.id);
    expect((await getJson<Incident[]>(`${server.url}/api/units/shuiwu/cases`, desk)).body.map((q) => q.id)).not.toContain(gas.id);
    // A case of its own category still with the centre (registered, no unit yet) is not its either.
    const waiting = await registered(SEWER);
    await refusedWith(view(waiting.id, desk), 'not_your_unit');
  });

  it('does not read the live picture: no incidents, no board, no teams, no suggestions, no socket subscription', async () => {
    for (const path of ['/api/incidents?limit=1', '/api/cases/summary', '/api/teams', '/api/dispatch/suggestions', '/api/cases/applications']) {
      const res = await getJson<ApiError>(`${server.url}${path}`, desk);
      expect([res.status, res.body.error?.code], path).toEqual([403, 'forbidden']);
    }
    const mine = await atDesk(SEWER, 'shuiwu');
    expect((await getJson<ApiError>(`${server.url}/api/incidents/${mine.id}`, desk)).status).toBe(403);
    const socket = streamClient(server.url, desk);
    const refused = new Promise<string>((resolve) => socket.socket.once('stream:error', (m) => resolve(m.code)));
    socket.socket.emit('subscribe', { sinceSeq: 0 });
    expect(await refused).toBe('forbidden');
    socket.socket.close();
  });

  it("acts only as a unit: it neither dispatches, nor decides, nor sends a case back but by applying, nor assigns another unit's crew", async () => {
    const mine = await atDesk(SEWER, 'shuiwu');
    const dispatch = await act(mine.id, { action: 'dispatch', version: mine.version, unitCode: 'shuiwu' }, desk);
    expect([dispatch.status, dispatch.body.error?.code]).toEqual([403, 'forbidden']);
    const back = await act(mine.id, { action: 'return', version: mine.version, note: '不归我们管' }, desk);
    expect([back.status, back.body.error?.code]).toEqual([403, 'apply_to_return']);
    const gasCrew = units.find((u) => u.code === 'ranqi')!.teams[0]!;
    const foreign = await act(mine.id, { action: 'assign', version: mine.version, teamId: gasCrew }, desk);
    expect([foreign.status, foreign.body.error?.code]).toEqual([422, 'team_not_in_unit']);
    const applied = await act(mine.id, { action: 'apply', version: mine.version, application: { kind: 'extension', extendHours: 2 }, note: '需要抽水' }, desk);
    expect(applied.status).toBe(200);
    const decide = await act(mine.id, { action: 'decide', version: applied.body.case.version, decision: 'approve' }, desk);
    expect([decide.status, decide.body.error?.code]).toEqual([403, 'forbidden']);
    // Other roles may not apply or assign either.
    for (const who of [leader, inspector, crew, undefined]) {
      for (const body of [{ action: 'assign', teamId: crewId }, { action: 'apply', application: { kind: 'suspension' }, note: '等待审批' }]) {
        const res = await act(mine.id, { ...body, version: applied.body.case.version }, who);
        expect(res.status, `${body.action}`).toBe(403);
      }
    }
  });
});

describe('applications (申请) by the unit, decided by the centre', () => {
  it('an extension approved moves the handling deadline; one denied moves nothing; both on the timeline', async () => {
    const c = await atDesk(SEWER, 'shuiwu');
    const due = c.deadlineAt!;
    const applied = await act(c.id, { action: 'apply', version: c.version, application: { kind: 'extension', extendHours: 4 }, note: '需要调配抽水设备' }, desk);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.case.application).toMatchObject({ kind: 'extension', extendHours: 4, reason: '需要调配抽水设备', by: 'desk-shuiwu' });
    // Until decided, the case runs on: same state, same deadline.
    expect(applied.body.case).toMatchObject({ status: 'dispatched', deadlineAt: due });
    // One application at a time; the centre sees it waiting.
    const twice = await act(c.id, { action: 'apply', version: applied.body.case.version, application: { kind: 'return' }, note: '再申请' }, desk);
    expect([twice.status, twice.body.error?.code]).toEqual([422, 'application_pending']);
    const pending = await getJson<Incident[]>(`${server.url}/api/cases/applications`);
    expect(pending.body.find((p) => p.id === c.id)?.application).toMatchObject({ kind: 'extension' });
    const approved = await act(c.id, { action: 'decide', version: applied.body.case.version, decision: 'approve', note: '同意延期' });
    expect(approved.status).toBe(200);
    // Urgent hours: four more hours on the clock.
    expect(approved.body.case).toMatchObject({ status: 'dispatched', application: null, deadlineAt: new Date(Date.parse(due) + 4 * HOUR).toISOString() });
    expect((await getJson<Incident[]>(`${server.url}/api/cases/applications`)).body.map((p) => p.id)).not.toContain(c.id);

    // Nothing to decide now.
    const nothing = await act(c.id, { action: 'decide', version: approved.body.case.version, decision: 'approve' });
    expect([nothing.status, nothing.body.error?.code]).toEqual([422, 'no_application']);

    const again = await act(c.id, { action: 'apply', version: approved.body.case.version, application: { kind: 'extension', extendHours: 24 }, note: '还需要一天' }, desk);
    expect(again.status).toBe(200);
    const denied = await act(c.id, { action: 'decide', version: again.body.case.version, decision: 'deny', note: '不予延期' });
    expect(denied.status).toBe(200);
    const { version: _v, updatedAt: _u, seq: _s, application, ...rest } = denied.body.case;
    const { version: _v2, updatedAt: _u2, seq: _s2, application: before, ...restBefore } = approved.body.case;
    // Denied: the application is gone, nothing else moved.
    expect(application).toBeNull();
    expect(before).toBeNull();
    expect(rest).toEqual(restBefore);

    const timeline = (await view(c.id)).body.timeline;
    const steps = timeline.filter((e) => e.action?.name === 'apply' || e.action?.name === 'decide');
    expect(steps.map((e) => [e.action!.name, e.action!.role, e.action!.note])).toEqual([
      ['apply', 'unit', '需要调配抽水设备'],
      ['decide', 'dispatcher', '同意延期'],
      ['apply', 'unit', '还需要一天'],
      ['decide', 'dispatcher', '不予延期'],
    ]);
    // Each decision's snapshot tells what it decided: the deadline moved once.
    expect(steps.map((e) => e.incident.deadlineAt)).toEqual([due, approved.body.case.deadlineAt, approved.body.case.deadlineAt, approved.body.case.deadlineAt]);
    expect(steps.map((e) => e.incident.application?.kind ?? null)).toEqual(['extension', null, 'extension', null]);
  });

  it('a return approved sends the case back to the centre; dispatched again, the handling clock starts from the new dispatch', async () => {
    const c = await atDesk(SEWER, 'shuiwu');
    const applied = await act(c.id, { action: 'apply', version: c.version, application: { kind: 'return' }, note: '属于雨水井，不是污水井' }, desk);
    expect(applied.status).toBe(200);
    const approved = await act(c.id, { action: 'decide', version: applied.body.case.version, decision: 'approve' });
    expect(approved.status).toBe(200);
    expect(approved.body.case).toMatchObject({ status: 'registered', unitCode: null, teamId: null, deadlineAt: null, application: null, closeDeadlineAt: c.closeDeadlineAt });
    // No longer the unit's: gone from its queue, closed to its desk.
    expect((await getJson<Incident[]>(`${server.url}/api/units/shuiwu/cases`, desk)).body.map((q) => q.id)).not.toContain(c.id);
    expect((await view(c.id, desk)).status).toBe(403);
    // The dispatch stage runs again; no handling clock while the centre has it.
    const back = (await view(c.id)).body;
    expect(back.stage?.name).toBe('dispatch');
    expect(back.remainingSeconds).toBeNull();

    // Dispatched again: a new handling deadline, from this dispatch, not the first.
    const redispatched = await act(c.id, { action: 'dispatch', version: approved.body.case.version, unitCode: 'shuiwu' });
    expect(redispatched.status).toBe(200);
    expect(redispatched.body.case.deadlineAt).toBe(twoHoursAfter(redispatched.body.case.updatedAt));
    expect(Date.parse(redispatched.body.case.deadlineAt!)).toBeGreaterThan(Date.parse(c.deadlineAt!));
    // The closure clock, from the registration, does not start again.
    expect(redispatched.body.case.closeDeadlineAt).toBe(c.closeDeadlineAt);

    // Moved to another unit by the centre (an override: the gas company does not handle sewer covers), its clock starts afresh too.
    const moved = await act(c.id, { action: 'dispatch', version: redispatched.body.case.version, unitCode: 'ranqi', overrideReason: '燃气公司正在同一井位施工' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.case).toMatchObject({ unitCode: 'ranqi', teamId: null, deadlineAt: twoHoursAfter(moved.body.case.updatedAt) });
    expect(moved.body.case.deadlineAt).not.toBe(redispatched.body.case.deadlineAt);
    // Dispatched again to the same unit: the same clock.
    const same = await act(c.id, { action: 'dispatch', version: moved.body.case.version, unitCode: 'ranqi', overrideReason: '同上' });
    expect(same.status).toBe(200);
    expect(same.body.case.deadlineAt).toBe(moved.body.case.deadlineAt);
  });

  it('a suspension approved suspends the case where it was; resumed, the unit has it again', async () => {
    const c = await atDesk(SEWER, 'shuiwu');
    const applied = await act(c.id, { action: 'apply', version: c.version, application: { kind: 'suspension' }, note: '需市政审批占道施工' }, desk);
    const approved = await act(c.id, { action: 'decide', version: applied.body.case.version, decision: 'approve' });
    expect(approved.body.case).toMatchObject({ status: 'suspended', suspendedFrom: 'dispatched', unitCode: 'shuiwu', application: null });
    const resumed = await act(c.id, { action: 'resume', version: approved.body.case.version });
    expect(resumed.body.case).toMatchObject({ status: 'dispatched', unitCode: 'shuiwu' });
  });

  it('a crew that cannot handle its task sends it back to its unit\'s desk, which assigns it again; the centre is not involved', async () => {
    const c = await atDesk(SEWER, 'shuiwu');
    const assigned = await act(c.id, { action: 'assign', version: c.version, teamId: crewId }, desk);
    const acknowledged = await act(c.id, { action: 'acknowledge', version: assigned.body.case.version }, crew);
    const returned = await act(c.id, { action: 'return', version: acknowledged.body.case.version, note: '需要大型设备' }, crew);
    expect(returned.status).toBe(200);
    expect(returned.body.case).toMatchObject({ status: 'dispatched', unitCode: 'shuiwu', teamId: null, deadlineAt: c.deadlineAt });
    expect((await getJson<Incident[]>(`${server.url}/api/units/shuiwu/cases`, desk)).body.find((q) => q.id === c.id)?.teamId).toBeNull();
    // Not back with the centre: no suggestion is made for it.
    const suggested = (await getJson<{ suggestions: { caseId: string }[] }>(`${server.url}/api/dispatch/suggestions?limit=50`)).body.suggestions;
    expect(suggested.map((s) => s.caseId)).not.toContain(c.id);
    // The crew that sent it back is not among the desk's candidates for it any more.
    const own = (await getJson<Candidate[]>(`${server.url}/api/cases/${c.id}/candidates`, desk)).body;
    expect(own.map((x) => x.teamId)).not.toContain(crewId);
  });
});

describe('dispatching to a unit that does not handle the case', () => {
  it('is refused with 422 unit_cannot_handle naming the units able, unless the dispatcher overrides with a reason, which is audited', async () => {
    const c = await registered(SEWER);
    const refused = await act(c.id, { action: 'dispatch', version: c.version, unitCode: 'huanwei' });
    expect([refused.status, refused.body.error?.code]).toEqual([422, 'unit_cannot_handle']);
    expect(refused.body.error?.details).toMatchObject({ unitCode: 'huanwei', categoryCode: SEWER, able: ['shuiwu'] });
    // Naming a crew of that unit is the same dispatch.
    const huanweiCrew = units.find((u) => u.code === 'huanwei')!.teams[0]!;
    const viaCrew = await act(c.id, { action: 'dispatch', version: c.version, teamId: huanweiCrew });
    expect([viaCrew.status, viaCrew.body.error?.code]).toEqual([422, 'unit_cannot_handle']);
    expect((await view(c.id)).body.case.version).toBe(c.version);
    const before = (await audit()).filter((e) => e.action === 'case.dispatch_override').length;

    const overridden = await act(c.id, { action: 'dispatch', version: c.version, teamId: huanweiCrew, overrideReason: '暴雨期间由环卫所先行围挡' });
    expect(overridden.status, JSON.stringify(overridden.body)).toBe(200);
    expect(overridden.body.case).toMatchObject({ status: 'dispatched', unitCode: 'huanwei', teamId: huanweiCrew });
    const entries = (await audit()).filter((e) => e.action === 'case.dispatch_override');
    expect(entries).toHaveLength(before + 1);
    expect(entries.find((e) => e.objectId === c.id)).toMatchObject({
      actor: 'test-server', role: 'dispatcher', objectType: 'case', objectId: c.id,
      detail: { unitCode: 'huanwei', teamId: huanweiCrew, categoryCode: SEWER, reason: '暴雨期间由环卫所先行围挡' },
    });
    // The audit is the admin's to read.
    expect((await getJson(`${server.url}/api/audit?limit=10`)).status).toBe(403);

    // A dispatch to a unit that handles the case needs no reason and is not audited as an override.
    const fine = await atDesk(SEWER, 'shuiwu');
    expect((await audit()).some((e) => e.action === 'case.dispatch_override' && e.objectId === fine.id)).toBe(false);
    // An override refused (here: the case is not registered yet) leaves no audit entry.
    const [p] = pointsInCells(cells, 1, 7919);
    const fresh = (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: SEWER, lon: p!.lon, lat: p!.lat })).body;
    const early = await act(fresh.id, { action: 'dispatch', version: fresh.version, unitCode: 'huanwei', overrideReason: '试试' });
    expect([early.status, early.body.error?.code]).toEqual([422, 'invalid_transition']);
    expect((await audit()).some((e) => e.objectId === fresh.id)).toBe(false);
  });

  it('sends a town\'s own category to the town where the case lies, and only there', async () => {
    const weeds = await registered(WEEDS);
    const elsewhere = units.find((u) => u.kind === 'town' && u.code !== weeds.townCode)!;
    const wrongTown = await act(weeds.id, { action: 'dispatch', version: weeds.version, unitCode: elsewhere.code });
    expect([wrongTown.status, wrongTown.body.error?.code]).toEqual([422, 'unit_cannot_handle']);
    expect(wrongTown.body.error?.details).toMatchObject({ able: [weeds.townCode] });
    const home = await act(weeds.id, { action: 'dispatch', version: weeds.version, unitCode: weeds.townCode });
    expect(home.status).toBe(200);
    expect(home.body.case.unitCode).toBe(weeds.townCode);
    // The town's own crew is the one offered to its desk.
    const townDesk: Credentials = { cookie: await createUser(server.url, server.adminCookie, 'desk-town', 'unit', undefined, undefined, weeds.townCode) };
    const offered = (await getJson<Candidate[]>(`${server.url}/api/cases/${weeds.id}/candidates`, townDesk)).body;
    expect(offered.map((x) => x.teamId)).toEqual(units.find((u) => u.code === weeds.townCode)!.teams);
  });
});

describe('a unit desk account', () => {
  it('is made by an admin with its unit, and only a unit desk has one', async () => {
    const post = (body: Record<string, unknown>) => postJson<ApiError>(`${server.url}/api/users`, { password: 'a-good-password-1', ...body }, { cookie: server.adminCookie });
    expect((await post({ username: 'desk-none', role: 'unit' })).status).toBe(400);
    expect((await post({ username: 'disp-unit', role: 'dispatcher', unitCode: 'shuiwu' })).status).toBe(400);
    const unknown = await post({ username: 'desk-nowhere', role: 'unit', unitCode: 'no-such-unit' });
    expect([unknown.status, unknown.body.error?.code]).toEqual([422, 'unknown_unit']);
    const me = await getJson<{ user: { role: string; unitCode: string | null; teamId: string | null; permissions: string[] } }>(`${server.url}/api/auth/me`, desk);
    expect(me.body.user).toMatchObject({ role: 'unit', unitCode: 'shuiwu', teamId: null });
    expect(me.body.user.permissions).not.toContain('live.read');
  });
});

describe("a unit's desk hears of its cases on its own room", () => {
  it('gets task:changed for a case dispatched to its unit', async () => {
    const socket = streamClient(server.url, desk);
    const heard: { caseId: string; unitCode: string | null }[] = [];
    socket.socket.on('task:changed', (m) => heard.push(m));
    await new Promise<void>((resolve) => socket.socket.once('connect', () => resolve()));
    const c = await atDesk(SEWER, 'shuiwu');
    await waitFor(() => heard.some((m) => m.caseId === c.id), 2000, 'task:changed on the desk');
    expect(heard.find((m) => m.caseId === c.id)!.unitCode).toBe('shuiwu');
    socket.socket.close();
  });
});
