import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { CalendarYearView } from '../../shared/index.js';
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

/** The first day of March of `year` that is, as shown, a normal day on (or off) a weekend. */
async function firstNormalDay(page: Page, year: number, weekend: boolean): Promise<string> {
  for (let d = 1; d <= 31; d++) {
    const date = `${year}-03-${String(d).padStart(2, '0')}`;
    const day = page.getByTestId(`day-${date}`);
    if ((await day.getAttribute('data-kind')) !== 'normal') continue;
    if ((await day.getAttribute('class'))!.includes('day-weekend') === weekend) return date;
  }
  throw new Error(`no normal ${weekend ? 'weekend' : 'week'} day in March ${year}`);
}

const count = async (page: Page) => Number(await page.getByTestId('calendar-working-days').textContent());

describe.runIf(run)('the working calendar page (/admin/calendar)', () => {
  it('an admin marks a weekday a holiday and a weekend day a workday, saves, and the API has both', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = pageProblems(page);
    await signInThroughPage(page, server.url, 'admin', ADMIN_PASSWORD);

    // The admin finds it from the dashboard's header.
    await page.getByTestId('nav-calendar').click();
    await page.waitForURL(/\/admin\/calendar$/);
    await page.getByTestId('calendar-months').waitFor({ state: 'visible', timeout: 30_000 });
    const year = Number(await page.getByTestId('calendar-year').textContent());
    const before = (await getJson<CalendarYearView>(`${server.url}/api/calendar?year=${year}`)).body;
    expect(await count(page)).toBe(before.workingDays);
    await expect(page.getByTestId('calendar-save').isDisabled()).resolves.toBe(true);

    // A weekday: one click makes it a holiday (休), one working day fewer.
    const weekday = await firstNormalDay(page, year, false);
    await page.getByTestId(`day-${weekday}`).click();
    expect(await page.getByTestId(`day-${weekday}`).getAttribute('data-kind')).toBe('holiday');
    expect(await page.getByTestId(`day-${weekday}`).textContent()).toContain('休');
    expect(await count(page)).toBe(before.workingDays - 1);
    // A weekend day: two clicks make it an adjusted workday (班), one working day more.
    const weekend = await firstNormalDay(page, year, true);
    await page.getByTestId(`day-${weekend}`).click();
    await page.getByTestId(`day-${weekend}`).click();
    expect(await page.getByTestId(`day-${weekend}`).getAttribute('data-kind')).toBe('workday');
    expect(await page.getByTestId(`day-${weekend}`).textContent()).toContain('班');
    expect(await count(page)).toBe(before.workingDays);
    // Switching the language keeps what is not saved yet.
    await page.getByTestId('language').click();
    await page.getByTestId('language').click();
    expect(await page.getByTestId(`day-${weekday}`).getAttribute('data-kind')).toBe('holiday');
    writeFileSync(join(ARTIFACTS, 'calendar-dark.png'), await page.screenshot({ fullPage: true }));

    await page.getByTestId('calendar-save').click();
    await page.getByTestId('calendar-message').waitFor({ state: 'visible' });
    expect(await page.getByTestId('calendar-message').textContent()).toContain('已保存');
    expect(await page.getByTestId('calendar-source').textContent()).toContain('admin');
    await expect(page.getByTestId('calendar-save').isDisabled()).resolves.toBe(true);

    const after = (await getJson<CalendarYearView>(`${server.url}/api/calendar?year=${year}`)).body;
    expect(after.source).toBe('edited');
    expect(after.holidays).toContain(weekday);
    expect(after.adjustedWorkdays).toContain(weekend);
    expect(after.holidays.length).toBe(before.holidays.length + 1);
    expect(after.workingDays).toBe(before.workingDays);

    // A reload shows what was saved.
    await page.reload();
    await page.getByTestId('calendar-months').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.getByTestId(`day-${weekday}`).getAttribute('data-kind')).toBe('holiday');
    expect(await page.getByTestId(`day-${weekend}`).getAttribute('data-kind')).toBe('workday');
    writeFileSync(join(ARTIFACTS, 'calendar-saved.png'), await page.screenshot({ fullPage: true }));

    // English and the light look.
    await page.getByTestId('language').click();
    await page.getByRole('button', { name: 'Light' }).click();
    await page.getByText('Work calendar').first().waitFor({ state: 'visible' });
    expect(await page.getByTestId(`day-${weekday}`).textContent()).toContain('Off');
    writeFileSync(join(ARTIFACTS, 'calendar-light-en.png'), await page.screenshot({ fullPage: true }));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is not there for a dispatcher: /admin/calendar shows the dashboard, with no link to it', async () => {
    await createUser(server.url, server.adminCookie, 'calendar-dispatcher', 'dispatcher', 'calendar-dispatcher-password');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/admin/calendar`);
    await page.getByTestId('login-username').fill('calendar-dispatcher');
    await page.getByTestId('login-password').fill('calendar-dispatcher-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('link-state').waitFor({ state: 'visible', timeout: 60_000 });
    await page.waitForURL((u) => u.pathname === '/');
    expect(await page.getByTestId('nav-dispatch').count()).toBe(1);
    expect(await page.getByTestId('nav-calendar').count()).toBe(0);
    await context.close();
  });
});
