import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Team, TeamShiftView } from '../../shared/index.js';
import { getJson } from '../support/api.js';
import { browserAvailable, pageProblems, signInThroughPage, serverAndBrowser } from '../support/browser.js';
import { ADMIN_PASSWORD, createUser } from '../support/credentials.js';
import { type TestServer } from '../support/server.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'var', 'artifacts');
const run = browserAvailable();

let server: TestServer;
let browser: Browser;

serverAndBrowser({ server: (s) => (server = s), browser: (b) => (browser = b) });

const shiftOf = async (teamId: string) =>
  (await getJson<TeamShiftView[]>(`${server.url}/api/teams/shifts`, { cookie: server.adminCookie })).body.find((s) => s.teamId === teamId)!;

describe.runIf(run)("the teams' working hours page (/admin/shifts)", () => {
  it("an admin moves sanitation's round-the-clock team to day hours: the nights show uncovered before saving; saved, the API and the team's status follow; restored, the nights are covered again", async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = pageProblems(page);
    await signInThroughPage(page, server.url, 'admin', ADMIN_PASSWORD);

    await page.getByTestId('nav-shifts').click();
    await page.waitForURL(/\/admin\/shifts$/);
    const rows = page.getByTestId('coverage-row');
    await rows.first().waitFor({ timeout: 30_000 });
    // The default roster keeps every department on duty round the clock.
    for (const gaps of await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-gaps')))) expect(gaps).toBe('0');

    await page.getByTestId('shifts-department').selectOption('huanwei');
    const huanwei = page.locator('[data-testid="coverage-row"][data-department="huanwei"]');
    await expect.poll(() => rows.count()).toBe(1);
    const allDay = page.locator('[data-testid="shift-row"]').filter({ has: page.locator('[data-testid="shift-all-day"]:checked') });
    expect(await allDay.count()).toBe(1);
    const teamId = (await allDay.getAttribute('data-team'))!;
    const row = page.locator(`[data-testid="shift-row"][data-team="${teamId}"]`);

    // Unticked, it works 08:00–17:00: sanitation's day shift ends at 21:00 and starts at 05:00, so
    // 21:00–05:00 (eight hours) has nobody, drawn before anything is saved.
    await row.getByTestId('shift-all-day').uncheck();
    await expect.poll(() => huanwei.getAttribute('data-gaps')).toBe('8');
    await page.locator('.shifts-gap-note').waitFor();
    expect((await shiftOf(teamId)).edited).toBeNull();
    // An end away from the time of the run, so the team is not going off duty while the test compares.
    const chinaMinutes = Math.floor((Date.now() / 60_000 + 8 * 60) % 1440);
    const end = Math.abs(chinaMinutes - (17 * 60 + 30)) < 30 ? '18:30' : '17:30';
    await row.getByTestId('shift-end').fill(end);
    writeFileSync(join(ARTIFACTS, 'shifts-gap.png'), await page.screenshot({ fullPage: true }));

    await row.getByTestId('shift-save').click();
    await row.getByTestId('shift-message').filter({ hasText: '已保存' }).waitFor({ timeout: 10_000 });
    const saved = await shiftOf(teamId);
    expect(saved).toMatchObject({ shift: { start: '08:00', end }, defaultShift: { start: '00:00', end: '24:00' }, edited: { by: 'admin' } });
    await row.getByTestId('shift-edited').waitFor();
    // The badge says what the live picture says of the team now (on or off duty by the new hours).
    const team = (await getJson<Team[]>(`${server.url}/api/teams`)).body.find((t) => t.id === teamId)!;
    expect(await row.getByTestId('shift-status').textContent()).toBe(team.status === 'off_duty' ? '休息' : '空闲');

    await row.getByTestId('shift-restore').click();
    await row.getByTestId('shift-message').filter({ hasText: '已恢复默认' }).waitFor({ timeout: 10_000 });
    expect((await shiftOf(teamId)).edited).toBeNull();
    await expect.poll(() => huanwei.getAttribute('data-gaps')).toBe('0');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is not there for a dispatcher: /admin/shifts shows the dashboard, with no link to it', async () => {
    await createUser(server.url, server.adminCookie, 'duty-shifts', 'dispatcher', 'duty-shifts-password');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInThroughPage(page, server.url, 'duty-shifts', 'duty-shifts-password');
    await page.goto(`${server.url}/admin/shifts`);
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByTestId('nav-dispatch').waitFor();
    expect(await page.getByTestId('nav-shifts').count()).toBe(0);
    await context.close();
  });
});
