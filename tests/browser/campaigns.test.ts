import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { area, booleanPointInPolygon } from '@turf/turf';
import type { CampaignDetail, CampaignsAnswer, CityMeta, IncidentPoints } from '../../shared/index.js';
import { getJson } from '../support/api.js';
import { ARTIFACTS, browserAvailable, serverAndBrowser, signInThroughPage, watchPage } from '../support/browser.js';
import { createUser } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';

/**
 * 专项整治 (issue 15) in a real browser against a server with thirty days of simulated history: the
 * review's campaign tab lists the Wujin seed's four with the progress the API counts (state, the
 * bar's share of the way, the current value), charts the picked one's weeks, and the wall's strip
 * shows the running ones.
 */

const run = browserAvailable();
let server: TestServer;
let browser: Browser;
const LEADER = 'campaign-leader';
const PASSWORD = 'campaign-leader-password';
serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    // The case campaigns are dated four weeks back: thirty days of history give them weeks to show.
    env: { HISTORY_DAYS: '30' },
    prepare: async () => {
      await createUser(server.url, server.adminCookie, LEADER, 'leader', PASSWORD);
    },
  },
);

describe.runIf(run)('campaigns on the review and the wall', () => {
  it('the review lists the four campaigns with the API\'s progress and charts one; the wall shows the strip', async () => {
    const api = (await getJson<CampaignsAnswer>(`${server.url}/api/campaigns`, { cookie: server.adminCookie })).body;
    expect(api.items).toHaveLength(4);
    // Thirty days of history leave something to measure for the case campaigns (the centre's index needs the simulator).
    expect(api.items.filter((c) => c.progress.current !== null).length).toBeGreaterThanOrEqual(3);
    // The material yards' baseline (open at the launch) lies inside the history: a state other than no data.
    expect(api.items.find((c) => c.id === 'material-yards')!.progress.state).not.toBe('no_data');

    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, LEADER, PASSWORD);

    // The wall's strip: the running campaigns, each in its state.
    const strip = page.getByTestId('campaign-strip-item');
    await expect.poll(() => strip.count(), { timeout: 30_000 }).toBe(4);
    expect(await strip.evaluateAll((els) => els.map((e) => [e.getAttribute('data-id'), e.getAttribute('data-state')]))).toEqual(api.items.map((c) => [c.id, c.progress.state]));
    writeFileSync(join(ARTIFACTS, 'campaign-strip.png'), await page.screenshot());

    await page.getByTestId('nav-review').click();
    await page.waitForURL(/\/review$/);
    await page.getByTestId('review-campaigns').click();
    const items = page.getByTestId('campaign-item');
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(4);
    const shown = await items.evaluateAll((els) =>
      els.map((e) => ({ id: e.getAttribute('data-id'), state: e.getAttribute('data-state'), percent: e.getAttribute('data-percent'), current: e.querySelector('[data-testid="campaign-current"]')?.textContent })),
    );
    const fmt = (c: CampaignsAnswer['items'][number]) => {
      const v = c.progress.current;
      if (v === null) return '–';
      const kind = c.target.measure.kind;
      return kind === 'case_count' ? v.toFixed(1) : kind === 'source_share' ? `${(v * 100).toFixed(1)}%` : kind === 'open_cases' ? String(Math.round(v)) : v.toFixed(3);
    };
    expect(shown).toEqual(
      api.items.map((c) => ({ id: c.id, state: c.progress.state, percent: String(c.progress.fraction === null ? 0 : Math.round(c.progress.fraction * 100)), current: fmt(c) })),
    );
    // Each state in words, as the API says it.
    expect(await page.getByTestId('campaign-state').allTextContents()).toEqual(api.items.map((c) => ({ on_track: '按计划推进', behind: '进度滞后', met: '已达标', missed: '未达标', no_data: '暂无数据' })[c.progress.state]));

    // The main-road campaign's weeks, charted.
    await page.locator('[data-testid="campaign-item"][data-id="main-road-garbage"]').click();
    const detail = (await getJson<CampaignDetail>(`${server.url}/api/campaigns/main-road-garbage`, { cookie: server.adminCookie })).body;
    expect(detail.series.length).toBeGreaterThanOrEqual(4);
    const chart = page.getByTestId('campaign-chart');
    await expect.poll(() => chart.getAttribute('data-id')).toBe('main-road-garbage');
    expect(await chart.getAttribute('data-weeks')).toBe(String(detail.series.length));
    await chart.locator('canvas').waitFor();
    await page.waitForTimeout(1000);
    writeFileSync(join(ARTIFACTS, 'review-campaigns.png'), await page.screenshot());

    // Back to a level: the rankings return, the campaigns go.
    await page.getByTestId('review-level-town').click();
    await expect.poll(() => page.getByTestId('campaign-pane').count()).toBe(0);
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  }, 180_000);

  it('a leader draws a campaign\'s area on the form\'s map; a crossed ring is refused before sending; the saved polygon is the one clicked and its progress is counted inside it', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, LEADER, PASSWORD);
    await page.goto(`${server.url}/review`);
    await page.getByTestId('review-campaigns').click();
    await expect.poll(() => page.getByTestId('campaign-item').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
    const before = (await getJson<CampaignsAnswer>(`${server.url}/api/campaigns`, { cookie: server.adminCookie })).body.items.length;
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/campaigns') && posts.push(r.url()));

    await page.getByTestId('campaign-new').click();
    await page.getByTestId('campaign-name-zh').fill('湖塘市场街占道经营整治');
    // Towns picked show on the form's map first (nothing to draw there).
    const map = page.getByTestId('campaign-area-map');
    await page.getByTestId('campaign-area').selectOption('towns');
    expect(await map.count()).toBe(0);
    const city = (await getJson<CityMeta>(`${server.url}/api/city`)).body;
    await page.getByTestId('campaign-towns').selectOption(city.towns.slice(0, 2).map((x) => x.code));
    await map.waitFor();
    await expect.poll(() => map.getAttribute('data-towns'), { timeout: 10_000 }).toBe('2');
    expect(await page.getByTestId('campaign-area-undo').count()).toBe(0);
    await page.waitForTimeout(1500);
    writeFileSync(join(ARTIFACTS, 'campaign-area-towns.png'), await page.screenshot());
    await page.getByTestId('campaign-area').selectOption('polygon');
    await map.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => (window as unknown as { __campaignAreaMap?: { loaded: boolean } }).__campaignAreaMap?.loaded === true, null, { timeout: 30_000 });
    type Hook = { unproject: (p: [number, number]) => [number, number]; project: (p: [number, number]) => [number, number]; box: () => { left: number; top: number; width: number; height: number } };
    // Where the map is now: clicking the buttons below it scrolls the page (Playwright brings them into view).
    let box = await page.evaluate(() => (window as unknown as { __campaignAreaMap: Hook }).__campaignAreaMap.box());
    const bringMap = async () => {
      await map.scrollIntoViewIfNeeded();
      box = await page.evaluate(() => (window as unknown as { __campaignAreaMap: Hook }).__campaignAreaMap.box());
    };
    const figures = page.getByTestId('campaign-area-figures');
    const problem = page.getByTestId('campaign-area-problem');
    /** A click at a fraction of the map's width and height; the place under it, as the map's own unproject reads it. */
    // Whole pixels of the page: the mouse events carry whole pixels, the map reads those.
    const placeAt = (pageX: number, pageY: number) =>
      page.evaluate(([x, y]) => (window as unknown as { __campaignAreaMap: Hook }).__campaignAreaMap.unproject([x, y]), [pageX - box.left, pageY - box.top] as [number, number]);
    const clickAt = async (fx: number, fy: number): Promise<[number, number]> => {
      const x = Math.round(box.left + box.width * fx);
      const y = Math.round(box.top + box.height * fy);
      await page.mouse.click(x, y);
      await page.waitForTimeout(350);
      return placeAt(x, y);
    };

    // A bow-tie: finished, it is refused in the form and nothing is sent.
    for (const [fx, fy] of [[0.3, 0.25], [0.7, 0.75], [0.7, 0.25], [0.3, 0.75]]) await clickAt(fx!, fy!);
    expect(await figures.getAttribute('data-vertices')).toBe('4');
    await page.getByTestId('campaign-area-finish').click();
    await expect.poll(() => problem.getAttribute('data-problem')).toBe('self_intersecting');
    expect(await problem.textContent()).toContain('自相交');
    expect(await figures.textContent()).toContain('面积 – km²');
    await page.getByTestId('campaign-save').click();
    await page.waitForTimeout(500);
    expect(posts).toEqual([]);
    writeFileSync(join(ARTIFACTS, 'campaign-area-crossed.png'), await page.screenshot());

    // Cleared and drawn again: five corners, the last taken back, a corner dragged, finished.
    await page.getByTestId('campaign-area-clear').click();
    expect(await figures.getAttribute('data-vertices')).toBe('0');
    await bringMap();
    const clicked: [number, number][] = [];
    for (const [fx, fy] of [[0.44, 0.3], [0.54, 0.32], [0.56, 0.7], [0.43, 0.68]]) clicked.push(await clickAt(fx!, fy!));
    await clickAt(0.1, 0.5);
    expect(await figures.getAttribute('data-vertices')).toBe('5');
    await page.getByTestId('campaign-area-undo').click();
    expect(await figures.getAttribute('data-vertices')).toBe('4');
    await bringMap();
    // The second corner dragged 40 px right and 10 px down.
    const drawnAt = await page.evaluate((v) => (window as unknown as { __campaignAreaMap: Hook }).__campaignAreaMap.project(v), clicked[1]!);
    const from = [Math.round(box.left + drawnAt[0]), Math.round(box.top + drawnAt[1])] as const;
    await page.mouse.move(from[0], from[1]);
    await page.mouse.down();
    await page.mouse.move(from[0] + 20, from[1] + 5, { steps: 4 });
    await page.mouse.move(from[0] + 40, from[1] + 10, { steps: 4 });
    await page.mouse.up();
    await page.waitForTimeout(300);
    clicked[1] = await placeAt(from[0] + 40, from[1] + 10);
    expect(await figures.getAttribute('data-vertices')).toBe('4');
    // Unfinished: refused in the form too, saying how to finish.
    await page.getByTestId('campaign-save').click();
    await expect.poll(() => problem.getAttribute('data-problem')).toBe('unfinished');
    expect(posts).toEqual([]);
    // The last corner double-clicked: placed, and the ring finished.
    await bringMap();
    const lastX = Math.round(box.left + box.width * 0.4);
    const lastY = Math.round(box.top + box.height * 0.5);
    await page.mouse.dblclick(lastX, lastY);
    clicked.push(await placeAt(lastX, lastY));
    await expect.poll(() => figures.getAttribute('data-closed')).toBe('true');
    expect(await figures.getAttribute('data-vertices')).toBe('5');
    expect(await problem.getAttribute('data-problem')).toBe('');
    const ring = [...clicked, clicked[0]!];
    const km2 = Number(await figures.getAttribute('data-km2'));
    // MapLibre scales a pointer's position by the container's whole-pixel width over its fractional one
    // (895.6 px here), so a click lands up to half a pixel from where unproject puts it: a pixel of slack.
    const [o, px] = await Promise.all([placeAt(box.left, box.top), placeAt(box.left + 1, box.top + 1)]);
    const slack = { lon: Math.abs(px[0] - o[0]), lat: Math.abs(px[1] - o[1]) };
    expect(Math.abs(km2 / (area({ type: 'Polygon', coordinates: [ring] }) / 1e6) - 1)).toBeLessThan(0.002);
    expect(await figures.textContent()).toContain('km²');

    // Measured over the three weeks before today, cases of every kind, down 30 %.
    const DAY = 86_400_000;
    const chinaDay = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * DAY).toISOString().slice(0, 10);
    await page.getByTestId('campaign-measure').selectOption('case_count');
    await page.getByTestId('campaign-baseline-since').fill(chinaDay(-21));
    await page.getByTestId('campaign-baseline-until').fill(chinaDay(-1));
    await page.getByTestId('campaign-start').fill(chinaDay(0));
    await page.getByTestId('campaign-deadline').fill(chinaDay(60));
    await page.waitForTimeout(500);
    writeFileSync(join(ARTIFACTS, 'campaign-area-drawn-dark.png'), await page.screenshot());
    await page.getByRole('button', { name: '浅色' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.waitForTimeout(1500);
    writeFileSync(join(ARTIFACTS, 'campaign-area-drawn-light.png'), await page.screenshot());
    await page.getByRole('button', { name: '深色' }).click();

    await page.getByTestId('campaign-save').click();
    await expect.poll(() => page.getByTestId('campaign-item').count(), { timeout: 20_000 }).toBe(before + 1);
    expect(posts).toHaveLength(1);
    const made = (await getJson<CampaignsAnswer>(`${server.url}/api/campaigns`, { cookie: server.adminCookie })).body.items.find((c) => c.name.zh === '湖塘市场街占道经营整治')!;
    expect(made, 'the campaign the form made').toBeDefined();
    expect(made.scope.area.kind).toBe('polygon');
    const stored = made.scope.area.kind === 'polygon' ? made.scope.area.polygon : null;
    expect(stored!.coordinates).toHaveLength(1);
    expect(stored!.coordinates[0]).toHaveLength(6);
    stored!.coordinates[0]!.forEach(([lon, lat], i) => {
      expect(Math.abs(lon - ring[i]![0]), `corner ${i}'s longitude`).toBeLessThanOrEqual(slack.lon);
      expect(Math.abs(lat - ring[i]![1]), `corner ${i}'s latitude`).toBeLessThanOrEqual(slack.lat);
    });

    // Its baseline counts the reports inside the polygon and nowhere else: counted here from the points.
    const pts = (await getJson<IncidentPoints>(`${server.url}/api/incidents/points?window=30d`, { cookie: server.adminCookie })).body;
    const since = Date.parse(made.baseline.since);
    const until = Date.parse(made.baseline.until);
    const t0 = Date.parse(pts.since);
    let inSpan = 0;
    let inside = 0;
    pts.t.forEach((t, i) => {
      const at = t0 + t * 1000;
      if (at < since || at >= until) return;
      inSpan += 1;
      if (booleanPointInPolygon([pts.lon[i]!, pts.lat[i]!], stored!)) inside += 1;
    });
    const perWeek = (n: number) => (n * 7 * DAY) / (until - since);
    expect(inside).toBeGreaterThan(10);
    expect(inside).toBeLessThan(inSpan / 2);
    expect(made.progress.baseline).not.toBeNull();
    // Points on the very edge may fall either side of it once rounded to 1e-5°: two reports of slack.
    expect(Math.abs(made.progress.baseline! - perWeek(inside))).toBeLessThanOrEqual(perWeek(2));
    expect(made.progress.current).not.toBeNull();
    expect(made.progress.target).toBeCloseTo(made.progress.baseline! * 0.7, 6);
    expect(made.progress.state).not.toBe('no_data');
    const item = page.locator(`[data-testid="campaign-item"][data-id="${made.id}"]`);
    expect(await item.getAttribute('data-state')).toBe(made.progress.state);

    // Edited again: the form's map has the stored polygon, finished, the same area.
    await item.click();
    await page.getByTestId('campaign-edit').click();
    await page.getByTestId('campaign-area-map').scrollIntoViewIfNeeded();
    expect(await page.getByTestId('campaign-area').inputValue()).toBe('polygon');
    expect(await figures.getAttribute('data-vertices')).toBe('5');
    expect(await figures.getAttribute('data-closed')).toBe('true');
    expect(Number(await figures.getAttribute('data-km2'))).toBeCloseTo(km2, 3);
    await page.getByTestId('campaign-cancel').click();
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  }, 240_000);
});
