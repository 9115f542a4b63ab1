import * as turf from '@turf/turf';
import Flatbush from 'flatbush';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { SiteGeometry, SiteStats } from '../../shared/index.js';

/**
 * The incidents on and around vacant lots and material yards: pure functions over plain arrays, so
 * the tests call exactly what the server calls. A site is judged on its polygon grown by a buffer
 * (dumping lands on the verge as often as on the lot), its rate per hectare of that grown area, so
 * that a big lot does not rank high for being big.
 */

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
/** The before/after comparison looks this far either side of the treatment date. */
export const TREATMENT_SPAN_MS = 90 * DAY_MS;
/** Its rates are per this many days. */
const RATE_DAYS = 30;
/** China Standard Time: a site's weeks start on Monday 00:00 there. */
const CHINA_OFFSET_MS = 8 * 3_600_000;
/** 1970-01-01 was a Thursday: the first Monday is four days later. */
const FIRST_MONDAY_MS = 4 * DAY_MS;

export interface SiteShape {
  id: string;
  geometry: SiteGeometry;
  /** Epoch ms, or null while untreated. */
  treatedAt: number | null;
}

/** An incident as the counts need it (the store's IncidentPoint). */
export interface CountedPoint {
  lon: number;
  lat: number;
  reportedAt: number;
  categoryCode: string;
}

/** A site's polygon and the polygon grown by the buffer. */
export interface SiteFootprint {
  id: string;
  lot: Feature<Polygon | MultiPolygon>;
  buffered: Feature<Polygon | MultiPolygon>;
  bufferedHa: number;
}

export function footprintOf(site: SiteShape, bufferM: number): SiteFootprint {
  const lot = turf.feature(site.geometry) as Feature<Polygon | MultiPolygon>;
  // turf.buffer answers undefined for a zero distance: the lot itself is then its own footprint.
  const grown = bufferM > 0 ? (turf.buffer(lot, bufferM, { units: 'meters', steps: 8 }) as Feature<Polygon | MultiPolygon> | undefined) : undefined;
  const buffered = grown ?? lot;
  return { id: site.id, lot, buffered, bufferedHa: Math.max(turf.area(buffered) / 10_000, 1e-6) };
}

/**
 * Finds the footprints a point falls in: candidates by bounding box (flatbush), then the exact test
 * (turf, boundary included) on the grown polygon and, inside it, on the lot.
 */
export class FootprintIndex {
  private readonly boxes: Flatbush;

  constructor(readonly footprints: readonly SiteFootprint[]) {
    this.boxes = new Flatbush(Math.max(footprints.length, 1));
    for (const f of footprints) {
      const [w, s, e, n] = turf.bbox(f.buffered);
      this.boxes.add(w, s, e, n);
    }
    // Flatbush refuses to finish with fewer items than declared.
    if (footprints.length === 0) this.boxes.add(Infinity, Infinity, -Infinity, -Infinity);
    this.boxes.finish();
  }

  /** Calls `hit` with each footprint's index whose grown polygon holds the point, and whether the lot itself does. */
  locate(lon: number, lat: number, hit: (k: number, insideLot: boolean) => void): void {
    if (this.footprints.length === 0) return;
    for (const k of this.boxes.search(lon, lat, lon, lat)) {
      const f = this.footprints[k]!;
      const p: [number, number] = [lon, lat];
      if (!turf.booleanPointInPolygon(p, f.buffered)) continue;
      hit(k, turf.booleanPointInPolygon(p, f.lot));
    }
  }
}

/** A site's counts over a window, before it is ranked among others. */
export type SiteCounts = Omit<SiteStats, 'rank'>;

export interface SiteCountOptions {
  /** The end of the window, epoch ms (exclusive). */
  now: number;
  windowMs: number;
  bufferM: number;
}

/**
 * Counts every site's incidents over [now − window, now) and over the window before, and, for a
 * treated site, over the 90 days either side of its treatment date. `points` must cover all of those
 * spans (pointsSpanFor says which); points outside them are ignored.
 */
export function countSites(sites: readonly SiteShape[], points: readonly CountedPoint[], opts: SiteCountOptions): Map<string, SiteCounts> {
  const index = new FootprintIndex(sites.map((s) => footprintOf(s, opts.bufferM)));
  return countWithIndex(sites, index, points, opts);
}

export function countWithIndex(sites: readonly SiteShape[], index: FootprintIndex, points: readonly CountedPoint[], opts: SiteCountOptions): Map<string, SiteCounts> {
  const since = opts.now - opts.windowMs;
  const previousSince = since - opts.windowMs;
  const acc = sites.map(() => ({ inside: 0, withinBuffer: 0, previous: 0, before: 0, after: 0, byCategory: {} as Record<string, number> }));
  for (const p of points) {
    if (p.reportedAt >= opts.now) continue;
    index.locate(p.lon, p.lat, (k, insideLot) => {
      const a = acc[k]!;
      const t = p.reportedAt;
      if (t >= since) {
        a.withinBuffer += 1;
        if (insideLot) a.inside += 1;
        a.byCategory[p.categoryCode] = (a.byCategory[p.categoryCode] ?? 0) + 1;
      } else if (t >= previousSince) {
        a.previous += 1;
      }
      const treated = sites[k]!.treatedAt;
      if (treated !== null) {
        if (t >= treated - TREATMENT_SPAN_MS && t < treated) a.before += 1;
        else if (t >= treated && t < treated + TREATMENT_SPAN_MS) a.after += 1;
      }
    });
  }
  const out = new Map<string, SiteCounts>();
  sites.forEach((s, k) => {
    const a = acc[k]!;
    const ha = index.footprints[k]!.bufferedHa;
    out.set(s.id, {
      inside: a.inside,
      withinBuffer: a.withinBuffer,
      byCategory: a.byCategory,
      bufferedHa: round(ha, 4),
      ratePerHa: ratePerHa(a.withinBuffer, ha),
      previous: a.previous,
      change: trendOf(a.withinBuffer, a.previous),
      beforeAfter: s.treatedAt === null ? null : beforeAfterOf(a.before, a.after, s.treatedAt, opts.now),
    });
  });
  return out;
}

export function ratePerHa(count: number, hectares: number): number {
  return round(count / hectares, 3);
}

/** (this − previous) / previous, or null when there was nothing before to compare with. */
export function trendOf(current: number, previous: number): number | null {
  return previous === 0 ? null : round((current - previous) / previous, 3);
}

/**
 * Incidents per 30 days before and after a treatment: the 90 days before it, and the days after it
 * up to 90 or up to now, whichever is sooner (a treatment last week is judged on its week, scaled).
 */
export function beforeAfterOf(before: number, after: number, treatedAt: number, now: number): NonNullable<SiteStats['beforeAfter']> {
  const afterMs = Math.max(0, Math.min(treatedAt + TREATMENT_SPAN_MS, now) - treatedAt);
  const afterDays = afterMs / DAY_MS;
  return {
    beforePer30d: round((before * RATE_DAYS) / (TREATMENT_SPAN_MS / DAY_MS), 2),
    afterPer30d: afterDays < 1 ? null : round((after * RATE_DAYS) / afterDays, 2),
    afterDays: round(afterDays, 1),
  };
}

/** Ranks by rate per hectare, highest first; ties by count, then id, so the order is stable. */
export function rankSites<T extends { id: string; stats: SiteCounts }>(items: readonly T[]): (T & { stats: SiteStats })[] {
  const sorted = [...items].sort((a, b) => b.stats.ratePerHa - a.stats.ratePerHa || b.stats.withinBuffer - a.stats.withinBuffer || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sorted.map((item, i) => ({ ...item, stats: { ...item.stats, rank: i + 1 } }));
}

/** The oldest instant whose incidents the counts need: the window before, and 90 days before any treatment. */
export function pointsSpanFor(sites: readonly SiteShape[], now: number, windowMs: number): number {
  let from = now - 2 * windowMs;
  for (const s of sites) if (s.treatedAt !== null) from = Math.min(from, s.treatedAt - TREATMENT_SPAN_MS);
  return from;
}

/** Monday 00:00 (China time) of the week holding `t`, epoch ms. */
export function weekStartOf(t: number): number {
  return Math.floor((t + CHINA_OFFSET_MS - FIRST_MONDAY_MS) / WEEK_MS) * WEEK_MS + FIRST_MONDAY_MS - CHINA_OFFSET_MS;
}

export interface SiteWeekCounts {
  start: number;
  total: number;
  /** By category class: the family letter and class code (E01 市容环境, C02 道路交通, …). */
  byClass: Record<string, number>;
}

/** A site's incidents within the buffer week by week, the `weeks` weeks up to the one holding `now`, oldest first. */
export function weeklyCounts(footprint: SiteFootprint, points: readonly CountedPoint[], now: number, weeks: number): SiteWeekCounts[] {
  const first = weekStartOf(now) - (weeks - 1) * WEEK_MS;
  const out: SiteWeekCounts[] = Array.from({ length: weeks }, (_, k) => ({ start: first + k * WEEK_MS, total: 0, byClass: {} }));
  const index = new FootprintIndex([footprint]);
  for (const p of points) {
    if (p.reportedAt < first || p.reportedAt >= now) continue;
    index.locate(p.lon, p.lat, () => {
      const w = out[Math.floor((p.reportedAt - first) / WEEK_MS)]!;
      const cls = p.categoryCode.slice(0, 3);
      w.total += 1;
      w.byClass[cls] = (w.byClass[cls] ?? 0) + 1;
    });
  }
  return out;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
