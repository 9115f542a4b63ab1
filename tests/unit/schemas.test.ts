import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IncidentQuery, NewIncident, SubscribeMessage } from '../../shared/index.js';
import { readConfig } from '../../server/config.js';

describe('NewIncident', () => {
  const valid = { categoryCode: 'E0102', lon: 119.95, lat: 31.7 };

  it('accepts a minimal and a full report', () => {
    expect(NewIncident.safeParse(valid).success).toBe(true);
    expect(
      NewIncident.safeParse({
        ...valid,
        description: '路边有暴露垃圾',
        source: 'hotline_12345',
        reportedAt: '2026-11-23T08:00:00+08:00',
      }).success,
    ).toBe(true);
  });

  it('refuses missing fields, wrong types, out-of-range coordinates, unknown keys and bad enums', () => {
    const bad: unknown[] = [
      {},
      { ...valid, categoryCode: undefined },
      { ...valid, lon: '119.95' },
      { ...valid, lat: 91 },
      { ...valid, lon: Number.NaN },
      { ...valid, lon: Number.POSITIVE_INFINITY },
      { ...valid, source: 'twitter' },
      { ...valid, reportedAt: '2026-11-23 08:00' },
      { ...valid, reportedAt: '2026-11-23T08:00:00' },
      { ...valid, description: 'x'.repeat(2001) },
      { ...valid, id: 'forged' },
      null,
      [valid],
    ];
    for (const b of bad) expect(NewIncident.safeParse(b).success, JSON.stringify(b)).toBe(false);
  });

  it('accepts every in-range coordinate pair and refuses every out-of-range one', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (lon, lat) => {
        const ok = Math.abs(lon) <= 180 && Math.abs(lat) <= 90 && Number.isFinite(lon) && Number.isFinite(lat);
        expect(NewIncident.safeParse({ categoryCode: 'E0102', lon, lat }).success).toBe(ok);
      }),
    );
  });
});

describe('IncidentQuery', () => {
  it('parses lists, bbox and limits from the query string', () => {
    const q = IncidentQuery.parse({ bbox: '119.9,31.6,120,31.8', status: 'reported,closed', category: 'E0102', limit: '20' });
    expect(q.bbox).toEqual([119.9, 31.6, 120, 31.8]);
    expect(q.status).toEqual(['reported', 'closed']);
    expect(q.limit).toBe(20);
    expect(IncidentQuery.parse({}).limit).toBe(500);
  });

  it('refuses malformed filters', () => {
    for (const bad of [{ bbox: '1,2,3' }, { bbox: 'a,b,c,d' }, { status: 'open' }, { limit: '0' }, { limit: '100000' }, { since: 'today' }, { foo: '1' }]) {
      expect(IncidentQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('socket messages', () => {
  it('subscribe needs a non-negative integer seq', () => {
    expect(SubscribeMessage.safeParse({ sinceSeq: 0 }).success).toBe(true);
    for (const bad of [{}, { sinceSeq: -1 }, { sinceSeq: 1.5 }, { sinceSeq: '3' }, { sinceSeq: 1, x: 1 }]) {
      expect(SubscribeMessage.safeParse(bad).success).toBe(false);
    }
  });
});

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = readConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, sim: true, simSpeed: 1, historyDays: 90 });
    expect(c.dataDir.endsWith('var')).toBe(true);
  });

  it('names every bad variable', () => {
    expect(() => readConfig({ PORT: 'eighty', SIM: 'maybe' })).toThrow(/PORT[\s\S]*SIM|SIM[\s\S]*PORT/);
    expect(() => readConfig({ BASEMAP_STYLE: 'not a url' })).toThrow(/BASEMAP_STYLE/);
    expect(readConfig({ BASEMAP_STYLE: 'http://tiles.city.local/style.json' }).basemapStyle).toBe('http://tiles.city.local/style.json');
  });
});
