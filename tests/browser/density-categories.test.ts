import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Category } from '../../shared/index.js';
import { getJson } from '../support/api.js';
import { ARTIFACTS, browserAvailable, serverAndBrowser, signInThroughPage, watchPage } from '../support/browser.js';
import { ADMIN_PASSWORD } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';

/**
 * The layer panel's category filter (issue 14), in a real browser against a server with three days of
 * simulated history: picking categories (one found by search, then a whole class) narrows the density
 * layers' points to them, the count on the legend agreeing with the API's for the same filter; a theme
 * keeps only the categories it allows.
 */

const run = browserAvailable();
let server: TestServer;
let browser: Browser;
serverAndBrowser({ server: (s) => (server = s), browser: (b) => (browser = b) }, { env: { HISTORY_DAYS: '3' } });

const legendCount = async (page: Page) => Number(((await page.getByTestId('legend-density').textContent()) ?? '').match(/([\d,]+) 件/)?.[1]?.replace(/,/g, '') ?? NaN);
const apiCount = async (query: string) =>
  (await getJson<{ count: number }>(`${server.url}/api/incidents/points?window=7d&${query}`, { cookie: server.adminCookie })).body.count;

describe.runIf(run)('the category filter of the density layers', () => {
  it('narrows the points to the categories picked, as the API counts them, within the theme', async () => {
    const catalog = (await getJson<Category[]>(`${server.url}/api/categories`)).body;
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/incidents/points')) asked.push(new URL(r.url()).searchParams.get('categories') ?? '');
    });
    await signInThroughPage(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.waitForFunction(() => (window as unknown as { __gridwatchMap?: { loaded: boolean } }).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
    expect(await page.getByTestId('layer-grid').isChecked()).toBe(true);
    const total = await apiCount('theme=all');
    expect(total).toBeGreaterThan(200);
    await expect.poll(() => legendCount(page), { timeout: 30_000 }).toBe(total);

    // One category, found by its Chinese name.
    await page.getByTestId('density-categories-summary').click();
    await page.getByTestId('category-search').fill('暴露垃圾');
    expect(await page.getByTestId('category-E0501').count()).toBe(0);
    await page.getByTestId('category-E0102').check();
    const garbage = await apiCount('theme=all&categories=E0102');
    expect(garbage).toBeGreaterThan(0);
    expect(garbage).toBeLessThan(total);
    await expect.poll(() => legendCount(page), { timeout: 30_000 }).toBe(garbage);
    expect(asked.at(-1)).toBe('E0102');
    expect(await page.getByTestId('density-categories-summary').textContent()).toContain('已选 1 类');
    writeFileSync(join(ARTIFACTS, 'density-categories.png'), await page.screenshot());

    // A whole class (市容环境 events, E01…), switched at once.
    await page.getByTestId('category-search').fill('');
    await page.getByTestId('category-class-E01').check();
    const e01 = catalog.filter((c) => c.code.startsWith('E01')).map((c) => c.code).sort();
    const cityscape = await apiCount(`theme=all&categories=${e01.join(',')}`);
    expect(cityscape).toBeGreaterThan(garbage);
    await expect.poll(() => legendCount(page), { timeout: 30_000 }).toBe(cityscape);
    expect(asked.at(-1)!.split(',').sort()).toEqual(e01);

    // Street order allows none of them: the choice goes, the theme's own points are shown; then vending alone.
    await page.getByTestId('density-theme').selectOption('street_order');
    await expect.poll(() => legendCount(page), { timeout: 30_000 }).toBe(await apiCount('theme=street_order'));
    expect(await page.getByTestId('density-categories-summary').textContent()).toContain('全部');
    expect(await page.getByTestId('category-E0102').count()).toBe(0);
    await page.getByTestId('category-E0504').check();
    const shops = await apiCount('theme=street_order&categories=E0504');
    await expect.poll(() => legendCount(page), { timeout: 30_000 }).toBe(shops);
    expect(shops).toBeLessThan(await apiCount('theme=street_order'));
    writeFileSync(join(ARTIFACTS, 'density-categories-theme.png'), await page.screenshot());

    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});
