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

// C0113 has a limit of one working day: a case reported on Monday 2026-03-09 is due at the close of
// the next working day, Tuesday 18:00 (+08:00), unless Tuesday is a holiday.
const CATEGORY = 'C0113';
const MONDAY_MORNING = '2026-03-09T02:00:00.000Z';
const TUESDAY_CLOSE = '2026-03-10T10:00:00.000Z';
const WEDNESDAY_CLOSE = '2026-03-11T10:00:00.000Z';

beforeAll(async () => {
  // Its reports are dated in March 2026: further back than a live report may be by default.
  server = await startServer({ env: { REPORT_MAX_AGE_DAYS: '3650' } });
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
const report = async (url = server.url) => {
  const r = await postJson<Incident>(`${url}/api/incidents`, { categoryCode: CATEGORY, ...place, reportedAt: MONDAY_MORNING });
  expect(r.status).toBe(201);
  return r.body;
};
const calendarAudit = async () =>
  (await getJson<AuditEntry[]>(`${server.url}/api/audit?limit=1000`, admin())).body.filter((e) => e.action === 'calendar.update');

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

  it('an admin declares a weekday a holiday: the next deadline moves by a day, the ones already set stay', async () => {
    const before = await report();
    expect(before.deadlineAt).toBe(TUESDAY_CLOSE);

    const defaults = await year(2026);
    const r = await putYear(2026, { holidays: [...defaults.holidays, '2026-03-10'], adjustedWorkdays: defaults.adjustedWorkdays });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ year: 2026, source: 'edited', updatedBy: 'admin', workingDays: defaults.workingDays - 1 });
    expect(r.body.holidays).toContain('2026-03-10');
    expect(await year(2026)).toEqual(r.body);

    const after = await report();
    expect(after.deadlineAt).toBe(WEDNESDAY_CLOSE);
    expect((await getJson<Incident>(`${server.url}/api/incidents/${before.id}`)).body.deadlineAt).toBe(TUESDAY_CLOSE);

    const audit = await calendarAudit();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'admin', role: 'admin', objectType: 'calendar', objectId: '2026' });
    expect(audit[0]!.detail).toMatchObject({ holidays: { added: ['2026-03-10'], removed: [] }, adjustedWorkdays: { added: [], removed: [] } });
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
    expect((await report()).deadlineAt).toBe(WEDNESDAY_CLOSE);
  });

  it('keeps the edited calendar across a restart', async () => {
    const edited = await year(2026);
    await server.stop();
    server = await startServer({ dataDir: server.dataDir, env: { REPORT_MAX_AGE_DAYS: '3650' } });
    expect(await year(2026)).toEqual(edited);
    expect((await report()).deadlineAt).toBe(WEDNESDAY_CLOSE);
    // Other years still come from the shipped file.
    expect((await year(2025)).source).toBe('default');
  }, 120_000);
});
