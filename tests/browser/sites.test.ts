import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as turf from '@turf/turf';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { getJson, postJson } from '../support/api.js';
import { ARTIFACTS, browserAvailable, luminanceSpread, serverAndBrowser, signInThroughPage, watchPage } from '../support/browser.js';
import { ADMIN_PASSWORD, createUser } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';
import type { FeatureCollection } from '../support/types.js';

/**
 * Vacant lots and material yards (issue 14) in a real browser against a real server (simulator off):
 * the dashboard's sites layer and its ranked list, a site's page with its weekly chart, and an admin
 * changing a site's status there; a leader reads the page without the form.
 */

interface SiteHooks {
  __gridwatchMap: { loaded: boolean; jumpTo(lon: number, lat: number, zoom: number): void; pickSite(lon: number, lat: number): string | null };
  __gridwatchSiteMap?: { loaded: boolean; pickSite(lon: number, lat: number): string | null };
}

const run = browserAvailable();
const DAY = 86_400_000;
const LEADER = 'sites-leader';
let server: TestServer;
let browser: Browser;
/** The sites reported on, worst first, with a point inside each. */
const hot: { id: string; lon: number; lat: number; count: number }[] = [];

async function report(lon: number, lat: number, categoryCode: string, daysAgo: number): Promise<void> {
  const { status } = await postJson(`${server.url}/api/incidents`, { categoryCode, lon, lat, reportedAt: new Date(Date.now() - daysAgo * DAY).toISOString() });
  expect(status).toBe(201);
}

serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    prepare: async () => {
      await createUser(server.url, server.adminCookie, LEADER, 'leader');
      // From the layers, not from GET /api/vacant-lots: its figures, once counted, stand for a few minutes.
      const lots = (await getJson<FeatureCollection>(`${server.url}/api/layers/vacant-lots`)).body.features.map((f) => ({ id: String(f.properties.id), geometry: f.geometry }));
      // A yard's rectangle is centred on its POI.
      const yards = (await getJson<FeatureCollection>(`${server.url}/api/layers/pois`)).body.features
        .filter((f) => f.properties.kind === 'material_yard')
        .map((f) => ({ id: `yard-${String(f.properties.id)}`, geometry: f.geometry }));
      // Lots with 9, 5, 3, 2 and 1 incidents in the last week, a yard with 4, and older ones on the worst
      // lot, so that the classes differ and its chart has weeks before this one.
      const plan = [
        { site: lots[3]!, count: 9 },
        { site: yards[0]!, count: 4 },
        { site: lots[12]!, count: 5 },
        { site: lots[20]!, count: 3 },
        { site: lots[30]!, count: 2 },
        { site: lots[40]!, count: 1 },
      ];
      const codes = ['E0102', 'E0103', 'E0305', 'E0507', 'E0106', 'C0305'];
      for (const { site, count } of plan) {
        const [lon, lat] = turf.pointOnFeature(site.geometry as never).geometry.coordinates as [number, number];
        hot.push({ id: site.id, lon, lat, count });
        for (let k = 0; k < count; k++) await report(lon + k * 1e-5, lat, codes[k % codes.length]!, 0.5 + (k % 6));
      }
      for (const daysAgo of [9, 12, 16, 20, 26]) await report(hot[0]!.lon, hot[0]!.lat, 'E0103', daysAgo);
    },
  },
);

const hooks = (page: Page) => ({
  pickSite: (lon: number, lat: number) => page.evaluate(([x, y]) => (window as unknown as SiteHooks).__gridwatchMap.pickSite(x, y), [lon, lat] as const),
  jumpTo: (lon: number, lat: number, zoom: number) => page.evaluate(([x, y, z]) => (window as unknown as SiteHooks).__gridwatchMap.jumpTo(x, y, z), [lon, lat, zoom] as const),
  sitePick: (lon: number, lat: number) => page.evaluate(([x, y]) => (window as unknown as SiteHooks).__gridwatchSiteMap?.pickSite(x, y) ?? null, [lon, lat] as const),
});

async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForTimeout(400);
}

describe.skipIf(!run)('vacant lots and material yards in the browser', () => {
  it('the sites layer colours the lots and yards, the ranked list puts the worst first, a row opens its page with its chart, and an admin changes its status', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const watch = watchPage(page);
    await signInThroughPage(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.waitForFunction(() => (window as unknown as SiteHooks).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });

    // Off by default; on, the legend and the ranked list come.
    expect(await page.getByTestId('layer-sites').isChecked()).toBe(false);
    await page.getByTestId('layer-sites').check();
    await page.getByTestId('legend-sites').waitFor();
    const rows = page.getByTestId('site-list').locator('li');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(12);
    // Lots first, by rate per hectare: the lot with 9 incidents heads the list.
    expect(await rows.first().getAttribute('data-id')).toBe(hot[0]!.id);
    const listed = await rows.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-id')));
    for (const h of hot.filter((x) => x.id.startsWith('lot-'))) expect(listed).toContain(h.id);
    // The yards, then all together.
    await page.getByTestId('site-kind-material_yard').click();
    expect(await rows.first().getAttribute('data-id')).toBe(hot[1]!.id);
    await page.getByTestId('site-kind-all').click();
    const all = await rows.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-id')));
    for (const h of hot) expect(all).toContain(h.id);
    await page.getByTestId('site-kind-vacant_lot').click();

    // Drawn on the map: zoomed out as dots, zoomed in as polygons, each picked where it lies.
    const h = hooks(page);
    await h.jumpTo(hot[0]!.lon, hot[0]!.lat, 12.5);
    await settle(page);
    expect(await h.pickSite(hot[0]!.lon, hot[0]!.lat)).toBe(hot[0]!.id);
    const overview = await page.screenshot();
    writeFileSync(join(ARTIFACTS, 'sites.png'), overview);
    expect(luminanceSpread(overview)).toBeGreaterThan(10);
    await h.jumpTo(hot[0]!.lon, hot[0]!.lat, 16.5);
    await settle(page);
    expect(await h.pickSite(hot[0]!.lon, hot[0]!.lat)).toBe(hot[0]!.id);
    // Its tooltip: name, kind and status, incidents, rate and rank.
    const at = await page.evaluate(([x, y]) => (window as unknown as { __gridwatchMap: { project(lon: number, lat: number): { x: number; y: number } } }).__gridwatchMap.project(x, y), [hot[0]!.lon + 0.0002, hot[0]!.lat] as const);
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.move(box.x + at.x, box.y + at.y);
    const tooltip = page.locator('.deck-tooltip');
    await page.waitForFunction(() => (document.querySelector('.deck-tooltip')?.textContent ?? '').includes('闲置地块'), null, { timeout: 10_000 });
    expect(await tooltip.textContent()).toMatch(/闲置地块 · 闲置[\s\S]*每公顷 2\.5 件 · 第 1\/46 名/);
    writeFileSync(join(ARTIFACTS, 'sites-zoomed.png'), await page.screenshot());

    // The worst site's own page.
    await page.getByTestId(`site-link-${hot[0]!.id}`).click();
    await page.waitForURL(`**/sites/${hot[0]!.id}`);
    await page.getByTestId('site-page').waitFor();
    expect(await page.getByTestId('site-within').textContent()).toBe('14');
    expect(await page.getByTestId('site-rank').textContent()).toMatch(/^1\//);
    expect(await page.getByTestId('site-status').textContent()).toBe('闲置');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid="site-chart"]')?.dataset.drawn === 'true', null, { timeout: 30_000 });
    await page.waitForFunction(() => (window as unknown as SiteHooks).__gridwatchSiteMap?.loaded === true, null, { timeout: 60_000 });
    await settle(page);
    expect(await h.sitePick(hot[0]!.lon, hot[0]!.lat)).toBe(hot[0]!.id);
    expect(await page.getByTestId('site-before-after').textContent()).toContain('尚未治理');

    // An admin records the fence put up four days ago.
    const day = new Date(Date.now() - 4 * DAY + 8 * 3_600_000).toISOString().slice(0, 10);
    await page.getByTestId('site-edit-status').selectOption('fenced');
    await page.getByTestId('site-edit-owner').fill('武进经开区管委会');
    await page.getByTestId('site-edit-treated').fill(day);
    await page.getByTestId('site-edit-save').click();
    await page.getByTestId('site-edit-message').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="site-status"]')?.textContent === '已围挡', null, { timeout: 10_000 });
    expect(await page.getByTestId('site-status-changes').locator('li').count()).toBe(1);
    expect(await page.getByTestId('site-facts').textContent()).toContain('武进经开区管委会');
    expect(await page.getByTestId('site-before-after').textContent()).toContain('治理前90天');
    const audit = (await getJson<{ action: string; objectId: string }[]>(`${server.url}/api/audit?limit=50`, { cookie: server.adminCookie })).body;
    expect(audit.some((e) => e.action === 'site.update' && e.objectId === hot[0]!.id)).toBe(true);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid="site-chart"]')?.dataset.drawn === 'true', null, { timeout: 30_000 });
    await settle(page);
    const sitePage = await page.screenshot({ fullPage: true });
    writeFileSync(join(ARTIFACTS, 'site-page.png'), sitePage);
    expect(luminanceSpread(sitePage)).toBeGreaterThan(10);
    expect(watch.errors).toEqual([]);
    expect(watch.failed).toEqual([]);
    await context.close();
  });

  it('a leader reads a site page without the form', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const watch = watchPage(page);
    await signInThroughPage(page, server.url, LEADER, `${LEADER}-password`);
    await page.goto(`${server.url}/sites/${hot[2]!.id}`);
    await page.getByTestId('site-page').waitFor();
    expect(await page.getByTestId('site-within').textContent()).toBe(String(hot[2]!.count));
    expect(await page.getByTestId('site-edit').count()).toBe(0);
    await page.goto(`${server.url}/sites/no-such-site`);
    await page.getByTestId('site-error').waitFor();
    expect(watch.errors.filter((e) => !e.includes('404'))).toEqual([]);
    await context.close();
  });
});
