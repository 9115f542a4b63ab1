import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as turf from '@turf/turf';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Appeal, AuditEntry, CampaignsAnswer, CityMeta, EvaluationAnswer, Exclusion, Incident, Unit } from '../../shared/index.js';
import { getJson, postJson, walkCase } from '../support/api.js';
import { ARTIFACTS, browserAvailable, serverAndBrowser, signInThroughPage, watchPage } from '../support/browser.js';
import { ADMIN_PASSWORD, createToken, createUser, type Credentials } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';
import type { FeatureCollection } from '../support/types.js';

/**
 * The leaders' and admins' hands on the review (issue 15), in a real browser: a leader creates a
 * campaign through the 专项整治 form (a refusal of the API shown in the form first), sees it listed
 * with the progress the API counts, edits and closes it, each write audited; the period and export
 * controls leave the toolbar on that tab. An admin opens a case from the drill-down, sees its appeal
 * and the centre's decision beside the timeline, excludes it from assessment (不纳入考核) with a
 * reason and revokes it, and follows its 复盘 link.
 */

const run = browserAvailable();
let server: TestServer;
let browser: Browser;
let leaderCookie: Credentials;
let dispatcher: Credentials;
const LEADER = 'manage-leader';
const PASSWORD = 'manage-leader-password';
serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    env: { HISTORY_DAYS: '10' },
    prepare: async () => {
      leaderCookie = { cookie: await createUser(server.url, server.adminCookie, LEADER, 'leader', PASSWORD) };
      dispatcher = { token: await createToken(server.url, server.adminCookie, 'dispatcher', 'dispatcher of the manage tests') };
    },
  },
);

const admin = () => ({ cookie: server.adminCookie });
const DAY_MS = 86_400_000;
/** A China-time day, YYYY-MM-DD, `offset` days from today. */
const chinaDay = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * DAY_MS).toISOString().slice(0, 10);
const audit = async () => (await getJson<AuditEntry[]>(`${server.url}/api/audit?limit=200`, admin())).body;

describe.runIf(run)('leaders and admins manage from the review', () => {
  it('a leader creates a campaign through the form and it is listed with the API\'s progress; edits and closes it', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, LEADER, PASSWORD);
    await page.goto(`${server.url}/review`);
    await page.getByTestId('review-period').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('review-export').count()).toBe(1);

    // The campaigns' tab: no period, no exports.
    await page.getByTestId('review-campaigns').click();
    const items = page.getByTestId('campaign-item');
    await expect.poll(() => items.count(), { timeout: 30_000 }).toBe(4);
    for (const id of ['review-period', 'review-indicator', 'review-export', 'review-export-xlsx', 'review-export-pdf']) expect(await page.getByTestId(id).count(), id).toBe(0);

    const city = (await getJson<CityMeta>(`${server.url}/api/city`)).body;
    const towns = city.towns.slice(0, 2).map((t) => t.code);
    await page.getByTestId('campaign-new').click();
    const form = page.getByTestId('campaign-form');
    await form.waitFor();
    await page.getByTestId('campaign-name-zh').fill('背街小巷暴露垃圾整治');
    await page.getByTestId('campaign-name-en').fill('Back-street garbage');
    await page.getByTestId('campaign-categories').selectOption(['E0102', 'E0103']);
    await page.getByTestId('campaign-area').selectOption('towns');
    await page.getByTestId('campaign-towns').selectOption(towns);
    await page.getByTestId('campaign-measure').selectOption('case_count');
    await page.getByTestId('campaign-direction').selectOption('down');
    await page.getByTestId('campaign-target-kind').selectOption('change');
    await page.getByTestId('campaign-change').fill('-40');
    await page.getByTestId('campaign-unit').selectOption('huanwei');
    await page.getByTestId('campaign-baseline-since').fill(chinaDay(-7));
    await page.getByTestId('campaign-baseline-until').fill(chinaDay(-1));
    await page.getByTestId('campaign-start').fill(chinaDay(0));
    // A deadline before the start: the API refuses it, and says why in the form.
    await page.getByTestId('campaign-deadline').fill(chinaDay(-2));
    await page.getByTestId('campaign-save').click();
    const refusal = page.getByTestId('campaign-form-error');
    // In the user's words (client/i18n/refusal.ts), not the API's English.
    await expect.poll(() => refusal.textContent(), { timeout: 10_000 }).toBe('截止日期须晚于开始日期');
    expect((await getJson<CampaignsAnswer>(`${server.url}/api/campaigns`, admin())).body.items).toHaveLength(4);

    await page.getByTestId('campaign-deadline').fill(chinaDay(60));
    await page.getByTestId('campaign-save').click();
    await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(5);
    expect(await page.getByTestId('campaign-form').count()).toBe(0);
    const api = (await getJson<CampaignsAnswer>(`${server.url}/api/campaigns`, admin())).body;
    const made = api.items.find((c) => c.name.zh === '背街小巷暴露垃圾整治')!;
    expect(made, 'the campaign the form made').toBeDefined();
    expect(made.scope).toEqual({ theme: null, categories: ['E0102', 'E0103'], area: { kind: 'towns', towns } });
    expect(made.target).toEqual({ measure: { kind: 'case_count' }, direction: 'down', value: null, change: -0.4 });
    expect(made.unitCode).toBe('huanwei');
    expect(made.startAt).toBe(new Date(Date.parse(`${chinaDay(0)}T00:00:00+08:00`)).toISOString());
    expect(made.deadlineAt).toBe(new Date(Date.parse(`${chinaDay(61)}T00:00:00+08:00`)).toISOString());
    expect(made.createdBy).toBe(LEADER);
    // Listed with the progress the API counts: seven days of history measured as its baseline.
    expect(made.progress.baseline).not.toBeNull();
    const item = page.locator(`[data-testid="campaign-item"][data-id="${made.id}"]`);
    const percent = String(made.progress.fraction === null ? 0 : Math.round(made.progress.fraction * 100));
    expect(await item.getAttribute('data-state')).toBe(made.progress.state);
    expect(await item.getAttribute('data-percent')).toBe(percent);
    expect(await item.getByTestId('campaign-current').textContent()).toBe(made.progress.current === null ? '–' : made.progress.current.toFixed(1));
    expect(await page.getByTestId('campaign-chart').getAttribute('data-id')).toBe(made.id);
    await item.scrollIntoViewIfNeeded();
    writeFileSync(join(ARTIFACTS, 'review-campaign-created.png'), await page.screenshot());

    // Edited: a new name and target; then closed.
    await page.getByTestId('campaign-edit').click();
    expect(await page.getByTestId('campaign-name-zh').inputValue()).toBe('背街小巷暴露垃圾整治');
    expect(await page.getByTestId('campaign-change').inputValue()).toBe('-40');
    await page.getByTestId('campaign-name-zh').fill('背街小巷暴露垃圾整治（加严）');
    await page.getByTestId('campaign-change').fill('-60');
    writeFileSync(join(ARTIFACTS, 'review-campaign-form.png'), await page.screenshot());
    await page.getByRole('button', { name: '浅色' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    writeFileSync(join(ARTIFACTS, 'review-campaign-form-light.png'), await page.screenshot());
    await page.getByTestId('campaign-save').click();
    await expect.poll(async () => (await getJson<CampaignsAnswer>(`${server.url}/api/campaigns`, admin())).body.items.find((c) => c.id === made.id)!.target.change, { timeout: 10_000 }).toBe(-0.6);
    await expect.poll(() => item.locator('h3 span').first().textContent()).toBe('背街小巷暴露垃圾整治（加严）');
    await page.getByTestId('campaign-edit').click();
    await page.getByTestId('campaign-close-toggle').click();
    await expect.poll(async () => (await getJson<CampaignsAnswer>(`${server.url}/api/campaigns`, admin())).body.items.find((c) => c.id === made.id)!.status, { timeout: 10_000 }).toBe('closed');
    await expect.poll(() => item.getByTestId('campaign-state').textContent()).toContain('已结束');
    const writes = (await audit()).filter((e) => e.objectType === 'campaign' && e.objectId === made.id);
    expect(writes.map((e) => [e.action, e.actor]).reverse()).toEqual([
      ['campaign.create', LEADER],
      ['campaign.update', LEADER],
      ['campaign.close', LEADER],
    ]);

    // Back on a level: the period and the exports return.
    await page.getByTestId('review-level-town').click();
    await page.getByTestId('review-period').waitFor();
    expect(await page.getByTestId('review-export-pdf').count()).toBe(1);
    // The one refusal asked for above, and nothing else.
    expect(errors).toEqual([expect.stringContaining('422')]);
    expect(failed).toEqual([`${server.url}/api/campaigns 422`]);
    await context.close();
  }, 180_000);

  it('an admin sees a case\'s appeal beside its timeline, excludes it from assessment and revokes it, and opens its replay', async () => {
    // A cell of the busiest community of the first-ranked town, and a case in it handled late enough to appeal: an extension.
    const towns = (await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?level=town`, admin())).body;
    const town = [...towns.rows].sort((a, b) => (a.rank ?? 99) - (b.rank ?? 99))[0]!.code;
    const communities = (await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?level=community&town=${town}`, admin())).body;
    const community = [...communities.rows].sort((a, b) => (b.indicators.registered ?? 0) - (a.indicators.registered ?? 0))[0]!.code;
    const cells = (await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?level=cell&town=${town}`, admin())).body.rows.filter((r) => r.code.startsWith(community));
    const cellCode = [...cells].sort((a, b) => (b.indicators.registered ?? 0) - (a.indicators.registered ?? 0))[0]!.code;
    const feature = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features.find((f) => f.properties.code === cellCode)!;
    const [lon, lat] = turf.pointOnFeature(feature as never).geometry.coordinates as [number, number];
    const teamId = (await getJson<Unit[]>(`${server.url}/api/units`)).body.find((u) => u.code === 'shuiwu')!.teams[0]!;
    const crew = { cookie: await createUser(server.url, server.adminCookie, 'manage-crew', 'field', undefined, teamId) };
    const desk = { cookie: await createUser(server.url, server.adminCookie, 'manage-desk', 'unit', 'manage-desk-password', undefined, 'shuiwu') };
    let c = (await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'C0102', lon, lat, source: 'hotline_12345', description: '污水井盖破损' }, dispatcher)).body;
    expect(c.gridCode).toBe(cellCode);
    c = await walkCase(server.url, c, [
      ['accept', dispatcher, {}],
      ['register', dispatcher, {}],
      ['dispatch', dispatcher, { unitCode: 'shuiwu', teamId }],
      ['extend', dispatcher, { extendHours: 4 }],
      ['acknowledge', crew, {}],
      ['report-handled', crew, {}],
    ]);
    const filed = await postJson<Appeal>(`${server.url}/api/cases/${c.id}/appeals`, { judgement: 'extension', reason: '管线迁改需燃气公司配合' }, desk);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const decided = await postJson<Appeal>(`${server.url}/api/appeals/${filed.body.id}/decision`, { decision: 'reject', note: '延期申请时未附配合函' }, leaderCookie);
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);

    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.goto(`${server.url}/review`);
    const rows = page.getByTestId('review-row');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(8);
    await page.locator(`[data-testid="review-row"][data-code="${town}"]`).click();
    await page.locator(`[data-testid="review-row"][data-code="${community}"]`).click();
    await page.locator(`[data-testid="review-row"][data-code="${cellCode}"]`).click();
    await page.locator(`[data-testid="review-case"][data-id="${c.id}"] button`).click({ timeout: 20_000 });
    const panel = page.getByTestId('case-assessment');
    await expect.poll(() => panel.getAttribute('data-excluded'), { timeout: 10_000 }).toBe('no');

    // The appeal with the centre's decision, beside the timeline.
    const appeal = panel.locator(`[data-testid="case-appeal"][data-id="${filed.body.id}"]`);
    await appeal.waitFor();
    expect(await appeal.getAttribute('data-status')).toBe('rejected');
    const appealText = (await appeal.textContent())!;
    for (const part of ['已驳回', '延期', '管线迁改需燃气公司配合', LEADER, '延期申请时未附配合函']) expect(appealText).toContain(part);
    expect(await page.getByTestId('leader-timeline').locator('li').count()).toBeGreaterThan(0);

    // 不纳入考核 needs a reason; with one it is excluded, audited, and the panel says why.
    await page.getByTestId('case-exclude').click();
    expect(await page.getByTestId('case-assessment-message').textContent()).toBe('请填写不纳入考核的原因');
    await page.getByTestId('case-exclusion-reason').fill('燃气管线抢修，不可抗力');
    await page.getByTestId('case-exclude').click();
    await expect.poll(() => panel.getAttribute('data-excluded'), { timeout: 10_000 }).toBe('yes');
    expect(await page.getByTestId('case-exclusion').textContent()).toContain('燃气管线抢修，不可抗力');
    const excluded = (await getJson<{ items: Exclusion[] }>(`${server.url}/api/evaluation/exclusions`, admin())).body.items.find((e) => e.caseId === c.id);
    expect(excluded).toMatchObject({ reason: '燃气管线抢修，不可抗力', by: 'admin' });
    expect((await audit()).find((e) => e.objectId === c.id && e.action === 'case.exclusion.add')?.actor).toBe('admin');
    // The case panel stays open while the ranking is read again.
    expect(await page.getByTestId('leader-case').getAttribute('data-id')).toBe(c.id);
    await panel.scrollIntoViewIfNeeded();
    writeFileSync(join(ARTIFACTS, 'review-case-assessment.png'), await page.screenshot());

    await page.getByTestId('case-exclusion-revoke').click();
    await expect.poll(() => panel.getAttribute('data-excluded'), { timeout: 10_000 }).toBe('no');
    expect((await getJson<{ items: Exclusion[] }>(`${server.url}/api/evaluation/exclusions`, admin())).body.items.some((e) => e.caseId === c.id)).toBe(false);
    expect((await audit()).find((e) => e.objectId === c.id && e.action === 'case.exclusion.revoke')?.actor).toBe('admin');
    await page.getByTestId('language').click();
    await expect.poll(() => page.getByTestId('case-exclusion').textContent()).toBe('This case counts in the assessment');
    writeFileSync(join(ARTIFACTS, 'review-case-assessment-en.png'), await page.screenshot());

    // 复盘: the case's replay.
    const replay = page.getByTestId('leader-case-replay');
    expect(await replay.getAttribute('href')).toBe(`/replay?case=${encodeURIComponent(c.id)}`);
    await replay.click();
    await page.waitForURL((u) => u.pathname === '/replay' && u.searchParams.get('case') === c.id);
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  }, 180_000);
});
