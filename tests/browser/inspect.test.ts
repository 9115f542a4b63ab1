import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaseView, Incident, IncidentPage, PlaceResults, Team, TrackerList } from '../../shared/index.js';
import { getJson, postJson } from '../support/api.js';
import { ARTIFACTS, browserAvailable, serverAndBrowser, signInThroughPage, watchPage, makePng } from '../support/browser.js';
import { createUser } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';

const run = browserAvailable();

let server: TestServer;
let browser: Browser;
const INSPECTOR = 'inspect-phone';
const INSPECTOR_PASSWORD = 'inspect-phone-password';
/** Where the inspector stands, and a citizen's 12345 report a little to the north-east of it. */
let here = { lon: 0, lat: 0 };
let hotline: Incident;

serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    prepare: async () => {
      await createUser(server.url, server.adminCookie, INSPECTOR, 'inspector', INSPECTOR_PASSWORD);
      // On 湖塘路, in the district's seat.
      const road = (await getJson<PlaceResults>(`${server.url}/api/places?q=${encodeURIComponent('湖塘路')}&limit=1`)).body.items[0]!;
      here = { lon: road.lon, lat: road.lat };
      const r = await postJson<Incident>(`${server.url}/api/incidents`, {
        categoryCode: 'E0102',
        lon: here.lon + 0.0008,
        lat: here.lat + 0.0006,
        source: 'hotline_12345',
        callNature: 'complaint',
        description: '小区门口垃圾堆了两天',
        reporter: { name: '李女士', phone: '139 0000 1234' },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      hotline = r.body;
    },
  },
);


const caseView = async (id: string) => (await getJson<CaseView>(`${server.url}/api/cases/${id}`)).body;

describe.runIf(run)('the inspectors\' phone (/inspect, 城管通)', () => {
  let context: BrowserContext;
  let page: Page;
  let offline = false;
  let watched: { errors: string[]; failed: string[] };
  afterAll(async () => context?.close());

  it('an inspector reports a problem with a photo while offline: queued on the phone, filed with its photo once online', async () => {
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      geolocation: { longitude: here.lon, latitude: here.lat, accuracy: 12 },
      permissions: ['geolocation'],
    });
    page = await context.newPage();
    watched = watchPage(page, () => offline);
    await signInThroughPage(page, `${server.url}/inspect`, INSPECTOR, INSPECTOR_PASSWORD);
    await page.getByTestId('page-title').filter({ hasText: '城管通' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/inspect');
    await page.getByTestId('gps-fix').filter({ hasText: here.lon.toFixed(6) }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('gps-fix').textContent()).toContain('精度约 12 米');

    // The network goes; the report is made all the same.
    offline = true;
    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('link-state').textContent(), { timeout: 5000 }).toMatch(/离线/);

    // The category by its pinyin initials (暴露垃圾 → bllj; the initials come with the page, before the network went).
    const category = page.getByTestId('category-search');
    await category.click();
    await category.pressSequentially('bllj', { delay: 40 });
    await page.getByTestId('category-search-option').first().filter({ hasText: 'E0102' }).click({ timeout: 10_000 });
    expect(await category.inputValue()).toBe('E0102 暴露垃圾');
    const note = '人行道上堆放生活垃圾约 2 平方米';
    await page.getByTestId('report-note').fill(note);
    await page.getByTestId('report-photos').setInputFiles({ name: 'problem.png', mimeType: 'image/png', buffer: makePng(120, 90) });
    const thumb = page.locator('.inspect-report .photo-thumb img');
    await thumb.waitFor({ timeout: 10_000 });
    await expect.poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 }).toBe(120);
    // Touch targets at least 48 px high.
    expect((await page.getByTestId('report-submit').boundingBox())!.height).toBeGreaterThanOrEqual(48);
    writeFileSync(join(ARTIFACTS, 'inspect-report.png'), await page.screenshot({ fullPage: true }));
    await page.getByTestId('report-submit').click();

    // Queued on the phone, and said so; nothing reached the server.
    await page.locator('[data-testid="pending-action"][data-kind="report"]').waitFor({ timeout: 5000 });
    await expect.poll(() => page.getByTestId('link-state').textContent(), { timeout: 5000 }).toMatch(/离线.*待发送 1/);
    await page.locator('[data-testid="my-report"][data-state="queued"]').waitFor();
    // The form is cleared for the next report.
    expect(await page.getByTestId('report-note').inputValue()).toBe('');
    await page.waitForTimeout(300);
    writeFileSync(join(ARTIFACTS, 'inspect-queued.png'), await page.screenshot({ fullPage: true }));
    const before = await getJson<IncidentPage>(`${server.url}/api/incidents?limit=50`);
    expect(before.body.items.filter((i) => i.source === 'inspector')).toEqual([]);

    // Back online: the report goes first, then its photo to the new case.
    await context.setOffline(false);
    offline = false;
    await page.getByTestId('pending-actions').waitFor({ state: 'detached', timeout: 20_000 });
    const filed = page.locator('[data-testid="my-report"][data-state="filed"]');
    await filed.waitFor({ timeout: 10_000 });
    const caseId = (await filed.getAttribute('data-case'))!;
    expect(caseId).not.toBe('');

    const view = await caseView(caseId);
    expect(view.case).toMatchObject({
      source: 'inspector',
      categoryCode: 'E0102',
      description: note,
      reportedBy: { name: INSPECTOR, role: 'inspector' },
      status: 'reported',
    });
    expect(view.case.lon).toBeCloseTo(here.lon, 5);
    expect(view.case.lat).toBeCloseTo(here.lat, 5);
    // Its number shows on the phone.
    expect(await filed.textContent()).toContain(view.case.number!);
    // The photo is on the case's timeline, attached by the inspector who reported it.
    const steps = view.timeline.filter((e) => e.kind === 'case_action');
    expect(steps.map((e) => [e.action?.name, e.action?.actor])).toEqual([['confirm', INSPECTOR]]);
    const attachments = steps[0]!.action!.attachments!;
    expect(attachments).toHaveLength(1);
    const photo = await fetch(`${server.url}/api/photos/${attachments[0]}`, { headers: { authorization: `Bearer ${server.token}` } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    // Filed once, whatever the retries.
    const after = await getJson<IncidentPage>(`${server.url}/api/incidents?limit=50`);
    expect(after.body.items.filter((i) => i.source === 'inspector').map((i) => i.id)).toEqual([caseId]);
    expect(watched.errors).toEqual([]);
  });

  it('confirms (核实) a 12345 report from the shared queue without the caller\'s contact, sends a handled case back for rework (核查); on patrol the phone reports where it is', async () => {
    await page.getByTestId('tab-tasks').click();
    const card = page.locator(`[data-testid="inspect-task"][data-id="${hotline.id}"]`);
    await card.waitFor({ timeout: 15_000 });
    expect(await card.getAttribute('data-kind')).toBe('confirm');
    const text = (await card.textContent())!;
    expect(text).toContain('核实');
    expect(text).toContain('12345热线');
    expect(text).toContain('暴露垃圾');
    expect(text).toMatch(/\d+ 米|公里/);
    expect(text).not.toContain('李女士');
    expect(text).not.toContain('139');
    // The inspector's own report is no task.
    expect(await page.locator('[data-testid="inspect-task"][data-kind="confirm"]').count()).toBe(1);

    // On patrol: the position goes to the trackers.
    expect(await page.getByTestId('duty').textContent()).toBe('开始巡查');
    await page.getByTestId('duty').click();
    await expect.poll(() => page.getByTestId('duty').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('duty').textContent()).toBe('结束巡查');
    await page.getByTestId('duty-status').filter({ hasText: /巡查中 · \d\d:\d\d:\d\d 已报位置/ }).waitFor({ timeout: 10_000 });
    await expect
      .poll(async () => (await getJson<TrackerList>(`${server.url}/api/trackers?minutes=10`)).body.trackers.find((t) => t.trackerId === `inspector:${INSPECTOR}`), { timeout: 10_000 })
      .toMatchObject({ kind: 'inspector' });

    await card.getByTestId('task-answer-found').click();
    await card.getByTestId('answer-note').fill('现场确有垃圾堆放');
    await page.waitForTimeout(200);
    writeFileSync(join(ARTIFACTS, 'inspect-tasks.png'), await page.screenshot({ fullPage: true }));
    await card.getByTestId('answer-submit').click();
    await expect.poll(async () => (await caseView(hotline.id)).case.confirmedAt, { timeout: 15_000 }).not.toBeNull();
    const view = await caseView(hotline.id);
    const confirm = view.timeline.filter((e) => e.kind === 'case_action').at(-1)!;
    expect(confirm.action).toMatchObject({ name: 'confirm', actor: INSPECTOR, role: 'inspector', note: '现场确有垃圾堆放' });
    expect(view.case.status).toBe('reported');
    // Done: off the queue.
    await card.waitFor({ state: 'detached', timeout: 15_000 });

    // 核查: a case its crew reports handled comes to the queue; the inspector sends it back for rework (a reason needed).
    const handled = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: here.lon - 0.0005, lat: here.lat, source: 'inspector', description: '路边垃圾' });
    const team = (await getJson<Team[]>(`${server.url}/api/teams`)).body.find((t) => t.categories.includes('E0102'))!;
    const crew = { cookie: await createUser(server.url, server.adminCookie, 'inspect-crew', 'field', 'inspect-crew-password', team.id) };
    let version = handled.body.version;
    const steps = [['accept', {}, undefined], ['register', {}, undefined], ['dispatch', { teamId: team.id }, undefined], ['acknowledge', {}, crew], ['report-handled', { note: '已清理' }, crew]] as const;
    for (const [action, extra, who] of steps) {
      const r = await postJson<{ case: Incident }>(`${server.url}/api/cases/${handled.body.id}/actions`, { action, version, ...extra }, who);
      expect(r.status, `${action} ${JSON.stringify(r.body)}`).toBe(200);
      version = r.body.case.version;
    }
    await page.getByTestId('tasks-refresh').click();
    const verify = page.locator(`[data-testid="inspect-task"][data-id="${handled.body.id}"][data-kind="verify"]`);
    await verify.waitFor({ timeout: 10_000 });
    await verify.getByTestId('task-answer-rework').click();
    await verify.getByTestId('answer-submit').click();
    await verify.getByRole('alert').filter({ hasText: '请填写说明' }).waitFor();
    await verify.getByTestId('answer-note').fill('路边仍有垃圾残留');
    await verify.getByTestId('answer-submit').click();
    await expect.poll(async () => (await caseView(handled.body.id)).case.status, { timeout: 15_000 }).toBe('handling');
    expect((await caseView(handled.body.id)).timeline.at(-1)?.action).toMatchObject({ name: 'rework', actor: INSPECTOR, note: '路边仍有垃圾残留' });
    await verify.waitFor({ state: 'detached', timeout: 15_000 });

    // The light look, for the record.
    await page.getByRole('button', { name: '浅色' }).click();
    await page.getByTestId('tab-report').click();
    await page.waitForTimeout(300);
    writeFileSync(join(ARTIFACTS, 'inspect-light.png'), await page.screenshot({ fullPage: true }));
    expect(watched.errors).toEqual([]);
    expect(watched.failed).toEqual([]);
  });
});
