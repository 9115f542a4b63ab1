import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Notice, ReportList } from '../../shared/index.js';
import { getJson } from '../support/api.js';
import { ARTIFACTS, browserAvailable, serverAndBrowser, signInThroughPage, watchPage } from '../support/browser.js';
import { createUser } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';

/**
 * 通报 in a real browser (issue 15): a leader opens the notice from the review and reads the worst
 * towns and units and the overdue cases the API names, for the running month and for last month;
 * the scheduled reports made at start are listed with their downloads.
 */
const run = browserAvailable();
let server: TestServer;
let browser: Browser;
const LEADER = 'notice-leader';
const PASSWORD = 'notice-leader-password';
serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    env: { HISTORY_DAYS: '14' },
    prepare: async () => {
      await createUser(server.url, server.adminCookie, LEADER, 'leader', PASSWORD);
    },
  },
);

const codes = (page: Page, testId: string) => page.getByTestId(testId).locator('[data-testid="notice-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));

async function expectPageShows(page: Page, period: string): Promise<void> {
  const n = (await getJson<Notice>(`${server.url}/api/reports/notice?period=${period}`, { cookie: server.adminCookie })).body;
  await expect.poll(() => page.getByTestId('notice-as-of').count(), { timeout: 30_000 }).toBe(1);
  await expect.poll(() => codes(page, 'notice-towns-score'), { timeout: 20_000 }).toEqual(n.towns.byScore.map((r) => r.code));
  expect(await codes(page, 'notice-towns-ontime')).toEqual(n.towns.byOnTime.map((r) => r.code));
  expect(await codes(page, 'notice-units-score')).toEqual(n.units.byScore.map((r) => r.code));
  expect(await codes(page, 'notice-units-ontime')).toEqual(n.units.byOnTime.map((r) => r.code));
  // The on-time rates as the API gives them, one decimal of a percent.
  const rates = await page.getByTestId('notice-towns-ontime').locator('tbody tr td:nth-child(4)').allTextContents();
  expect(rates).toEqual(n.towns.byOnTime.map((r) => (r.onTimeRate === null ? '–' : `${(r.onTimeRate * 100).toFixed(1)}%`)));
  // The map: a filled path per town, the lowest on-time rate in the worst fifth.
  const paths = page.getByTestId('notice-map').locator('path[data-code]');
  await expect.poll(() => paths.count(), { timeout: 20_000 }).toBe(n.townRates.length);
  if (n.towns.byOnTime[0]) expect(await page.locator(`[data-testid="notice-map"] path[data-code="${n.towns.byOnTime[0].code}"]`).getAttribute('data-class')).toBe('0');
  const cases = page.getByTestId('notice-case');
  expect(await cases.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(n.overdue.map((c) => c.id));
  expect(n.overdue.length).toBeGreaterThan(0);
  expect(await cases.first().locator('td').first().textContent()).toBe(n.overdue[0]!.number);
  // The instant the overdue list is judged at, as the API states it: the period's end once it is over,
  // the moment of the page's own request while it runs.
  const asOf = (await page.getByTestId('notice-overdue-as-of').getAttribute('data-as-of'))!;
  if (n.period.running) expect(Math.abs(Date.parse(asOf) - Date.parse(n.asOf))).toBeLessThan(120_000);
  else expect(asOf).toBe(n.asOf);
  expect(await page.getByTestId('notice-overdue-as-of').textContent()).toContain('超期案件按');
}

describe.runIf(run)('通报', () => {
  it('lists what the API says, for the running month and last month, with the reports kept', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, LEADER, PASSWORD);
    await page.getByTestId('nav-review').click();
    await page.waitForURL(/\/review$/);
    await page.getByTestId('nav-notice').click();
    await page.waitForURL(/\/review\/notice$/);

    const running = await page.getByTestId('notice-period').inputValue();
    await expectPageShows(page, running);
    writeFileSync(join(ARTIFACTS, 'notice-running.png'), await page.screenshot({ fullPage: true }));

    // Last month: the select's second month.
    const options = await page.getByTestId('notice-period').locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    const lastMonth = options.filter((o) => /^\d{4}-\d{2}$/.test(o))[1]!;
    await page.getByTestId('notice-period').selectOption(lastMonth);
    await expectPageShows(page, lastMonth);

    // The reports made at start (the history's weeks and month), each with its two files.
    await expect.poll(() => server.logs.some((l) => l.includes('scheduled reports caught up')), { timeout: 60_000 }).toBe(true);
    const reports = (await getJson<ReportList>(`${server.url}/api/reports`, { cookie: server.adminCookie })).body.reports;
    expect(reports.length).toBeGreaterThan(0);
    await page.reload();
    const rows = page.getByTestId('report-row');
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))), { timeout: 20_000 }).toEqual(reports.map((r) => r.id));
    const href = await rows.first().getByTestId('report-download-pdf').getAttribute('href');
    const pdf = await page.request.get(`${server.url}${href}`);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await page.getByTestId('reports-list').scrollIntoViewIfNeeded();
    writeFileSync(join(ARTIFACTS, 'notice-reports.png'), await page.screenshot({ fullPage: true }));
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});
