import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { getJson, pointsInCells, postJson } from '../support/api.js';
import { browserAvailable, pageProblems, signInThroughPage, serverAndBrowser } from '../support/browser.js';
import { createUser } from '../support/credentials.js';
import type { FeatureCollection, Incident } from '../support/types.js';
import { type TestServer } from '../support/server.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'var', 'artifacts');
const run = browserAvailable();

let server: TestServer;
let browser: Browser;
const DISPATCHER = 'suggest-dispatcher';
const DISPATCHER_PASSWORD = 'suggest-dispatcher-password';
/** The registered cases, oldest first. */
const waiting: Incident[] = [];

serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    prepare: async () => {
      await createUser(server.url, server.adminCookie, DISPATCHER, 'dispatcher', DISPATCHER_PASSWORD);
      const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
      // Registered cases of a few categories that have waited from 20 minutes to 5 hours.
      for (const [n, p] of pointsInCells(cells, 6, 1733).entries()) {
        const reportedAt = new Date(Date.now() - (300 - n * 56) * 60_000).toISOString();
        const posted = await postJson<Incident>(`${server.url}/api/incidents`, {
          categoryCode: ['E0102', 'C0101', 'E0102', 'E0508', 'E0102', 'C0101'][n],
          lon: p.lon,
          lat: p.lat,
          description: `派遣建议测试案件 ${n + 1}`,
          reportedAt,
        });
        expect(posted.status).toBe(201);
        let c = posted.body;
        for (const action of ['accept', 'register']) {
          const res = await postJson<{ case: Incident }>(`${server.url}/api/cases/${c.id}/actions`, { action, version: c.version });
          expect(res.status).toBe(200);
          c = res.body.case;
        }
        waiting.push(c);
      }
    },
  },
);

const statusOf = async (id: string) => (await getJson<{ case: Incident }>(`${server.url}/api/cases/${id}`)).body.case.status;

describe.runIf(run)('dispatch suggestions in the console', () => {
  it('lists the oldest registered cases with a team each, shows a picked one on the map, dispatches one, then all after a confirmation', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    const errors = pageProblems(page);
    await signInThroughPage(page, `${server.url}/dispatch`, DISPATCHER, DISPATCHER_PASSWORD);
    await page.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });

    await page.getByTestId('tab-suggestions').click();
    const rows = page.getByTestId('suggestion-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(waiting.length);
    // Oldest first.
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(waiting.map((c) => c.id));
    expect(await page.getByTestId('suggestions-waiting').textContent()).toContain(`${waiting.length}`);
    const teams = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-team')))).filter(Boolean);
    expect(teams.length).toBeGreaterThan(0);
    expect(new Set(teams).size).toBe(teams.length);
    expect(await rows.first().textContent()).toMatch(/已等待.*分钟.*公里/);

    // Picking a row opens its case, and the map frames the suggested route.
    const oldest = rows.first();
    await oldest.click();
    await page.locator(`[data-testid="case-detail"][data-id="${waiting[0]!.id}"]`).waitFor({ timeout: 10_000 });
    await page.waitForFunction(() => (window as unknown as { __gridwatchDispatchMap?: { loaded: boolean } }).__gridwatchDispatchMap?.loaded === true, null, { timeout: 60_000 });
    await page.waitForTimeout(1500);
    writeFileSync(join(ARTIFACTS, 'dispatch-suggestions.png'), await page.screenshot());
    // The light look, in English.
    await page.locator('header button.theme').first().click();
    await page.getByTestId('language').click();
    await expect.poll(() => page.getByTestId('tab-suggestions').textContent()).toContain('Suggestions');
    await page.waitForTimeout(800);
    writeFileSync(join(ARTIFACTS, 'dispatch-suggestions-light-en.png'), await page.screenshot());
    await page.locator('header button.theme').first().click();
    await page.getByTestId('language').click();
    await expect.poll(() => page.getByTestId('tab-suggestions').textContent()).toContain('派遣建议');

    // One click dispatches one.
    const oldestTeam = await oldest.getAttribute('data-team');
    await oldest.getByTestId('suggestion-dispatch').click();
    await expect.poll(() => statusOf(waiting[0]!.id), { timeout: 10_000 }).toBe('dispatched');
    expect((await getJson<{ case: Incident }>(`${server.url}/api/cases/${waiting[0]!.id}`)).body.case.teamId).toBe(oldestTeam);
    await page.locator(`[data-testid="suggestion-row"][data-id="${waiting[0]!.id}"]`).waitFor({ state: 'detached', timeout: 10_000 });
    // The row leaves with the stream's news of the dispatch; the rest are re-planned on the next fetch.
    // Ask for it now and wait until it is in, so that "dispatch all" and this test see the same list.
    await page.getByTestId('suggestions-refresh').click();
    await expect.poll(() => page.getByTestId('suggestions-refresh').isEnabled(), { timeout: 10_000 }).toBe(true);

    // Dispatch all: asks first, cancel keeps everything.
    const withTeam = await page.locator('[data-testid="suggestion-row"]:not([data-team=""])').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!));
    if (withTeam.length > 0) {
      await page.getByTestId('suggestions-dispatch-all').click();
      await page.getByTestId('suggestions-confirm').waitFor();
      writeFileSync(join(ARTIFACTS, 'dispatch-suggestions-confirm.png'), await page.screenshot());
      await page.getByTestId('suggestions-confirm').click();
      for (const id of withTeam) await expect.poll(() => statusOf(id), { timeout: 10_000 }).toBe('dispatched');
      await expect.poll(() => page.getByTestId('suggestions-message').textContent(), { timeout: 10_000 }).toContain(`已派遣 ${withTeam.length} 件`);
    }
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
