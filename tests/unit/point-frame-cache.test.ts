import { describe, expect, it } from 'vitest';
import { decodePointColumns, PointsQuery, type ThemePlace } from '../../shared/index.js';
import { IncidentQueries } from '../../server/incident/incidentQueries.js';
import { RecentPoints } from '../../server/incident/recentPoints.js';
import type { IncidentPoint } from '../../server/store/store.js';

/**
 * The binary point frames kept per query (server/incident/pointFrameCache.ts): a kept frame is only
 * ever answered when it is byte for byte what building the frame again would give.
 */

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 8, 0, 3, 417);
const BOUNDS: [number, number, number, number] = [119.88, 31.65, 120.02, 31.75];

/** Points every 10 minutes over the last 30 hours before T0; garbage near a main road every third. */
function history(): IncidentPoint[] {
  const out: IncidentPoint[] = [];
  for (let k = 180; k >= 1; k--) {
    out.push({
      lon: 119.9 + (k % 17) * 0.005,
      lat: 31.66 + (k % 13) * 0.006,
      reportedAt: T0 - k * 10 * 60_000 + 1234,
      categoryCode: k % 3 === 0 ? 'E0102' : 'E0501',
      source: 'inspector',
      townCode: '320412001',
      gridCode: `G${k % 50}`,
      h3: '',
    });
  }
  return out;
}

function setup() {
  let now = T0;
  let lots = 0;
  /** Near a main road: every point whose longitude step is even; near a lot: below a latitude that the lots' version moves. */
  const isNear = (place: ThemePlace, lon: number, lat: number) =>
    place === 'near_main_road' ? Math.round((lon - 119.9) / 0.005) % 2 === 0 : lat < 31.66 + 0.006 * (4 + lots);
  const recent = new RecentPoints({ isNear, keepMs: 91 * 24 * HOUR, lotsVersion: () => lots });
  recent.load(history(), T0 - 91 * 24 * HOUR);
  let reads = 0;
  const between = recent.between.bind(recent);
  recent.between = (...args) => {
    reads += 1;
    return between(...args);
  };
  const deps = {
    store: { incidents: {} as never },
    cellIndexOf: (code: string) => Number(code.slice(1)),
    bounds: BOUNDS,
    places: { isNear },
    now: () => now,
  };
  const cached = new IncidentQueries({ ...deps, recent });
  const fresh = (q = query) => new IncidentQueries({ ...deps, recent }).pointFrame(q);
  const query = PointsQuery.parse({ window: '24h', theme: 'main_road_garbage' });
  return {
    recent,
    cached,
    query,
    fresh,
    at: (t: number) => (now = t),
    moveLots: () => (lots += 1),
    reads: () => reads,
    frame: (q = query) => cached.pointFrame(q),
  };
}

const count = (bytes: Uint8Array) => decodePointColumns(bytes.slice().buffer).count;

describe('the kept point frames', () => {
  it('answer a repeated query with the bytes a new build gives, while nothing changed', async () => {
    const s = setup();
    const first = await s.frame();
    expect(count(first)).toBeGreaterThan(5);
    s.at(T0 + 400); // within the 24 h window's 2-second step (:02.000–:04.000): the same rounded start
    const again = await s.frame();
    expect(again).toBe(first);
    expect(Buffer.from(again).equals(Buffer.from(await s.fresh()))).toBe(true);
    // Another filter is another frame.
    const all = await s.frame(PointsQuery.parse({ window: '24h', theme: 'all' }));
    expect(count(all)).toBeGreaterThan(count(first));
  });

  it('build again when a point arrives, when one leaves the window, and when the lots move', async () => {
    const s = setup();
    const first = await s.frame();
    // A report on a main road: the version moves, the new frame holds it.
    s.recent.add({ ...history()[0]!, lon: 119.9, reportedAt: T0 - 1000, categoryCode: 'E0102' });
    const arrived = await s.frame();
    expect(arrived).not.toBe(first);
    expect(count(arrived)).toBe(count(first) + 1);
    expect(Buffer.from(arrived).equals(Buffer.from(await s.fresh()))).toBe(true);

    // Ten minutes on, the oldest point of the window has left it: the kept frame would still hold it.
    s.at(T0 + 10 * 60_000);
    const later = await s.frame();
    expect(Buffer.from(later).equals(Buffer.from(await s.fresh()))).toBe(true);
    expect(later).not.toBe(arrived);

    // The vacant lots redrawn: the vacant-lot theme's frame is built again with the points judged anew.
    const lotsQuery = PointsQuery.parse({ window: '24h', theme: 'all', categories: 'E0102,E0501' });
    const lotTheme = PointsQuery.parse({ window: '24h', theme: 'vacant_lots', categories: 'E0103' });
    await s.frame(lotsQuery);
    const before = await s.cached.pointFrame(PointsQuery.parse({ window: '24h', theme: 'all' }));
    s.moveLots();
    const after = await s.cached.pointFrame(PointsQuery.parse({ window: '24h', theme: 'all' }));
    expect(after).not.toBe(before);
    expect(Buffer.from(after).equals(Buffer.from(before))).toBe(true);
    expect(count(await s.cached.pointFrame(lotTheme))).toBe(0);
  });

  it('re-base a kept frame whose window start moved on by whole steps, to the bytes of a new build', async () => {
    // Steps of 2 s, 10 s and 119 s: moved on by one step (24 h: no point crosses the start, the
    // oldest lies 1.234 s inside it) and by several (the history is 30 h long).
    for (const [window, later] of [['24h', 1000], ['7d', 60_000], ['90d', 9 * 60_000]] as const) {
      const s = setup();
      const q = PointsQuery.parse({ window, theme: 'main_road_garbage' });
      const first = await s.frame(q);
      const reads = s.reads();
      s.at(T0 + later);
      const moved = await s.frame(q);
      // Re-based, not built again: the points were not read.
      expect(s.reads()).toBe(reads);
      expect(moved).not.toBe(first);
      expect(Buffer.from(moved).equals(Buffer.from(await s.fresh(q)))).toBe(true);
      const a = decodePointColumns(first.slice().buffer);
      const b = decodePointColumns(moved.slice().buffer);
      expect(b.count).toBe(a.count);
      expect(Date.parse(b.since) + b.t[0]! * 1000).toBe(Date.parse(a.since) + a.t[0]! * 1000);
    }
  });

  it('never answers an earlier clock', async () => {
    const s = setup();
    await s.frame();
    s.at(T0 + 5000);
    const moved = await s.frame();
    expect(Buffer.from(moved).equals(Buffer.from(await s.fresh()))).toBe(true);
    s.at(T0 - 60_000);
    const earlier = await s.frame();
    expect(earlier).not.toBe(moved);
    expect(Buffer.from(earlier).equals(Buffer.from(await s.fresh()))).toBe(true);
  });
});
