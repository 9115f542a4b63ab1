import * as turf from '@turf/turf';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type {
  CityLayer,
  ResponsibilityCellsAnswer,
  ResponsibilityChange,
  ResponsibilityChangeAnswer,
  ResponsibilityGapsAnswer,
  ResponsibilityPersonView,
  SelectionPolygon,
} from '../../shared/index.js';
import { getJson } from '../support/api.js';
import { ARTIFACTS, browserAvailable, luminanceSpread, pageProblems, serverAndBrowser, signInThroughPage } from '../support/browser.js';
import { ADMIN_PASSWORD, createUser } from '../support/credentials.js';
import { type TestServer } from '../support/server.js';

const run = browserAvailable();

let server: TestServer;
let browser: Browser;

serverAndBrowser({ server: (s) => (server = s), browser: (b) => (browser = b) });

type Lngs = [number, number];
type Cell = CityLayer<'grid'>['features'][number];
const TOWN = '320412100';

const api = async <T>(path: string) => (await getJson<T>(`${server.url}${path}`, { cookie: server.adminCookie })).body;

/** Clicks the map at a point, through the page's test hook (lon/lat to the map's pixels). */
async function clickMap(page: Page, at: Lngs, opts: { double?: boolean } = {}): Promise<void> {
  const [x, y] = await page.evaluate(([lon, lat]) => {
    const hook = (window as unknown as { __responsibilityMap: { project(p: Lngs): Lngs; box(): { left: number; top: number } } }).__responsibilityMap;
    const [px, py] = hook.project([lon, lat]);
    const box = hook.box();
    return [box.left + px, box.top + py];
  }, at);
  if (opts.double) await page.mouse.dblclick(x, y);
  else await page.mouse.click(x, y);
}

const mapZoom = (page: Page) => page.evaluate(() => (window as unknown as { __responsibilityMap: { zoom(): number } }).__responsibilityMap.zoom());

describe.runIf(run)('the responsibility editor (/admin/responsibility)', () => {
  it('an admin names the inspector of a whole community, then leaves the cells of a polygon drawn on the map with nobody: the API and the map show them as gaps', async () => {
    const grid = (await api<CityLayer<'grid'>>('/api/layers/grid')).features;
    const centroids = new Map(grid.map((f) => [f.properties.code, turf.centroid(f as never).geometry.coordinates as Lngs]));
    const townCells = grid.filter((f) => f.properties.townCode === TOWN);
    const community = townCells[Math.floor(townCells.length / 2)]!.properties.communityCode;
    const communityCells = grid.filter((f) => f.properties.communityCode === community);
    const before = await api<ResponsibilityCellsAnswer>(`/api/responsibility/cells?community=${community}`);
    // An inspector from another patch: the community's cells change hands.
    const roster = (await api<{ items: ResponsibilityPersonView[] }>('/api/responsibility/people?role=inspector')).items;
    const inspector = roster.find((p) => before.items.every((c) => c.inspector?.id !== p.id))!;

    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors = pageProblems(page);
    await signInThroughPage(page, server.url, 'admin', ADMIN_PASSWORD);
    // Through the admin pages' header.
    await page.goto(`${server.url}/admin/calendar`);
    await page.getByTestId('nav-responsibility').click();
    await page.waitForURL(/\/admin\/responsibility$/);
    await page.waitForFunction(() => (window as unknown as { __responsibilityMap?: { loaded: boolean } }).__responsibilityMap?.loaded === true, null, { timeout: 60_000 });
    // The default roster leaves no cell without its inspector.
    await expect.poll(() => page.getByTestId('responsibility-gaps').getAttribute('data-count'), { timeout: 30_000 }).toBe('0');

    // 1. A community, picked from the lists: its cells highlighted and counted, its current inspectors listed.
    await page.getByTestId('responsibility-town').selectOption(TOWN);
    await page.getByTestId('responsibility-community').selectOption(community);
    await expect.poll(() => page.getByTestId('responsibility-count').getAttribute('data-count'), { timeout: 30_000 }).toBe(String(communityCells.length));
    await page.getByTestId('responsibility-holders').waitFor();
    // Four hundred inspectors: found by name, the list keeps 不变, 无人 and those who match.
    await page.getByTestId('responsibility-find').fill(inspector.name);
    await expect.poll(() => page.getByTestId('responsibility-inspector').locator('option').count()).toBeLessThan(6);
    await page.getByTestId('responsibility-inspector').selectOption(inspector.id);
    await page.getByTestId('responsibility-save').click();
    const saved = page.getByTestId('responsibility-message');
    await saved.filter({ hasText: '已更新' }).waitFor({ timeout: 20_000 });
    expect(await saved.textContent()).toBe(`已更新 ${communityCells.length} 个网格（共选中 ${communityCells.length} 个）`);
    const after = await api<ResponsibilityCellsAnswer>(`/api/responsibility/cells?community=${community}`);
    expect(after.count).toBe(communityCells.length);
    expect(after.items.every((c) => c.inspector?.id === inspector.id)).toBe(true);
    // The holders of the pick are read again: the new inspector now answers for every cell.
    await page.getByTestId('responsibility-holders').filter({ hasText: `${inspector.name} ${communityCells.length} 格` }).waitFor({ timeout: 10_000 });

    // 2. A polygon drawn on the map over the middle of the community (in view, the map framed it): four
    // clicks, then a double click that adds the fifth vertex and closes it without zooming in.
    await page.getByTestId('responsibility-mode-polygon').click();
    const [w, s, e, n] = turf.bbox(turf.featureCollection(communityCells as never));
    const [cx, cy, dx, dy] = [(w + e) / 2, (s + n) / 2, (e - w) * 0.3, (n - s) * 0.3];
    const ring: Lngs[] = [[cx - dx, cy - dy], [cx + dx, cy - dy * 1.2], [cx + dx * 1.1, cy + dy], [cx, cy + dy * 1.3], [cx - dx * 1.2, cy + dy * 0.4]];
    const zoomBefore = await mapZoom(page);
    for (const at of ring.slice(0, 4)) {
      await clickMap(page, at);
      await page.waitForTimeout(150);
    }
    await expect.poll(() => page.getByTestId('responsibility-vertices').textContent()).toBe('已画 4 个顶点');
    await clickMap(page, ring[4]!, { double: true });
    await expect.poll(() => page.getByTestId('responsibility-vertices').textContent()).toBe('已画 5 个顶点');
    await page.locator('.responsibility-closed').waitFor();
    expect(await mapZoom(page)).toBeCloseTo(zoomBefore, 6);

    await page.getByTestId('responsibility-inspector').selectOption('-');
    const sent = page.waitForRequest((r) => r.method() === 'PUT' && r.url().endsWith('/api/responsibility'));
    const answered = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith('/api/responsibility'));
    await page.getByTestId('responsibility-save').click();
    const change = (await sent).postDataJSON() as ResponsibilityChange;
    const answer = (await (await answered).json()) as ResponsibilityChangeAnswer;
    // One assignment: the polygon as drawn and only the inspector, set to nobody.
    expect(change.assign).toHaveLength(1);
    const { polygon, ...roles } = change.assign![0]!;
    expect(roles).toEqual({ inspectorId: null });
    // The cells whose centroid lies in the polygon, as the server selects them: the preview counted the same.
    const inside = grid.filter((f) => turf.booleanPointInPolygon(centroids.get(f.properties.code)!, polygon as SelectionPolygon as never)).map((f) => f.properties.code).sort();
    expect(inside.length).toBeGreaterThan(3);
    expect(answer).toEqual({ cellsSelected: inside.length, cellsChanged: inside.length, people: 0 });
    expect(await page.getByTestId('responsibility-count').getAttribute('data-count')).toBe(String(inside.length));
    await saved.filter({ hasText: `已更新 ${inside.length} 个网格` }).waitFor({ timeout: 10_000 });

    const gaps = await api<ResponsibilityGapsAnswer>('/api/responsibility/gaps');
    expect(gaps.count).toBe(inside.length);
    expect(gaps.items.map((g) => g.gridCode).sort()).toEqual(inside);
    await expect.poll(() => page.getByTestId('responsibility-gaps').getAttribute('data-count'), { timeout: 10_000 }).toBe(String(inside.length));

    // 3. Back to the community pick; a click on one of the new gaps shows it has no inspector, but keeps its worker and head.
    await page.getByTestId('responsibility-mode-area').click();
    const gapCell: Cell = grid.find((f) => f.properties.code === inside[Math.floor(inside.length / 2)])!;
    await clickMap(page, centroids.get(gapCell.properties.code)!);
    await expect.poll(() => page.getByTestId('responsibility-cell-code').textContent()).toBe(gapCell.properties.code);
    await expect.poll(() => page.getByTestId('responsibility-cell-inspector').textContent()).toBe('无人');
    expect(await page.getByTestId('responsibility-cell-worker').textContent()).not.toBe('无人');
    expect(await page.getByTestId('responsibility-count').getAttribute('data-count')).toBe(String(communityCells.length));

    await page.waitForTimeout(500);
    const png = await page.screenshot();
    writeFileSync(join(ARTIFACTS, 'responsibility.png'), png);
    const map = (await page.getByTestId('responsibility-map').boundingBox())!;
    expect(luminanceSpread(png, { x: Math.round(map.x), y: Math.round(map.y), width: Math.round(map.width), height: Math.round(map.height) })).toBeGreaterThan(8);

    // The desk look (light, English), with the polygon pick drawn again: the map restyles with the page.
    await page.getByRole('button', { name: '浅色' }).click();
    await page.getByTestId('language').click();
    await page.getByTestId('responsibility-mode-polygon').click();
    await expect.poll(() => page.getByTestId('responsibility-vertices').textContent()).toBe('5 vertices drawn');
    await page.waitForTimeout(1000);
    writeFileSync(join(ARTIFACTS, 'responsibility-light.png'), await page.screenshot());
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is not there for a dispatcher: /admin/responsibility shows the dashboard, with no link to it', async () => {
    await createUser(server.url, server.adminCookie, 'duty-resp', 'dispatcher', 'duty-resp-password');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInThroughPage(page, server.url, 'duty-resp', 'duty-resp-password');
    await page.goto(`${server.url}/admin/responsibility`);
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByTestId('nav-dispatch').waitFor();
    expect(await page.getByTestId('nav-responsibility').count()).toBe(0);
    await context.close();
  });
});
