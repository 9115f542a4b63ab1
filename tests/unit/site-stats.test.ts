import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as turf from '@turf/turf';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { City, SiteGeometry } from '../../shared/index.js';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { defaultSites } from '../../server/site/defaultSites.js';
import {
  beforeAfterOf,
  countSites,
  footprintOf,
  rankSites,
  ratePerHa,
  trendOf,
  weekStartOf,
  weeklyCounts,
  type CountedPoint,
  type SiteShape,
} from '../../server/site/siteStats.js';
import type { StoredSite } from '../../server/store/store.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-06T06:00:00Z');
let city: City;
let sites: StoredSite[];

beforeAll(() => {
  city = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: 320412 }).city;
  sites = defaultSites(city, NOW);
});

/** A square of `side` metres centred on (lon, lat), flat-earth. */
function square(lon: number, lat: number, side: number): SiteGeometry {
  const dLon = side / 2 / (111_320 * Math.cos((lat * Math.PI) / 180));
  const dLat = side / 2 / 110_574;
  return { type: 'Polygon', coordinates: [[[lon - dLon, lat - dLat], [lon + dLon, lat - dLat], [lon + dLon, lat + dLat], [lon - dLon, lat + dLat], [lon - dLon, lat - dLat]]] };
}

describe('the default sites', () => {
  it('are the 46 lots of the vacant-lots layer and every material yard, idle, with rectangles of 30–80 m sides', () => {
    const lots = sites.filter((s) => s.kind === 'vacant_lot');
    const yards = sites.filter((s) => s.kind === 'material_yard');
    expect(lots).toHaveLength(46);
    expect(yards).toHaveLength(city.layers.pois.features.filter((p) => p.properties.kind === 'material_yard').length);
    expect(yards.length).toBeGreaterThan(0);
    expect(sites.every((s) => s.status === 'idle' && s.treatedAt === null)).toBe(true);
    expect(lots[0]!.name.zh).toMatch(/1号闲置地块$/);
    for (const y of yards) {
      const ring = (y.geometry as { coordinates: [number, number][][] }).coordinates[0]!;
      expect(ring).toHaveLength(5);
      const sides = [0, 1].map((i) => turf.distance(ring[i]!, ring[i + 1]!, { units: 'meters' }));
      for (const s of sides) {
        expect(s).toBeGreaterThanOrEqual(29.5);
        expect(s).toBeLessThanOrEqual(80.5);
      }
      expect(y.areaM2).toBeCloseTo(sides[0]! * sides[1]!, -1);
      // Its POI lies inside it.
      const poi = city.layers.pois.features.find((p) => `yard-${p.properties.id}` === y.id)!;
      expect(turf.booleanPointInPolygon(poi.geometry.coordinates, y.geometry)).toBe(true);
    }
    // Deterministic: the same city seeds the same sites.
    expect(JSON.stringify(defaultSites(city, NOW))).toBe(JSON.stringify(sites));
  });
});

describe('site figures', () => {
  it('count as a brute-force turf computation does, for random points around real lots and yards', () => {
    const chosen = [...sites.filter((s) => s.kind === 'vacant_lot').slice(0, 4), ...sites.filter((s) => s.kind === 'material_yard').slice(0, 2)];
    const windowMs = 30 * DAY;
    const point = (s: StoredSite) =>
      fc.record({
        site: fc.constant(s),
        dx: fc.double({ min: -250, max: 250, noNaN: true }),
        dy: fc.double({ min: -250, max: 250, noNaN: true }),
        age: fc.double({ min: 0, max: 200 * DAY, noNaN: true }),
        code: fc.constantFrom('E0102', 'E0103', 'E0305', 'E0507', 'C0305'),
      });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(...chosen.map(point)), { minLength: 0, maxLength: 300 }),
        fc.constantFrom(0, 25, 50, 100),
        fc.array(fc.option(fc.integer({ min: 1, max: 150 }), { nil: null }), { minLength: chosen.length, maxLength: chosen.length }),
        (raw, bufferM, treatedDaysAgo) => {
          const shapes: SiteShape[] = chosen.map((s, k) => ({ id: s.id, geometry: s.geometry, treatedAt: treatedDaysAgo[k] == null ? null : NOW - treatedDaysAgo[k]! * DAY }));
          const points: CountedPoint[] = raw.map((r) => {
            const c = turf.centroid(r.site.geometry as never).geometry.coordinates as [number, number];
            const lat = c[1] + r.dy / 110_574;
            const lon = c[0] + r.dx / (111_320 * Math.cos((c[1] * Math.PI) / 180));
            return { lon, lat, reportedAt: Math.floor(NOW - r.age), categoryCode: r.code };
          });
          const counts = countSites(shapes, points, { now: NOW, windowMs, bufferM });
          for (const s of shapes) {
            const lot = turf.feature(s.geometry);
            const grown = bufferM > 0 ? turf.buffer(lot, bufferM, { units: 'meters', steps: 8 })! : lot;
            const inGrown = (p: CountedPoint) => turf.booleanPointInPolygon([p.lon, p.lat], grown as never);
            const current = points.filter((p) => p.reportedAt >= NOW - windowMs && p.reportedAt < NOW && inGrown(p));
            const previous = points.filter((p) => p.reportedAt < NOW - windowMs && p.reportedAt >= NOW - 2 * windowMs && inGrown(p));
            const got = counts.get(s.id)!;
            expect(got.withinBuffer).toBe(current.length);
            expect(got.inside).toBe(current.filter((p) => turf.booleanPointInPolygon([p.lon, p.lat], lot as never)).length);
            expect(got.previous).toBe(previous.length);
            expect(Object.values(got.byCategory).reduce((a, b) => a + b, 0)).toBe(current.length);
            expect(got.ratePerHa).toBeCloseTo(current.length / (turf.area(grown) / 10_000), 2);
            if (s.treatedAt === null) expect(got.beforeAfter).toBeNull();
            else {
              const before = points.filter((p) => p.reportedAt >= s.treatedAt! - 90 * DAY && p.reportedAt < s.treatedAt! && inGrown(p)).length;
              const after = points.filter((p) => p.reportedAt >= s.treatedAt! && p.reportedAt < NOW && inGrown(p)).length;
              expect(got.beforeAfter).toEqual(beforeAfterOf(before, after, s.treatedAt, NOW));
            }
          }
        },
      ),
      { numRuns: 25, seed: 20261206 },
    );
  });

  it('rate per hectare is per hectare of the lot grown by the buffer', () => {
    // A 100 m square is one hectare: with no buffer, 10 incidents inside are 10 per hectare.
    const geometry = square(119.95, 31.7, 100);
    const points = Array.from({ length: 10 }, (_, i) => ({ lon: 119.95 + (i - 5) * 1e-5, lat: 31.7, reportedAt: NOW - DAY, categoryCode: 'E0102' }));
    const bare = countSites([{ id: 'sq', geometry, treatedAt: null }], points, { now: NOW, windowMs: 7 * DAY, bufferM: 0 }).get('sq')!;
    expect(bare.bufferedHa).toBeCloseTo(1, 2);
    expect(bare.ratePerHa).toBeCloseTo(10, 1);
    expect(bare.inside).toBe(10);
    // Grown by 50 m the square is about (200 × 200 m less the rounded corners) ≈ 3.8 ha: the same 10 incidents dilute.
    const grown = countSites([{ id: 'sq', geometry, treatedAt: null }], points, { now: NOW, windowMs: 7 * DAY, bufferM: 50 }).get('sq')!;
    expect(grown.bufferedHa).toBeGreaterThan(3.7);
    expect(grown.bufferedHa).toBeLessThan(4);
    expect(grown.ratePerHa).toBeCloseTo(10 / grown.bufferedHa, 2);
    expect(ratePerHa(5, 2)).toBe(2.5);
  });

  it('trend compares the window with the one before; nothing before is no trend', () => {
    expect(trendOf(12, 8)).toBe(0.5);
    expect(trendOf(4, 8)).toBe(-0.5);
    expect(trendOf(3, 0)).toBeNull();
    expect(trendOf(0, 0)).toBeNull();
  });

  it('before/after is per 30 days over 90 days before and the days since, up to 90', () => {
    expect(beforeAfterOf(9, 6, NOW - 30 * DAY, NOW)).toEqual({ beforePer30d: 3, afterPer30d: 6, afterDays: 30 });
    expect(beforeAfterOf(9, 12, NOW - 200 * DAY, NOW)).toEqual({ beforePer30d: 3, afterPer30d: 4, afterDays: 90 });
    expect(beforeAfterOf(9, 0, NOW - 3_600_000, NOW)).toEqual({ beforePer30d: 3, afterPer30d: null, afterDays: 0 });
  });

  it('ranks by rate, then count, then id', () => {
    const stats = (ratePerHa: number, withinBuffer: number) => ({ inside: 0, withinBuffer, byCategory: {}, bufferedHa: 1, ratePerHa, previous: 0, change: null, beforeAfter: null });
    const ranked = rankSites([
      { id: 'b', stats: stats(2, 4) },
      { id: 'a', stats: stats(2, 4) },
      { id: 'c', stats: stats(5, 1) },
      { id: 'd', stats: stats(2, 9) },
    ]);
    expect(ranked.map((s) => [s.id, s.stats.rank])).toEqual([['c', 1], ['d', 2], ['a', 3], ['b', 4]]);
  });

  it('history is 26 weeks from Monday 00:00 China time, by category class', () => {
    const monday = weekStartOf(NOW);
    // 2026-12-06 is a Sunday: its week began on Monday 2026-11-30, 00:00 in China (16:00 UTC the day before).
    expect(new Date(monday).toISOString()).toBe('2026-11-29T16:00:00.000Z');
    const geometry = square(119.95, 31.7, 60);
    const at = (t: number, code: string) => ({ lon: 119.95, lat: 31.7, reportedAt: t, categoryCode: code });
    const weeks = weeklyCounts(footprintOf({ id: 'sq', geometry, treatedAt: null }, 50), [at(monday, 'E0102'), at(monday - 1, 'E0305'), at(monday - 1, 'E0307'), at(NOW - 200 * DAY, 'E0102'), { ...at(NOW - DAY, 'E0102'), lon: 120.1 }], NOW, 26);
    expect(weeks).toHaveLength(26);
    expect(weeks[25]).toEqual({ start: monday, total: 1, byClass: { E01: 1 } });
    expect(weeks[24]).toEqual({ start: monday - 7 * DAY, total: 2, byClass: { E03: 2 } });
    expect(weeks.slice(0, 24).every((w) => w.total === 0)).toBe(true);
  });
});

/**
 * A table anyone can open and check by hand (tests/fixtures/site-stats/): a 100 m square (1 ha), a
 * 60 × 40 m yard and an 80 m square fenced 30 days ago, with incidents placed inside, in the 50 m
 * buffer and beyond it, each with a note saying where. `REGEN=1` rewrites out/ when a change is meant.
 */
describe('the site-stats fixture', () => {
  const dir = join(PROJECT_ROOT, 'tests', 'fixtures', 'site-stats');
  it('gives the figures of out/stats.json, and leaves its input as it was', () => {
    const sitesIn = readFileSync(join(dir, 'in', 'sites.geojson'), 'utf8');
    const pointsIn = readFileSync(join(dir, 'in', 'incidents.json'), 'utf8');
    const fcIn = JSON.parse(sitesIn) as { features: { geometry: SiteGeometry; properties: { id: string; treatedAt: string | null } }[] };
    const input = JSON.parse(pointsIn) as { now: string; windowDays: number; incidents: { lon: number; lat: number; reportedAt: string; categoryCode: string }[] };
    const shapes: SiteShape[] = fcIn.features.map((f) => ({ id: f.properties.id, geometry: f.geometry, treatedAt: f.properties.treatedAt ? Date.parse(f.properties.treatedAt) : null }));
    const points: CountedPoint[] = input.incidents.map((p) => ({ lon: p.lon, lat: p.lat, reportedAt: Date.parse(p.reportedAt), categoryCode: p.categoryCode }));
    const counts = countSites(shapes, points, { now: Date.parse(input.now), windowMs: input.windowDays * DAY, bufferM: 50 });
    const ranked = rankSites(shapes.map((s) => ({ id: s.id, stats: counts.get(s.id)! })));
    const out = JSON.stringify({ bufferM: 50, windowDays: input.windowDays, sites: ranked }, null, 1) + '\n';
    const file = join(dir, 'out', 'stats.json');
    if (process.env.REGEN) writeFileSync(file, out);
    expect(out).toBe(readFileSync(file, 'utf8'));
    // The hand-made checks the file is read against.
    const square = ranked.find((s) => s.id === 'square')!.stats;
    expect(square).toMatchObject({ inside: 3, withinBuffer: 5, previous: 2, change: 1.5 });
    expect(square.bufferedHa).toBeCloseTo(1 + 2 + Math.PI / 4, 1);
    expect(ranked.find((s) => s.id === 'yard')!.stats).toMatchObject({ inside: 1, withinBuffer: 2, previous: 0, change: null });
    expect(ranked.find((s) => s.id === 'treated')!.stats.beforeAfter).toEqual({ beforePer30d: 3, afterPer30d: 6, afterDays: 30 });
    expect(readFileSync(join(dir, 'in', 'sites.geojson'), 'utf8')).toBe(sitesIn);
    expect(JSON.stringify(fcIn)).toBe(JSON.stringify(JSON.parse(sitesIn)));
  });
});
