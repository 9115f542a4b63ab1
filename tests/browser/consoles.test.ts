import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { getJson, pointsInCells, postJson } from '../support/api.js';
import { browserAvailable, signInThroughPage, watchPage, serverAndBrowser } from '../support/browser.js';
import { createUser } from '../support/credentials.js';
import type { FeatureCollection, Incident, IncidentEvent } from '../support/types.js';
import { type TestServer } from '../support/server.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'var', 'artifacts');
const run = browserAvailable();

interface CaseView {
  case: Incident;
  timeline: IncidentEvent[];
  allowedActions: string[];
}

let server: TestServer;
let browser: Browser;
const DISPATCHER = 'console-dispatcher';
const DISPATCHER_PASSWORD = 'console-dispatcher-password';
const FIELD = 'console-field';
const FIELD_PASSWORD = 'console-field-password';

/** The case the dispatcher sends out and the field team handles, and where it is. */
let caseId = '';
let teamId = '';
let place = { lon: 0, lat: 0 };

serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    prepare: async () => {
      await createUser(server.url, server.adminCookie, DISPATCHER, 'dispatcher', DISPATCHER_PASSWORD);
    },
  },
);

const caseView = async (id: string) => (await getJson<CaseView>(`${server.url}/api/cases/${id}`)).body;

describe.runIf(run)('the dispatch console (/dispatch)', () => {
  it('shows a new case in the queue; a dispatcher accepts, registers and dispatches it to the first candidate', async () => {
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body;
    const points = pointsInCells(cells.features, 16, 4001);
    // A queue with more in it than the one case.
    for (const [n, p] of points.slice(1).entries()) {
      const r = await postJson<Incident>(`${server.url}/api/incidents`, {
        categoryCode: n % 3 === 0 ? 'C0101' : 'E0102',
        lon: p.lon,
        lat: p.lat,
        description: `浏览器测试背景案件 ${n + 1}`,
        source: n % 2 ? 'inspector' : 'citizen_app',
      });
      expect(r.status).toBe(201);
    }
    place = { lon: points[0]!.lon, lat: points[0]!.lat };
    const created = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', ...place, description: '调度台测试：路口暴露垃圾', source: 'hotline_12345' });
    expect(created.status).toBe(201);
    caseId = created.body.id;

    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, `${server.url}/dispatch`, DISPATCHER, DISPATCHER_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/dispatch');
    await page.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });

    const row = page.locator(`[data-testid="queue-row"][data-id="${caseId}"]`);
    await row.waitFor({ timeout: 30_000 });
    // The keyboard moves in the queue; ? shows the shortcuts.
    await page.keyboard.press('j');
    expect(await page.locator('[data-testid="queue-row"][aria-selected="true"]').count()).toBe(1);
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts').waitFor({ state: 'detached' });

    await row.click();
    const detail = (status: string) => page.locator(`[data-testid="case-detail"][data-id="${caseId}"][data-status="${status}"]`);
    await detail('reported').waitFor({ timeout: 10_000 });
    await page.getByTestId('action-accept').click();
    await detail('accepted').waitFor({ timeout: 10_000 });
    // Register from the keyboard, once the page offers it.
    await page.getByTestId('action-register').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('action-register').isEnabled(), { timeout: 10_000 }).toBe(true);
    await page.keyboard.press('r');
    await detail('registered').waitFor({ timeout: 10_000 });

    const first = page.getByTestId('candidate').first();
    await first.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('candidate').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('candidate').count()).toBeLessThanOrEqual(5);
    const firstTeam = await first.getAttribute('data-team');
    expect(await first.textContent()).toMatch(/分钟/);
    expect(await first.textContent()).toMatch(/公里/);
    await first.getByTestId('candidate-dispatch').click();
    await detail('dispatched').waitFor({ timeout: 10_000 });

    const view = await caseView(caseId);
    expect(view.case.status).toBe('dispatched');
    expect(view.case.teamId).toBe(firstTeam);
    teamId = view.case.teamId!;
    expect(view.timeline.filter((e) => e.kind === 'case_action').map((e) => e.action?.name)).toEqual(['accept', 'register', 'dispatch']);
    // The page's timeline shows the same steps, by whom.
    await expect.poll(() => page.locator('[data-testid="timeline"] li[data-kind="case_action"]').count(), { timeout: 10_000 }).toBe(3);
    expect(await page.getByTestId('timeline').textContent()).toContain(DISPATCHER);

    await page.waitForFunction(() => (window as unknown as { __gridwatchDispatchMap?: { loaded: boolean } }).__gridwatchDispatchMap?.loaded === true, null, { timeout: 60_000 });
    await page.waitForTimeout(1500);
    writeFileSync(join(ARTIFACTS, 'dispatch.png'), await page.screenshot());
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});

describe.runIf(run)('the field view (/field)', () => {
  let context: BrowserContext;
  afterAll(async () => context?.close());

  it('shows the team its task on a phone; it acknowledges (offline first, sent once online) and reports it handled with a note', async () => {
    expect(caseId, 'the dispatch test ran first').not.toBe('');
    await createUser(server.url, server.adminCookie, FIELD, 'field', FIELD_PASSWORD, teamId);
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      // Standing a little south-west of the case.
      geolocation: { longitude: place.lon - 0.006, latitude: place.lat - 0.004 },
      permissions: ['geolocation'],
    });
    const page = await context.newPage();
    let offline = false;
    const { errors, failed } = watchPage(page, () => offline);
    // A field account signs in at / and lands on its tasks.
    await signInThroughPage(page, server.url, FIELD, FIELD_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/field', { timeout: 10_000 });

    const card = page.locator(`[data-testid="task"][data-id="${caseId}"]`);
    await card.waitFor({ timeout: 30_000 });
    expect(await card.getByTestId('countdown').textContent()).toMatch(/剩余|超期/);
    // The drive there at live road speeds, as roads to follow, from where the phone is.
    await card.getByTestId('task-route').waitFor({ timeout: 10_000 });
    expect(await card.getByTestId('task-route').textContent()).toMatch(/^路线：约 \d+ 分钟 · [\d.]+ 公里(\S+ [\d.]+ 公里)+/);
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toMatch(/公里/);
    // Touch targets at least 48 px high.
    const ack = card.getByTestId('task-action-acknowledge');
    expect((await ack.boundingBox())!.height).toBeGreaterThanOrEqual(48);

    // Without network the action waits in the outbox, and goes once the network is back.
    offline = true;
    await context.setOffline(true);
    await ack.click();
    await page.locator(`[data-testid="task"][data-id="${caseId}"][data-status="handling"]`).waitFor({ timeout: 5000 });
    await page.getByTestId('pending-action').first().waitFor({ timeout: 5000 });
    await expect.poll(() => page.getByTestId('link-state').textContent(), { timeout: 5000 }).toMatch(/离线.*待发送 1/);
    expect((await caseView(caseId)).case.status).toBe('dispatched');
    await context.setOffline(false);
    offline = false;
    await page.getByTestId('pending-actions').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(async () => (await caseView(caseId)).case.status, { timeout: 10_000 }).toBe('handling');

    await card.getByTestId('task-action-report-handled').click();
    const note = '已清理完毕，现场恢复整洁';
    await card.getByTestId('handled-note').fill(note);
    await page.waitForTimeout(300);
    writeFileSync(join(ARTIFACTS, 'field.png'), await page.screenshot());
    await card.getByTestId('handled-submit').click();
    await expect.poll(async () => (await caseView(caseId)).case.status, { timeout: 15_000 }).toBe('handled');
    // Handled cases are no longer the team's tasks.
    await card.waitFor({ state: 'detached', timeout: 15_000 });
    const view = await caseView(caseId);
    const steps = view.timeline.filter((e) => e.kind === 'case_action');
    expect(steps.map((e) => e.action?.name)).toEqual(['accept', 'register', 'dispatch', 'acknowledge', 'report-handled']);
    expect(steps.at(-1)?.action?.note).toBe(note);
    expect(steps.at(-1)?.action?.actor).toBe(FIELD);

    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
  });
});
