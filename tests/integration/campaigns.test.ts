import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, CampaignDetail, CampaignsAnswer, Incident } from '../../shared/index.js';
import { getJson, postJson, sendJson } from '../support/api.js';
import { createToken, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection } from '../support/types.js';

const DAY = 86_400_000;
let server: TestServer;
let t0: number;
const as: Record<'admin' | 'leader' | 'wall' | 'field', Credentials> = { admin: null, leader: null, wall: null, field: null };
/** A vertex in the middle of an arterial road: within 50 m of a main road. */
let mainRoad: { lon: number; lat: number };

async function report(categoryCode: string, at: { lon: number; lat: number }, daysAgo: number): Promise<Incident> {
  const res = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode, ...at, reportedAt: new Date(t0 - daysAgo * DAY).toISOString() });
  expect(res.status).toBe(201);
  return res.body;
}

/** The campaign a test creates: main-road garbage down by half against 10 days that ended 10 days ago. */
const garbageCampaign = () => ({
  id: 'test-garbage',
  name: { zh: '测试主干道垃圾', en: 'Test main-road garbage' },
  scope: { theme: 'main_road_garbage', categories: [], area: { kind: 'district' } },
  target: { measure: { kind: 'case_count' }, direction: 'down', value: null, change: -0.5 },
  baseline: { since: new Date(t0 - 20 * DAY).toISOString(), until: new Date(t0 - 10 * DAY).toISOString() },
  startAt: new Date(t0 - 10 * DAY).toISOString(),
  deadlineAt: new Date(t0 + 60 * DAY).toISOString(),
  unitCode: 'huanwei',
});

beforeAll(async () => {
  server = await startServer();
  t0 = Date.now();
  as.admin = { cookie: server.adminCookie };
  as.leader = { token: await createToken(server.url, server.adminCookie, 'leader') };
  as.wall = { token: await createToken(server.url, server.adminCookie, 'wall') };
  as.field = { token: await createToken(server.url, server.adminCookie, 'field') };
  const roads = (await getJson<FeatureCollection>(`${server.url}/api/layers/roads`)).body.features;
  const arterial = roads.find((r) => r.properties.class === 'arterial')!;
  const line = arterial.geometry.coordinates as [number, number][];
  const [lon, lat] = line[Math.floor(line.length / 2)]!;
  mainRoad = { lon, lat };
  // Before any campaign is counted (progress is kept five minutes): 4 main-road garbage reports in the
  // baseline, one 8 days ago, one 2 days ago; street vending 2 days ago (not of the theme).
  for (const d of [19, 17, 15, 12, 8, 2]) await report('E0102', mainRoad, d);
  await report('E0501', mainRoad, 2);
  // A material pile registered (open), and one still only reported (not a case yet).
  const pile = await report('E0507', mainRoad, 1);
  let version = pile.version;
  for (const action of ['accept', 'register']) {
    const res = await postJson<{ case: Incident }>(`${server.url}/api/cases/${pile.id}/actions`, { action, version });
    expect(res.status).toBe(200);
    version = res.body.case.version;
  }
  await report('E0507', mainRoad, 1);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

const campaignAudit = async () => (await getJson<AuditEntry[]>(`${server.url}/api/audit?limit=1000`, as.admin)).body.filter((e) => e.objectType === 'campaign');

describe('campaigns (专项整治) over HTTP', () => {
  it('a fresh database holds the Wujin seed\'s four, with their progress; walls read them, crews do not', async () => {
    const res = await getJson<CampaignsAnswer>(`${server.url}/api/campaigns`, as.wall);
    expect(res.status).toBe(200);
    expect(res.body.items.map((c) => c.id).sort()).toEqual(['central-congestion', 'main-road-garbage', 'material-yards', 'weak-areas']);
    const byId = new Map(res.body.items.map((c) => [c.id, c]));
    // Deadlines in order: March, June, September, December (China time), a year's plan.
    const months = ['main-road-garbage', 'material-yards', 'weak-areas', 'central-congestion'].map((id) => new Date(Date.parse(byId.get(id)!.deadlineAt) + 8 * 3_600_000).getUTCMonth());
    expect(months).toEqual([3, 6, 9, 0]);
    const deadlines = ['main-road-garbage', 'material-yards', 'weak-areas', 'central-congestion'].map((id) => Date.parse(byId.get(id)!.deadlineAt));
    expect([...deadlines].sort((a, b) => a - b)).toEqual(deadlines);
    // The registered material pile is the one open material-yard case; the one only reported is not.
    const yards = byId.get('material-yards')!;
    expect(yards.target).toMatchObject({ measure: { kind: 'open_cases' }, value: 0 });
    expect(yards.progress.current).toBe(1);
    expect(yards.progress.target).toBe(0);
    // Its baseline (open at the launch, four weeks ago) predates the store's first report: not measured, not guessed.
    expect(yards.progress.baseline).toBeNull();
    expect(yards.progress.state).toBe('no_data');
    expect((await getJson<ApiError>(`${server.url}/api/campaigns`, as.field)).status).toBe(403);
  });

  it('a leader sets a campaign; its progress is counted from the reports of its scope', async () => {
    const res = await postJson<CampaignDetail>(`${server.url}/api/campaigns`, garbageCampaign(), as.leader);
    expect(res.status).toBe(201);
    const p = res.body.progress;
    // 4 reports in 10 days: 2.8 a week; down by half: 1.4; the last 7 days hold one (street vending is not of the theme).
    expect(p.baseline).toBeCloseTo(2.8, 9);
    expect(p.target).toBeCloseTo(1.4, 9);
    expect(p.current).toBe(1);
    expect(p.state).toBe('met');
    expect(p.fraction).toBe(1);
    // Week one [−10 d, −3 d) holds the report of 8 days ago; the running week (3 days) one: 7/3 a week.
    expect(res.body.series.map((w) => [w.partial, w.value === null ? null : Math.round(w.value * 1000) / 1000])).toEqual([
      [false, 1],
      [true, 2.333],
    ]);
    const again = await getJson<CampaignDetail>(`${server.url}/api/campaigns/test-garbage`, as.wall);
    expect(again.status).toBe(200);
    expect(again.body.progress).toEqual(p);
    const created = (await campaignAudit()).filter((e) => e.action === 'campaign.create');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ objectId: 'test-garbage', role: 'leader' });
  });

  it('refuses bad input with 4xx and writes nothing', async () => {
    const post = (body: unknown, who: Credentials = as.admin) => postJson<ApiError>(`${server.url}/api/campaigns`, body, who);
    expect((await post({ ...garbageCampaign(), id: 'x1', target: { measure: { kind: 'case_count' }, direction: 'down', value: 3, change: -0.5 } })).body.error.code).toBe('invalid_request');
    const unknownUnit = await post({ ...garbageCampaign(), id: 'x2', unitCode: 'nobody' });
    expect([unknownUnit.status, unknownUnit.body.error.code]).toEqual([422, 'unknown_unit']);
    const indexOnDistrict = await post({ ...garbageCampaign(), id: 'x3', scope: { theme: null, categories: [], area: { kind: 'district' } }, target: { measure: { kind: 'congestion_index' }, direction: 'up', value: 0.8, change: null } });
    expect([indexOnDistrict.status, indexOnDistrict.body.error.code]).toEqual([422, 'invalid_target']);
    const early = await post({ ...garbageCampaign(), id: 'x4', deadlineAt: new Date(t0 - 30 * DAY).toISOString() });
    expect([early.status, early.body.error.code]).toEqual([422, 'invalid_dates']);
    // A bow tie: its boundary crosses itself.
    const bowTie = [[119.95, 31.7], [119.96, 31.71], [119.96, 31.7], [119.95, 31.71], [119.95, 31.7]];
    const crossed = await post({ ...garbageCampaign(), id: 'x6', scope: { theme: null, categories: [], area: { kind: 'polygon', polygon: { type: 'Polygon', coordinates: [bowTie] } } } });
    expect([crossed.status, crossed.body.error.code]).toEqual([422, 'area_crosses_itself']);
    const taken = await post(garbageCampaign());
    expect([taken.status, taken.body.error.code]).toEqual([409, 'conflict']);
    // A dispatcher (the test token) may read, not set.
    expect((await post({ ...garbageCampaign(), id: 'x5' }, { token: server.token })).status).toBe(403);
    expect((await sendJson<ApiError>('PATCH', `${server.url}/api/campaigns/test-garbage`, {}, as.admin)).status).toBe(400);
    expect((await getJson<ApiError>(`${server.url}/api/campaigns/NOT%20AN%20ID`)).status).toBe(404);
    expect((await getJson<ApiError>(`${server.url}/api/campaigns/no-such`)).body.error.code).toBe('not_found');
    const list = (await getJson<CampaignsAnswer>(`${server.url}/api/campaigns`)).body.items.map((c) => c.id);
    expect(list.filter((id) => id.startsWith('x'))).toEqual([]);
    expect((await campaignAudit()).filter((e) => e.objectId.startsWith('x'))).toEqual([]);
  });

  it('an admin edits and closes a campaign, audited; a closed one is judged as of its close', async () => {
    const edited = await sendJson<CampaignDetail>('PATCH', `${server.url}/api/campaigns/test-garbage`, { unitCode: 'cgzf' }, as.admin);
    expect(edited.status).toBe(200);
    expect(edited.body.unitCode).toBe('cgzf');
    // A new scope is measured afresh: the baseline kept for the old one is dropped (no street vending then, one since).
    const vending = await sendJson<CampaignDetail>('PATCH', `${server.url}/api/campaigns/test-garbage`, { scope: { theme: null, categories: ['E0501'], area: { kind: 'district' } } }, as.admin);
    expect(vending.status).toBe(200);
    expect([vending.body.progress.baseline, vending.body.progress.current, vending.body.progress.target]).toEqual([0, 1, 0]);
    const closed = await sendJson<CampaignDetail>('PATCH', `${server.url}/api/campaigns/test-garbage`, { status: 'closed' }, as.admin);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
    expect(closed.body.closedAt).not.toBeNull();
    expect(closed.body.progress.asOf).toBe(closed.body.closedAt);
    // Closed with one vending case in its last week against a target of none: missed.
    expect(closed.body.progress.state).toBe('missed');
    // The audit log answers newest first.
    const trail = (await campaignAudit()).filter((e) => e.objectId === 'test-garbage').reverse().map((e) => [e.action, Object.keys((e.detail as { changes?: object }).changes ?? {}).sort()]);
    expect(trail).toEqual([
      ['campaign.create', []],
      ['campaign.update', ['unitCode']],
      ['campaign.update', ['scope']],
      ['campaign.close', ['closedAt', 'status']],
    ]);
    // Closed campaigns list after the active ones.
    const ids = (await getJson<CampaignsAnswer>(`${server.url}/api/campaigns`)).body.items.map((c) => c.id);
    expect(ids.at(-1)).toBe('test-garbage');
  });
});
