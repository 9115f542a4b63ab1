import { booleanPointInPolygon } from '@turf/turf';
import type { CampaignArea, CampaignMeasure, CampaignScope, IncidentStatus, ThemePlace } from '../../shared/index.js';
import { THEME_DEFINITIONS } from '../../shared/index.js';
import { WEEK_MS, type Measure } from './campaignProgress.js';

/**
 * The campaign measures over plain data (points, cases, congestion slots), as functions of a span:
 * what campaignProgress calls. Pure: the service reads the data and hands it over.
 */

/** A report as the measures read it (the store's IncidentPoint has these). */
export interface ScopedPoint {
  reportedAt: number;
  categoryCode: string;
  source: string;
  townCode: string;
  lon: number;
  lat: number;
}

/** A case as the open-case measure reads it. */
export interface ScopedCase extends ScopedPoint {
  status: IncidentStatus;
  closedAt: number | null;
  /** Merged into another case as its duplicate. */
  merged: boolean;
}

/** An area's congestion index in one 5-minute slot. */
export interface IndexSlot {
  slot: number;
  index: number;
}

const SLOT_MS = 300_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Whether a point lies in the campaign's area; `centre` is the centre's polygon (data/city/centre.geojson). */
export function areaTest(area: CampaignArea, centre: { type: 'Polygon'; coordinates: number[][][] }): (p: { lon: number; lat: number; townCode: string }) => boolean {
  switch (area.kind) {
    case 'district':
      return () => true;
    case 'towns': {
      const towns = new Set(area.towns);
      return (p) => towns.has(p.townCode);
    }
    case 'centre':
      return (p) => booleanPointInPolygon([p.lon, p.lat], centre);
    case 'polygon':
      return (p) => booleanPointInPolygon([p.lon, p.lat], area.polygon);
  }
}

/**
 * The categories a scope takes (a theme's, narrowed by the scope's own when both are given), or null
 * for every category; and the place a theme asks its cases to be near.
 */
export function scopeCategories(scope: CampaignScope): { categories: Set<string> | null; place: ThemePlace | null } {
  const theme = scope.theme ? THEME_DEFINITIONS[scope.theme] : null;
  const own = scope.categories.length > 0 ? scope.categories : null;
  const ofTheme = theme?.categories ?? null;
  const categories = ofTheme && own ? ofTheme.filter((c) => own.includes(c)) : (own ?? ofTheme);
  return { categories: categories ? new Set(categories) : null, place: theme?.place ?? null };
}

/** Reports per 7 days in [since, until): a week cut short is scaled up, so weeks compare. */
export function casesPerWeek(points: readonly ScopedPoint[], since: number, until: number): number | null {
  if (until <= since) return null;
  let n = 0;
  for (const p of points) if (p.reportedAt >= since && p.reportedAt < until) n += 1;
  return (n * WEEK_MS) / (until - since);
}

/** The share of the reports of [since, until) that came from `sources`; null when there were none. */
export function sourceShare(points: readonly ScopedPoint[], sources: ReadonlySet<string>, since: number, until: number): number | null {
  let all = 0;
  let from = 0;
  for (const p of points) {
    if (p.reportedAt < since || p.reportedAt >= until) continue;
    all += 1;
    if (sources.has(p.source)) from += 1;
  }
  return all === 0 ? null : from / all;
}

/** Statuses of a report that is not (yet) a case: counted neither open nor closed. */
const NOT_A_CASE: ReadonlySet<IncidentStatus> = new Set(['reported', 'accepted', 'rejected']);

/**
 * Cases open at `at`: registered (now, so counted from their report), reported before `at`, and not
 * closed by then. A duplicate merged into another case is the other's.
 */
export function openCasesAt(cases: readonly ScopedCase[], at: number): number {
  let n = 0;
  for (const c of cases) {
    if (NOT_A_CASE.has(c.status) || c.merged) continue;
    if (c.reportedAt < at && (c.closedAt === null || c.closedAt > at)) n += 1;
  }
  return n;
}

/**
 * Whether a slot falls in the peak hours (07:00–09:00 and 17:00–19:00 China time): the index is
 * near 1 at night whatever a campaign does, so a mean over the whole day would hide its effect.
 */
export function isPeakSlot(slot: number): boolean {
  const hour = Math.floor((((slot * SLOT_MS + CHINA_OFFSET_MS) % 86_400_000) + 86_400_000) % 86_400_000 / 3_600_000);
  return (hour >= 7 && hour < 9) || (hour >= 17 && hour < 19);
}

/** The mean index of the peak slots starting in [since, until); null when none is stored. */
export function meanPeakIndex(slots: readonly IndexSlot[], since: number, until: number): number | null {
  let sum = 0;
  let n = 0;
  for (const s of slots) {
    const at = s.slot * SLOT_MS;
    if (at < since || at >= until || !isPeakSlot(s.slot)) continue;
    sum += s.index;
    n += 1;
  }
  return n === 0 ? null : sum / n;
}

/** The data a measure reads: the scope's reports, its cases, the area's index slots (each only where the measure needs it). */
export interface MeasureData {
  points: readonly ScopedPoint[];
  cases: readonly ScopedCase[];
  slots: readonly IndexSlot[];
  /**
   * From when the data is whole (the first report a store holds, the first slot kept): a span that
   * starts earlier has no measure, rather than one that counts a part as the whole (a baseline of
   * eight weeks over a history of one would read as a seventh of the truth, and be kept so).
   */
  wholeSince: number;
}

/**
 * When data read from `from` is whole: `from` itself, unless the first record read comes more than
 * `slackMs` after it (nothing was stored before then: a district without a report for days is a
 * district whose reports are not here).
 */
export function wholeSince(from: number, firstAt: number | undefined, slackMs: number): number {
  if (firstAt === undefined) return Infinity;
  return firstAt - from > slackMs ? firstAt : from;
}

/** The measure of a campaign as a function of a span, over data already narrowed to its scope. */
export function measureOf(measure: CampaignMeasure, data: MeasureData): Measure {
  const whole = (m: Measure): Measure => (since, until) => (since < data.wholeSince ? null : m(since, until));
  switch (measure.kind) {
    case 'case_count':
      return whole((since, until) => casesPerWeek(data.points, since, until));
    case 'source_share': {
      const sources = new Set<string>(measure.sources);
      return whole((since, until) => sourceShare(data.points, sources, since, until));
    }
    case 'open_cases':
      // A count at a moment: every case open then was reported before it, so only the moment must be covered.
      return (_since, until) => (until < data.wholeSince ? null : openCasesAt(data.cases, until));
    case 'congestion_index':
      return whole((since, until) => meanPeakIndex(data.slots, since, until));
  }
}
