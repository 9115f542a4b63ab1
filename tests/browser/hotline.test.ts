import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Incident, PlaceResults } from '../../shared/index.js';
import { getJson, postJson } from '../support/api.js';
import { browserAvailable, signInThroughPage, watchPage, serverAndBrowser } from '../support/browser.js';
import { createUser } from '../support/credentials.js';
import { type TestServer } from '../support/server.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'var', 'artifacts');
const run = browserAvailable();

let server: TestServer;
let browser: Browser;
const OPERATOR = 'hotline-operator';
const OPERATOR_PASSWORD = 'hotline-operator-password';


serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    prepare: async () => {
      await createUser(server.url, server.adminCookie, OPERATOR, 'dispatcher', OPERATOR_PASSWORD);
    },
  },
);

describe.runIf(run)('the 12345 hotline desk (/hotline)', () => {
  it('a dispatcher finds the road by part of its name, sees the open case of the category there, files the call anyway: a 12345 case with the caller; a repeat call joins the open case', async () => {
    // The road the caller names, and an open case of exposed garbage already reported on it.
    const road = (await getJson<PlaceResults>(`${server.url}/api/places?q=${encodeURIComponent('湖塘路')}&limit=1`)).body.items[0]!;
    expect(road.name.zh).toBe('湖塘路');
    const existing = await postJson<Incident>(`${server.url}/api/incidents`, {
      categoryCode: 'E0102',
      lon: road.lon,
      lat: road.lat,
      source: 'citizen_app',
      description: '湖塘路边有垃圾堆放（市民App）',
    });
    expect(existing.status).toBe(201);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    /** A call on the desk map's test hook (window.__gridwatchHotlineMap), e.g. `zoom()`. */
    const onMap = <T>(call: string) => page.evaluate<T>(`window.__gridwatchHotlineMap.${call}`);
    // The desk is linked from the board's header.
    await signInThroughPage(page, server.url, OPERATOR, OPERATOR_PASSWORD);
    await page.getByTestId('nav-hotline').click();
    await page.waitForURL(/\/hotline$/);
    await page.getByTestId('page-title').filter({ hasText: '12345热线受理台' }).waitFor();
    await page.waitForFunction(() => (window as unknown as { __gridwatchHotlineMap?: { loaded: boolean } }).__gridwatchHotlineMap?.loaded === true, null, { timeout: 60_000 });

    // Part of the road's name; the results come from /api/places as one types; ↓ and Enter pick the first.
    const placeBox = page.getByTestId('place-search');
    await placeBox.click();
    await placeBox.pressSequentially('湖塘', { delay: 60 });
    const options = page.getByTestId('place-search-option');
    await options.first().filter({ hasText: '湖塘路' }).waitFor({ timeout: 10_000 });
    expect(await options.first().textContent()).toContain('道路');
    await placeBox.press('ArrowDown');
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    writeFileSync(join(ARTIFACTS, 'hotline-search.png'), await page.screenshot());
    await placeBox.press('Enter');
    await page.getByTestId('place-search-results').waitFor({ state: 'detached' });
    expect(await placeBox.inputValue()).toBe('湖塘路');

    // The map centres on the road's middle, at street zoom, with the pin there.
    await page.waitForFunction(
      ([lon, lat]) => {
        const c = (window as unknown as { __gridwatchHotlineMap?: { center(): [number, number] } }).__gridwatchHotlineMap?.center();
        return !!c && Math.abs(c[0] - lon!) < 1e-5 && Math.abs(c[1] - lat!) < 1e-5;
      },
      [road.lon, road.lat],
    );
    expect(await onMap<number>('zoom()')).toBeGreaterThanOrEqual(16);
    expect(await onMap<[number, number]>('pin()')).toEqual([road.lon, road.lat]);

    // The caller is a little further along: a click on the map moves the pin there (about 50 m east).
    const box = (await page.getByTestId('hotline-map').boundingBox())!;
    const at = await onMap<{ x: number; y: number }>(`project(${road.lon}, ${road.lat})`);
    await page.mouse.click(box.x + at.x + 30, box.y + at.y);
    await expect.poll(async () => (await onMap<[number, number]>('pin()'))[0]).toBeGreaterThan(road.lon + 1e-4);
    const pin = await onMap<[number, number]>('pin()');
    expect(pin[1]).toBeCloseTo(road.lat, 4);
    await page.getByTestId('hotline-point').filter({ hasText: pin[0].toFixed(6) }).waitFor();

    // The category, searched by its Chinese name.
    const categoryBox = page.getByTestId('category-search');
    await categoryBox.click();
    await categoryBox.pressSequentially('暴露垃圾', { delay: 30 });
    await page.getByTestId('category-search-option').filter({ hasText: 'E0102' }).click();
    expect(await categoryBox.inputValue()).toBe('E0102 暴露垃圾');

    await page.getByTestId('caller-name').fill('王先生');
    await page.getByTestId('caller-phone').fill('139 1234 0000');
    await page.locator('.nature-options label', { hasText: '投诉' }).click();
    expect(await page.getByTestId('nature-complaint').isChecked()).toBe(true);
    await page.getByTestId('description').fill('湖塘路人行道上垃圾堆了三天，气味很大');

    // Before filing: the open case of the category nearby, with its id, state and time; filing waits for a choice.
    const nearby = page.locator(`[data-testid="nearby-case"][data-case-id="${existing.body.id}"]`);
    await nearby.waitFor({ timeout: 15_000 });
    const nearbyText = (await nearby.textContent())!;
    // The case's short number, which the caller can quote.
    const ref = existing.body.number ?? existing.body.id.slice(-8);
    expect(nearbyText).toContain(ref);
    expect(nearbyText).toContain('待受理');
    expect(nearbyText).toContain('上报 ');
    expect(nearbyText).toMatch(/\d+ 米/);
    expect(await page.getByTestId('file-call').count()).toBe(0);
    await page.getByTestId('save-message').filter({ hasText: '附近有 1 件同类未结案件' }).waitFor();
    // Let the map draw its names before the picture is taken.
    await page.waitForTimeout(1500);
    writeFileSync(join(ARTIFACTS, 'hotline.png'), await page.screenshot());

    // Not the same problem after all: filed as a new case.
    await page.getByTestId('file-anyway').click();
    // Choosing to file does not file yet.
    await page.getByTestId('file-call').waitFor();
    expect(await page.getByTestId('save-message').textContent()).toBe('');
    await page.getByTestId('file-call').click();
    const saved = page.getByTestId('save-message').filter({ hasText: '已登记新案件' });
    await saved.waitFor({ timeout: 15_000 });
    const id = (await saved.getAttribute('data-case-id'))!;
    expect(id).not.toBe(existing.body.id);
    // The form is cleared for the next call.
    expect(await page.getByTestId('caller-phone').inputValue()).toBe('');

    const filed = (await getJson<Incident>(`${server.url}/api/incidents/${id}`)).body;
    expect(filed).toMatchObject({
      source: 'hotline_12345',
      categoryCode: 'E0102',
      status: 'reported',
      description: '【投诉】湖塘路人行道上垃圾堆了三天，气味很大',
      reporter: { name: '王先生', phone: '139 1234 0000' },
      reportedBy: { name: OPERATOR, role: 'dispatcher' },
    });
    expect(filed.lon).toBeCloseTo(pin[0], 6);
    expect(filed.lat).toBeCloseTo(pin[1], 6);
    // The case it was checked against is untouched.
    expect((await getJson<Incident>(`${server.url}/api/incidents/${existing.body.id}`)).body.version).toBe(existing.body.version);

    // The next caller reports the same heap: found by the road's pinyin initials, the call joins the open case.
    await placeBox.fill('htl');
    await options.first().filter({ hasText: '湖塘路' }).waitFor({ timeout: 10_000 });
    await options.first().click();
    await categoryBox.fill('e0102');
    await page.getByTestId('category-search-option').first().filter({ hasText: '暴露垃圾' }).click();
    await page.getByTestId('caller-phone').fill('13700000000');
    await nearby.waitFor({ timeout: 15_000 });
    await nearby.getByTestId('join-case').click();
    await page.getByTestId('save-message').filter({ hasText: `来电已登记并并入案件 ${ref}` }).waitFor({ timeout: 15_000 });
    const joinedId = (await page.getByTestId('save-message').getAttribute('data-case-id'))!;
    const joined = (await getJson<Incident>(`${server.url}/api/incidents/${joinedId}`)).body;
    expect(joined).toMatchObject({ source: 'hotline_12345', status: 'closed', closureKind: 'duplicate', mergedInto: existing.body.id, reporter: { phone: '13700000000' }, description: '【求助】' });

    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});
