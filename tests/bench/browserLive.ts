import { getJson, pointsInCells, postReports } from '../support/api.js';
import { browserAvailable, launchBrowser, signInThroughPage } from '../support/browser.js';
import { ADMIN_PASSWORD } from '../support/credentials.js';
import { removeDataDir, startServer } from '../support/server.js';
import type { FeatureCollection } from '../support/types.js';

export interface BrowserLiveResult {
  method: string;
  events: number;
  /** Main-thread task time in the page per received event (CDP Performance metrics). */
  mainThreadMsPerEvent: number;
  secondsToReceiveAll: number;
  /** deck.gl's time updating layer attributes per event: the part the column store is about. */
  attributeMsPerEvent: number;
}

/**
 * The browser's main-thread cost of a burst of incident events: 1,000 reports are POSTed as fast as
 * the server takes them while the dashboard is open; the page's task time before and after, divided
 * by the events it received. Run once with the column store and once with the naive object baseline.
 */
export async function benchBrowserLive(events = 1000): Promise<BrowserLiveResult[] | null> {
  if (!browserAvailable()) return null;
  const server = await startServer({ env: { HISTORY_DAYS: '1' } });
  const browser = await launchBrowser();
  try {
    const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
    const out: BrowserLiveResult[] = [];
    // First with a day's worth of open incidents on the map (about 1,300), then with 20,000 more:
    // the naive baseline's cost grows with what is on the map, the column store's should not.
    for (const backlog of [0, 20_000]) {
      if (backlog > 0) {
        const extra = pointsInCells(cells, backlog, 99);
        await postReports(server.url, backlog, (i) => ({ categoryCode: i % 2 ? 'E0102' : 'C0101', lon: extra[i]!.lon, lat: extra[i]!.lat }));
      }
    for (const [variant, query] of [
      ['column store, binary attributes', ''],
      ['array of objects (naive baseline)', '?liveBaseline=objects'],
    ] as const) {
      const method = `${variant}${backlog ? `, +${backlog.toLocaleString('en')} open` : ''}`;
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      await signInThroughPage(page, server.url + query, 'admin', ADMIN_PASSWORD);
      await page.waitForFunction(() => (window as unknown as { __gridwatchMap?: { loaded: boolean } }).__gridwatchMap?.loaded === true, null, { timeout: 60_000 });
      await page.getByTestId('link-state').filter({ hasText: '实时' }).waitFor({ timeout: 20_000 });
      // The live layers are what is measured: the density layers, shared by both, stay off.
      await page.getByTestId('layer-heatmap').uncheck();
      await page.waitForTimeout(1500);
      const taskTime = async () => {
        const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
        return metrics.find((m) => m.name === 'TaskDuration')!.value * 1000;
      };
      const deckStats = () => page.evaluate(() => (window as unknown as { __gridwatchMap: { deckStats(): { updateAttributesMs: number } } }).__gridwatchMap.deckStats());
      const before = await taskTime();
      const attrBefore = (await deckStats()).updateAttributesMs;
      const t0 = Date.now();
      const points = pointsInCells(cells, events, 17 + backlog);
      await postReports(server.url, events, (i) => ({ categoryCode: i % 2 ? 'E0102' : 'C0101', lon: points[i]!.lon, lat: points[i]!.lat }));
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="feed"]')?.getAttribute('data-received') ?? 0) >= n, events, { timeout: 60_000 });
      const seconds = (Date.now() - t0) / 1000;
      await page.waitForTimeout(500); // let the last frame render
      const after = await taskTime();
      const attrAfter = (await deckStats()).updateAttributesMs;
      out.push({
        method,
        events,
        mainThreadMsPerEvent: Number(((after - before) / events).toFixed(3)),
        attributeMsPerEvent: Number(((attrAfter - attrBefore) / events).toFixed(4)),
        secondsToReceiveAll: Number(seconds.toFixed(2)),
      });
      await page.close();
    }
    }
    return out;
  } finally {
    await browser.close();
    await server.stop();
    removeDataDir(server.dataDir);
  }
}
