import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as turf from '@turf/turf';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { getJson, postJson, sendJson } from '../support/api.js';
import { ARTIFACTS, browserAvailable, luminanceSpread, serverAndBrowser, signInThroughPage, watchPage } from '../support/browser.js';
import { createToken, createUser, type Credentials } from '../support/credentials.js';
import { startServer, type TestServer } from '../support/server.js';
import type { FeatureCollection } from '../support/types.js';
import type { CameraList, Team } from '../../shared/index.js';
import { PATROL_AGE_COLOURS } from '../../client/layers/cellClassLayer.js';
import { blindSpotClass, cameraShareClass } from '../../client/coverage/cellClasses.js';

/**
 * Coverage on the map (issue 13), in a real browser against a real server (simulator off): the wall
 * shows time since patrol from the start and repaints the cells a crew rides through when the
 * `coverage:cells` frame comes; the dashboard switches time since patrol and the cameras on, with
 * live and silent cameras drawn apart; after a server restart the page reads the snapshot again.
 */

interface CoverageHook {
  __gridwatchCoverage: {
    seq(): number | null;
    counts(): { snapshots: number; applied: number; stale: number; gaps: number };
    cellCount(): number;
    lastPatrolAt(cell: number): number | null;
    paintedClass(cell: number): number | null;
    paintedColour(cell: number): number[] | null;
    classCounts(): number[] | null;
    timing(): {
      feed: { frames: number; lastMs: number; maxMs: number; totalMs: number; snapshotMs: number };
      paint: { fullLastMs: number; fullMaxMs: number; frameLastMs: number; frameMaxMs: number; frameCells: number; paints: number };
    };
  };
  __gridwatchMap: {
    loaded: boolean;
    jumpTo(lon: number, lat: number, zoom: number): void;
    pickPatrolCell(lon: number, lat: number): number | null;
    pickCamera(lon: number, lat: number): string | null;
    patrolAttributeWrites(): Record<string, number> | null;
  };
}
type CoverageReads = CoverageHook['__gridwatchCoverage'];
const hook = (page: Page) => {
  const read = <K extends keyof CoverageReads>(name: K, arg?: number) =>
    page.evaluate(
      ([n, a]) => (window as unknown as CoverageHook).__gridwatchCoverage[n as K](a as number) as unknown,
      [name, arg ?? 0] as const,
    ) as Promise<ReturnType<CoverageReads[K]>>;
  return {
    seq: () => read('seq'),
    counts: () => read('counts'),
    cellCount: () => read('cellCount'),
    classCounts: () => read('classCounts'),
    lastPatrolAt: (cell: number) => read('lastPatrolAt', cell),
    paintedClass: (cell: number) => read('paintedClass', cell),
    paintedColour: (cell: number) => read('paintedColour', cell),
    timing: () => read('timing'),
    jumpTo: (lon: number, lat: number, zoom: number) => page.evaluate(([x, y, z]) => (window as unknown as CoverageHook).__gridwatchMap.jumpTo(x, y, z), [lon, lat, zoom] as const),
    pickPatrolCell: (lon: number, lat: number) => page.evaluate(([x, y]) => (window as unknown as CoverageHook).__gridwatchMap.pickPatrolCell(x, y), [lon, lat] as const),
    pickCamera: (lon: number, lat: number) => page.evaluate(([x, y]) => (window as unknown as CoverageHook).__gridwatchMap.pickCamera(x, y), [lon, lat] as const),
    patrolAttributeWrites: () => page.evaluate(() => (window as unknown as CoverageHook).__gridwatchMap.patrolAttributeWrites()),
  };
};

const run = browserAvailable();
/**
 * An hour's silent time: the cameras heard from at the start stay live through the tests. The crews
 * report no position of their own for ten minutes: the server would walk each crew's first position
 * as a fix, and a test ride starting 20 s before it would be a stale fix and then a jump.
 */
const ENV = { CAMERA_SILENT_SECONDS: '3600', TEAM_POSITIONS_MS: '600000' };
let server: TestServer;
let browser: Browser;
let gateway: Credentials;
let wallToken: string;
let restarted: TestServer | null = null;
const DISPATCHER = 'coverage-dispatcher';
const PASSWORD = 'coverage-dispatcher-password';
/** Cameras made silent at the start (heard from two hours ago), so the map has both states. */
let silentIds: string[] = [];

serverAndBrowser(
  { server: (s) => (server = s), browser: (b) => (browser = b) },
  {
    env: ENV,
    prepare: async () => {
      await createUser(server.url, server.adminCookie, DISPATCHER, 'dispatcher', PASSWORD);
      gateway = { token: await createToken(server.url, server.adminCookie, 'field', 'coverage gateway') };
      wallToken = await createToken(server.url, server.adminCookie, 'wall', 'coverage wall');
      const cameras = (await getJson<CameraList>(`${server.url}/api/cameras`)).body.features;
      silentIds = cameras.filter((_, i) => i % 3 === 0).map((c) => c.properties.id);
      const longAgo = new Date(Date.now() - 2 * 3_600_000).toISOString();
      const beats = cameras.map((c) => (silentIds.includes(c.properties.id) ? { id: c.properties.id, at: longAgo } : { id: c.properties.id }));
      expect((await postJson(`${server.url}/api/cameras/heartbeat`, { cameras: beats }, gateway)).status).toBe(204);
    },
    beforeClose: async () => {
      await restarted?.stop();
    },
  },
);

let gridCodes: string[] = [];
let gridFeatures: FeatureCollection['features'] = [];
async function cellAt(lon: number, lat: number): Promise<{ index: number; centre: [number, number] }> {
  if (gridCodes.length === 0) {
    gridFeatures = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
    gridCodes = gridFeatures.map((f) => String(f.properties.code));
  }
  const { code } = (await getJson<{ properties: { code: string } }>(`${server.url}/api/grid/cell?lon=${lon}&lat=${lat}`)).body.properties;
  const index = gridCodes.indexOf(code);
  const centre = turf.pointOnFeature(gridFeatures[index] as never).geometry.coordinates as [number, number];
  return { index, centre };
}

/** A crew rides 400 m east in 20 s, fixes 20 s apart; answers the cell in the middle, where no fix fell. */
async function ride(team: Team, dLon = 0.0042): Promise<{ index: number; centre: [number, number] }> {
  const [lon0, lat0] = [team.position!.lon, team.position!.lat];
  const middle = await cellAt(lon0 + dLon / 2, lat0);
  const now = Date.now();
  const positions = [
    { trackerId: team.id, lon: lon0, lat: lat0, at: new Date(now - 20_000).toISOString() },
    { trackerId: team.id, lon: lon0 + dLon, lat: lat0, at: new Date(now).toISOString() },
  ];
  expect((await sendJson('POST', `${server.url}/api/trackers/positions`, { positions }, gateway)).status).toBe(204);
  return middle;
}

/** The mean colour of a square of the page around a point. */
function meanColour(png: Buffer, x: number, y: number, half = 6): [number, number, number] {
  const img = PNG.sync.read(png);
  const sum = [0, 0, 0];
  let n = 0;
  for (let yy = Math.round(y) - half; yy <= Math.round(y) + half; yy++) {
    for (let xx = Math.round(x) - half; xx <= Math.round(x) + half; xx++) {
      const i = (yy * img.width + xx) * 4;
      for (let k = 0; k < 3; k++) sum[k]! += img.data[i + k]!;
      n++;
    }
  }
  return sum.map((s) => s / n) as [number, number, number];
}

/** Mean red and green of the map's area: the choropleth's reds and teals move them apart. */
function mapTint(png: Buffer, box: { x: number; y: number; width: number; height: number }): { r: number; g: number; b: number } {
  const img = PNG.sync.read(png);
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = Math.round(box.y); y < box.y + box.height; y += 3) {
    for (let x = Math.round(box.x); x < box.x + box.width; x += 3) {
      const i = (y * img.width + x) * 4;
      for (let k = 0; k < 3; k++) sum[k]! += img.data[i + k]!;
      n++;
    }
  }
  return { r: sum[0]! / n, g: sum[1]! / n, b: sum[2]! / n };
}

async function waitForMap(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as Partial<CoverageHook>).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
  await page.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });
}

describe.runIf(run)('time since patrol on the wall', () => {
  it('shows from the start, and repaints the cells a crew rides through when their frame comes', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    const h = hook(page);
    await page.goto(`${server.url}/kiosk#token=${wallToken}`);
    await waitForMap(page);
    expect(await page.getByTestId('layer-patrol').isChecked()).toBe(true);
    // The snapshot is in and painted: every cell in a class, the legend counts them.
    await expect.poll(() => h.classCounts().then((k) => k?.reduce((a, b) => a + b, 0) ?? 0), { timeout: 30_000 }).toBeGreaterThan(9000);
    const cellCount = await h.cellCount();
    expect((await h.classCounts())!.reduce((a, b) => a + b, 0)).toBe(cellCount);
    const legend = page.getByTestId('legend-patrol');
    await expect.poll(() => legend.textContent()).toMatch(/距上次巡查.*2小时内.*2–8小时.*8–24小时.*超24小时或从未（盲区）/);
    // The legend's blind count is the page's own.
    const blind = (await h.classCounts())![3]!.toLocaleString('zh-CN');
    expect(await page.getByTestId('legend-patrol-blind').textContent()).toContain(blind);
    await page.waitForTimeout(1500);
    const overview = await page.screenshot();
    writeFileSync(join(ARTIFACTS, 'coverage-wall.png'), overview);
    const box = (await page.getByTestId('map').boundingBox())!;
    expect(luminanceSpread(overview, { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) })).toBeGreaterThan(8);

    // Look closely at the cell in the middle of a ride about to happen: blind now (the simulator is off).
    const team = (await getJson<Team[]>(`${server.url}/api/teams`)).body[0]!;
    const middle = await cellAt(team.position!.lon + 0.0021, team.position!.lat);
    await h.jumpTo(middle.centre[0], middle.centre[1], 16.5);
    await expect.poll(() => h.pickPatrolCell(middle.centre[0], middle.centre[1]), { timeout: 10_000 }).toBe(middle.index);
    expect(await h.paintedClass(middle.index)).toBe(3);
    await page.waitForTimeout(1000);
    const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const beforeShot = await page.screenshot();
    writeFileSync(join(ARTIFACTS, 'coverage-cell-blind.png'), beforeShot);
    const before = meanColour(beforeShot, centre.x, centre.y);

    const seqBefore = (await h.seq())!;
    // From here, count what the layer writes to the GPU.
    expect(await h.patrolAttributeWrites()).not.toBeNull();
    const posted = Date.now();
    await ride(team);
    await expect.poll(() => h.paintedClass(middle.index), { timeout: 10_000, interval: 50 }).toBe(0);
    const latencyMs = Date.now() - posted;
    expect(await h.seq()).toBeGreaterThan(seqBefore);
    expect(await h.lastPatrolAt(middle.index)).toBeGreaterThan(posted - 25_000);
    expect(await h.paintedColour(middle.index)).toEqual([...PATROL_AGE_COLOURS.dark[0]!]);
    await page.waitForTimeout(1000);
    const afterShot = await page.screenshot();
    writeFileSync(join(ARTIFACTS, 'coverage-cell-patrolled.png'), afterShot);
    const after = meanColour(afterShot, centre.x, centre.y);
    // Crimson (blind) gave way to teal (patrolled in the last 2 hours) on screen.
    expect(before[0] - before[1]).toBeGreaterThan(20);
    expect(after[1] - after[0]).toBeGreaterThan(20);
    // The cell's tooltip says when it was patrolled and how often today.
    await page.mouse.move(centre.x, centre.y);
    const tooltip = page.locator('.deck-tooltip');
    await expect.poll(() => tooltip.textContent(), { timeout: 5000 }).toContain(gridCodes[middle.index]!);
    expect(await tooltip.textContent()).toMatch(/上次巡查：\d+ 分钟前.*近24小时巡查 1 次.*摄像头覆盖 \d+%/s);

    // The frame rewrote the colours and nothing else: the grid's geometry stayed on the GPU.
    const writes = (await h.patrolAttributeWrites())!;
    expect(writes.fillColors).toBeGreaterThanOrEqual(1);
    for (const [name, n] of Object.entries(writes)) if (name !== 'fillColors') expect([name, n]).toEqual([name, 0]);
    const counts = await h.counts();
    expect(counts.gaps).toBe(0);
    expect(counts.applied).toBeGreaterThanOrEqual(1);
    const timing = await h.timing();
    const f = timing.feed;
    const p = timing.paint;
    console.log(
      `coverage on the wall: repainted ${latencyMs} ms after the POST (frames every 2 s); frame decode+apply last ${f.lastMs.toFixed(2)} ms, ` +
        `max ${f.maxMs.toFixed(2)} ms over ${f.frames} frames; frame repaint ${p.frameLastMs.toFixed(2)} ms for ${p.frameCells} cells (max ${p.frameMaxMs.toFixed(2)}); ` +
        `full repaint of ${cellCount} cells ${p.fullLastMs.toFixed(2)} ms (max ${p.fullMaxMs.toFixed(2)}); snapshot read+load ${f.snapshotMs.toFixed(0)} ms; ` +
        `GPU writes while it was applied ${JSON.stringify(writes)}`,
    );
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});

describe.runIf(run)('coverage layers on the dashboard', () => {
  it('are off by default, switch on from the layer panel, and draw live and silent cameras apart', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    const h = hook(page);
    await signInThroughPage(page, server.url, DISPATCHER, PASSWORD);
    await waitForMap(page);
    expect(await page.getByTestId('layer-patrol').isChecked()).toBe(false);
    expect(await page.getByTestId('layer-cameras').isChecked()).toBe(false);
    await page.getByTestId('layer-heatmap').uncheck();
    await page.getByTestId('layer-incidents').uncheck();
    await page.waitForTimeout(1500);
    const box = (await page.getByTestId('map').boundingBox())!;
    const plain = mapTint(await page.screenshot(), box);

    await page.getByTestId('layer-patrol').check();
    await expect.poll(() => h.classCounts().then((k) => k?.reduce((a, b) => a + b, 0) ?? 0), { timeout: 30_000 }).toBeGreaterThan(9000);
    await page.waitForTimeout(1500);
    const shot = await page.screenshot();
    writeFileSync(join(ARTIFACTS, 'coverage-dashboard-patrol.png'), shot);
    const tinted = mapTint(shot, box);
    // The city is drawn over in the patrol classes' colours: with the simulator off most cells are
    // blind (red), so the map turns markedly redder.
    expect(tinted.r - tinted.g).toBeGreaterThan(plain.r - plain.g + 10);

    await page.getByTestId('layer-cameras').check();
    const cameras = (await getJson<CameraList>(`${server.url}/api/cameras`)).body;
    expect(cameras.silent).toBe(silentIds.length);
    await expect.poll(() => page.getByTestId('legend-cameras').textContent(), { timeout: 10_000 }).toMatch(new RegExp(`在线.*${cameras.live}.*离线.*${cameras.silent}`));
    // A point in one sector only, for a live camera and for a silent one: the map draws each there.
    const inOnlyOne = (state: 'live' | 'silent') => {
      for (const f of cameras.features.filter((c) => c.properties.state === state)) {
        const p = turf.pointOnFeature(f as never).geometry.coordinates as [number, number];
        if (cameras.features.filter((g) => turf.booleanPointInPolygon(p, g as never)).length === 1) return { id: f.properties.id, p };
      }
      throw new Error(`no ${state} camera with a sector of its own`);
    };
    for (const state of ['live', 'silent'] as const) {
      const { id, p } = inOnlyOne(state);
      await h.jumpTo(p[0], p[1], 17);
      await expect.poll(() => h.pickCamera(p[0], p[1]), { timeout: 10_000 }).toBe(id);
      await page.waitForTimeout(1000);
      writeFileSync(join(ARTIFACTS, `coverage-camera-${state}.png`), await page.screenshot());
      // Hovering the sector names the camera and its state.
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await expect.poll(() => page.locator('.deck-tooltip').textContent(), { timeout: 5000 }).toContain(id);
      expect(await page.locator('.deck-tooltip').textContent()).toMatch(state === 'live' ? /在线/ : /离线/);
    }
    // A street-level view with both.
    const c0 = cameras.features.find((c) => c.properties.state === 'silent')!.properties.position;
    await h.jumpTo(c0[0], c0[1], 15);
    await page.waitForTimeout(1500);
    writeFileSync(join(ARTIFACTS, 'coverage-dashboard-cameras.png'), await page.screenshot());
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});

describe.runIf(run)('blind spots and patrol alerts', () => {
  it('the dashboard ranks the worst cells and towns, a ranked cell clicked is brought into view on the blind-spot map; the alerts reach the dashboard and the dispatch console', async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const { errors, failed } = watchPage(page);
    await signInThroughPage(page, server.url, DISPATCHER, PASSWORD);
    await waitForMap(page);
    type Hooks = {
      __gridwatchCoverage: { score(c: number): number | null; cameraShare(c: number): number | null; paintedClass(c: number, m: string): number | null; classCounts(m: string): number[] | null; cellCount(): number };
      __gridwatchMap: { pickCell(lon: number, lat: number, layer: string): number | null; bounds(): number[]; zoom(): number };
    };
    const c = {
      cellCount: () => page.evaluate(() => (window as unknown as Hooks).__gridwatchCoverage.cellCount()),
      score: (cell: number) => page.evaluate((x) => (window as unknown as Hooks).__gridwatchCoverage.score(x), cell),
      cameraShare: (cell: number) => page.evaluate((x) => (window as unknown as Hooks).__gridwatchCoverage.cameraShare(x), cell),
      paintedClass: (cell: number, map: string) => page.evaluate(([x, m]) => (window as unknown as Hooks).__gridwatchCoverage.paintedClass(x, m), [cell, map] as const),
      painted: (map: string) => page.evaluate((m) => (window as unknown as Hooks).__gridwatchCoverage.classCounts(m)?.reduce((x, y) => x + y, 0) ?? 0, map),
    };

    // Nobody patrols on this server: every town stands alerted, read on connect.
    const alerts = page.getByTestId('patrol-alert');
    await expect.poll(() => alerts.count(), { timeout: 20_000 }).toBe(8);
    expect(await alerts.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).toEqual(new Array(8).fill('raised'));
    expect(await alerts.first().textContent()).toMatch(/网格超过两倍巡查周期未巡查/);

    await page.getByTestId('layer-heatmap').uncheck();
    await page.getByTestId('layer-blindSpots').check();
    const ranked = (await getJson<{ cell: number; gridCode: string; score: number }[]>(`${server.url}/api/blind-spots?limit=12`, { cookie: server.adminCookie })).body;
    const rows = page.getByTestId('blind-cell');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(12);
    // The list is the server's ranking, in its order (scores only grow between the two reads, and ties sort by code).
    expect(await rows.first().getAttribute('data-grid')).toBe(ranked[0]!.gridCode);
    expect(await page.getByTestId('blind-town').count()).toBe(8);
    // Every cell is painted in a blind-spot class, and the legend counts them.
    const cellCount = await c.cellCount();
    await expect.poll(() => c.painted('blindSpots'), { timeout: 20_000 }).toBe(cellCount);
    expect(await page.getByTestId('legend-blindSpots').textContent()).toMatch(/盲区指数/);

    // A ranked cell clicked: the map flies to it and draws it there in the class of its score.
    const cell = Number(await rows.nth(2).getAttribute('data-cell'));
    await rows.nth(2).locator('button').click();
    if (gridFeatures.length === 0) gridFeatures = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
    const centre = turf.pointOnFeature(gridFeatures[cell] as never).geometry.coordinates as [number, number];
    await expect.poll(() => page.evaluate(([x, y]) => (window as unknown as Hooks).__gridwatchMap.pickCell(x, y, 'blind-spots'), centre), { timeout: 15_000 }).toBe(cell);
    await expect.poll(() => page.evaluate(() => (window as unknown as Hooks).__gridwatchMap.zoom()), { timeout: 5000 }).toBeGreaterThan(15);
    const score = (await c.score(cell))!;
    expect(score / 255).toBeGreaterThanOrEqual(0.5);
    expect(await c.paintedClass(cell, 'blindSpots')).toBe(blindSpotClass(score));
    await page.waitForTimeout(1000);
    writeFileSync(join(ARTIFACTS, 'coverage-blind-spot-cell.png'), await page.screenshot());

    // A town clicked narrows the cells to it.
    const town = (await page.getByTestId('blind-town').nth(3).getAttribute('data-town'))!;
    await page.getByTestId('blind-town').nth(3).click();
    const inTown = (await getJson<{ gridCode: string }[]>(`${server.url}/api/blind-spots?limit=12&town=${town}`, { cookie: server.adminCookie })).body;
    await expect.poll(() => rows.first().getAttribute('data-grid'), { timeout: 10_000 }).toBe(inTown[0]!.gridCode);
    await page.waitForTimeout(1500);
    writeFileSync(join(ARTIFACTS, 'coverage-blind-spot-town.png'), await page.screenshot());

    // The cameras' coverage per cell: a cell a live camera sees is painted in its share's class.
    await page.getByTestId('layer-blindSpots').uncheck();
    await page.getByTestId('layer-cameras').check();
    const seen = await page.evaluate(() => {
      const h = (window as unknown as Hooks).__gridwatchCoverage;
      for (let k = 0; k < h.cellCount(); k++) if ((h.cameraShare(k) ?? 0) > 200) return k;
      return -1;
    });
    expect(seen).toBeGreaterThanOrEqual(0);
    const share = (await c.cameraShare(seen))!;
    await expect.poll(() => c.paintedClass(seen, 'cameraShare'), { timeout: 10_000 }).toBe(cameraShareClass(share));

    // The dispatch console shows the same alerts.
    await page.getByTestId('nav-dispatch').click();
    await page.waitForURL(/\/dispatch$/);
    // The console itself, not the dashboard still shown while its chunk loads.
    await page.getByTestId('tab-queue').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('layer-panel').count()).toBe(0);
    await expect.poll(() => page.getByTestId('patrol-alert').count(), { timeout: 20_000 }).toBe(8);
    writeFileSync(join(ARTIFACTS, 'coverage-alerts-dispatch.png'), await page.screenshot());
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    await context.close();
  });
});

describe.runIf(run)('coverage after a server restart', () => {
  it('reads the snapshot again on reconnect and follows the new server\'s frames', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const h = hook(page);
    await page.goto(`${server.url}/kiosk#token=${wallToken}`);
    await waitForMap(page);
    await expect.poll(() => h.seq(), { timeout: 30_000 }).not.toBeNull();
    // Move the held seq on, so that the new server's seqs start below it.
    const team = (await getJson<Team[]>(`${server.url}/api/teams`)).body[1]!;
    const first = await ride(team);
    await expect.poll(() => h.paintedClass(first.index), { timeout: 10_000 }).toBe(0);
    const snapshots = (await h.counts()).snapshots;

    const port = new URL(server.url).port;
    await server.stop();
    await page.getByTestId('link-state').filter({ hasText: '已断开' }).waitFor({ timeout: 10_000 });
    restarted = server = await startServer({ dataDir: server.dataDir, env: { ...ENV, PORT: port } });
    await page.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await h.counts()).snapshots, { timeout: 15_000 }).toBeGreaterThan(snapshots);
    // Another crew rides on the new server (one with no fix yet: the first crew's track goes on
    // from where it stopped): its cells are painted as the new server's frames come, although their
    // seqs start again below the one the page held.
    const other = (await getJson<Team[]>(`${server.url}/api/teams`)).body[2]!;
    const back = await ride(other, -0.0042);
    await expect.poll(() => h.paintedClass(back.index), { timeout: 10_000 }).toBe(0);
    await context.close();
  });
});
