import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { UnitClosedAnswer, type Appeal, type Unit, type UnitClosedCase } from '../../shared/index.js';
import { zhCN } from '../../client/i18n/resources.js';
import { getJson } from '../support/api.js';
import { ARTIFACTS, browserAvailable, serverAndBrowser, signInThroughPage, watchPage } from '../support/browser.js';
import { createUser } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';

/**
 * A unit desk appeals (申诉) a closed case from its 已办结 list, in a real browser on a real server
 * with two days of history (issue 15): the list is the API's, newest first; the desk opens a case
 * its unit handled late, files an appeal of the overdue judgement and sees it pending; a second
 * appeal of the same judgement is refused in Chinese, in the form, and nothing more is written.
 */
const run = browserAvailable();
let server: TestServer;
let browser: Browser;
const DESK_PASSWORD = 'appeal-desk-password';
let unitCode = '';
let late: UnitClosedCase;

serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    env: { HISTORY_DAYS: '2' },
    prepare: async () => {
      // A unit whose history holds a case it handled late and that is closed: the one to appeal.
      const units = (await getJson<Unit[]>(`${server.url}/api/units`)).body;
      for (const u of units) {
        const answer = UnitClosedAnswer.parse((await getJson(`${server.url}/api/units/${u.code}/closed`, admin())).body);
        const hit = answer.items.find((c) => c.judgements.includes('overdue'));
        if (hit) {
          unitCode = u.code;
          late = hit;
          break;
        }
      }
      expect(unitCode, 'a unit with a closed case handled late in the history').not.toBe('');
      await createUser(server.url, server.adminCookie, 'appeal-desk', 'unit', DESK_PASSWORD, undefined, unitCode);
    },
  },
);

const admin = () => ({ cookie: server.adminCookie });

describe.runIf(run)("a unit desk's closed cases", () => {
  it('opens a closed case its unit handled late, appeals the overdue judgement, sees it pending, and is refused a second in Chinese', async () => {
    const context = await browser.newContext({ viewport: { width: 1500, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, 'appeal-desk', DESK_PASSWORD);

    // The list is the API's for this unit, in its order, with its count.
    const api = UnitClosedAnswer.parse((await getJson(`${server.url}/api/units/${unitCode}/closed?days=30`, admin())).body);
    const rows = page.getByTestId('closed-case');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(api.items.length);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(api.items.map((c) => c.caseId));
    expect(await page.getByTestId('closed-count').textContent()).toBe(`${api.items.length} / ${api.total} 件`);
    const row = page.locator(`[data-testid="closed-case"][data-id="${late.caseId}"]`);
    expect(await row.getAttribute('data-judgements')).toContain('overdue');
    expect(await row.textContent()).toContain('超期');

    await row.scrollIntoViewIfNeeded();
    writeFileSync(join(ARTIFACTS, 'unit-desk-closed-list.png'), await page.screenshot());
    await row.locator('button').click();
    const form = page.locator(`[data-id="${late.caseId}"]`).getByTestId('desk-appeal');
    await form.waitFor({ timeout: 15_000 });
    // The judgement that stands is the one chosen.
    expect(await form.locator('input[value="overdue"]').isChecked()).toBe(true);
    await form.getByTestId('desk-appeal-reason').fill('暴雨积水封路，处置人员无法按时到达现场');
    await form.getByTestId('desk-appeal-submit').click();
    await form.getByTestId('desk-appeals').locator('li[data-status="pending"]').waitFor({ timeout: 10_000 });
    expect(await form.getByTestId('desk-appeals').textContent()).toContain('待裁定');

    // The same judgement again, while the first is pending: refused, in the user's words.
    await form.getByTestId('desk-appeal-reason').fill('再次申诉');
    await form.getByTestId('desk-appeal-submit').click();
    const message = form.getByTestId('desk-appeal-message');
    await expect.poll(() => message.textContent(), { timeout: 10_000 }).toBe(zhCN.refusal.appeal_pending);
    expect(await message.getAttribute('class')).toContain('error');
    expect(await message.textContent()).not.toMatch(/appeal_pending|pending already/);

    const filed = (await getJson<{ items: Appeal[] }>(`${server.url}/api/appeals?caseId=${late.caseId}`, admin())).body.items;
    expect(filed.map((a) => [a.unitCode, a.judgement, a.status, a.reason])).toEqual([[unitCode, 'overdue', 'pending', '暴雨积水封路，处置人员无法按时到达现场']]);

    await form.scrollIntoViewIfNeeded();
    writeFileSync(join(ARTIFACTS, 'unit-desk-closed-appeal.png'), await page.screenshot());
    // The one refused request is the second appeal; nothing else failed.
    expect(failed).toEqual([`${server.url}/api/cases/${late.caseId}/appeals 422`]);
    expect(errors.filter((e) => !/status of 422/.test(e))).toEqual([]);
    await context.close();
  });
});
