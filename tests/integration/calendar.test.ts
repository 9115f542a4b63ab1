import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CalendarYearView } from '../../shared/index.js';
import type { AuditEntry } from '../../shared/index.js';
import { getJson, pointsInCells, postJson, sendJson } from '../support/api.js';
import { createToken } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection, Incident } from '../support/types.js';

let server: TestServer;
let place = { lon: 0, lat: 0 };
const admin = () => ({ cookie: server.adminCookie });

// C0113 (a fire hydrant, the fire station's) has a handling limit of one working day from the
// dispatch and a closure limit of two from the registration: a case registered and dispatched today
// is due at the close (18:00, +08:00) of the next working day, and to be closed by the close of the
// one after, unless the calendar makes one of them a holiday. Every clock counts from an action taken
// now, so the days are found from today.
const CATEGORY = 'C0113';
const UNIT = 'xiaofang';
const CHINA_MS = 8 * 3_600_000;
/** The working day the admin declares a holiday. */
let holiday = '';

beforeAll(async () => {
  server = await startServer();
  const cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  const [p] = pointsInCells(cells, 1);
  place = { lon: p!.lon, lat: p!.lat };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

const year = async (y: number, url = server.url) => (await getJson<CalendarYearView>(`${url}/api/calendar?year=${y}`)).body;
const putYear = (y: number | string, body: unknown, credentials: { cookie: string } | { token: string } = admin()) =>
  sendJson<CalendarYearView & ApiError>('PUT', `${server.url}/api/calendar/${y}`, body, credentials);
/** A case reported, accepted, registered and dispatched to its unit now, as the dispatch left it. */
const dispatched = async (url = server.url) => {
  const r = await postJson<Incident>(`${url}/api/incidents`, { categoryCode: CATEGORY, ...place });
  expect(r.status).toBe(201);
  let c = r.body;
  for (const step of [{ action: 'accept' }, { action: 'register' }, { action: 'dispatch', unitCode: UNIT }]) {
    const res = await postJson<{ case: Incident }>(`${url}/api/cases/${c.id}/actions`, { ...step, version: c.version });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    c = res.body.case;
  }
  return c;
};
const calendarAudit = async () =>
  (await getJson<AuditEntry[]>(`${server.url}/api/audit?limit=1000`, admin())).body.filter((e) => e.action === 'calendar.update');

/** The China-time date (YYYY-MM-DD) of an instant, and the date `days` after a date. */
const chinaDate = (iso: string) => new Date(Date.parse(iso) + CHINA_MS).toISOString().slice(0, 10);
const plusDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The close of a working day, 18:00 China time. */
const closeOf = (date: string) => new Date(Date.parse(`${date}T18:00:00+08:00`)).toISOString();

/** The `n` working days after `date` under the calendar as the API shows it now: weekdays but holidays, and adjusted workdays. */
async function workingDaysAfter(date: string, n: number): Promise<string[]> {
  const views = new Map<number, CalendarYearView>();
  const out: string[] = [];
  for (let d = plusDays(date, 1); out.length < n; d = plusDays(d, 1)) {
    const y = Number(d.slice(0, 4));
    if (!views.has(y)) views.set(y, await year(y));
    const v = views.get(y)!;
    const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
    if (v.adjustedWorkdays.includes(d) || (weekday !== 0 && weekday !== 6 && !v.holidays.includes(d))) out.push(d);
  }
  return out;
}

describe('the working calendar API', () => {
  it('shows a year to anyone who reads the city: working periods, holidays, adjusted workdays, working days', async () => {
    const r = await getJson<CalendarYearView>(`${server.url}/api/calendar?year=2026`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ year: 2026, source: 'default', timezoneOffsetMinutes: 480, workingPeriods: [['08:00', '12:00'], ['14:00', '18:00']] });
    expect(r.body.holidays).toContain('2026-10-01');
    expect(r.body.adjustedWorkdays).toContain('2026-10-10');
    expect(r.body.workingDays).toBeGreaterThan(240);
    // Without a year: the current one.
    const now = await getJson<CalendarYearView>(`${server.url}/api/calendar`);
    expect(now.status).toBe(200);
    expect(now.body.year).toBe(new Date(Date.now() + 8 * 3600_000).getUTCFullYear());
    for (const bad of ['1999', '2101', '26', 'abcd']) {
      expect((await getJson<ApiError>(`${server.url}/api/calendar?year=${bad}`)).status, bad).toBe(400);
    }
  });

  it('an admin declares the next working day a holiday: the next deadlines move by a day, the ones already set stay', async () => {
    const before = await dispatched();
    const today = chinaDate(before.updatedAt);
    const [next, after, third] = await workingDaysAfter(today, 3);
    expect(before.deadlineAt).toBe(closeOf(next!));
    expect(before.closeDeadlineAt).toBe(closeOf(after!));

    const y = Number(next!.slice(0, 4));
    const defaults = await year(y);
    const r = await putYear(y, { holidays: [...defaults.holidays, next!], adjustedWorkdays: defaults.adjustedWorkdays });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ year: y, source: 'edited', updatedBy: 'admin', workingDays: defaults.workingDays - 1 });
    expect(r.body.holidays).toContain(next);
    expect(await year(y)).toEqual(r.body);
    holiday = next!;

    const later = await dispatched();
    expect(chinaDate(later.updatedAt)).toBe(today);
    expect(later.deadlineAt).toBe(closeOf(after!));
    expect(later.closeDeadlineAt).toBe(closeOf(third!));
    expect((await getJson<Incident>(`${server.url}/api/incidents/${before.id}`)).body).toMatchObject({ deadlineAt: closeOf(next!), closeDeadlineAt: closeOf(after!) });

    const audit = await calendarAudit();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'admin', role: 'admin', objectType: 'calendar', objectId: String(y) });
    expect(audit[0]!.detail).toMatchObject({ holidays: { added: [next], removed: [] }, adjustedWorkdays: { added: [], removed: [] } });
  });

  it('refuses everyone but admins', async () => {
    const edited = await year(2026);
    const dispatcher = await putYear(2026, { holidays: [], adjustedWorkdays: [] }, { token: server.token });
    expect(dispatcher.status).toBe(403);
    expect(dispatcher.body.error.code).toBe('forbidden');
    const leader = await putYear(2026, { holidays: [], adjustedWorkdays: [] }, { token: await createToken(server.url, server.adminCookie, 'leader') });
    expect(leader.status).toBe(403);
    const nobody = await sendJson<ApiError>('PUT', `${server.url}/api/calendar/2026`, { holidays: [], adjustedWorkdays: [] }, null);
    expect(nobody.status).toBe(401);
    expect(await year(2026)).toEqual(edited);
  });

  it('refuses bad input with a code and a message, and writes nothing', async () => {
    const edited = await year(2026);
    const cases: [number | string, unknown, number, string][] = [
      [2026, { holidays: ['2026-03-12', '2026-02-30'], adjustedWorkdays: [] }, 400, 'invalid_request'],
      [2026, { holidays: ['2026-3-12'], adjustedWorkdays: [] }, 400, 'invalid_request'],
      [2026, { holidays: ['2026-03-12'] }, 400, 'invalid_request'],
      [2026, { holidays: [], adjustedWorkdays: [], note: 'x' }, 400, 'invalid_request'],
      [2026, '{"holidays": [', 400, 'invalid_json'],
      [2026, { holidays: ['2026-03-12', '2027-01-01'], adjustedWorkdays: [] }, 422, 'date_outside_year'],
      [2026, { holidays: ['2026-03-14'], adjustedWorkdays: ['2026-03-14'] }, 422, 'conflicting_dates'],
      [1999, { holidays: [], adjustedWorkdays: [] }, 400, 'invalid_request'],
      ['20x6', { holidays: [], adjustedWorkdays: [] }, 400, 'invalid_request'],
    ];
    for (const [y, body, status, code] of cases) {
      const r = await putYear(y, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error.code).toBe(code);
      expect(r.body.error.message).toEqual(expect.any(String));
    }
    expect(await year(2026)).toEqual(edited);
    expect(await calendarAudit()).toHaveLength(1);
    // The holiday still stands: a case dispatched now is due the working day after it.
    const c = await dispatched();
    expect(c.deadlineAt).toBe(closeOf((await workingDaysAfter(chinaDate(c.updatedAt), 1))[0]!));
    expect(c.deadlineAt).not.toBe(closeOf(holiday));
  });

  it('keeps the edited calendar across a restart', async () => {
    const edited = await year(2026);
    await server.stop();
    server = await startServer({ dataDir: server.dataDir });
    expect(await year(2026)).toEqual(edited);
    const c = await dispatched();
    // Still past the holiday the admin declared (where it falls before the next working day).
    const [next] = await workingDaysAfter(chinaDate(c.updatedAt), 1);
    expect(c.deadlineAt).toBe(closeOf(next!));
    expect((await year(Number(holiday.slice(0, 4)))).holidays).toContain(holiday);
    if (chinaDate(c.updatedAt) < holiday) expect(Date.parse(c.deadlineAt!)).toBeGreaterThan(Date.parse(closeOf(holiday)));
    // Other years still come from the shipped file.
    expect((await year(2025)).source).toBe('default');
  }, 120_000);
});
