import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { BoardSummary, CaseView, Team } from '../../shared/index.js';
import { getJson, pointsInCells, postJson } from '../support/api.js';
import { ARTIFACTS, browserAvailable, serverAndBrowser, signInThroughPage, watchPage } from '../support/browser.js';
import { createUser } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';
import type { FeatureCollection, Incident } from '../support/types.js';

/**
 * The leaders' review (issue 15) in a real browser: a leader signs in, reads the board's tiles
 * (today's reports, closure and on-time closure against yesterday, overdue, crews, the town to watch)
 * over a few days of history, opens a case from the dashboard's latest list, urges (督办) and
 * instructs (批示) it, and sees both on its timeline.
 */
const run = browserAvailable();
const LEADER = 'leader-zhang';
const PASSWORD = 'leader-zhang-password';

let server: TestServer;
let browser: Browser;
/** The case the first test urged and instructed, opened again from the map and by its number. */
let opened: Incident | undefined;

serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    // History gives today's and yesterday's closure cohorts something to count.
    env: { HISTORY_DAYS: '3' },
    prepare: async () => {
      await createUser(server.url, server.adminCookie, LEADER, 'leader', PASSWORD);
    },
  },
);

/** A case dispatched to a crew through the API (the dispatcher's token): what a leader urges. */
async function dispatchedCase(): Promise<Incident> {
  const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  const crew = (await getJson<Team[]>(`${server.url}/api/teams`)).body.find((t) => t.categories.includes('E0102'))!;
  const [p] = pointsInCells(cells, 1, 977);
  const created = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, description: '路口暴露垃圾，堆放两天' });
  expect(created.status).toBe(201);
  let c = created.body;
  for (const [action, extra] of [['accept', {}], ['register', {}], ['dispatch', { teamId: crew.id }]] as const) {
    const r = await postJson<{ case: Incident }>(`${server.url}/api/cases/${c.id}/actions`, { action, version: c.version, ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    c = r.body.case;
  }
  return c;
}

/** The dashboard map's test hooks (client/map/MapView.tsx). */
interface MapHook {
  __gridwatchMap?: { loaded: boolean; jumpTo(lon: number, lat: number, zoom: number): void; pickIncident(lon: number, lat: number): string | null };
}

const tileValue = (page: Page, id: string) => page.getByTestId(`tile-${id}`).getAttribute('data-value');

describe.runIf(run)("a leader's board and case panel", () => {
  it('shows the tiles a leader reads, and urges and instructs a case opened from the dashboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, LEADER, PASSWORD);
    await page.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 60_000 });

    // The tiles agree with the endpoint they read (nothing is changing: the simulator is off).
    await expect.poll(() => tileValue(page, 'reports'), { timeout: 20_000 }).not.toBe('');
    const summary = (await getJson<BoardSummary>(`${server.url}/api/board/summary`)).body;
    expect(Number(await tileValue(page, 'reports'))).toBe(summary.reports.today);
    expect(summary.closure.today.due).toBeGreaterThan(0);
    expect(Number(await tileValue(page, 'closure'))).toBeCloseTo(summary.closure.today.closureRate!, 6);
    expect(await page.getByTestId('tile-closure').locator('b').textContent()).toBe(`${(summary.closure.today.closureRate! * 100).toFixed(1)}%`);
    const onTime = await page.getByTestId('tile-on-time').innerText();
    expect(onTime).toContain(`${summary.closure.today.onTime}/${summary.closure.today.due} 件`);
    expect(onTime).toMatch(/较昨日同时 (持平|[+−]\d+\.\d个百分点)|昨日同时无到期案件可比/);
    expect(Number(await tileValue(page, 'overdue'))).toBe(summary.overdue);
    expect(await page.getByTestId('tile-crews').locator('b').textContent()).toBe(`${summary.crews.working}/${summary.crews.onDuty}`);
    expect(summary.worstTown).not.toBeNull();
    expect(await page.getByTestId('tile-worst-town').locator('b').textContent()).not.toMatch(/^\d+$|–/);
    // Each figure says how it is counted.
    expect(await page.getByTestId('tile-closure').getAttribute('title')).toMatch(/结案时限.*÷/);
    expect(await page.getByTestId('tile-worst-town').getAttribute('title')).toMatch(/按今日按期结案率最低|按当前超期案件最多/);
    // The developer's figures are gone.
    const aside = await page.locator('aside').innerText();
    for (const old of ['单元网格', '事件序号', '本次接收']) expect(aside).not.toContain(old);
    await page.waitForTimeout(1000);
    writeFileSync(join(ARTIFACTS, 'leader-board.png'), await page.screenshot());

    // A case arrives on the latest list; the leader opens it there.
    const c = await dispatchedCase();
    opened = c;
    const row = page.locator(`[data-testid="feed"] li[data-id="${c.id}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    const panel = page.getByTestId('leader-case');
    await expect.poll(() => panel.getAttribute('data-version'), { timeout: 10_000 }).toBe(String(c.version));
    expect(await page.getByTestId('leader-case-status').textContent()).toBe('已派遣');

    await page.getByTestId('leader-note').fill('群众反映强烈，请加快处置');
    await page.getByTestId('leader-urge').click();
    await expect.poll(() => page.getByTestId('leader-message').textContent(), { timeout: 10_000 }).toBe('已督办');
    await page.getByTestId('leader-timeline').locator('li[data-action="urge"]').waitFor({ timeout: 10_000 });
    // An instruction needs its words: the panel says so before asking the server.
    await page.getByTestId('leader-instruct').click();
    expect(await page.getByTestId('leader-message').textContent()).toBe('批示须填写内容');
    await page.getByTestId('leader-note').fill('请街道牵头，今日内办结并反馈');
    await page.getByTestId('leader-instruct').click();
    await expect.poll(() => page.getByTestId('leader-message').textContent(), { timeout: 10_000 }).toBe('已批示');
    const instruct = page.getByTestId('leader-timeline').locator('li[data-action="instruct"]');
    await instruct.waitFor({ timeout: 10_000 });
    expect(await instruct.innerText()).toContain('请街道牵头，今日内办结并反馈');
    expect(await instruct.innerText()).toContain('批示');
    expect(await page.getByTestId('leader-timeline').locator('li[data-action="urge"]').innerText()).toContain('群众反映强烈，请加快处置');

    const view = (await getJson<CaseView>(`${server.url}/api/cases/${c.id}`)).body;
    expect(view.timeline.filter((e) => e.action?.role === 'leader').map((e) => [e.action!.name, e.action!.actor])).toEqual([
      ['urge', LEADER],
      ['instruct', LEADER],
    ]);
    expect(view.case.status).toBe('dispatched');
    await instruct.scrollIntoViewIfNeeded();
    writeFileSync(join(ARTIFACTS, 'leader-case.png'), await page.screenshot());

    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });

  it('opens a case from its point on the map and from its number', async () => {
    const c = opened!;
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, LEADER, PASSWORD);
    await page.waitForFunction(() => (window as unknown as MapHook).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
    await page.evaluate(([lon, lat]) => (window as unknown as MapHook).__gridwatchMap!.jumpTo(lon!, lat!, 17), [c.lon, c.lat]);
    await expect
      .poll(() => page.evaluate(([lon, lat]) => (window as unknown as MapHook).__gridwatchMap!.pickIncident(lon!, lat!), [c.lon, c.lat]), { timeout: 20_000 })
      .toBe(c.id);
    const map = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.click(map.x + map.width / 2, map.y + map.height / 2);
    const panel = page.getByTestId('leader-case');
    await expect.poll(() => panel.getAttribute('data-id'), { timeout: 10_000 }).toBe(c.id);
    await page.getByTestId('leader-case-close').click();
    await page.getByTestId('number-search').fill(c.number!);
    await page.getByTestId('number-search').press('Enter');
    await expect.poll(() => panel.getAttribute('data-id'), { timeout: 10_000 }).toBe(c.id);
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  }, 120_000);
});
