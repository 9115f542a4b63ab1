import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { getJson, postJson } from '../support/api.js';
import { ARTIFACTS, browserAvailable, serverAndBrowser, watchPage } from '../support/browser.js';
import { createToken, type Credentials } from '../support/credentials.js';
import type { TestServer } from '../support/server.js';
import type { FeatureCollection } from '../support/types.js';
import { CONGESTION_COLOURS } from '../../client/layers/congestionLayer.js';
import { lineMidpoint } from '../../server/traffic/congestion.js';

/**
 * Congestion on the map (issue 14), in a real browser against a real server (simulator off): the
 * wall switches the congestion layer on, a traffic feed reports roads of the old town slow, and the
 * `roads:speeds` frame turns the crawling one the severe colour, as deck.gl draws and picks it.
 */

interface CongestionHook {
  __gridwatchCongestion: {
    seq(): number | null;
    roadCount(): number;
    ratio(road: number): number | null;
    paintedLevel(road: number): number | null;
    pickRoad(x: number, y: number): number | null;
  };
  __gridwatchMap: {
    loaded: boolean;
    jumpTo(lon: number, lat: number, zoom: number): void;
    project(lon: number, lat: number): { x: number; y: number };
  };
}

const run = browserAvailable();
let server: TestServer;
let browser: Browser;
let feed: Credentials;
let wallToken: string;

serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    env: { COVERAGE_FRAME_MS: '500' },
    prepare: async () => {
      feed = { token: await createToken(server.url, server.adminCookie, 'field', 'traffic feed') };
      wallToken = await createToken(server.url, server.adminCookie, 'wall', 'congestion wall');
    },
  },
);

const hook = (page: Page) => ({
  roadCount: () => page.evaluate(() => (window as unknown as CongestionHook).__gridwatchCongestion.roadCount()),
  paintedLevel: (r: number) => page.evaluate((x) => (window as unknown as CongestionHook).__gridwatchCongestion.paintedLevel(x), r),
  pickRoad: (lon: number, lat: number) =>
    page.evaluate(([x, y]) => {
      const w = window as unknown as CongestionHook;
      const p = w.__gridwatchMap.project(x, y);
      return w.__gridwatchCongestion.pickRoad(p.x, p.y);
    }, [lon, lat] as const),
  project: (lon: number, lat: number) => page.evaluate(([x, y]) => (window as unknown as CongestionHook).__gridwatchMap.project(x, y), [lon, lat] as const),
  jumpTo: (lon: number, lat: number, zoom: number) => page.evaluate(([x, y, z]) => (window as unknown as CongestionHook).__gridwatchMap.jumpTo(x, y, z), [lon, lat, zoom] as const),
});

/** The smallest distance (RGB) from a colour among the pixels of a square around a point. */
function nearestColour(png: Buffer, x: number, y: number, colour: readonly number[], half = 3): number {
  const img = PNG.sync.read(png);
  let best = Infinity;
  for (let yy = Math.round(y) - half; yy <= Math.round(y) + half; yy++) {
    for (let xx = Math.round(x) - half; xx <= Math.round(x) + half; xx++) {
      const i = (yy * img.width + xx) * 4;
      best = Math.min(best, Math.hypot(img.data[i]! - colour[0]!, img.data[i + 1]! - colour[1]!, img.data[i + 2]! - colour[2]!));
    }
  }
  return best;
}

describe.runIf(run)('congestion on the map', () => {
  it('draws a road a feed reports crawling in the severe colour once its frame comes', async () => {
    const layer = (await getJson<FeatureCollection>(`${server.url}/api/layers/roads`)).body.features as unknown as {
      properties: { id: string; class: string; speedKph: number };
      geometry: { coordinates: [number, number][] };
    }[];
    // Arterials and secondaries in the old town of Hutang (the centre polygon's middle).
    const near = layer
      .map((f, i) => ({ i, f, mid: lineMidpoint(f.geometry.coordinates) }))
      .filter(({ f, mid }) => f.properties.class !== 'local' && Math.abs(mid[0] - 119.9484) < 0.006 && Math.abs(mid[1] - 31.7056) < 0.005);
    expect(near.length).toBeGreaterThan(4);
    const target = near[0]!;

    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    const h = hook(page);
    await page.goto(`${server.url}/kiosk#token=${wallToken}`);
    await page.waitForFunction(() => (window as unknown as Partial<CongestionHook>).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
    await page.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });
    // Off by default; the wall's patrol layer is switched off so the roads read on their own.
    expect(await page.getByTestId('layer-congestion').isChecked()).toBe(false);
    await page.getByTestId('layer-patrol').uncheck();
    await page.getByTestId('layer-congestion').check();
    await expect.poll(() => h.roadCount(), { timeout: 30_000 }).toBe(layer.length);
    await expect.poll(() => h.paintedLevel(target.i), { timeout: 30_000 }).not.toBeNull();
    expect(await h.paintedLevel(target.i)).toBeLessThan(3);
    await expect.poll(() => page.getByTestId('legend-congestion').textContent()).toMatch(/路况.*畅通.*缓行.*拥堵.*严重拥堵/);

    // The feed: the target at 4 km/h (severe), its neighbours slow and congested, for the picture.
    const ids = near.map((n) => n.f.properties.id);
    const kph = near.map((n, k) => (k === 0 ? 4 : n.f.properties.speedKph * [0.6, 0.4, 0.2][k % 3]!));
    expect((await postJson(`${server.url}/api/roads/speeds`, { ids, kph }, feed)).status).toBe(204);
    await expect.poll(() => h.paintedLevel(target.i), { timeout: 15_000 }).toBe(3);

    await h.jumpTo(target.mid[0], target.mid[1], 16);
    await expect.poll(() => h.pickRoad(target.mid[0], target.mid[1]), { timeout: 10_000 }).toBe(target.i);
    await page.waitForTimeout(1000);
    const shot = await page.screenshot();
    writeFileSync(join(ARTIFACTS, 'congestion-road.png'), shot);
    const box = (await page.getByTestId('map').boundingBox())!;
    const p = await h.project(target.mid[0], target.mid[1]);
    expect(nearestColour(shot, box.x + p.x, box.y + p.y, CONGESTION_COLOURS.dark[3]!)).toBeLessThan(40);

    // The picture a leader sees: the old town at zoom 14.5, with the panel of the areas.
    await h.jumpTo(119.9484, 31.7056, 14.5);
    await page.getByTestId('congestion-area').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1500);
    writeFileSync(join(ARTIFACTS, 'congestion.png'), await page.screenshot());
    const centreRow = page.locator('[data-testid="congestion-area"][data-area="centre"]');
    expect(await centreRow.textContent()).toContain('湖塘老城区');
    // The panel reads the areas again after the frame: the old town's index has fallen.
    await expect.poll(async () => Number(/(\d\.\d\d)/.exec((await centreRow.locator('td').nth(1).textContent()) ?? '')?.[1]), { timeout: 20_000 }).toBeLessThan(0.9);
    await page.waitForTimeout(500);
    writeFileSync(join(ARTIFACTS, 'congestion.png'), await page.screenshot());

    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});
