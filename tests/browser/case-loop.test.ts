import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { getJson, pointsInCells, postJson } from '../support/api.js';
import { browserAvailable, signInThroughPage, watchPage, serverAndBrowser, makePng } from '../support/browser.js';
import { authHeaders, createToken, createUser } from '../support/credentials.js';
import type { CityMeta, Feature, FeatureCollection, Incident, IncidentEvent } from '../support/types.js';
import { type TestServer } from '../support/server.js';

/**
 * One case round the whole loop through the real pages, with a wall display open the whole time:
 * reported → a dispatcher accepts, registers and dispatches it to the first ranked team → the team's
 * phone acknowledges, arrives, attaches a photo and reports it handled → an inspector verifies it on
 * the verification desk → the dispatcher closes it. After every step the wall's case counters move by
 * the right amounts and its live map holds the case in its new state. Beside it: a case the inspector
 * sends back for rework (back to the field), and one the field team returns (退回) with a reason.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'var', 'artifacts');
const run = browserAvailable();

interface CaseView {
  case: Incident;
  timeline: IncidentEvent[];
  allowedActions: string[];
}

/** The wall's map hook (client/map/MapView.tsx). */
interface MapHook {
  __gridwatchMap?: {
    loaded: boolean;
    jumpTo(lon: number, lat: number, zoom: number): void;
    pickIncident(lon: number, lat: number): string | null;
    incidentStatus(id: string): string | null;
  };
}

const COUNTERS = ['reportedToday', 'toAccept', 'toDispatch', 'handling', 'toVerify', 'toClose', 'closedToday', 'suspended', 'overdue'] as const;
type Counter = (typeof COUNTERS)[number];
type Figures = Record<Counter, number>;

const DISPATCHER = 'loop-dispatcher';
const INSPECTOR = 'loop-inspector';
const FIELD = 'loop-field';
const password = (u: string) => `${u}-password`;
const DESK = { viewport: { width: 1600, height: 900 } };

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Every page opened, with what it logged: each must end with no console error and no failed request. */
const watched: { name: string; errors: string[]; failed: string[] }[] = [];

let wall: Page;
let dispatcher: Page;
let field: Page;
let inspector: Page;
/** The board's counters as they must read now. */
let expected: Figures;

/** The loop's case, the one sent back for rework, the one returned by the team; where they are; the team. */
let caseId = '';
let reworkId = '';
let returnId = '';
let place = { lon: 0, lat: 0 };
let nearby: { lon: number; lat: number }[] = [];
let teamId = '';
let photo: Buffer;

serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    prepare: async () => {
      await createUser(server.url, server.adminCookie, DISPATCHER, 'dispatcher', password(DISPATCHER));
      await createUser(server.url, server.adminCookie, INSPECTOR, 'inspector', password(INSPECTOR));
      photo = makePng(96, 64);
    },
    beforeClose: async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
    },
  },
);


async function openPage(name: string, options: Parameters<Browser['newContext']>[0]): Promise<Page> {
  const context = await browser.newContext(options);
  contexts.push(context);
  const page = await context.newPage();
  const w = { name, ...watchPage(page) };
  watched.push(w);
  return page;
}

function expectPagesClean() {
  for (const w of watched) {
    expect({ page: w.name, errors: w.errors }).toEqual({ page: w.name, errors: [] });
    expect({ page: w.name, failed: w.failed }).toEqual({ page: w.name, failed: [] });
  }
}

const caseView = async (id: string) => (await getJson<CaseView>(`${server.url}/api/cases/${id}`)).body;
const actionsOf = (v: CaseView) => v.timeline.filter((e) => e.kind === 'case_action').map((e) => e.action!);

/** An action through the API, as the dispatcher's token (for the cases that are not the loop's). */
async function act(id: string, action: string, extra: Record<string, unknown> = {}) {
  const { version } = (await caseView(id)).case;
  const r = await postJson<{ case: Incident }>(`${server.url}/api/cases/${id}/actions`, { action, version, ...extra });
  expect(r.status, `${action} ${JSON.stringify(r.body)}`).toBe(200);
  return r.body.case;
}

async function report(p: { lon: number; lat: number }, description: string): Promise<string> {
  const r = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', ...p, description, source: 'hotline_12345' });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

/** The wall's counters, once it has them. */
async function readCounters(page: Page): Promise<Figures | null> {
  const values = await page.locator('[data-testid="case-counters"] [data-testid^="count-"]').evaluateAll((els) =>
    els.map((el) => [el.getAttribute('data-testid')!.slice('count-'.length), el.getAttribute('data-value') ?? ''] as const),
  );
  if (values.length !== COUNTERS.length || values.some(([, v]) => v === '')) return null;
  return Object.fromEntries(values.map(([k, v]) => [k, Number(v)])) as Figures;
}

const mapStatus = (id: string) => wall.evaluate((i) => (window as unknown as MapHook).__gridwatchMap?.incidentStatus(i) ?? null, id);

/**
 * The wall follows a step: its counters move by `delta` and nothing else, and its map holds the case
 * in `status` (null: no longer on the live map, as a closed case).
 */
async function wallFollows(step: string, delta: Partial<Figures>, id: string, status: string | null) {
  for (const [k, d] of Object.entries(delta) as [Counter, number][]) expected[k] += d;
  await expect.poll(() => readCounters(wall), { timeout: 15_000, message: `the wall's counters after ${step}` }).toEqual(expected);
  await expect.poll(() => mapStatus(id), { timeout: 15_000, message: `the wall's map after ${step}` }).toBe(status);
}

describe.runIf(run)('a case round the whole loop, with the wall following', () => {
  it('opens the wall display (kiosk) with its counters and live map', async () => {
    const token = await createToken(server.url, server.adminCookie, 'wall', 'loop wall');
    wall = await openPage('wall', DESK);
    await wall.goto(`${server.url}/kiosk#token=${token}`);
    await wall.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 60_000 });
    await wall.waitForFunction(() => (window as unknown as MapHook).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
    // Software WebGL redraws the heatmap slowly; this is about the live layer and the counters.
    await wall.getByTestId('layer-heatmap').uncheck();
    await expect.poll(() => readCounters(wall), { timeout: 15_000 }).not.toBeNull();
    expected = (await readCounters(wall))!;
  });

  it('shows a new report on the board and on the map', async () => {
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body;
    const city = (await getJson<CityMeta>(`${server.url}/api/city`)).body;
    // A vertex of a cell (polygon or multipolygon) is near enough to say how far the cell is.
    const metresTo = (f: Feature, p: { lon: number; lat: number }) => {
      let c = f.geometry.coordinates as unknown[];
      while (Array.isArray(c[0])) c = c[0] as unknown[];
      const [lon, lat] = c as number[];
      return Math.hypot((lon! - p.lon) * 101_000, (lat! - p.lat) * 111_000);
    };
    // The case: in the middle of the city, where the wall and the consoles show it among streets.
    const [w, s, e, n] = city.bbox;
    const centre = { lon: (w + e) / 2, lat: (s + n) / 2 };
    const middle = cells.features.reduce((best, f) => (metresTo(f, centre) < metresTo(best, centre) ? f : best));
    const [first] = pointsInCells([middle], 1, 1);
    place = { lon: first!.lon, lat: first!.lat };
    // The other two cases: in unit cells a few hundred metres away, so the same team can take them.
    const around = cells.features.filter((f) => metresTo(f, place) > 250 && metresTo(f, place) < 700);
    expect(around.length).toBeGreaterThanOrEqual(2);
    nearby = pointsInCells([around[0]!, around.at(-1)!], 2, 1).map(({ lon, lat }) => ({ lon, lat }));
    caseId = await report(place, '闭环测试：路口暴露垃圾');
    await wallFollows('the report', { reportedToday: 1, toAccept: 1 }, caseId, 'reported');
    // Drawn where it is, at street zoom.
    await wall.evaluate(([lon, lat]) => (window as unknown as MapHook).__gridwatchMap!.jumpTo(lon, lat, 15), [place.lon, place.lat] as [number, number]);
    await expect
      .poll(() => wall.evaluate(([lon, lat]) => (window as unknown as MapHook).__gridwatchMap!.pickIncident(lon, lat), [place.lon, place.lat] as [number, number]), { timeout: 15_000 })
      .toBe(caseId);
  });

  it('a dispatcher accepts, registers, and dispatches it to the first of the ranked teams', async () => {
    dispatcher = await openPage('dispatcher', DESK);
    await signInThroughPage(dispatcher, `${server.url}/dispatch`, DISPATCHER, password(DISPATCHER));
    expect(await dispatcher.getByTestId('page-title').textContent()).toBe('调度台');
    await dispatcher.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });
    await dispatcher.locator(`[data-testid="queue-row"][data-id="${caseId}"]`).click({ timeout: 30_000 });
    const detail = (status: string) => dispatcher.locator(`[data-testid="case-detail"][data-id="${caseId}"][data-status="${status}"]`);
    await detail('reported').waitFor({ timeout: 10_000 });

    await dispatcher.getByTestId('action-accept').click();
    await detail('accepted').waitFor({ timeout: 10_000 });
    await wallFollows('accept', {}, caseId, 'accepted');

    await dispatcher.getByTestId('action-register').click({ timeout: 10_000 });
    await detail('registered').waitFor({ timeout: 10_000 });
    await wallFollows('register', { toAccept: -1, toDispatch: 1 }, caseId, 'registered');

    const first = dispatcher.getByTestId('candidate').first();
    await first.waitFor({ timeout: 30_000 });
    const ranked = await dispatcher.getByTestId('candidate').count();
    expect(ranked).toBeGreaterThanOrEqual(1);
    expect(ranked).toBeLessThanOrEqual(5);
    // Ranked by time on the road: each shows its minutes and kilometres.
    expect(await first.textContent()).toMatch(/分钟.*公里/);
    teamId = (await first.getAttribute('data-team'))!;
    await dispatcher.waitForFunction(() => (window as unknown as { __gridwatchDispatchMap?: { loaded: boolean } }).__gridwatchDispatchMap?.loaded === true, null, { timeout: 60_000 });
    await dispatcher.waitForTimeout(1000);
    writeFileSync(join(ARTIFACTS, 'loop-dispatcher.png'), await dispatcher.screenshot());
    await first.getByTestId('candidate-dispatch').click();
    await detail('dispatched').waitFor({ timeout: 10_000 });
    expect((await caseView(caseId)).case.teamId).toBe(teamId);
    await wallFollows('dispatch', { toDispatch: -1, handling: 1 }, caseId, 'dispatched');
  });

  it('the team, on a phone, acknowledges, arrives, attaches a photo and reports it handled', async () => {
    await createUser(server.url, server.adminCookie, FIELD, 'field', password(FIELD), teamId);
    field = await openPage('field', {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      geolocation: { longitude: place.lon - 0.004, latitude: place.lat - 0.003 },
      permissions: ['geolocation'],
    });
    await signInThroughPage(field, server.url, FIELD, password(FIELD));
    await field.waitForURL((u) => u.pathname === '/field', { timeout: 10_000 });
    const card = field.locator(`[data-testid="task"][data-id="${caseId}"]`);
    const sent = () => field.getByTestId('pending-actions').waitFor({ state: 'detached', timeout: 15_000 });

    await card.getByTestId('task-action-acknowledge').click({ timeout: 30_000 });
    await field.locator(`[data-testid="task"][data-id="${caseId}"][data-status="handling"]`).waitFor({ timeout: 10_000 });
    await sent();
    await wallFollows('acknowledge', {}, caseId, 'handling');

    await card.getByTestId('task-action-arrive').click();
    await sent();
    await expect.poll(async () => (await caseView(caseId)).case.arrivedAt, { timeout: 10_000 }).not.toBeNull();
    await wallFollows('arrive', {}, caseId, 'handling');

    await card.getByTestId('task-action-report-handled').click();
    const note = '已清理完毕，现场恢复整洁（附照片）';
    await card.getByTestId('handled-note').fill(note);
    await card.getByTestId('handled-photos').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: photo });
    // The thumbnail shows the photo, read back from the device's store.
    const thumb = card.locator('.photo-thumb img');
    await thumb.waitFor({ timeout: 10_000 });
    await expect.poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(96);
    writeFileSync(join(ARTIFACTS, 'loop-field-report.png'), await field.screenshot());
    await card.getByTestId('handled-submit').click();
    await expect.poll(async () => (await caseView(caseId)).case.status, { timeout: 20_000 }).toBe('handled');
    await card.waitFor({ state: 'detached', timeout: 15_000 });
    await wallFollows('report-handled', { handling: -1, toVerify: 1 }, caseId, 'handled');

    // The action carries the photo, and the server gives back the very bytes.
    const steps = actionsOf(await caseView(caseId));
    expect(steps.map((a) => a.name)).toEqual(['accept', 'register', 'dispatch', 'acknowledge', 'arrive', 'report-handled']);
    const handled = steps.at(-1)!;
    expect(handled.actor).toBe(FIELD);
    expect(handled.note).toBe(note);
    expect(handled.attachments).toHaveLength(1);
    const res = await fetch(`${server.url}/api/photos/${handled.attachments![0]}`, { headers: authHeaders(server.url) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/png/);
    expect(Buffer.from(await res.arrayBuffer()).equals(photo)).toBe(true);
  });

  it('an inspector verifies it on the verification desk (核查台), photo in view', async () => {
    inspector = await openPage('inspector', DESK);
    await signInThroughPage(inspector, server.url, INSPECTOR, password(INSPECTOR));
    // The dashboard links to the desk.
    const nav = inspector.getByTestId('nav-dispatch');
    expect(await nav.textContent()).toBe('核查台');
    await nav.click();
    await inspector.waitForURL((u) => u.pathname === '/dispatch', { timeout: 10_000 });
    await inspector.getByTestId('page-title').filter({ hasText: '核查台' }).waitFor({ timeout: 30_000 });
    // Verification only: opens on the cases waiting for it, no dispatch suggestions.
    expect(await inspector.getByTestId('filter-state').inputValue()).toBe('handled');
    expect(await inspector.getByTestId('tab-suggestions').count()).toBe(0);

    await inspector.locator(`[data-testid="queue-row"][data-id="${caseId}"]`).click({ timeout: 30_000 });
    const detail = (status: string) => inspector.locator(`[data-testid="case-detail"][data-id="${caseId}"][data-status="${status}"]`);
    await detail('handled').waitFor({ timeout: 10_000 });
    // What the server allows an inspector here, and nothing for dispatching.
    await inspector.getByTestId('action-verify').waitFor({ timeout: 10_000 });
    expect(await inspector.getByTestId('action-rework').count()).toBe(1);
    expect(await inspector.getByTestId('candidate').count()).toBe(0);
    expect(await inspector.getByTestId('action-close').count()).toBe(0);
    // The team's photo, in the timeline.
    const img = inspector.locator('[data-testid="timeline"] li[data-action="report-handled"] img');
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(96);
    await inspector.waitForFunction(() => (window as unknown as { __gridwatchDispatchMap?: { loaded: boolean } }).__gridwatchDispatchMap?.loaded === true, null, { timeout: 60_000 });
    await img.scrollIntoViewIfNeeded();
    await inspector.waitForTimeout(1000);
    writeFileSync(join(ARTIFACTS, 'loop-inspector.png'), await inspector.screenshot());

    await inspector.getByTestId('action-verify').click();
    await detail('verified').waitFor({ timeout: 10_000 });
    await wallFollows('verify', { toVerify: -1, toClose: 1 }, caseId, 'verified');
    expect(actionsOf(await caseView(caseId)).at(-1)).toMatchObject({ name: 'verify', actor: INSPECTOR, role: 'inspector' });
  });

  it('the inspector sends another handled case back for rework, and it is the team\'s task again', async () => {
    reworkId = await report(nearby[0]!, '闭环测试：返工案件');
    await wallFollows('the second report', { reportedToday: 1, toAccept: 1 }, reworkId, 'reported');
    await act(reworkId, 'accept');
    await act(reworkId, 'register');
    await act(reworkId, 'dispatch', { teamId });
    await wallFollows('its dispatch', { toAccept: -1, handling: 1 }, reworkId, 'dispatched');

    // The phone hears of it (pushed) and the team does the work.
    const card = field.locator(`[data-testid="task"][data-id="${reworkId}"]`);
    await card.getByTestId('task-action-acknowledge').click({ timeout: 30_000 });
    await field.locator(`[data-testid="task"][data-id="${reworkId}"][data-status="handling"]`).waitFor({ timeout: 10_000 });
    await card.getByTestId('task-action-report-handled').click();
    await card.getByTestId('handled-note').fill('已处理');
    await card.getByTestId('handled-submit').click();
    await card.waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(async () => (await caseView(reworkId)).case.status, { timeout: 10_000 }).toBe('handled');
    await wallFollows('its report-handled', { handling: -1, toVerify: 1 }, reworkId, 'handled');

    // The desk's queue shows it; the inspector sends it back with a reason.
    await inspector.locator(`[data-testid="queue-row"][data-id="${reworkId}"]`).click({ timeout: 30_000 });
    const detail = (status: string) => inspector.locator(`[data-testid="case-detail"][data-id="${reworkId}"][data-status="${status}"]`);
    await detail('handled').waitFor({ timeout: 10_000 });
    await inspector.getByTestId('case-note').fill('现场仍有残留垃圾，请返工');
    await inspector.getByTestId('action-rework').click();
    await detail('handling').waitFor({ timeout: 10_000 });
    await wallFollows('rework', { toVerify: -1, handling: 1 }, reworkId, 'handling');
    const v = await caseView(reworkId);
    expect(v.case.reworkCount).toBe(1);
    expect(actionsOf(v).at(-1)).toMatchObject({ name: 'rework', actor: INSPECTOR, note: '现场仍有残留垃圾，请返工' });
    // Back on the team's phone, being handled.
    await field.locator(`[data-testid="task"][data-id="${reworkId}"][data-status="handling"]`).waitFor({ timeout: 20_000 });
  });

  it('the dispatcher closes the verified case, and it leaves the live map', async () => {
    // The console's open case followed the stream: verified now, with closing allowed.
    const detail = (status: string) => dispatcher.locator(`[data-testid="case-detail"][data-id="${caseId}"][data-status="${status}"]`);
    await detail('verified').waitFor({ timeout: 20_000 });
    await dispatcher.getByTestId('action-close').click({ timeout: 10_000 });
    await detail('closed').waitFor({ timeout: 10_000 });
    await wallFollows('close', { toClose: -1, closedToday: 1 }, caseId, null);
    const v = await caseView(caseId);
    expect(v.case.status).toBe('closed');
    expect(actionsOf(v).map((a) => a.name)).toEqual(['accept', 'register', 'dispatch', 'acknowledge', 'arrive', 'report-handled', 'verify', 'close']);
    // Gone from the queue of open cases.
    await dispatcher.locator(`[data-testid="queue-row"][data-id="${caseId}"]`).waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('the team returns (退回) a case with a reason to its unit\'s desk; the console shows it waiting at the unit, not offered to that team again', async () => {
    returnId = await report(nearby[1]!, '闭环测试：非本队职责');
    await wallFollows('the third report', { reportedToday: 1, toAccept: 1 }, returnId, 'reported');
    await act(returnId, 'accept');
    await act(returnId, 'register');
    await act(returnId, 'dispatch', { teamId });
    await wallFollows('its dispatch', { toAccept: -1, handling: 1 }, returnId, 'dispatched');

    const card = field.locator(`[data-testid="task"][data-id="${returnId}"]`);
    await card.getByTestId('task-action-return').click({ timeout: 30_000 });
    // A reason is required.
    await card.getByTestId('return-submit').click();
    await card.getByRole('alert').waitFor({ timeout: 5000 });
    const reason = '该处为小区内部道路，不属本队职责';
    await card.getByTestId('return-note').fill(reason);
    await card.getByRole('alert').waitFor({ state: 'detached', timeout: 5000 });
    await field.waitForTimeout(300);
    writeFileSync(join(ARTIFACTS, 'loop-field-return.png'), await field.screenshot());
    await card.getByTestId('return-submit').click();
    await card.waitFor({ state: 'detached', timeout: 20_000 });
    // Back at its unit's desk: still dispatched to the unit, no crew; the unit assigns another or applies to return it.
    await expect.poll(async () => (await caseView(returnId)).case.teamId, { timeout: 10_000 }).toBeNull();
    await wallFollows('return', {}, returnId, 'dispatched');
    const v = await caseView(returnId);
    expect(v.case.status).toBe('dispatched');
    expect(v.case.unitCode).not.toBeNull();
    expect(actionsOf(v).at(-1)).toMatchObject({ name: 'return', actor: FIELD, from: 'dispatched', to: 'dispatched', note: reason });

    // The dispatcher sees it waiting at the unit, with the reason on its timeline.
    await dispatcher.getByTestId('filter-state').selectOption('dispatched');
    await dispatcher.locator(`[data-testid="queue-row"][data-id="${returnId}"]`).click({ timeout: 20_000 });
    await dispatcher.locator(`[data-testid="case-detail"][data-id="${returnId}"][data-status="dispatched"]`).waitFor({ timeout: 10_000 });
    expect(await dispatcher.getByTestId('case-team').textContent()).toBe('待责任单位派单');
    const returned = dispatcher.locator('[data-testid="timeline"] li[data-action="return"]');
    await returned.waitFor({ timeout: 10_000 });
    expect(await returned.textContent()).toContain(reason);
    expect(await returned.textContent()).toContain(FIELD);
    // It can be dispatched again, but the team that sent it back is not offered it. At night that team
    // may be the only one of its department on duty, and then the console says there is none nearby.
    await dispatcher.getByTestId('candidates').or(dispatcher.getByText('暂无可直接调派的空闲队伍')).first().waitFor({ timeout: 30_000 });
    expect(await dispatcher.locator(`[data-testid="candidate"][data-team="${teamId}"]`).count()).toBe(0);
    await returned.scrollIntoViewIfNeeded();
    await dispatcher.waitForTimeout(500);
    writeFileSync(join(ARTIFACTS, 'loop-dispatcher-returned.png'), await dispatcher.screenshot());
    await wall.evaluate(([lon, lat]) => (window as unknown as MapHook).__gridwatchMap!.jumpTo(lon, lat, 14), [place.lon, place.lat] as [number, number]);
    await wall.waitForTimeout(1500);
    writeFileSync(join(ARTIFACTS, 'loop-wall.png'), await wall.screenshot());
  });

  it('left no console error and no failed or refused request on any page', () => {
    expect(watched.map((w) => w.name)).toEqual(['wall', 'dispatcher', 'field', 'inspector']);
    expectPagesClean();
  });
});
