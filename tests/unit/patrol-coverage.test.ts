import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { City } from '../../shared/index.js';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { ChangedCells, PatrolCoverage, type PatrolCoverageOptions } from '../../server/coverage/patrolCoverage.js';
import { CoverageService } from '../../server/coverage/coverageService.js';
import { decodeCellFrame, unitToByte } from '../../shared/index.js';
import { PatrolSegmentWalker } from '../../server/coverage/patrolSegments.js';
import type { AreaFeature } from '../../server/grid/cellRings.js';
import { GridIndex } from '../../server/grid/gridIndex.js';
import { PROJECT_ROOT } from '../../server/paths.js';

/*
 * The small grid, in units of 0.001° (about 94.7 m east–west and 110.6 m north–south here), row 0
 * the southernmost. A, B, C, D are squares; E and F share a slanted edge from (2, 1) to (2.3, 2.2);
 * G is a U around H, so a straight track can leave G and come back.
 *
 *   3 +----+----+----+
 *     | G  | H  |  G |
 *   2.5    +----+    |
 *     |            __+  (2.3, 2.2)
 *   2 +----+---/-'   |
 *     | D  | E /  F  |
 *   1 +----+--+------+
 *     | A  | B  |  C |
 *   0 +----+----+----+
 *     0    1    2    3
 */
const UNIT = 0.001;
const LON0 = 120;
const LAT0 = 31.7;
const pt = (x: number, y: number): [number, number] => [LON0 + x * UNIT, LAT0 + y * UNIT];
const square = (x: number, y: number) => [pt(x, y), pt(x + 1, y), pt(x + 1, y + 1), pt(x, y + 1), pt(x, y)];
const poly = (...xy: [number, number][]) => [...xy.map(([x, y]) => pt(x, y)), pt(...xy[0]!)];
const NAMES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] as const;
type Name = (typeof NAMES)[number];
const SMALL: AreaFeature[] = [
  square(0, 0),
  square(1, 0),
  square(2, 0),
  square(0, 1),
  poly([1, 1], [2, 1], [2.3, 2.2], [1, 2]),
  poly([2, 1], [3, 1], [3, 2], [2.3, 2.2]),
  poly([0, 2], [1, 2], [2.3, 2.2], [3, 2], [3, 3], [2, 3], [2, 2.5], [1, 2.5], [1, 3], [0, 3]),
  poly([1, 2.5], [2, 2.5], [2, 3], [1, 3]),
].map((ring) => ({ geometry: { type: 'Polygon' as const, coordinates: [ring] } }));
const cell = (n: Name) => NAMES.indexOf(n);
const nameOf = (k: number) => NAMES[k]!;

const T0 = Date.parse('2026-11-23T08:10:00+08:00');
const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;

function small(opts: PatrolCoverageOptions = {}): PatrolCoverage {
  return new PatrolCoverage(SMALL, opts);
}

/** Feeds fixes [x, y, seconds after T0] of one tracker; returns the names of the cells each changed. */
function drive(engine: PatrolCoverage, tracker: string, fixes: [number, number, number][]): Name[][] {
  return fixes.map(([x, y, s]) => [...engine.update(tracker, ...pt(x, y), T0 + s * S)].map(nameOf).sort());
}

function patrolled(engine: PatrolCoverage): Name[] {
  return NAMES.filter((n) => !Number.isNaN(engine.lastPatrolAt(cell(n))));
}

describe('patrol coverage on a small constructed grid', () => {
  it('counts a cell that a fast segment crosses between two fixes, at the time it crossed', () => {
    const engine = small();
    // 189 m in 5 s (136 km/h): the fixes land in A and C, the track crosses B between them.
    const changed = drive(engine, 'team-1', [
      [0.5, 0.5, 0],
      [2.5, 0.5, 5],
    ]);
    expect(changed).toEqual([['A'], ['A', 'B', 'C']]);
    expect(patrolled(engine)).toEqual(['A', 'B', 'C']);
    // B lies between a quarter and three quarters of the way: the middle of its piece is at 2.5 s.
    expect(engine.lastPatrolAt(cell('B'))).toBeCloseTo(T0 + 2.5 * S, 0);
    expect(engine.lastPatrolAt(cell('C'))).toBeGreaterThan(T0 + 4 * S);
    expect(engine.lastPatrolAt(cell('C'))).toBeLessThan(T0 + 5 * S);
    expect(engine.lastTracker(cell('B'))).toBe('team-1');
    expect(NAMES.map((n) => engine.windowPasses(cell(n)))).toEqual([1, 1, 1, 0, 0, 0, 0, 0]);

    // Across the slanted edge from E to F and up into G, in one segment.
    drive(engine, 'team-2', [
      [1.5, 1.5, 10],
      [2.5, 1.3, 14],
      [2.6, 2.6, 19],
    ]);
    expect(patrolled(engine)).toEqual(['A', 'B', 'C', 'E', 'F', 'G']);
  });

  it('counts a track along a shared edge for one side only, the side locate gives the edge to', () => {
    const index = new GridIndex(SMALL);
    const engine = small();
    // Up the edge x = 1 between A and B, on past the corner between D and E: B then E (the +x side).
    drive(engine, 'v', [
      [1, 0.1, 0],
      [1, 0.5, 5],
      [1, 0.9, 10],
      [1, 1.4, 15],
      [1, 1.9, 20],
    ]);
    expect(patrolled(engine)).toEqual(['B', 'E']);
    expect(nameOf(index.locate(...pt(1, 0.5)))).toBe('B');
    // A short step over the corner, where the east–west edges are as near as the edge it follows.
    const corner = small();
    drive(corner, 'c', [
      [1, 0.95, 0],
      [1, 1.04, 1],
      [1, 1.3, 4],
    ]);
    expect(patrolled(corner)).toEqual(['B', 'E']);

    // East along y = 1 between A and D: D only (the north side of an east–west edge).
    const h = small();
    drive(h, 'h', [
      [0.1, 1, 0],
      [0.5, 1, 5],
      [0.9, 1, 10],
    ]);
    expect(patrolled(h)).toEqual(['D']);

    // Along the slanted edge between E and F, fixes interpolated on it (so off it by rounding): F only.
    const s = small();
    const [ax, ay] = pt(2, 1);
    const [bx, by] = pt(2.3, 2.2);
    const on = (f: number): [number, number] => [ax + f * (bx - ax), ay + f * (by - ay)];
    [0.05, 0.3, 0.55, 0.8, 0.95].forEach((f, i) => s.update('s', ...on(f), T0 + i * 5 * S));
    expect(patrolled(s)).toEqual(['F']);
    expect(s.windowPasses(cell('F'))).toBe(1);

    // Wobbling across the edge by up to 2 m (GPS noise, within the 3 m tolerance): still F alone.
    const w = small();
    const east = 2 / (111_320 * Math.cos((LAT0 * Math.PI) / 180));
    [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95].forEach((f, i) => {
      const [x, y] = on(f);
      w.update('w', x + (i % 2 === 0 ? east : -east), y, T0 + i * 3 * S);
    });
    expect(patrolled(w)).toEqual(['F']);
    expect(w.windowPasses(cell('F'))).toBe(1);

    // With no tolerance, the same wobble crosses the edge: both sides are patrolled.
    const exact = small({ edgeToleranceM: 0 });
    [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95].forEach((f, i) => {
      const [x, y] = on(f);
      exact.update('w', x + (i % 2 === 0 ? east : -east), y, T0 + i * 3 * S);
    });
    expect(patrolled(exact)).toEqual(['E', 'F']);
  });

  it('counts a cell a segment leaves and re-enters once', () => {
    const engine = small();
    const walker = engine.walker;
    // Along y = 2.75 from G's west arm through H into G's east arm.
    expect(walker.walk(...pt(0.5, 2.75), ...pt(2.5, 2.75))).toBe(2);
    expect([...walker.cells.subarray(0, 2)].map(nameOf)).toEqual(['G', 'H']);
    // G's time is that of its last piece (x from 2 to 2.5: the middle is at 7/8 of the segment).
    expect(walker.at[0]).toBeCloseTo(0.875, 1);
    expect(walker.endCell).toBe(cell('G'));

    drive(engine, 'u', [
      [0.5, 2.75, 0],
      [2.5, 2.75, 5],
    ]);
    expect(engine.windowPasses(cell('G'))).toBe(1);
    expect(engine.windowPasses(cell('H'))).toBe(1);
    expect(engine.lastPatrolAt(cell('G'))).toBeGreaterThan(T0 + 4 * S);
  });

  it('ignores a GPS jump and a long gap: only the end fix counts', () => {
    const jump = small();
    // 189 m in one second is 680 km/h.
    expect(drive(jump, 'j', [
      [0.5, 0.5, 0],
      [2.5, 0.5, 1],
    ])).toEqual([['A'], ['C']]);
    expect(patrolled(jump)).toEqual(['A', 'C']);
    expect(jump.stats()).toMatchObject({ fixes: 2, segments: 0, implausible: 1 });

    // Ten minutes of silence: no one knows which way it went.
    const gap = small();
    drive(gap, 'g', [
      [0.5, 0.5, 0],
      [2.5, 0.5, 600],
    ]);
    expect(patrolled(gap)).toEqual(['A', 'C']);

    // A stale fix (older than the tracker's last) changes nothing.
    expect(drive(gap, 'g', [[1.5, 0.5, 300]])).toEqual([[]]);
    expect(gap.stats().stale).toBe(1);
  });

  it('counts passes in a sliding window that drops them as time passes', () => {
    const engine = small();
    const hour0 = Math.floor(T0 / HOUR) * HOUR;
    engine.update('a', ...pt(1.5, 0.5), T0);
    expect(engine.windowPasses(cell('B'))).toBe(1);
    // Another tracker 12 hours later.
    engine.update('b', ...pt(1.5, 0.5), T0 + 12 * HOUR);
    expect(engine.windowPasses(cell('B'))).toBe(2);
    expect(engine.lastTracker(cell('B'))).toBe('b');
    // The window holds the current hour and the 23 before it.
    expect([...engine.advanceTo(hour0 + 23 * HOUR + 59 * MIN)]).toEqual([]);
    expect(engine.windowPasses(cell('B'))).toBe(2);
    expect([...engine.advanceTo(hour0 + 24 * HOUR)].map(nameOf)).toEqual(['B']);
    expect(engine.windowPasses(cell('B'))).toBe(1);
    expect([...engine.advanceTo(T0 + 40 * HOUR)].map(nameOf)).toEqual(['B']);
    expect(engine.windowPasses(cell('B'))).toBe(0);
    // The last patrol stays known.
    expect(engine.lastPatrolAt(cell('B'))).toBe(T0 + 12 * HOUR);
    // Moving backwards does nothing.
    expect([...engine.advanceTo(T0)]).toEqual([]);
  });

  it('keeps one pass while a tracker stays in a cell or comes straight back, and counts a later return', () => {
    const engine = small();
    drive(engine, 'p', [
      [0.2, 0.5, 0],
      [0.4, 0.5, 30],
      [0.6, 0.5, 60],
      [1.5, 0.5, 90], // into B
      [0.5, 0.5, 120], // back to A within 10 minutes: the same pass
    ]);
    expect(engine.windowPasses(cell('A'))).toBe(1);
    expect(engine.windowPasses(cell('B'))).toBe(1);
    // Back to B after 20 minutes in A.
    for (let s = 150; s <= 1320; s += 30) engine.update('p', ...pt(0.5, 0.5), T0 + s * S);
    engine.update('p', ...pt(1.5, 0.5), T0 + 1350 * S);
    expect(engine.windowPasses(cell('A'))).toBe(1);
    expect(engine.windowPasses(cell('B'))).toBe(2);
    // Two trackers in the same cell are two passes, however they interleave.
    engine.update('q', ...pt(1.6, 0.5), T0 + 1351 * S);
    engine.update('p', ...pt(1.5, 0.6), T0 + 1355 * S);
    engine.update('q', ...pt(1.6, 0.4), T0 + 1356 * S);
    expect(engine.windowPasses(cell('B'))).toBe(3);
  });

  it('reports as changed exactly the cells whose values changed', () => {
    const fix = fc.record({
      tracker: fc.constantFrom('t1', 't2', 't3'),
      x: fc.double({ min: -0.3, max: 3.3, noNaN: true }),
      y: fc.double({ min: -0.3, max: 3.3, noNaN: true }),
      dtS: fc.integer({ min: 0, max: 900 }),
      advance: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(fix, { minLength: 1, maxLength: 60 }), (fixes) => {
        const engine = small({ maxGapMs: 10 * MIN, samePassGapMs: 2 * MIN });
        let now = T0;
        let before = engine.snapshot();
        for (const f of fixes) {
          now += f.dtS * S * (f.advance ? 30 : 1);
          const changed = f.advance && f.dtS % 3 === 0 ? engine.advanceTo(now) : engine.update(f.tracker, ...pt(f.x, f.y), now);
          const after = engine.snapshot();
          const differs = new Set<number>();
          for (let c = 0; c < SMALL.length; c++) {
            const same =
              Object.is(before.lastPatrolAt[c], after.lastPatrolAt[c]) &&
              before.windowPasses[c] === after.windowPasses[c] &&
              before.lastTracker[c] === after.lastTracker[c];
            if (!same) differs.add(c);
          }
          expect(new Set(changed)).toEqual(differs);
          expect(changed.length).toBe(differs.size);
          expect(after.version).toBe(before.version + (differs.size > 0 ? 1 : 0));
          before = after;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('collects changes over many calls, each cell once, ascending', () => {
    const acc = new ChangedCells(10);
    acc.add([5, 2]);
    acc.add(new Int32Array([2, 9, 0]));
    expect(acc.size).toBe(4);
    expect([...acc.take()]).toEqual([0, 2, 5, 9]);
    expect(acc.size).toBe(0);
    acc.add([2]);
    expect([...acc.take()]).toEqual([2]);
  });
});

describe('patrol coverage over the default city', () => {
  let city: City;
  let cells: City['layers']['grid']['features'];
  let index: GridIndex;
  let kx: number;
  const ky = 110_574;

  beforeAll(() => {
    city = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: 320412 }).city;
    cells = city.layers.grid.features;
    index = new GridIndex(cells);
    kx = 111_320 * Math.cos((((index.bbox[1] + index.bbox[3]) / 2) * Math.PI) / 180);
  });

  /** The point `metres` from (lon, lat) along the unit direction (ux, uy) given in metres. */
  const offset = (lon: number, lat: number, ux: number, uy: number, metres: number): [number, number] => [
    lon + (ux * metres) / kx,
    lat + (uy * metres) / ky,
  ];

  /** A plain quad cell well inside the city and its four corners in ring order. */
  function quadNearCentre(): { k: number; ring: number[][] } {
    const [x0, y0, x1, y1] = index.bbox;
    for (let step = 0; step < 400; step++) {
      const k = index.locate(x0 + ((x1 - x0) * (40 + (step % 20))) / 100, y0 + ((y1 - y0) * (40 + Math.floor(step / 20))) / 100);
      const g = k >= 0 ? cells[k]!.geometry : null;
      if (g?.type === 'Polygon' && g.coordinates.length === 1 && g.coordinates[0]!.length === 5) return { k, ring: g.coordinates[0]! };
    }
    throw new Error('no quad near the centre');
  }

  it('counts the cell between two fixes that land two cells apart, which locating the fixes misses', () => {
    const { k, ring } = quadNearCentre();
    const centroid = (r: number[][]) => [0, 1].map((d) => (r[0]![d]! + r[1]![d]! + r[2]![d]! + r[3]![d]!) / 4) as [number, number];
    const [cx, cy] = centroid(ring);
    // Out through the middle of the edge ring[1]–ring[2] into the neighbour, and on through the
    // neighbour's opposite edge into the next cell.
    const mid = [(ring[1]![0]! + ring[2]![0]!) / 2, (ring[1]![1]! + ring[2]![1]!) / 2] as [number, number];
    const dirX = (mid[0] - cx) * kx;
    const dirY = (mid[1] - cy) * ky;
    const len = Math.hypot(dirX, dirY);
    const n1 = index.locate(...offset(...mid, dirX / len, dirY / len, 10));
    expect(n1).toBeGreaterThanOrEqual(0);
    const far = offset(cx, cy, dirX / len, dirY / len, 4 * len);
    const n2 = index.locate(...far);
    expect(new Set([k, n1, n2]).size).toBe(3);
    const engine = new PatrolCoverage(cells, {}, index);
    engine.update('team-9', cx, cy, T0);
    const changed = [...engine.update('team-9', ...far, T0 + 6 * S)].sort((a, b) => a - b);
    expect(changed).toEqual([k, n1, n2].sort((a, b) => a - b));
    expect(cells[n1]!.properties.code).toMatch(/^\d{15}$/);
    // Locating the two fixes alone sees k and n2, never n1.
    expect([index.locate(cx, cy), index.locate(...far)]).toEqual([k, n2]);
  });

  it('counts a patrol along a road (which follows cell edges) for one side of each edge, the owner', () => {
    const engine = new PatrolCoverage(cells, {}, index);
    // A long road away from the lake: the middle of every edge and every vertex after the first, at
    // 40 km/h. (A first fix on a vertex is a point where four cells meet, and any of them may take it.)
    const road = city.layers.roads.features
      .filter((r) => r.geometry.coordinates.length >= 6)
      .find((r) => r.geometry.coordinates.every(([lon, lat]) => [1, -1].every((s) => index.locate(lon! + s * 2e-5, lat! + s * 2e-5) >= 0)));
    expect(road).toBeDefined();
    const vs = road!.geometry.coordinates as [number, number][];
    const fixes: [number, number][] = [];
    vs.forEach((v, i) => {
      if (i > 0) fixes.push(v);
      if (i + 1 < vs.length) fixes.push([(v[0] + vs[i + 1]![0]) / 2, (v[1] + vs[i + 1]![1]) / 2]);
    });
    let t = T0;
    for (let i = 0; i < fixes.length; i++) {
      if (i > 0) t += ((Math.hypot((fixes[i]![0] - fixes[i - 1]![0]) * kx, (fixes[i]![1] - fixes[i - 1]![1]) * ky) / 40) * 3.6) * S;
      engine.update('team-road', ...fixes[i]!, t);
    }
    // Each edge's owner: the cell on the side of its normal pointing east (north for an east–west edge).
    const owners = new Set<number>();
    const others = new Set<number>();
    for (let i = 0; i + 1 < vs.length; i++) {
      const [a, b] = [vs[i]!, vs[i + 1]!];
      const ex = (b[0] - a[0]) * kx;
      const ey = (b[1] - a[1]) * ky;
      let [nx, ny] = [ey / Math.hypot(ex, ey), -ex / Math.hypot(ex, ey)];
      if (nx < 0 || (nx === 0 && ny < 0)) [nx, ny] = [-nx, -ny];
      const m = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2] as [number, number];
      owners.add(index.locate(...offset(...m, nx, ny, 10)));
      others.add(index.locate(...offset(...m, -nx, -ny, 10)));
    }
    const got = new Set(cells.map((_, c) => c).filter((c) => !Number.isNaN(engine.lastPatrolAt(c))));
    expect(got).toEqual(owners);
    for (const c of others) expect(got.has(c)).toBe(false);
    // One pass each, though several fixes and segments touched most of them.
    for (const c of owners) expect(engine.windowPasses(c)).toBe(1);
  });

  /**
   * The property against an independent reference. Reference: locate() at points every 0.5 m along
   * each segment, both ends included. Tolerance, precisely: a cell may be in one set and not the
   * other only if no point of the track lies deeper inside it than D (checked on points every 5 cm,
   * so D plus 2.5 cm) and the track comes within D of it, where D = 0.5 m (the sampling step: a
   * stretch shorter than that can fall between samples) with no edge tolerance, or the engine's edge
   * tolerance where that is larger (the stretch within it of an edge counts for the edge's owner).
   */
  function checkAgainstReference(engineOpts: PatrolCoverageOptions, allowedDepthM: number, runs: number) {
    const [x0, y0, x1, y1] = index.bbox;
    const polyline = fc.record({
      // Integers scaled down: fc.double favours its bounds and tiny values, too often for this.
      start: fc.tuple(fc.integer({ min: 1_000, max: 9_000 }), fc.integer({ min: 1_000, max: 9_000 })).map(([a, b]) => [a / 10_000, b / 10_000] as const),
      steps: fc.array(
        fc.tuple(fc.integer({ min: 0, max: 359_999 }), fc.integer({ min: 5, max: 3_000 })).map(([a, m]) => [(a / 180_000) * Math.PI, m / 10] as const),
        { minLength: 1, maxLength: 5 },
      ),
    });
    fc.assert(
      fc.property(polyline, ({ start, steps }) => {
        const pts: [number, number][] = [[x0 + start[0] * (x1 - x0), y0 + start[1] * (y1 - y0)]];
        for (const [angle, m] of steps) pts.push(offset(...pts[pts.length - 1]!, Math.cos(angle), Math.sin(angle), m));
        const engine = new PatrolCoverage(cells, engineOpts, index);
        // 10 m/s, never a gap: every segment is walked.
        let t = T0;
        pts.forEach((p, i) => {
          if (i > 0) t += Math.ceil(steps[i - 1]![1] / 10) * S;
          engine.update('x', ...p, t);
        });
        const got = new Set<number>();
        for (let c = 0; c < cells.length; c++) if (!Number.isNaN(engine.lastPatrolAt(c))) got.add(c);
        const ref = new Set<number>();
        const sample = (stepM: number, visit: (lon: number, lat: number) => void) => {
          for (let i = 0; i + 1 < pts.length; i++) {
            const [a, b] = [pts[i]!, pts[i + 1]!];
            const n = Math.max(1, Math.ceil(Math.hypot((b[0] - a[0]) * kx, (b[1] - a[1]) * ky) / stepM));
            for (let j = 0; j <= n; j++) visit(a[0] + ((b[0] - a[0]) * j) / n, a[1] + ((b[1] - a[1]) * j) / n);
          }
        };
        sample(0.5, (lon, lat) => {
          const c = index.locate(lon, lat);
          if (c >= 0) ref.add(c);
        });
        const differing = [...got].filter((c) => !ref.has(c)).concat([...ref].filter((c) => !got.has(c)));
        for (const c of differing) {
          const edges = edgesOf(c);
          let depth = 0;
          sample(0.05, (lon, lat) => {
            if (index.locate(lon, lat) === c) depth = Math.max(depth, distanceToEdges(lon, lat, edges));
          });
          expect(depth, `cell ${c} differs but the track goes ${depth} m into it`).toBeLessThanOrEqual(allowedDepthM + 0.025);
          let near = Infinity;
          sample(0.05, (lon, lat) => {
            near = Math.min(near, distanceToEdges(lon, lat, edges));
          });
          expect(near).toBeLessThanOrEqual(allowedDepthM + 0.025);
        }
      }),
      { numRuns: runs },
    );
  }

  /** Edges of cell c in metres relative to nothing in particular: [ax, ay, bx, by] in the test's frame. */
  function edgesOf(c: number): number[][] {
    const g = cells[c]!.geometry;
    const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
    const out: number[][] = [];
    for (const r of rings) for (let i = 0; i + 1 < r.length; i++) out.push([r[i]![0]! * kx, r[i]![1]! * ky, r[i + 1]![0]! * kx, r[i + 1]![1]! * ky]);
    return out;
  }

  function distanceToEdges(lon: number, lat: number, edges: number[][]): number {
    const px = lon * kx;
    const py = lat * ky;
    let best = Infinity;
    for (const [ax, ay, bx, by] of edges) {
      const dx = bx! - ax!;
      const dy = by! - ay!;
      const u = Math.max(0, Math.min(1, ((px - ax!) * dx + (py - ay!) * dy) / (dx * dx + dy * dy)));
      best = Math.min(best, Math.hypot(px - ax! - u * dx, py - ay! - u * dy));
    }
    return best;
  }

  it('visits the cells a dense sampling visits, up to cells touched within 0.5 m of their boundary (no edge tolerance)', () => {
    checkAgainstReference({ edgeToleranceM: 0 }, 0.5, 60);
  });

  it('visits the cells a dense sampling visits, up to cells touched within 3 m of their boundary (default tolerance)', () => {
    checkAgainstReference({}, 3, 60);
  });

  it('walks a point and a zero-length segment to the cell that contains it', () => {
    const walker = new PatrolSegmentWalker(cells, {}, index);
    const { k, ring } = quadNearCentre();
    const p = [(ring[0]![0]! + ring[2]![0]!) / 2, (ring[0]![1]! + ring[2]![1]!) / 2] as [number, number];
    expect(walker.walk(...p, ...p)).toBe(1);
    expect(walker.cells[0]).toBe(k);
    expect(walker.walk(0, 0, 0, 0)).toBe(0);
    expect(walker.endCell).toBe(-1);
  });
});

describe("the coverage frames' score column", () => {
  const service = () => new CoverageService(small(), { shares: new Float32Array(SMALL.length) }, SMALL.length);
  const takeFrame = (s: CoverageService) => {
    const bytes = s.takeFrame(Date.parse('2026-11-23T09:00:00+08:00'));
    return bytes ? decodeCellFrame(bytes) : null;
  };

  it('is absent until scores are set; then every cell goes out once, and after that only cells whose byte moved', () => {
    const s = service();
    s.addFixes([]);
    expect(decodeCellFrame(s.snapshotFrame(Date.now())).score).toBeUndefined();
    const scores = Float32Array.from(SMALL, (_, c) => (10 * c) / 255);
    s.scoresChanged(scores);
    const first = takeFrame(s)!;
    expect(first.cells).toHaveLength(SMALL.length);
    expect([...first.score!]).toEqual([...scores].map((x) => unitToByte(x)));
    // Less than half a byte's step: nothing to send.
    s.scoresChanged(scores.map((x) => x + 0.4 / 255));
    expect(takeFrame(s)).toBeNull();
    const moved = Float32Array.from(scores);
    moved[1] = 0.9;
    s.scoresChanged(moved);
    const next = takeFrame(s)!;
    expect([...next.cells]).toEqual([1]);
    expect(next.score![0]).toBe(unitToByte(moved[1]!));
    // The snapshot carries every cell's latest score.
    expect(decodeCellFrame(s.snapshotFrame(Date.now())).score![1]).toBe(unitToByte(moved[1]!));
  });
});
