import { describe, expect, it } from 'vitest';
import type { CampaignTarget } from '../../shared/index.js';
import {
  areaTest,
  casesPerWeek,
  isPeakSlot,
  meanPeakIndex,
  measureOf,
  openCasesAt,
  scopeCategories,
  sourceShare,
  type ScopedCase,
  type ScopedPoint,
  wholeSince,
} from '../../server/campaign/campaignMeasures.js';
import { campaignProgress, type CampaignPlan } from '../../server/campaign/campaignProgress.js';
import { nextEndOf, weakestTowns } from '../../server/campaign/wujinCampaigns.js';

const DAY = 86_400_000;
/** 2027-01-05 00:00 China time. */
const T0 = Date.UTC(2027, 0, 4, 16);
const iso = (ms: number) => new Date(ms).toISOString();

const point = (at: number, over: Partial<ScopedPoint> = {}): ScopedPoint => ({ reportedAt: at, categoryCode: 'E0102', source: 'inspector', townCode: '320412100', lon: 120, lat: 31.7, ...over });
/** `n` reports spread from `from`, one every `stepDays`. */
const spread = (from: number, n: number, stepDays: number) => Array.from({ length: n }, (_, i) => point(from + i * stepDays * DAY));

const countDown: CampaignTarget = { measure: { kind: 'case_count' }, direction: 'down', value: null, change: -0.5 };
const plan = (over: Partial<CampaignPlan> = {}): CampaignPlan => ({
  target: countDown,
  baseline: { since: T0 - 28 * DAY, until: T0 },
  startAt: T0,
  deadlineAt: T0 + 70 * DAY,
  closedAt: null,
  ...over,
});

/**
 * Baseline: 40 reports over the 4 weeks before the start, 10 a week; target down by half: 5.
 * Week 1: 9 reports; week 2: 8, all in its first half (days 7.0–9.8); week 3 (from day 14): `last`
 * reports one a day from its first day. Judged at day 17.5: the rolling week [10.5, 17.5) holds only
 * week 3's reports. The straight path expects 10 − 5 × 17.5/70 = 8.75 then.
 */
function history(last: number): ScopedPoint[] {
  return [...spread(T0 - 28 * DAY, 40, 0.7), ...spread(T0, 9, 0.7), ...spread(T0 + 7 * DAY, 8, 0.4), ...spread(T0 + 14 * DAY, last, 3.5 / Math.max(last, 1))];
}
const NOW = T0 + 17.5 * DAY;

describe('campaign progress (hand-computed)', () => {
  it('case counts down by half: baseline, target, weekly series against the straight path, met', () => {
    const points = [...spread(T0 - 28 * DAY, 40, 0.7), ...spread(T0, 9, 0.7), ...spread(T0 + 7 * DAY, 8, 0.4), ...spread(T0 + 14 * DAY, 3, 1)];
    const { progress, series } = campaignProgress(plan(), measureOf({ kind: 'case_count' }, { points, cases: [], slots: [], wholeSince: -Infinity }), NOW);
    expect(progress).toEqual({ asOf: iso(NOW), baseline: 10, target: 5, current: 3, expected: 8.75, fraction: 1, state: 'met' });
    expect(series).toEqual([
      { start: iso(T0), end: iso(T0 + 7 * DAY), partial: false, value: 9, expected: 9.5 },
      { start: iso(T0 + 7 * DAY), end: iso(T0 + 14 * DAY), partial: false, value: 8, expected: 9 },
      // 3 reports in half a week: 6 a week.
      { start: iso(T0 + 14 * DAY), end: iso(NOW), partial: true, value: 6, expected: 8.75 },
    ]);
  });

  it('behind when worse than the path, on track when at or better, with the share of the way done', () => {
    const behind = campaignProgress(plan(), measureOf({ kind: 'case_count' }, { points: history(9), cases: [], slots: [], wholeSince: -Infinity }), NOW).progress;
    expect(behind.current).toBe(9);
    expect(behind.state).toBe('behind');
    expect(behind.fraction).toBeCloseTo(0.2, 12);
    const onTrack = campaignProgress(plan(), measureOf({ kind: 'case_count' }, { points: history(8), cases: [], slots: [], wholeSince: -Infinity }), NOW).progress;
    expect(onTrack.current).toBe(8);
    expect(onTrack.state).toBe('on_track');
    expect(onTrack.fraction).toBeCloseTo(0.4, 12);
  });

  it('after the deadline it is judged as of the deadline: missed, weeks whole', () => {
    const { progress, series } = campaignProgress(plan({ deadlineAt: T0 + 14 * DAY }), measureOf({ kind: 'case_count' }, { points: history(0), cases: [], slots: [], wholeSince: -Infinity }), T0 + 20 * DAY);
    expect(progress.asOf).toBe(iso(T0 + 14 * DAY));
    // The week before the deadline: week 2's 8 reports, against 5.
    expect(progress.current).toBe(8);
    expect(progress.expected).toBe(5);
    expect(progress.state).toBe('missed');
    expect(series.map((w) => [w.value, w.partial])).toEqual([[9, false], [8, false]]);
  });

  it('a week only hours old has no value yet', () => {
    const { series } = campaignProgress(plan(), measureOf({ kind: 'case_count' }, { points: history(0), cases: [], slots: [], wholeSince: -Infinity }), T0 + 14 * DAY + 2 * 3_600_000);
    expect(series.map((w) => [w.value, w.partial])).toEqual([[9, false], [8, false], [null, true]]);
  });

  it('a span before the data is whole has no measure: a baseline over a shorter history is not a baseline', () => {
    // The store's first report came 10 days before the start; the baseline asks for 28.
    expect(wholeSince(T0 - 28 * DAY, T0 - 10 * DAY, 2 * DAY)).toBe(T0 - 10 * DAY);
    expect(wholeSince(T0 - 28 * DAY, T0 - 27 * DAY, 2 * DAY)).toBe(T0 - 28 * DAY);
    expect(wholeSince(T0 - 28 * DAY, undefined, 2 * DAY)).toBe(Infinity);
    const points = history(3).filter((p) => p.reportedAt >= T0 - 10 * DAY);
    const { progress, series } = campaignProgress(plan(), measureOf({ kind: 'case_count' }, { points, cases: [], slots: [], wholeSince: T0 - 10 * DAY }), NOW);
    expect([progress.baseline, progress.target, progress.current, progress.state]).toEqual([null, null, 3, 'no_data']);
    // The weeks since the start are whole.
    expect(series.map((w) => w.value)).toEqual([9, 8, 6]);
  });

  it('no data without a baseline to move from', () => {
    const shareDown: CampaignTarget = { measure: { kind: 'source_share', sources: ['hotline_12345'] }, direction: 'down', value: null, change: -0.3 };
    const { progress } = campaignProgress(plan({ target: shareDown }), measureOf(shareDown.measure, { points: spread(T0, 3, 1), cases: [], slots: [], wholeSince: -Infinity }), NOW);
    expect(progress.baseline).toBeNull();
    expect(progress.state).toBe('no_data');
  });

  it('no open case: counts open at each moment, met only at zero; a closed campaign is judged at its close', () => {
    const c = (reported: number, closed: number | null, over: Partial<ScopedCase> = {}): ScopedCase => ({ ...point(T0 + reported * DAY), status: closed === null ? 'dispatched' : 'closed', closedAt: closed === null ? null : T0 + closed * DAY, merged: false, ...over });
    const cases = [
      c(-3, 2), // open at the start, closed on day 2
      c(-1, 9), // open at the start, closed on day 9
      c(4, null), // open from day 4
      c(5, null, { status: 'rejected' }), // never a case
      c(6, null, { merged: true }), // a duplicate
      c(8, null, { status: 'reported' }), // not yet registered
    ];
    expect(openCasesAt(cases, T0)).toBe(2);
    expect(openCasesAt(cases, T0 + 7 * DAY)).toBe(2);
    expect(openCasesAt(cases, T0 + 10 * DAY)).toBe(1);
    const none: CampaignTarget = { measure: { kind: 'open_cases' }, direction: 'down', value: 0, change: null };
    const measure = measureOf(none.measure, { points: [], cases, slots: [], wholeSince: -Infinity });
    const { progress, series } = campaignProgress(plan({ target: none, baseline: { since: T0 - 7 * DAY, until: T0 }, closedAt: T0 + 10 * DAY }), measure, NOW);
    expect(progress).toEqual({ asOf: iso(T0 + 10 * DAY), baseline: 2, target: 0, current: 1, expected: 2 - 2 * (10 / 70), fraction: 0.5, state: 'missed' });
    expect(series.map((w) => w.value)).toEqual([2, 1]);
    // Recounted in the very millisecond of the close: no less final.
    expect(campaignProgress(plan({ target: none, baseline: { since: T0 - 7 * DAY, until: T0 }, closedAt: T0 + 10 * DAY }), measure, T0 + 10 * DAY).progress.state).toBe('missed');
    const allClosed = measureOf(none.measure, { points: [], cases: cases.slice(0, 2), slots: [], wholeSince: -Infinity });
    expect(campaignProgress(plan({ target: none, baseline: { since: T0 - 7 * DAY, until: T0 } }), allClosed, NOW).progress.state).toBe('met');
  });

  it('public-report share over a span', () => {
    const points = [point(T0, { source: 'hotline_12345' }), point(T0 + 1, { source: 'citizen_app' }), point(T0 + 2), point(T0 + 3), point(T0 + DAY, { source: 'hotline_12345' })];
    const pub = new Set(['hotline_12345', 'citizen_app']);
    expect(sourceShare(points, pub, T0, T0 + DAY)).toBe(0.5);
    expect(sourceShare(points, pub, T0, T0 + 2 * DAY)).toBe(0.6);
    expect(sourceShare(points, pub, T0 + 2 * DAY, T0 + 3 * DAY)).toBeNull();
    expect(casesPerWeek(points, T0, T0 + DAY)).toBe(28);
  });

  it('the congestion index: peak-hour slots only (China time), up by a tenth', () => {
    // Slot of 08:00 China time (00:00 UTC) is peak; 12:00 (04:00 UTC) is not; 17:55 China (09:55 UTC) is.
    const slotAt = (ms: number) => ms / 300_000;
    const day0 = Date.UTC(2027, 0, 5);
    expect(isPeakSlot(slotAt(day0))).toBe(true);
    expect(isPeakSlot(slotAt(day0 + 4 * 3_600_000))).toBe(false);
    expect(isPeakSlot(slotAt(day0 + 9 * 3_600_000 + 55 * 60_000))).toBe(true);
    expect(isPeakSlot(slotAt(day0 - 23 * 3_600_000 + 55 * 60_000))).toBe(false); // 08:55 UTC the day before = 16:55 China
    const slots = [
      { slot: slotAt(day0), index: 0.5 },
      { slot: slotAt(day0 + 4 * 3_600_000), index: 0.95 },
      { slot: slotAt(day0 + 9 * 3_600_000), index: 0.7 },
    ];
    expect(meanPeakIndex(slots, day0, day0 + DAY)).toBeCloseTo(0.6, 12);
    expect(meanPeakIndex(slots, day0 + DAY, day0 + 2 * DAY)).toBeNull();
    const up: CampaignTarget = { measure: { kind: 'congestion_index' }, direction: 'up', value: null, change: 0.1 };
    const later = [...slots, { slot: slotAt(day0 + 7 * DAY), index: 0.66 }, { slot: slotAt(day0 + 7 * DAY + 9 * 3_600_000), index: 0.7 }];
    const { progress } = campaignProgress(
      { target: up, baseline: { since: day0, until: day0 + DAY }, startAt: day0 + DAY, deadlineAt: day0 + 71 * DAY, closedAt: null },
      measureOf(up.measure, { points: [], cases: [], slots: later, wholeSince: -Infinity }),
      day0 + 8 * DAY,
    );
    expect(progress.baseline).toBeCloseTo(0.6, 12);
    expect(progress.target).toBeCloseTo(0.66, 12);
    expect(progress.current).toBeCloseTo(0.68, 12);
    expect(progress.state).toBe('met');
    expect(progress.fraction).toBe(1);
  });
});

describe('campaign scope', () => {
  it("a theme's categories narrowed by the scope's own, and its place", () => {
    expect(scopeCategories({ theme: 'main_road_garbage', categories: [], area: { kind: 'district' } })).toEqual({ categories: new Set(['E0102', 'E0103', 'E0104', 'E0108', 'E0109', 'E0304']), place: 'near_main_road' });
    expect(scopeCategories({ theme: 'material_yards', categories: ['E0507', 'E0102'], area: { kind: 'district' } })).toEqual({ categories: new Set(['E0507']), place: null });
    expect(scopeCategories({ theme: null, categories: ['C0101'], area: { kind: 'district' } }).categories).toEqual(new Set(['C0101']));
    expect(scopeCategories({ theme: null, categories: [], area: { kind: 'district' } }).categories).toBeNull();
  });

  it('areas: towns, a polygon, the centre', () => {
    const square = { type: 'Polygon' as const, coordinates: [[[120, 31], [120.1, 31], [120.1, 31.1], [120, 31.1], [120, 31]]] as [number, number][][] };
    const inPolygon = areaTest({ kind: 'polygon', polygon: square }, square);
    expect(inPolygon({ lon: 120.05, lat: 31.05, townCode: 'x' })).toBe(true);
    expect(inPolygon({ lon: 120.15, lat: 31.05, townCode: 'x' })).toBe(false);
    const towns = areaTest({ kind: 'towns', towns: ['320412100'] }, square);
    expect(towns({ lon: 0, lat: 0, townCode: '320412100' })).toBe(true);
    expect(towns({ lon: 0, lat: 0, townCode: '320412101' })).toBe(false);
    expect(areaTest({ kind: 'centre' }, square)({ lon: 120.01, lat: 31.01, townCode: 'x' })).toBe(true);
  });

  it('the weakest towns by public-report share, and the seeds\' deadlines', () => {
    const pts = [
      ...Array.from({ length: 40 }, (_, i) => point(T0 + i, { townCode: 'A', source: i < 20 ? 'hotline_12345' : 'inspector' })), // 50 %
      ...Array.from({ length: 40 }, (_, i) => point(T0 + i, { townCode: 'B', source: i < 30 ? 'citizen_app' : 'inspector' })), // 75 %
      ...Array.from({ length: 40 }, (_, i) => point(T0 + i, { townCode: 'C', source: i < 4 ? 'hotline_12345' : 'inspector' })), // 10 %
      ...Array.from({ length: 10 }, (_, i) => point(T0 + i, { townCode: 'D', source: 'hotline_12345' })), // too few
    ];
    expect(weakestTowns(pts, T0, T0 + DAY, 2)).toEqual(['B', 'A']);
    // Planned on 2026-12-06: March, June, September and December of 2027 (month ends in China time).
    const planned = Date.UTC(2026, 11, 6);
    expect(iso(nextEndOf(3, planned))).toBe('2027-03-31T16:00:00.000Z');
    expect(iso(nextEndOf(12, planned))).toBe('2026-12-31T16:00:00.000Z');
    expect(iso(nextEndOf(6, Date.UTC(2027, 5, 30, 16)))).toBe('2028-06-30T16:00:00.000Z');
  });
});
