import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { EvaluationAnswer, Incident, Unit } from '../../shared/index.js';
import { getJson, pointsInCells, postJson, walkCase } from '../support/api.js';
import { ARTIFACTS, browserAvailable, serverAndBrowser, signInThroughPage, watchPage } from '../support/browser.js';
import { ADMIN_PASSWORD, createToken, createUser, type Credentials } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';
import type { FeatureCollection } from '../support/types.js';

/**
 * The evaluation's rules on the review (issue 15), in a real browser: an admin weighs the towns by
 * one indicator alone and the ranking on the page becomes the one that indicator gives (as the API
 * answers it, graded), then excludes a case from assessment by its number and sees it listed for the
 * period while the town's registered count drops by one; a unit desk appeals (申诉) an extension on
 * its case through the desk's form, and a leader upholds it on the review: the unit's count of
 * extended turns drops by one.
 */

const run = browserAvailable();
let server: TestServer;
let browser: Browser;
let dispatcher: Credentials;
let crew: Credentials;
serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    env: { HISTORY_DAYS: '10' },
    prepare: async () => {
      dispatcher = { token: await createToken(server.url, server.adminCookie, 'dispatcher', 'dispatcher of the rules tests') };
      await createUser(server.url, server.adminCookie, 'rules-leader', 'leader', 'rules-leader-password');
      await createUser(server.url, server.adminCookie, 'rules-desk', 'unit', 'rules-desk-password', undefined, 'shuiwu');
    },
  },
);

const admin = () => ({ cookie: server.adminCookie });

describe.runIf(run)('the rules of the review', () => {
  it('an admin reweighs the towns and the ranking follows; an excluded case leaves the counts', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${server.url}/review`);
    const rows = page.getByTestId('review-row');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(8);
    const period = await page.getByTestId('review-period').inputValue();
    const before = (await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?level=town&period=${period}`, admin())).body;
    const order = (a: EvaluationAnswer) => [...a.rows].sort((x, y) => (x.rank ?? 99) - (y.rank ?? 99) || (x.code < y.code ? -1 : 1)).map((r) => r.code);
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).toEqual(order(before));

    // An indicator whose ranking alone orders the towns differently: weigh it only.
    const rates = before.formulas.filter((f) => f.kind === 'rate');
    const orderBy = (id: string, higher: boolean) =>
      [...before.rows].filter((r) => r.indicators[id] !== null).sort((x, y) => (higher ? y.indicators[id]! - x.indicators[id]! : x.indicators[id]! - y.indicators[id]!) || (x.code < y.code ? -1 : 1)).map((r) => r.code);
    const pick = rates.find((f) => orderBy(f.id, f.higherIsBetter).length === before.rows.length && orderBy(f.id, f.higherIsBetter).join() !== order(before).join())!;
    expect(pick, 'an indicator that ranks the towns otherwise').toBeDefined();
    await page.getByTestId('review-weights').locator('summary').click();
    for (const f of rates) await page.getByTestId(`review-weight-${f.id}`).fill(f.id === pick.id ? '1' : '0');
    await page.getByTestId('review-grade-excellent').fill('95');
    await page.getByTestId('review-save-weights').click();
    await expect.poll(() => page.getByTestId('review-rules-message').getAttribute('class')).toContain('ok');

    const after = (await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?level=town&period=${period}`, admin())).body;
    expect(after.formulas.filter((f) => f.weight > 0).map((f) => f.id)).toEqual([pick.id]);
    expect(after.grades.excellent).toBe(95);
    expect(order(after)).not.toEqual(order(before));
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-code'))), { timeout: 20_000 }).toEqual(order(after));
    // Each town's grade on the page is the API's.
    const grades = await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-code'), e.querySelector('[data-testid="review-grade"]')!.textContent]));
    const names = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' } as const;
    expect(grades).toEqual(order(after).map((code) => {
      const g = after.rows.find((r) => r.code === code)!.grade;
      return [code, g ? names[g] : '–'];
    }));
    writeFileSync(join(ARTIFACTS, 'review-rules-weights.png'), await page.screenshot());

    // 不纳入考核: a case of this period, registered, excluded by its number.
    const from = after.period.from;
    const page1 = (await getJson<{ items: Incident[] }>(`${server.url}/api/incidents?since=${encodeURIComponent(from)}&status=closed&limit=50`, admin())).body.items;
    const c = page1.find((i) => i.number && Date.parse(i.reportedAt) >= Date.parse(from))!;
    expect(c, 'a closed case reported this period').toBeDefined();
    const registered = async () => (await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?level=town&period=${period}`, admin())).body.rows.find((r) => r.code === c.townCode)!.counts.registered;
    const count = await registered();
    await page.getByTestId('review-exclude-number').fill(c.number!);
    await page.getByTestId('review-exclude-reason').fill('市政管线抢修，不可抗力');
    await page.getByTestId('review-exclude').click();
    const listed = page.locator(`[data-testid="review-excluded-case"][data-id="${c.id}"]`);
    await listed.waitFor({ timeout: 20_000 });
    expect(await listed.textContent()).toContain('市政管线抢修');
    expect(await page.getByTestId('review-rules').locator('h3').first().textContent()).toContain('本期 1 件');
    expect(await registered()).toBe(count! - 1);
    await listed.scrollIntoViewIfNeeded();
    writeFileSync(join(ARTIFACTS, 'review-rules-excluded.png'), await page.screenshot());
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });

  it('a unit desk appeals an extension on its case; a leader upholds it on the review', async () => {
    const units = (await getJson<Unit[]>(`${server.url}/api/units`)).body;
    const teamId = units.find((u) => u.code === 'shuiwu')!.teams[0]!;
    crew = { cookie: await createUser(server.url, server.adminCookie, 'rules-crew', 'field', undefined, teamId) };
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
    const [p] = pointsInCells(cells, 1, 4111);
    let c = (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'C0102', lon: p!.lon, lat: p!.lat, source: 'hotline_12345', description: '污水井盖破损' })).body;
    c = await walkCase(server.url, c, [
      ['accept', dispatcher, {}],
      ['register', dispatcher, {}],
      ['dispatch', dispatcher, { unitCode: 'shuiwu', teamId }],
      ['extend', dispatcher, { extendHours: 4 }],
      ['acknowledge', crew, {}],
      ['report-handled', crew, {}],
    ]);
    const extended = async () => (await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?level=unit`, admin())).body.rows.find((r) => r.code === 'shuiwu')!.counts.extended!;
    const before = await extended();

    const deskContext = await browser.newContext({ viewport: { width: 1400, height: 1000 }, locale: 'zh-CN' });
    const desk = await deskContext.newPage();
    const deskWatch = watchPage(desk);
    await signInThroughPage(desk, server.url, 'rules-desk', 'rules-desk-password');
    await desk.locator(`[data-testid="desk-case"][data-id="${c.id}"] button`).first().click();
    const form = desk.locator(`[data-testid="desk-detail"][data-id="${c.id}"]`).getByTestId('desk-appeal');
    await form.waitFor({ timeout: 15_000 });
    await form.getByText('延期', { exact: true }).click();
    await desk.getByTestId('desk-appeal-reason').fill('管线迁改需燃气公司配合，延期属客观原因');
    await desk.getByTestId('desk-appeal-submit').click();
    await desk.getByTestId('desk-appeals').locator('li[data-status="pending"]').waitFor({ timeout: 10_000 });
    await form.scrollIntoViewIfNeeded();
    writeFileSync(join(ARTIFACTS, 'review-rules-desk-appeal.png'), await desk.screenshot());
    expect(await extended()).toBe(before);

    const leaderContext = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await leaderContext.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, 'rules-leader', 'rules-leader-password');
    await page.goto(`${server.url}/review`);
    await page.getByTestId('review-level-unit').click();
    const appeal = page.locator('[data-testid="review-appeal"][data-status="pending"]');
    await appeal.waitFor({ timeout: 20_000 });
    expect(await appeal.textContent()).toContain('管线迁改');
    await appeal.scrollIntoViewIfNeeded();
    writeFileSync(join(ARTIFACTS, 'review-rules-appeals.png'), await page.screenshot());
    await appeal.getByTestId('review-appeal-uphold').click();
    await page.locator('[data-testid="review-appeal"][data-status="upheld"]').waitFor({ timeout: 10_000 });
    expect(await extended()).toBe(before - 1);
    const shuiwu = page.locator('[data-testid="review-row"][data-code="shuiwu"]');
    await shuiwu.waitFor();
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    expect(deskWatch.errors).toEqual([]);
    expect(deskWatch.failed).toEqual([]);
    await deskContext.close();
    await leaderContext.close();
  });
});
