import { describe, expect, it } from 'vitest';
import { isoWeekId, monthIdOf, parsePeriod, PeriodError, periodAsOf, previousPeriod } from '../../server/evaluation/period.js';

const iso = (ms: number) => new Date(ms).toISOString();
const span = (id: string) => {
  const p = parsePeriod(id);
  return [iso(p.from), iso(p.until)];
};
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof PeriodError ? e.code : 'other';
  }
  return 'none';
};

describe('periods in China time', () => {
  it('a month starts at local midnight (16:00 UTC the day before)', () => {
    expect(span('2026-11')).toEqual(['2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z']);
    expect(span('2026-12')).toEqual(['2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z']);
    expect(span('2028-02')).toEqual(['2028-01-31T16:00:00.000Z', '2028-02-29T16:00:00.000Z']);
  });

  it('quarters and years', () => {
    expect(span('2026-Q4')).toEqual(['2026-09-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z']);
    expect(span('2026-Q1')).toEqual(['2025-12-31T16:00:00.000Z', '2026-03-31T16:00:00.000Z']);
    expect(span('2026')).toEqual(['2025-12-31T16:00:00.000Z', '2026-12-31T16:00:00.000Z']);
  });

  it('ISO weeks start on Monday; week 1 holds 4 January', () => {
    // 2026-11-23 is a Monday, in week 48.
    expect(span('2026-W48')).toEqual(['2026-11-22T16:00:00.000Z', '2026-11-29T16:00:00.000Z']);
    // 2026-W01 starts Monday 2025-12-29.
    expect(span('2026-W01')).toEqual(['2025-12-28T16:00:00.000Z', '2026-01-04T16:00:00.000Z']);
    // 2026 has 53 weeks (1 January is a Thursday); 2027 does not.
    expect(span('2026-W53')).toEqual(['2026-12-27T16:00:00.000Z', '2027-01-03T16:00:00.000Z']);
    expect(code(() => parsePeriod('2027-W53'))).toBe('bad_period');
    expect(isoWeekId(Date.parse('2027-01-01T12:00:00+08:00'))).toBe('2026-W53');
    expect(isoWeekId(Date.parse('2025-12-29T00:00:00+08:00'))).toBe('2026-W01');
    expect(isoWeekId(Date.parse('2025-12-28T23:59:59+08:00'))).toBe('2025-W52');
  });

  it('a range of days includes both days', () => {
    expect(span('2026-11-01..2026-11-15')).toEqual(['2026-10-31T16:00:00.000Z', '2026-11-15T16:00:00.000Z']);
    expect(span('2026-11-05..2026-11-05')).toEqual(['2026-11-04T16:00:00.000Z', '2026-11-05T16:00:00.000Z']);
  });

  it('refuses what names no period, with a code', () => {
    expect(code(() => parsePeriod('2026-13'))).toBe('bad_period');
    expect(code(() => parsePeriod('2026-02-30..2026-03-01'))).toBe('bad_period');
    expect(code(() => parsePeriod('2026-11-15..2026-11-01'))).toBe('bad_period');
    expect(code(() => parsePeriod('2024-01-01..2026-01-01'))).toBe('period_too_long');
    expect(code(() => parsePeriod('nonsense'))).toBe('bad_period');
  });

  it('the previous period of the same kind', () => {
    const prev = (id: string) => previousPeriod(parsePeriod(id)).id;
    expect(prev('2026-01')).toBe('2025-12');
    expect(prev('2026-Q1')).toBe('2025-Q4');
    expect(prev('2026')).toBe('2025');
    expect(prev('2026-W01')).toBe('2025-W52');
    expect(prev('2027-W01')).toBe('2026-W53');
    expect(prev('2026-11-16..2026-11-30')).toBe('2026-11-01..2026-11-15');
    expect(prev('2026-03-01..2026-03-02')).toBe('2026-02-27..2026-02-28');
  });

  it('the running period is judged as of now, a closed one as of its end, a future one refused', () => {
    const p = parsePeriod('2026-12');
    const now = Date.parse('2026-12-06T15:00:00Z');
    expect(periodAsOf(p, now)).toEqual({ asOf: now, running: true });
    expect(periodAsOf(parsePeriod('2026-11'), now)).toEqual({ asOf: parsePeriod('2026-11').until, running: false });
    expect(code(() => periodAsOf(parsePeriod('2027-01'), now))).toBe('period_in_future');
  });

  it('the default month is the local one: 31 December 16:00 UTC is already January in China', () => {
    expect(monthIdOf(Date.parse('2026-12-31T15:59:59.999Z'))).toBe('2026-12');
    expect(monthIdOf(Date.parse('2026-12-31T16:00:00Z'))).toBe('2027-01');
  });
});
