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
    area(): { width: number; height: number; classCounts: number[] } | null;
    areaClassAt(lon: number, lat: number): number | null;
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
    // Speeds from the feed alone (free-flow where it says nothing): the model's rush hours would make
    // how much of the city is congested depend on the time the test runs.
    env: { COVERAGE_FRAME_MS: '500', ROAD_SPEEDS: 'feed' },
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

/** The share of the map's pixels that differ between two screenshots (RGB distance over 30), overall and around a point. */
function changedShare(a: Buffer, b: Buffer, box: { x: number; y: number; width: number; height: number }) {
  const [pa, pb] = [PNG.sync.read(a), PNG.sync.read(b)];
  const differs = (x: number, y: number) => {
    const i = (y * pa.width + x) * 4;
    return Math.hypot(pa.data[i]! - pb.data[i]!, pa.data[i + 1]! - pb.data[i + 1]!, pa.data[i + 2]! - pb.data[i + 2]!) > 30;
  };
  const share = (x0: number, y0: number, x1: number, y1: number) => {
    let n = 0;
    let d = 0;
    for (let y = Math.max(0, Math.round(y0)); y < Math.min(pa.height, Math.round(y1)); y += 2) {
      for (let x = Math.max(0, Math.round(x0)); x < Math.min(pa.width, Math.round(x1)); x += 2) {
        n++;
        if (differs(x, y)) d++;
      }
    }
    return n === 0 ? 0 : d / n;
  };
  return {
    all: share(box.x, box.y, box.x + box.width, box.y + box.height),
    around: (x: number, y: number, half: number) => share(x - half, y - half, x + half, y + half),
  };
}

describe.runIf(run)('congestion on the map', () => {
  it('draws a road a feed reports crawling in the severe colour once its frame comes', async () => {
    const layer = (await getJson<FeatureCollection>(`${server.url}/api/layers/roads`)).body.features as unknown as {
      properties: { id: string; class: string; speedKph: number; name: { zh: string; en: string } | null };
      geometry: { coordinates: [number, number][] };
    }[];
    // Arterials and secondaries in the old town of Hutang (the centre polygon's middle).
    const near = layer
      .map((f, i) => ({ i, f, mid: lineMidpoint(f.geometry.coordinates) }))
      .filter(({ f, mid }) => f.properties.class !== 'local' && Math.abs(mid[0] - 119.9484) < 0.006 && Math.abs(mid[1] - 31.7056) < 0.005);
    expect(near.length).toBeGreaterThan(4);
    // A named road first: its tooltip is read below.
    near.sort((a, b) => Number(a.f.properties.name === null) - Number(b.f.properties.name === null));
    const target = near[0]!;
    expect(target.f.properties.name).not.toBeNull();

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

    // Hovering the road names it and reads its level, index and speeds, from the frame's ratio byte:
    // the feed said 4 km/h, and that is what the tooltip must say back.
    const ratio = (await page.evaluate((r) => (window as unknown as CongestionHook).__gridwatchCongestion.ratio(r), target.i))!;
    const free = target.f.properties.speedKph;
    expect(Math.round((ratio / 255) * free)).toBe(4);
    await page.mouse.move(box.x + p.x, box.y + p.y);
    const tooltip = page.locator('.deck-tooltip');
    await expect.poll(() => tooltip.textContent(), { timeout: 5000 }).toContain(target.f.properties.name!.zh);
    const lines = (await tooltip.innerText()).split('\n');
    expect(lines).toEqual([target.f.properties.name!.zh, `严重拥堵 · 拥堵指数 ${(ratio / 255).toFixed(2)}`, `当前车速 4 km/h · 畅行车速 ${free} km/h`]);
    await page.mouse.move(box.x + 5, box.y + box.height - 5);

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
    const roadsOnly = await page.screenshot();
    writeFileSync(join(ARTIFACTS, 'congestion.png'), roadsOnly);

    // The congestion area, switched on beside the roads: it lies over the jammed old town, covers a
    // small part of the city (ranked among the congested cells, free roads weigh nothing), and has a legend.
    await page.getByTestId('layer-congestionArea').check();
    await expect.poll(() => page.evaluate(() => (window as unknown as CongestionHook).__gridwatchCongestion.area()), { timeout: 15_000 }).not.toBeNull();
    const area = (await page.evaluate(() => (window as unknown as CongestionHook).__gridwatchCongestion.area()))!;
    const cells = area.width * area.height;
    const painted = cells - area.classCounts[0]!;
    expect(painted).toBeGreaterThan(0);
    expect(painted / cells).toBeLessThan(0.15);
    expect(await page.evaluate(([x, y]) => (window as unknown as CongestionHook).__gridwatchCongestion.areaClassAt(x, y), [target.mid[0], target.mid[1]] as const)).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.getByTestId('legend-congestionArea').textContent()).toMatch(/拥堵区域.*前10%.*畅通路段不计/);
    await page.waitForTimeout(1500);
    const withArea = await page.screenshot();
    writeFileSync(join(ARTIFACTS, 'congestion-area.png'), withArea);
    // On screen: the area changed the map around the jam, and not the whole map.
    const changed = changedShare(roadsOnly, withArea, box);
    expect(changed.around(box.x + (await h.project(target.mid[0], target.mid[1])).x, box.y + (await h.project(target.mid[0], target.mid[1])).y, 60)).toBeGreaterThan(0.2);
    expect(changed.all).toBeLessThan(0.5);

    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});
