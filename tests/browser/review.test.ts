import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import * as turf from '@turf/turf';
import type { EvaluationAnswer, Incident } from '../../shared/index.js';
import { getJson, postJson } from '../support/api.js';
import type { FeatureCollection } from '../support/types.js';
import { ARTIFACTS, browserAvailable, serverAndBrowser, signInThroughPage, watchPage } from '../support/browser.js';
import { createUser } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';

/**
 * The leaders' review (issue 15), in a real browser against a server with two weeks of simulated
 * history: a leader ranks the towns for the month as the API ranks them, drills down to a town's
 * communities, a community's cells, a cell's cases and a case's timeline, and urges the case there.
 */

const run = browserAvailable();
let server: TestServer;
let browser: Browser;
const LEADER = 'review-leader';
const PASSWORD = 'review-leader-password';
serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    env: { HISTORY_DAYS: '14' },
    prepare: async () => {
      await createUser(server.url, server.adminCookie, LEADER, 'leader', PASSWORD);
    },
  },
);

describe.runIf(run)("the leaders' review", () => {
  it('ranks the towns as the API does, drills down to a case and urges it', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, LEADER, PASSWORD);
    await page.getByTestId('nav-review').click();
    await page.waitForURL(/\/review$/);
    const rows = page.getByTestId('review-row');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(8);

    // The table is the API's ranking for the running month, best first.
    const period = (await page.getByTestId('review-period').inputValue())!;
    const towns = (await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?level=town&period=${period}`, { cookie: server.adminCookie })).body;
    const ranked = [...towns.rows].sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99));
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).toEqual(ranked.map((r) => r.code));
    expect(await rows.first().getAttribute('data-rank')).toBe('1');
    await page.getByTestId('review-bars').locator('canvas').waitFor();
    await page.waitForTimeout(1500);
    writeFileSync(join(ARTIFACTS, 'review-towns.png'), await page.screenshot());

    // Town → its communities → a community's cells: the busiest cell has cases to open.
    const town = (await rows.first().getAttribute('data-code'))!;
    await rows.first().click();
    await expect.poll(async () => (await rows.first().getAttribute('data-code'))?.startsWith(town) && (await rows.first().getAttribute('data-code'))!.length === 12, { timeout: 20_000 }).toBe(true);
    const communities = (await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?level=community&period=${period}&town=${town}`, { cookie: server.adminCookie })).body;
    const busiest = [...communities.rows].sort((a, b) => (b.indicators.registered ?? 0) - (a.indicators.registered ?? 0))[0]!;
    await page.locator(`[data-testid="review-row"][data-code="${busiest.code}"]`).click();
    await expect.poll(async () => (await rows.first().getAttribute('data-code'))?.length, { timeout: 20_000 }).toBe(15);
    const cells = (await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?level=cell&period=${period}&town=${town}`, { cookie: server.adminCookie })).body.rows.filter((r) => r.code.startsWith(busiest.code));
    const cell = [...cells].sort((a, b) => (b.indicators.registered ?? 0) - (a.indicators.registered ?? 0))[0]!;
    expect(cell.indicators.registered).toBeGreaterThan(0);
    // A case reported in the cell just now: open, so a leader may urge it.
    const feature = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features.find((f) => f.properties.code === cell.code)!;
    const [lon, lat] = turf.pointOnFeature(feature as never).geometry.coordinates as [number, number];
    const fresh = (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon, lat, description: '绿化带内暴露垃圾' })).body;
    expect(fresh.gridCode).toBe(cell.code);
    await page.locator(`[data-testid="review-row"][data-code="${cell.code}"]`).click();
    const cases = page.getByTestId('review-case');
    await expect.poll(() => cases.count(), { timeout: 20_000 }).toBeGreaterThan(1);
    await expect.poll(() => page.getByTestId('review-crumbs').textContent()).toContain(cell.code);

    // The case's timeline, urged from the review.
    await page.locator(`[data-testid="review-case"][data-id="${fresh.id}"] button`).click();
    await page.getByTestId('leader-case').waitFor();
    const timeline = page.getByTestId('leader-timeline').locator('li');
    await expect.poll(() => timeline.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const before = await timeline.count();
    await page.getByTestId('leader-note').fill('请加快处置，本周内结案');
    await page.getByTestId('leader-urge').click();
    await expect.poll(() => timeline.count(), { timeout: 10_000 }).toBe(before + 1);
    expect(await timeline.last().textContent()).toMatch(/督办/);
    writeFileSync(join(ARTIFACTS, 'review-case.png'), await page.screenshot());
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});
