import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CaseActionRequest,
  IncidentQuery,
  LoginRequest,
  MultiLineText,
  NewApiToken,
  NewIncident,
  NewUser,
  SingleLineText,
  SubscribeMessage,
  UserChange,
} from '../../shared/index.js';
import { HistoricalIncidentRecord } from '../../server/incident/intake.js';
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

describe('text fields', () => {
  const LONE = ['\ud800', '\udfff', 'a\udc00b', '\ud83d', '\ude00x'];
  const CONTROLS = ['\u0000', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u007f', '\u0085', '\u009f'];

  it('single-line text refuses lone surrogates and every control character; multi-line text keeps \\n, \\r and \\t', () => {
    for (const bad of [...LONE, ...CONTROLS]) {
      expect(SingleLineText.safeParse(`x${bad}y`).success, JSON.stringify(bad)).toBe(false);
      expect(MultiLineText.safeParse(`x${bad}y`).success, JSON.stringify(bad)).toBe(false);
    }
    for (const lineBreak of ['\n', '\r', '\t', '\r\n']) {
      expect(SingleLineText.safeParse(`a${lineBreak}b`).success).toBe(false);
      expect(MultiLineText.safeParse(`a${lineBreak}b`).success).toBe(true);
    }
    for (const fine of ['', '王小明', 'O\'Brien', '😀 surrogate pair', '\u00a0no-break', 'e\u0301']) {
      expect(SingleLineText.safeParse(fine).success, fine).toBe(true);
      expect(MultiLineText.safeParse(fine).success, fine).toBe(true);
    }
  });

  it('agrees with String.prototype.isWellFormed on any UTF-16', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (s) => {
        // ES2024, in Node 20; not in this project's TypeScript lib (ES2023).
        const wellFormed = (s as unknown as { isWellFormed(): boolean }).isWellFormed();
        const printable = [...s].every((ch) => ch.charCodeAt(0) >= 0x20 && (ch.charCodeAt(0) < 0x7f || ch.charCodeAt(0) > 0x9f));
        expect(SingleLineText.safeParse(s).success).toBe(wellFormed && printable);
      }),
    );
  });

  it('are used by every text field of the request schemas', () => {
    const report = { categoryCode: 'E0102', lon: 119.95, lat: 31.7 };
    const requests: [string, { safeParse(v: unknown): { success: boolean } }, (bad: string) => unknown][] = [
      ['description', NewIncident, (b) => ({ ...report, description: b })],
      ['categoryCode', NewIncident, (b) => ({ ...report, categoryCode: `E01${b}` })],
      ['reporter name', NewIncident, (b) => ({ ...report, reporter: { name: `王${b}` } })],
      ['town filter', IncidentQuery, (b) => ({ town: `3204${b}` })],
      ['category filter', IncidentQuery, (b) => ({ category: `E0102,E${b}` })],
      ['cursor', IncidentQuery, (b) => ({ cursor: `c${b}` })],
      ['note', CaseActionRequest, (b) => ({ action: 'accept', version: 1, note: `ok${b}` })],
      ['team', CaseActionRequest, (b) => ({ action: 'dispatch', version: 1, teamId: `team-1${b}` })],
      ['merge target', CaseActionRequest, (b) => ({ action: 'merge', version: 1, mergeInto: `c${b}` })],
      ['sign-in name', LoginRequest, (b) => ({ username: `admin${b}`, password: 'long-enough-password' })],
      ['sign-in password', LoginRequest, (b) => ({ username: 'admin', password: `long-enough${b}` })],
      ['display name', NewUser, (b) => ({ username: 'someone', role: 'leader', password: 'long-enough-password', displayName: `某${b}` })],
      ['new password', NewUser, (b) => ({ username: 'someone', role: 'leader', password: `long-enough-password${b}` })],
      ['changed display name', UserChange, (b) => ({ displayName: `某${b}` })],
      ['changed team', UserChange, (b) => ({ teamId: `team-1${b}` })],
      ['token name', NewApiToken, (b) => ({ name: `gateway${b}`, role: 'wall' })],
      ['imported actor', HistoricalIncidentRecord, (b) => ({ report: { ...report, reportedAt: '2026-11-23T08:00:00Z' }, transitions: [{ status: 'accepted', at: '2026-11-23T08:05:00Z', action: { name: 'accept', actor: `受理员${b}`, role: 'dispatcher' } }] })],
    ];
    for (const [what, schema, make] of requests) {
      expect(schema.safeParse(make('')).success, `${what} (valid)`).toBe(true);
      for (const bad of ['\ud800', '\u0000', '\u001b']) expect(schema.safeParse(make(bad)).success, `${what} with ${JSON.stringify(bad)}`).toBe(false);
    }
    // Multi-line fields keep their line breaks.
    expect(NewIncident.safeParse({ ...report, description: '一\n二\r\n\t三' }).success).toBe(true);
    expect(CaseActionRequest.safeParse({ action: 'return', version: 1, note: '非本部门职责\n请改派' }).success).toBe(true);
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
