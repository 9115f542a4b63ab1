import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { getJson } from '../support/api.js';
import { ARTIFACTS, browserAvailable, serverAndBrowser, signInThroughPage, watchPage } from '../support/browser.js';
import { ADMIN_PASSWORD } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';

/**
 * Theme maps a leader can read (issue 14), in a real browser against a server with two weeks of
 * simulated history: the cells in density classes by rank leave the bottom half unpainted and draw
 * the top tenth strong (measured on screenshots, against the basemap alone); a theme narrows the
 * points; the Gi* hotspots' legend counts what the API classes; the time playback steps through the
 * window, each step drawing its own incidents only.
 */

const run = browserAvailable();
let server: TestServer;
let browser: Browser;
serverAndBrowser({ server: (s) => (server = s), browser: (b) => (browser = b) }, { env: { HISTORY_DAYS: '14' } });

/** Share of the box's pixels whose colour moved by more than `threshold` (sum of channel differences) between two shots. */
function changedShare(before: Buffer, after: Buffer, box: { x: number; y: number; width: number; height: number }, threshold: number): number {
  const a = PNG.sync.read(before);
  const b = PNG.sync.read(after);
  let changed = 0;
  let n = 0;
  for (let y = Math.round(box.y); y < box.y + box.height; y += 2) {
    for (let x = Math.round(box.x); x < box.x + box.width; x += 2) {
      const i = (y * a.width + x) * 4;
      const d = Math.abs(a.data[i]! - b.data[i]!) + Math.abs(a.data[i + 1]! - b.data[i + 1]!) + Math.abs(a.data[i + 2]! - b.data[i + 2]!);
      if (d > threshold) changed++;
      n++;
    }
  }
  return changed / n;
}

const legendCount = async (page: Page) => Number(((await page.getByTestId('legend-density').textContent()) ?? '').match(/([\d,]+) 件/)?.[1]?.replace(/,/g, '') ?? NaN);

describe.runIf(run)('theme maps and hotspots on the dashboard', () => {
  it('paint the top tenth of cells strong and leave the bottom half bare, narrow by theme, count the hotspots the API finds, and play the window back', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, 'admin', ADMIN_PASSWORD);
    await page.waitForFunction(() => (window as unknown as { __gridwatchMap?: { loaded: boolean } }).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
    // The cells by rank are the leader's default density layer.
    expect(await page.getByTestId('layer-grid').isChecked()).toBe(true);
    expect(await page.getByTestId('layer-heatmap').isChecked()).toBe(false);
    for (const layer of ['incidents', 'components']) await page.getByTestId(`layer-${layer}`).uncheck();
    await expect.poll(() => legendCount(page), { timeout: 30_000 }).toBeGreaterThan(1000);
    const total = await legendCount(page);
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.waitForTimeout(2000);
    const painted = await page.screenshot();
    writeFileSync(join(ARTIFACTS, 'density-classes.png'), painted);
    await page.getByTestId('layer-grid').uncheck();
    await page.waitForTimeout(1500);
    const bare = await page.screenshot();
    // Anything painted at all moves a pixel a little; the top tenth (three strong classes) moves it a lot.
    const anyPaint = changedShare(bare, painted, box, 12);
    const strong = changedShare(bare, painted, box, 120);
    expect(anyPaint).toBeLessThan(0.5);
    expect(strong).toBeGreaterThan(0.01);
    expect(strong).toBeLessThan(0.15);

    // A theme narrows the points to its own.
    await page.getByTestId('layer-grid').check();
    await page.getByTestId('density-theme').selectOption('main_road_garbage');
    await expect.poll(() => legendCount(page), { timeout: 30_000 }).toBeLessThan(total);
    const themed = await legendCount(page);
    expect(themed).toBeGreaterThan(0);

    // Gi* hotspots of the theme: the legend counts the cells the API classes.
    await page.getByTestId('layer-hotspots').check();
    const api = (await getJson<{ classes: Record<string, number> }>(`${server.url}/api/hotspots?window=7d&theme=main_road_garbage&weights=queen`, { cookie: server.adminCookie })).body;
    expect(api.classes.hot_99! + api.classes.hot_95! + api.classes.hot_90!).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('legend-hotspot-hot_99').textContent(), { timeout: 30_000 }).toContain(api.classes.hot_99!.toLocaleString('zh-CN'));
    await page.waitForTimeout(1500);
    writeFileSync(join(ARTIFACTS, 'hotspots-gistar.png'), await page.screenshot());
    // By H3 hexagon: the classes of the API's res=h3-8 answer, from the indices stored at ingest.
    await page.getByTestId('hotspot-mode').selectOption('gistarHex');
    const hexApi = (await getJson<{ classes: Record<string, number> }>(`${server.url}/api/hotspots?window=7d&theme=main_road_garbage&res=h3-8`, { cookie: server.adminCookie })).body;
    const hexLegend = async () => Number(((await page.getByTestId('legend-hotspot-hot_99').textContent()) ?? '').match(/(\d[\d,]*)$/)?.[1]?.replace(/,/g, ''));
    await expect.poll(hexLegend, { timeout: 30_000 }).toBe(hexApi.classes.hot_99);
    await page.waitForTimeout(1500);
    writeFileSync(join(ARTIFACTS, 'hotspots-hexagons.png'), await page.screenshot());
    await page.getByTestId('hotspot-mode').selectOption('gistar');
    await expect.poll(hexLegend, { timeout: 30_000 }).toBe(api.classes.hot_99);

    // Playback: a day at a time through the week, each step drawing its own incidents only.
    await page.getByTestId('playback-start').click();
    const label = page.getByTestId('playback-label');
    await label.waitFor();
    await page.getByTestId('playback-play').click(); // pause
    await page.getByTestId('playback-step').fill('0');
    await expect.poll(() => label.getAttribute('data-index')).toBe('0');
    const counts: number[] = [];
    // Days from local midnight: a week that starts mid-day has eight steps, the first and last cut short.
    const last = Number(await page.getByTestId('playback-step').getAttribute('max'));
    expect(last === 6 || last === 7).toBe(true);
    for (let day = 0; day <= last; day++) {
      await page.getByTestId('playback-step').fill(String(day));
      await expect.poll(() => label.getAttribute('data-index')).toBe(String(day));
      counts.push(await legendCount(page));
    }
    // The steps share the window out: together they hold (nearly) every point, each only a part.
    expect(counts.every((c) => c < themed)).toBe(true);
    expect(Math.abs(counts.reduce((a, b) => a + b, 0) - themed)).toBeLessThanOrEqual(5);
    writeFileSync(join(ARTIFACTS, 'hotspots-playback.png'), await page.screenshot());
    await page.getByTestId('playback-close').click();
    await expect.poll(() => legendCount(page)).toBeGreaterThanOrEqual(themed);
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});
