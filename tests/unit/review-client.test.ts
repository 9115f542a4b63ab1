import { describe, expect, it } from 'vitest';
import { monthBefore, monthIdOf, periodLabel, quarterIdOf, rankChange, reviewPeriods } from '../../client/review/reviewPeriods.js';
import { quintileClasses as regionClasses } from '../../shared/report/townMap.js';

/** The review page's periods (China time) and the map's classes by rank. */
describe("the review's periods", () => {
  it('reads months and quarters in China time, across the new year', () => {
    // 2026-12-31 20:00 UTC is already 2027-01-01 in China.
    const newYear = Date.parse('2026-12-31T20:00:00Z');
    expect(monthIdOf(newYear)).toBe('2027-01');
    expect(quarterIdOf(newYear)).toBe('2027-Q1');
    expect(monthBefore('2027-01')).toBe('2026-12');
    expect(monthBefore('2026-03', 5)).toBe('2025-10');
    expect(monthBefore('2026-11', -2)).toBe('2027-01');
    const offered = reviewPeriods(newYear).map((p) => p.id);
    expect(offered).toEqual(['2027-01', '2026-12', '2026-11', '2026-10', '2026-09', '2026-08', '2027-Q1', '2026-Q4']);
    expect(periodLabel('2026-11', true)).toBe('2026年11月');
    expect(periodLabel('2026-Q4', true)).toBe('2026年第4季度');
  });

  it('says a rank went up when its number fell', () => {
    expect(rankChange(2, 5)).toBe(3);
    expect(rankChange(5, 2)).toBe(-3);
    expect(rankChange(3, 3)).toBe(0);
    expect(rankChange(null, 3)).toBeNull();
    expect(rankChange(1, undefined)).toBeNull();
  });
});

describe("the review map's classes", () => {
  it('class the values by rank into fifths, the worst 0, inverted for a lower-is-better indicator, missing ones unclassed', () => {
    const values = new Map<string, number | null>([['a', 0.9], ['b', 0.5], ['c', 0.7], ['d', 0.95], ['e', 0.6], ['x', null]]);
    const up = regionClasses(values, true);
    expect(up.get('b')).toBe(0);
    expect(up.get('d')).toBe(4);
    expect(up.has('x')).toBe(false);
    const down = regionClasses(values, false);
    expect(down.get('d')).toBe(0);
    expect(down.get('b')).toBe(4);
  });

  it('give equal values one class, the best of them', () => {
    const values = new Map<string, number | null>([['a', 1], ['b', 1], ['c', 1], ['d', 0.8], ['e', 1]]);
    const k = regionClasses(values, true);
    expect(k.get('d')).toBe(0);
    expect(new Set(['a', 'b', 'c', 'e'].map((c) => k.get(c)))).toEqual(new Set([4]));
  });
});
