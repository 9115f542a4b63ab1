import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CaseView, Team } from '../../shared/index.js';
import type { CaseUnit } from '../../shared/schema/unit.js';
import { getJson, pointsInCells, postJson } from '../support/api.js';
import { browserAvailable, signInThroughPage, watchPage, serverAndBrowser } from '../support/browser.js';
import { createToken, createUser, type Credentials } from '../support/credentials.js';
import { type TestServer } from '../support/server.js';
import type { FeatureCollection, Incident } from '../support/types.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'var', 'artifacts');
const run = browserAvailable();

let server: TestServer;
let browser: Browser;
let cells: FeatureCollection['features'];
let sanitation: Team[];
const as: Record<'dispatcher' | 'field' | 'inspector', Credentials> = {} as never;
const DISPATCHER = 'units-dispatcher';
const DISPATCHER_PASSWORD = 'units-dispatcher-password';

serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    prepare: async () => {
      cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
      for (const role of ['dispatcher', 'inspector'] as const) as[role] = { token: await createToken(server.url, server.adminCookie, role, `${role} of the units tests`) };
      sanitation = (await getJson<Team[]>(`${server.url}/api/teams`)).body.filter((t) => t.categories.includes('E0102'));
      as.field = { cookie: await createUser(server.url, server.adminCookie, 'units-crew', 'field', 'units-crew-password', sanitation[0]!.id) };
      await createUser(server.url, server.adminCookie, DISPATCHER, 'dispatcher', DISPATCHER_PASSWORD);
    },
  },
);

const act = (id: string, body: Record<string, unknown>, who: Credentials) => postJson<{ case: Incident }>(`${server.url}/api/cases/${id}/actions`, body, who);
const caseView = async (id: string) => (await getJson<CaseView>(`${server.url}/api/cases/${id}`, as.dispatcher)).body;

/** A new case taken through `steps`, each as the given role; returns it as it stands. */
async function caseThrough(categoryCode: string, source: string, seed: number, steps: readonly (readonly [string, Credentials, Record<string, unknown>])[]): Promise<Incident> {
  const [p] = pointsInCells(cells, 1, seed);
  const created = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode, lon: p!.lon, lat: p!.lat, source, description: '责任单位测试', reporter: { name: '王女士', phone: '13800000000' } });
  expect(created.status).toBe(201);
  let c = created.body;
  for (const [action, who, extra] of steps) {
    const res = await act(c.id, { action, version: c.version, ...extra }, who);
    expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
    c = res.body.case;
  }
  return c;
}

async function openConsole(context: BrowserContext): Promise<{ page: Page; errors: string[]; failed: string[] }> {
  const page = await context.newPage();
  const watched = watchPage(page);
  await signInThroughPage(page, `${server.url}/dispatch`, DISPATCHER, DISPATCHER_PASSWORD);
  await page.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });
  return { page, ...watched };
}

/** Types a number in the header's search box and presses Enter. */
async function searchNumber(page: Page, number: string): Promise<void> {
  const box = page.getByTestId('number-search');
  await box.fill(number);
  await box.press('Enter');
}

describe.runIf(run)('the dispatch console: units responsible, search by number, callbacks', () => {
  it('dispatches a 上水井盖 case to the water company as a unit; its desk assigns its own crew and applies for an extension, which the dispatcher approves', async () => {
    const c = await caseThrough('C0101', 'inspector', 5003, [
      ['accept', as.dispatcher, {}],
      ['register', as.dispatcher, {}],
    ]);
    const units = (await getJson<CaseUnit[]>(`${server.url}/api/cases/${c.id}/units`, as.dispatcher)).body;
    expect(units.length).toBeGreaterThanOrEqual(1);
    const water = units[0]!;
    expect(water.name.zh).toMatch(/自来水|供水/);
    expect(water.teams.length).toBeGreaterThanOrEqual(1);

    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const { page, errors, failed } = await openConsole(context);
    await searchNumber(page, c.number!);
    const detail = page.locator(`[data-testid="case-detail"][data-id="${c.id}"][data-status="registered"]`);
    await detail.waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('case-number').textContent()).toBe(c.number);

    const row = page.locator(`[data-testid="unit"][data-code="${water.code}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain('部门');

    // The start of a day's numbers lists that day's cases to pick from.
    await searchNumber(page, c.number!.split('-').slice(0, 2).join('-'));
    await page.locator('[data-testid="number-results"][data-phase="several"], [data-testid="number-results"][data-phase="none"]').or(detail).first().waitFor({ timeout: 10_000 });
    // A number that no case has says so.
    await searchNumber(page, 'WJ-19990101-9999');
    await page.locator('[data-testid="number-results"][data-phase="none"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('number-search').press('Escape');

    // Dispatched to the unit itself: no crew named, it waits at the unit's desk.
    await row.getByTestId('unit-dispatch').click();
    await page.locator(`[data-testid="case-detail"][data-id="${c.id}"][data-status="dispatched"]`).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('case-unit').textContent()).toBe(water.name.zh);
    expect(await page.getByTestId('case-team').textContent()).toBe('待责任单位派单');
    await page.waitForFunction(() => (window as unknown as { __gridwatchDispatchMap?: { loaded: boolean } }).__gridwatchDispatchMap?.loaded === true, null, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    writeFileSync(join(ARTIFACTS, 'console-units.png'), await page.screenshot());
    const dispatched = await caseView(c.id);
    expect(dispatched.case.unitCode).toBe(water.code);
    expect(dispatched.case.teamId).toBeNull();
    expect(dispatched.case.deadlineAt).not.toBeNull();

    // The water company's desk (a unit account) works its queue at /dispatch.
    const created = await postJson(`${server.url}/api/users`, { username: 'water-desk', role: 'unit', unitCode: water.code, password: 'water-desk-password' }, { cookie: server.adminCookie });
    expect(created.status).toBe(201);
    const deskContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const desk = await deskContext.newPage();
    const deskWatch = watchPage(desk);
    await signInThroughPage(desk, `${server.url}/dispatch`, 'water-desk', 'water-desk-password');
    // The desk names its unit once the units are read.
    await desk.getByTestId('page-title').filter({ hasText: water.name.zh }).waitFor({ timeout: 10_000 });
    const queued = desk.locator(`[data-testid="desk-case"][data-id="${c.id}"][data-group="toAssign"]`);
    await queued.waitFor({ timeout: 15_000 });
    await queued.locator('button').click();
    const candidate = desk.getByTestId('desk-candidate').first();
    await candidate.waitFor({ timeout: 30_000 });
    const crew = await candidate.getAttribute('data-team');
    expect(water.teams).toContain(crew);
    await candidate.getByTestId('desk-assign').click();
    await desk.locator(`[data-testid="desk-detail"][data-id="${c.id}"][data-team="${crew}"]`).waitFor({ timeout: 10_000 });
    expect((await caseView(c.id)).case.teamId).toBe(crew);

    // The desk asks the centre for 8 more hours; until decided the case keeps running.
    await desk.getByTestId('desk-apply-hours').fill('8');
    await desk.getByTestId('desk-apply-reason').fill('需采购配件');
    await desk.getByTestId('desk-apply-submit').click();
    await desk.getByTestId('desk-application').waitFor({ timeout: 10_000 });
    writeFileSync(join(ARTIFACTS, 'unit-desk.png'), await desk.screenshot());
    const applied = await caseView(c.id);
    expect(applied.case.application).toMatchObject({ kind: 'extension', extendHours: 8, reason: '需采购配件', by: 'water-desk' });
    expect(deskWatch.errors).toEqual([]);
    expect(deskWatch.failed).toEqual([]);
    await deskContext.close();

    // The dispatcher sees the application on the case and approves it: the handling deadline moves.
    await searchNumber(page, c.number!);
    const application = page.locator('[data-testid="application"][data-kind="extension"]');
    await application.waitFor({ timeout: 15_000 });
    await application.scrollIntoViewIfNeeded();
    writeFileSync(join(ARTIFACTS, 'console-application.png'), await page.screenshot());
    await application.getByTestId('application-approve').click();
    await page.locator('[data-testid="application"]').waitFor({ state: 'detached', timeout: 10_000 });
    const decided = await caseView(c.id);
    expect(decided.case.application).toBeNull();
    expect(Date.parse(decided.case.deadlineAt!)).toBeGreaterThan(Date.parse(applied.case.deadlineAt!));
    expect(decided.timeline.map((e) => e.action?.name).filter(Boolean)).toEqual(expect.arrayContaining(['dispatch', 'assign', 'apply', 'decide']));
    expect(decided.timeline.find((e) => e.action?.name === 'apply')?.action).toMatchObject({ application: { kind: 'extension', extendHours: 8 }, note: '需采购配件' });
    expect(decided.timeline.find((e) => e.action?.name === 'decide')?.action).toMatchObject({ decision: 'approve', actor: DISPATCHER });
    // The console's timeline says what was asked and what was decided.
    expect(await page.getByTestId('timeline-application').textContent()).toBe('申请延期 8 小时');
    expect(await page.locator('[data-testid="timeline-decision"][data-decision="approve"]').textContent()).toBe('同意');
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  }, 180_000);

  it('opens a closed hotline case by number and records a callback: reached, basically satisfied', async () => {
    const c = await caseThrough('E0102', 'hotline_12345', 6007, [
      ['accept', as.dispatcher, {}],
      ['register', as.dispatcher, {}],
      ['dispatch', as.dispatcher, { teamId: sanitation[0]!.id }],
      ['acknowledge', as.field, {}],
      ['report-handled', as.field, {}],
      ['verify', as.inspector, {}],
      ['close', as.dispatcher, {}],
    ]);
    expect(c.status).toBe('closed');

    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const { page, errors, failed } = await openConsole(context);
    // The day's start matches both cases of this test file: a pick list, newest first.
    await searchNumber(page, c.number!.split('-').slice(0, 2).join('-'));
    await page.locator('[data-testid="number-results"][data-phase="several"]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('number-result').count()).toBeGreaterThanOrEqual(2);
    writeFileSync(join(ARTIFACTS, 'console-number-pick.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 800, height: 300 } }));
    await page.locator(`[data-testid="number-result"][data-id="${c.id}"]`).click();
    await page.locator(`[data-testid="case-detail"][data-id="${c.id}"][data-status="closed"]`).waitFor({ timeout: 10_000 });
    const form = page.getByTestId('callback-form');
    await form.waitFor({ timeout: 10_000 });
    // Callback is sent with its answer, from the form: not as a bare action button.
    expect(await page.getByTestId('action-callback').count()).toBe(0);
    expect(await page.getByTestId('callback-submit').isDisabled()).toBe(true);
    await page.getByTestId('callback-reached-yes').check();
    await page.getByTestId('callback-basically_satisfied').check();
    await page.getByTestId('callback-note').fill('已回访，居民基本满意');
    await page.getByTestId('callback-submit').click();
    await page.locator('[data-testid="case-callback"][data-satisfaction="basically_satisfied"]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('case-callback').textContent()).toContain('基本满意');

    const view = await caseView(c.id);
    expect(view.case.callback).toMatchObject({ reached: true, satisfaction: 'basically_satisfied' });
    const last = view.timeline.at(-1)!;
    expect(last.action?.name).toBe('callback');
    expect(last.action?.note).toBe('已回访，居民基本满意');

    await page.waitForTimeout(1000);
    writeFileSync(join(ARTIFACTS, 'console-callback.png'), await page.screenshot());
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});
