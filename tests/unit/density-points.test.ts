import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePointColumns, encodePointColumns, pointTimeStep, type PointColumnsFrame } from '../../shared/index.js';
import { densityBreaks, densityClass } from '../../client/layers/densityRamp.js';
import { passesDensityFilter, pointsInRows, pointsQueryString } from '../../client/layers/useIncidentPoints.js';
import { playbackSteps, rowsInStep } from '../../client/hotspot/playback.js';

/**
 * The density layers' points and classes: the binary columns round-trip, and the classes by rank keep
 * the bottom half of the areas unpainted and the top tenth in the three strongest colours, whatever
 * the spread of the counts (issue 14: a map on which everything is hot says nothing).
 */

const BOUNDS: [number, number, number, number] = [119.8, 31.6, 120.1, 31.85];
const frameArb = fc
  .record({
    n: fc.integer({ min: 0, max: 300 }),
    seed: fc.array(fc.tuple(fc.double({ min: 119.8, max: 120.1, noNaN: true }), fc.double({ min: 31.6, max: 31.85, noNaN: true }), fc.nat(90 * 86_400), fc.integer({ min: -1, max: 10_066 })), { minLength: 300, maxLength: 300 }),
  })
  .map(({ n, seed }): PointColumnsFrame => ({
    window: '90d',
    since: '2026-09-07T00:00:00.000Z',
    count: n,
    bounds: BOUNDS,
    tStepS: pointTimeStep(90 * 86_400),
    lon: Float32Array.from(seed.slice(0, n), (s) => s[0]),
    lat: Float32Array.from(seed.slice(0, n), (s) => s[1]),
    t: Uint32Array.from(seed.slice(0, n), (s) => s[2]),
    cell: Int32Array.from(seed.slice(0, n), (s) => s[3]),
  }));

describe('the points as binary columns', () => {
  it('decode to what was encoded, positions to 1/65535 of the bounds, times to a step, cells exactly, in 8 bytes a point', () => {
    fc.assert(
      fc.property(frameArb, (f) => {
        const buf = encodePointColumns(f);
        const back = decodePointColumns(buf);
        expect(back.count).toBe(f.count);
        expect([...back.cell]).toEqual([...f.cell]);
        const [w, s, e, n] = BOUNDS;
        for (let i = 0; i < f.count; i++) {
          expect(Math.abs(back.lon[i]! - f.lon[i]!)).toBeLessThanOrEqual((e - w) / 65535 + 1e-5);
          expect(Math.abs(back.lat[i]! - f.lat[i]!)).toBeLessThanOrEqual((n - s) / 65535 + 1e-5);
          expect(Math.abs(back.t[i]! - f.t[i]!)).toBeLessThanOrEqual(f.tStepS / 2);
        }
        expect(buf.byteLength).toBeLessThanOrEqual(8 * f.count + 4 + 200);
      }),
    );
  });

  it('refuse a frame cut short, and a cell past what the frame can index', () => {
    const f = fc.sample(frameArb.filter((x) => x.count > 10), 1)[0]!;
    const buf = encodePointColumns(f);
    expect(() => decodePointColumns(buf.slice(0, buf.byteLength - 12 - 2 * f.count))).toThrow(/do not fit/);
    expect(() => decodePointColumns(new ArrayBuffer(2))).toThrow(/too short/);
    expect(() => encodePointColumns({ ...f, cell: Int32Array.from(f.cell, () => 70_000) })).toThrow(/past what a frame can index/);
  });
});

describe('density classes by rank', () => {
  it('leave the bottom half unpainted and put about a tenth in the top three classes, for any skew', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 5000 }), fc.double({ min: 0.3, max: 3, noNaN: true }), fc.integer({ min: 1, max: 1000 }), (n, skew, seed) => {
        // Counts with a long tail, as incidents per cell are: a few cells hold most.
        let x = seed;
        const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
        const counts = Int32Array.from({ length: n }, () => Math.floor(Math.pow(rand(), -skew)) - 1);
        const breaks = densityBreaks(counts);
        const classes = Array.from(counts, (c) => densityClass(c, breaks));
        const share = (pred: (k: number) => boolean) => classes.filter(pred).length / n;
        expect(share((k) => k >= 1)).toBeLessThanOrEqual(0.5);
        expect(share((k) => k >= 3)).toBeLessThanOrEqual(0.1 + 1e-9);
        expect(share((k) => k === 5)).toBeLessThanOrEqual(0.01 + 1e-9);
      }),
      { numRuns: 40 },
    );
  });

  it('give a city of equal counts no colour at all, and an empty one none', () => {
    expect(densityBreaks(new Int32Array(100).fill(3))).toEqual([3, 3, 3, 3, 3]);
    expect(densityClass(3, [3, 3, 3, 3, 3])).toBe(0);
    expect(densityClass(0, [0, 0, 0, 0, 0])).toBe(0);
    expect(densityClass(4, [0, 1, 2, 3, 3])).toBe(5);
  });
});

describe("the density layers' filter", () => {
  it('asks the server for the theme and filters, and keeps only the arrivals they take', () => {
    expect(pointsQueryString('7d', { theme: 'street_order', family: 'E', sources: ['hotline_12345'], town: '320412001' })).toBe(
      'window=7d&theme=street_order&family=E&sources=hotline_12345&town=320412001',
    );
    const vending = { categoryCode: 'E0508', source: 'hotline_12345' as const, townCode: '320412001' };
    expect(passesDensityFilter(vending, { theme: 'street_order' })).toBe(true);
    expect(passesDensityFilter(vending, { theme: 'street_order', town: '320412100' })).toBe(false);
    expect(passesDensityFilter(vending, { theme: 'all', sources: ['inspector'] })).toBe(false);
    expect(passesDensityFilter({ ...vending, categoryCode: 'E0102' }, { theme: 'street_order' })).toBe(false);
    // Near a main road is for the server to judge: such arrivals wait for the next load.
    expect(passesDensityFilter({ ...vending, categoryCode: 'E0102' }, { theme: 'main_road_garbage' })).toBe(false);
  });
});

describe('time playback', () => {
  const SINCE = Date.parse('2026-11-29T16:00:00Z');

  it('cuts a window into hours, days or weeks, the last cut short by the window end', () => {
    expect(playbackSteps('24h', SINCE)).toHaveLength(24);
    expect(playbackSteps('7d', SINCE)).toHaveLength(7);
    const weeks = playbackSteps('90d', SINCE);
    expect(weeks).toHaveLength(13);
    expect(weeks.at(-1)!.until - weeks.at(-1)!.from).toBe(6 * 86_400_000);
    expect(weeks.every((s, i) => i === 0 || s.from === weeks[i - 1]!.until)).toBe(true);
  });

  it('finds the rows of a step in the ascending times, and shows them as views of the same buffers', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(7 * 86_400 - 1), { maxLength: 400 }), (times) => {
        const t = Uint32Array.from(times).sort();
        const steps = playbackSteps('7d', SINCE);
        let covered = 0;
        for (const step of steps) {
          const [a, b] = rowsInStep(t, t.length, SINCE, step);
          for (let i = a; i < b; i++) expect(SINCE + t[i]! * 1000 >= step.from && SINCE + t[i]! * 1000 < step.until).toBe(true);
          covered += b - a;
        }
        expect(covered).toBe(t.length);
      }),
    );
    const points = {
      window: '7d' as const,
      key: 'k',
      count: 4,
      positions: new Float32Array([1, 1, 2, 2, 3, 3, 4, 4]),
      cells: new Int32Array([10, 20, 30, 40]),
      t: new Uint32Array([0, 100, 90_000, 90_001]),
      sinceMs: SINCE,
      liveGridCodes: ['x'],
    };
    const second = pointsInRows(points, rowsInStep(points.t, points.count, SINCE, playbackSteps('7d', SINCE)[1]!));
    // The last row is a live arrival: not part of any step.
    expect(second.count).toBe(1);
    expect([...second.cells]).toEqual([30]);
    expect(second.positions.buffer).toBe(points.positions.buffer);
  });
});
