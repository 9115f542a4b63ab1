import { describe, expect, it } from 'vitest';
import { decodePointColumns, PointsQuery, type ThemePlace } from '../../shared/index.js';
import { IncidentQueries } from '../../server/incident/incidentQueries.js';
import { RecentPoints } from '../../server/incident/recentPoints.js';
import type { IncidentPoint } from '../../server/store/store.js';

/**
 * Each held point's grid cell index, kept beside it in RecentPoints (a typed column filled at load and
 * at each report, moved with inserts and prunes, rewritten when the grid changes): a frame built from
 * it must give every point the cell that looking its code up gives.
 */

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 8, 0, 0);
const BOUNDS: [number, number, number, number] = [119.88, 31.65, 120.02, 31.75];

const point = (k: number, reportedAt: number): IncidentPoint => ({
  lon: 119.9 + (k % 17) * 0.005,
  lat: 31.66 + (k % 13) * 0.006,
  reportedAt,
  categoryCode: k % 3 === 0 ? 'E0102' : 'E0501',
  source: 'inspector',
  townCode: '320412001',
  // Some codes are not in the grid (the grid of a city re-cut): they must come out as -1.
  gridCode: `G${k % 60}`,
  h3: '',
});

function setup() {
  let now = T0;
  let grid = 0;
  /** The grid: codes G0…G49, in an order that the grid's version turns (a re-cut grid numbers its cells anew). */
  const cellIndexOf = (code: string) => {
    const n = Number(code.slice(1));
    return n < 50 ? (n + grid * 7) % 50 : -1;
  };
  let lookups = 0;
  const isNear = (place: ThemePlace, lon: number) => place === 'near_main_road' && Math.round((lon - 119.9) / 0.005) % 2 === 0;
  const recent = new RecentPoints({ isNear, keepMs: 24 * HOUR, cellIndexOf, gridVersion: () => grid });
  recent.load(
    Array.from({ length: 120 }, (_, i) => point(i, T0 - (120 - i) * 10 * 60_000)),
    T0 - 24 * HOUR,
  );
  const queries = new IncidentQueries({
    store: { incidents: { points: async () => [] } as never },
    cellIndexOf: (code) => {
      lookups += 1;
      return cellIndexOf(code);
    },
    bounds: BOUNDS,
    places: { isNear },
    recent,
    now: () => now,
  });
  return {
    recent,
    queries,
    cellIndexOf,
    lookups: () => lookups,
    regrid: () => (grid += 1),
    advance: (ms: number) => (now += ms),
    now: () => now,
  };
}

/** The frame's points, each with its cell, against the held points' codes looked up afresh. */
async function framed(s: ReturnType<typeof setup>, theme: PointsQuery['theme']) {
  const q = PointsQuery.parse({ window: '24h', theme });
  const frame = decodePointColumns((await s.queries.pointFrame(q)).buffer as ArrayBuffer);
  const now = s.now();
  const expected = (await s.queries.filteredPoints(now - 24 * HOUR, now, { theme })).map((p) => s.cellIndexOf(p.gridCode));
  return { cells: [...frame.cell], expected };
}

describe('the cell column beside the held points', () => {
  it('gives every point of a frame the cell its code names, without looking codes up per request', async () => {
    const s = setup();
    for (const theme of ['all', 'main_road_garbage'] as const) {
      const { cells, expected } = await framed(s, theme);
      expect(cells.length).toBeGreaterThan(10);
      expect(cells).toEqual(expected);
      expect(cells).toContain(-1);
    }
    expect(s.lookups()).toBe(0);
  });

  it('keeps each cell with its point through reports dated back, prunes and a re-cut grid', async () => {
    const s = setup();
    // A report in time order, one dated back among the held points, then one more at the end.
    s.recent.add(point(7, T0 - 5 * 60_000));
    s.recent.add(point(41, T0 - 9 * HOUR - 1));
    s.recent.add(point(55, T0 - 3 * 60_000));
    let { cells, expected } = await framed(s, 'all');
    expect(cells).toEqual(expected);
    const held = s.recent.size;
    s.advance(6 * HOUR);
    s.recent.prune(T0 + 6 * HOUR);
    expect(s.recent.size).toBeLessThan(held);
    ({ cells, expected } = await framed(s, 'all'));
    expect(cells.length).toBe(s.recent.size);
    expect(cells).toEqual(expected);
    const before = cells;
    s.regrid();
    ({ cells, expected } = await framed(s, 'all'));
    expect(cells).toEqual(expected);
    expect(cells.length).toBe(before.length);
    expect(cells).not.toEqual(before);
  });
});
