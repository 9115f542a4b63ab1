import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { getJson, pointsInCells, postJson } from '../support/api.js';
import { browserAvailable, luminanceSpread, signInThroughPage, watchPage, serverAndBrowser } from '../support/browser.js';
import { createToken, createUser } from '../support/credentials.js';
import type { FeatureCollection, Incident } from '../support/types.js';
import { startServer, type TestServer } from '../support/server.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The page's test hook (client/map/MapView.tsx). */
interface MapHook {
  __gridwatchMap: {
    loaded: boolean;
    jumpTo(lon: number, lat: number, zoom: number): void;
    layerOrder(): string[];
    pickIncident(lon: number, lat: number): string | null;
    pickComponent(lon: number, lat: number): string | null;
    clusterHolding(id: string): number | null;
    pulses(): number;
    arrivalsSeen(): number;
  };
}
const ARTIFACTS = join(ROOT, 'var', 'artifacts');
const run = browserAvailable();

let server: TestServer;
/** The browser tests use the dashboard as a dispatcher, signed in through the real login page. */
const DISPATCHER = 'duty-dispatcher';
const PASSWORD = 'duty-dispatcher-password';
const signIn = (page: Page, url = server.url) => signInThroughPage(page, url, DISPATCHER, PASSWORD);
let browser: Browser;
/** The server the restart test started in place of the first, stopped when the file is done. */
let restarted: TestServer | undefined;

serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    env: { HISTORY_DAYS: '1' },
    prepare: async () => {
      await createUser(server.url, server.adminCookie, DISPATCHER, 'dispatcher', PASSWORD);
    },
    // The restart test replaces the server; the harness stops only the one it started.
    beforeClose: async () => {
      await restarted?.stop();
    },
  },
);

describe.runIf(run)('the dashboard in a real browser', () => {
  for (const theme of ['dark', 'light'] as const) {
    it(`loads the ${theme} map with no console error and no failed request, and draws it`, async () => {
      const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
      await context.addInitScript((t) => localStorage.setItem('gridwatch.theme', t), theme);
      const page = await context.newPage();
      const { errors, failed } = watchPage(page);
      await signIn(page);
      await page.waitForFunction(() => (window as unknown as { __gridwatchMap?: { loaded: boolean } }).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
      await page.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 20_000 });
      await page.waitForTimeout(1500);
      const shot = await page.screenshot();
      writeFileSync(join(ARTIFACTS, `dashboard-${theme}.png`), shot);
      const box = (await page.getByTestId('map').boundingBox())!;
      const spread = luminanceSpread(shot, { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) });
      expect(errors).toEqual([]);
      expect(failed).toEqual([]);
      // A blank or failed WebGL canvas is one flat colour; a drawn city has roads, water and land use.
      expect(spread).toBeGreaterThan(8);
      await context.close();
    });
  }
});

describe.runIf(run)('signing in', () => {
  it('refuses a wrong password on the login page, signs in, shows who is signed in, and signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByTestId('login-username').fill(DISPATCHER);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent(), { timeout: 10_000 }).toMatch(/用户名或密码不正确/);
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('link-state').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('user').textContent()).toMatch(/值班调度/);
    writeFileSync(join(ARTIFACTS, 'signed-in-header.png'), await page.screenshot({ clip: { x: 0, y: 0, width: 1280, height: 80 } }));
    await page.getByTestId('logout').click();
    await page.getByTestId('login-username').waitFor({ timeout: 10_000 });
    // The session is gone, not just the page: a reload stays on the login page.
    await page.reload();
    await page.getByTestId('login-username').waitFor({ timeout: 10_000 });
    await context.close();
  });

  it('turns a wall display\'s kiosk link into a session, with no sign-out button and the token out of the address bar', async () => {
    const token = await createToken(server.url, server.adminCookie, 'wall', 'hall display');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/kiosk#token=${token}`);
    await page.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 60_000 });
    expect(page.url()).not.toContain(token);
    expect(await page.getByTestId('user').textContent()).toMatch(/大屏/);
    expect(await page.getByTestId('logout').count()).toBe(0);
    // The display stays signed in across a reload (a power cut), by its session cookie alone.
    await page.reload();
    await page.getByTestId('link-state').waitFor({ timeout: 60_000 });
    await context.close();
  });
});

describe.runIf(run)('the live page', () => {
  it('shows a POSTed incident in the feed and on the map within 2 seconds', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await signIn(page);
    await page.waitForFunction(() => (window as unknown as { __gridwatchMap?: { loaded: boolean } }).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
    await page.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 20_000 });
    // Software WebGL redraws the kernel-density heatmap slowly on every frame; this test is about the
    // live layer, so it runs with the heatmap off (the layer tests cover the heatmap).
    await page.getByTestId('layer-heatmap').uncheck();
    await page.waitForTimeout(500);
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body;
    const [p] = pointsInCells(cells.features, 1, 4001);
    // Look at the place at street zoom, where every incident is a point of its own.
    await page.evaluate(([lon, lat]) => (window as unknown as MapHook).__gridwatchMap.jumpTo(lon, lat, 14), [p!.lon, p!.lat] as [number, number]);
    await page.waitForTimeout(1000);
    const seenBefore = await page.evaluate(() => (window as unknown as MapHook).__gridwatchMap.arrivalsSeen());
    const posted = Date.now();
    const { body } = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'C0101', lon: p!.lon, lat: p!.lat, description: '浏览器测试井盖' });
    await page.locator(`li[data-id="${body.id}"]`).waitFor({ timeout: 2000 });
    await page.waitForFunction(
      ([lon, lat, id]) => (window as unknown as { __gridwatchMap: { pickIncident(a: number, b: number): string | null } }).__gridwatchMap.pickIncident(lon as number, lat as number) === id,
      [body.lon, body.lat, body.id] as const,
      { timeout: 2000, polling: 50 },
    );
    expect(Date.now() - posted).toBeLessThan(2500);
    // Its arrival pulsed (a slow machine may have finished the 1.6 s pulse by now), and only briefly.
    expect(await page.evaluate(() => (window as unknown as MapHook).__gridwatchMap.arrivalsSeen())).toBeGreaterThan(seenBefore);
    await expect.poll(() => page.evaluate(() => (window as unknown as MapHook).__gridwatchMap.pulses()), { timeout: 5000 }).toBe(0);
    // Zoomed out it joins a cluster; zoomed in it is a point of its own again.
    await page.evaluate(([lon, lat]) => (window as unknown as MapHook).__gridwatchMap.jumpTo(lon, lat, 10), [body.lon, body.lat] as [number, number]);
    await expect.poll(() => page.evaluate((id) => (window as unknown as MapHook).__gridwatchMap.clusterHolding(id), body.id), { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    await page.evaluate(([lon, lat]) => (window as unknown as MapHook).__gridwatchMap.jumpTo(lon, lat, 15), [body.lon, body.lat] as [number, number]);
    await expect.poll(() => page.evaluate((id) => (window as unknown as MapHook).__gridwatchMap.clusterHolding(id), body.id), { timeout: 5000 }).toBeNull();
    await expect.poll(() => page.evaluate(([lon, lat]) => (window as unknown as MapHook).__gridwatchMap.pickIncident(lon, lat), [body.lon, body.lat] as [number, number]), { timeout: 5000 }).toBe(body.id);
    await page.close();
  });

  it('switches the language and remembers it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page);
    await expect.poll(() => page.locator('.feed h2').textContent()).toBe('最新案件');
    await page.getByTestId('language').click();
    await expect.poll(() => page.locator('.feed h2').textContent()).toBe('Latest incidents');
    await page.reload();
    await expect.poll(() => page.locator('.feed h2').textContent()).toBe('Latest incidents');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await context.close();
  });

  it('shows the outage when the server restarts and catches up without duplicates', async () => {
    const page = await browser.newPage();
    await signIn(page);
    const link = page.getByTestId('link-state');
    await link.filter({ hasText: '实时' }).waitFor({ timeout: 20_000 });
    const port = new URL(server.url).port;
    const dataDir = server.dataDir;
    await server.stop();
    await link.filter({ hasText: '已断开' }).waitFor({ timeout: 10_000 });
    expect(await link.textContent()).toMatch(/起数据未更新/);
    server = await startServer({ dataDir, env: { HISTORY_DAYS: '1', PORT: port } });
    restarted = server;
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body;
    const [p] = pointsInCells(cells.features, 1, 77);
    const { body } = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, description: '重启后上报' });
    await link.filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });
    await page.locator(`li[data-id="${body.id}"]`).waitFor({ timeout: 5000 });
    const ids = await page.locator('li[data-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(new Set(ids).size).toBe(ids.length);
    await page.close();
  });
});

describe.runIf(run)('the layer panel', () => {
  it('switches density layers and the time window without errors, and the legend follows', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await signIn(page);
    await page.waitForFunction(() => (window as unknown as { __gridwatchMap?: { loaded: boolean } }).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
    const legend = page.getByTestId('legend');
    await legend.filter({ hasText: '件' }).waitFor({ timeout: 10_000 });
    const countDefault = Number((await legend.textContent())!.match(/(\d+) 件/)![1]);
    await page.getByTestId('layer-heatmap').uncheck();
    await page.getByTestId('layer-hexagons').check();
    await page.getByTestId('layer-grid').check();
    await page.getByTestId('time-window').selectOption('30d');
    await expect.poll(async () => Number((await legend.textContent())!.match(/(\d+) 件/)?.[1]), { timeout: 10_000 }).toBeGreaterThanOrEqual(countDefault);
    await page.waitForTimeout(2000);
    writeFileSync(join(ARTIFACTS, 'dashboard-hexagons-grid.png'), await page.screenshot());
    await page.getByTestId('layer-hexagons').uncheck();
    await page.getByTestId('layer-grid').uncheck();
    await expect.poll(() => legend.textContent()).not.toMatch(/\d+ 件/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe.runIf(run)('density layers', () => {
  it('lie beneath the town boundaries and the labels, and name the grid cell under the pointer', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(page);
    await page.waitForFunction(() => (window as unknown as Partial<MapHook>).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
    await page.getByTestId('layer-heatmap').uncheck();
    await page.getByTestId('layer-incidents').uncheck();
    await page.getByTestId('layer-components').uncheck();
    await page.getByTestId('layer-grid').check();
    const layerOrder = () => page.evaluate(() => (window as unknown as MapHook).__gridwatchMap.layerOrder());
    // The choropleth joins the map once the grid layer has loaded.
    await expect.poll(async () => (await layerOrder()).some((id) => id.includes('before:town-boundaries')), { timeout: 15_000 }).toBe(true);
    const order = await layerOrder();
    const density = order.findIndex((id) => id.includes('before:town-boundaries'));
    expect(density).toBeLessThan(order.indexOf('town-boundaries'));
    // Labels and live data are drawn after every basemap layer.
    expect(order[order.length - 1]).toMatch(/layer-group-last/);

    // Hover the middle of a cell that has incidents: the tooltip names its grid code and its count.
    const points = (await getJson<{ lon: number[]; lat: number[]; cell: number[] }>(`${server.url}/api/incidents/points?window=7d`)).body;
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body;
    const cell = cells.features[points.cell[0]!]!;
    const [lon, lat] = (await import('@turf/turf')).pointOnFeature(cell as never).geometry.coordinates as [number, number];
    await page.evaluate(([x, y]) => (window as unknown as MapHook).__gridwatchMap.jumpTo(x, y, 16), [lon, lat] as [number, number]);
    await page.waitForTimeout(2500);
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.locator('.deck-tooltip');
    await expect.poll(() => tooltip.textContent(), { timeout: 5000 }).toContain(String(cell.properties.code));
    expect(await tooltip.textContent()).toMatch(/窗口内 \d+ 件/);
    writeFileSync(join(ARTIFACTS, 'dashboard-grid-tooltip.png'), await page.screenshot());
    await page.close();
  });
});

describe.runIf(run)('the component inventory', () => {
  it('shows components from zoom 16, coloured by state, with a tooltip, and none further out', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const { errors, failed } = watchPage(page);
    await signIn(page);
    await page.waitForFunction(() => (window as unknown as Partial<MapHook>).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
    await page.getByTestId('layer-heatmap').uncheck();
    const components = (await getJson<{ features: { geometry: { coordinates: [number, number] }; properties: { code: string; state: string } }[] }>(`${server.url}/api/layers/components`)).body.features;
    const damaged = components.find((c) => c.properties.state === 'damaged')!;
    const [lon, lat] = damaged.geometry.coordinates;
    const pick = () => page.evaluate(([x, y]) => (window as unknown as MapHook).__gridwatchMap.pickComponent(x, y), [lon, lat] as [number, number]);
    const jumpTo = (zoom: number) => page.evaluate(([x, y, z]) => (window as unknown as MapHook).__gridwatchMap.jumpTo(x, y, z), [lon, lat, zoom] as [number, number, number]);
    await jumpTo(15);
    await page.waitForTimeout(1500);
    expect(await pick()).toBeNull();
    await jumpTo(17);
    await expect.poll(pick, { timeout: 15_000 }).toBe(damaged.properties.code);
    await expect.poll(() => page.getByTestId('legend-components').textContent()).toMatch(/完好.*损坏.*缺失.*已撤除/);
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('.deck-tooltip').textContent(), { timeout: 5000 }).toContain(damaged.properties.code);
    expect(await page.locator('.deck-tooltip').textContent()).toMatch(/损坏/);
    writeFileSync(join(ARTIFACTS, 'dashboard-components-z17.png'), await page.screenshot());
    await page.getByTestId('layer-components').uncheck();
    await expect.poll(pick, { timeout: 5000 }).toBeNull();
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  });
});

describe.runIf(run)('Chinese labels', () => {
  it('render as glyphs, not boxes, in the font the map labels use', async () => {
    const page = await browser.newPage();
    await signIn(page);
    await page.waitForFunction(() => (window as unknown as { __gridwatchMap?: { loaded: boolean } }).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
    // Draw town names and a character no font has (a private-use code point, always a box) in the
    // labels' font stack: without a CJK font every Chinese character falls back to that same box.
    const result = await page.evaluate(() => {
      const font = getComputedStyle(document.documentElement).getPropertyValue('--label-font') || 'sans-serif';
      const render = (text: string) => {
        const c = document.createElement('canvas');
        c.width = 64;
        c.height = 64;
        const ctx = c.getContext('2d')!;
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, 64, 64);
        ctx.fillStyle = '#000';
        ctx.font = `48px ${font}`;
        ctx.fillText(text, 4, 52);
        return Array.from(ctx.getImageData(0, 0, 64, 64).data);
      };
      const box = render('\uE000');
      const differ = (a: number[], b: number[]) => a.reduce((n, v, i) => n + (v !== b[i] ? 1 : 0), 0);
      const chars = ['湖', '塘', '镇', '经', '开', '区'];
      return { font, diffs: chars.map((ch) => differ(render(ch), box)), pairwise: differ(render('湖'), render('塘')) };
    });
    expect(result.font).toMatch(/Noto Sans CJK SC/);
    for (const d of result.diffs) expect(d).toBeGreaterThan(200);
    expect(result.pairwise).toBeGreaterThan(200);
    await page.close();
  });
});
