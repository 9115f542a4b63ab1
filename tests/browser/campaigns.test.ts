import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CampaignDetail, CampaignsAnswer } from '../../shared/index.js';
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
});
