import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditContext } from '../../server/auth/authService.js';
import type { Principal } from '../../server/auth/principal.js';
import { parseYearChange, workingDaysIn } from '../../server/calendar/calendarRules.js';
import { loadCalendarDefaults, WorkCalendarService } from '../../server/calendar/workCalendarService.js';
import { Refusal } from '../../server/refusal.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import type { Store } from '../../server/store/store.js';
import { computeDeadline } from '../../shared/workflow/deadlines.js';
import { DAY_MS } from '../../shared/workflow/workCalendar.js';
import { makeDataDir, removeDataDir } from '../support/server.js';

const admin: Principal = { kind: 'user', name: 'admin', displayName: 'Admin', role: 'admin', userId: 1, tokenId: null, teamId: null, unitCode: null, sessionHash: null };
const ctx: AuditContext = { principal: admin, address: '127.0.0.1' };
const NOW = Date.parse('2026-11-23T09:00:00Z');

let dir: string;
let store: SqliteStore;
beforeEach(() => {
  dir = makeDataDir();
  store = new SqliteStore(join(dir, 'gw.db'));
});
afterEach(async () => {
  await store.close();
  removeDataDir(dir);
});

function service(on: Pick<Store, 'calendar' | 'transaction'> = store): Promise<WorkCalendarService> {
  return WorkCalendarService.load({ defaults: loadCalendarDefaults(), store: on, now: () => NOW });
}

/** The store, but every transaction's audit entry fails to be written. */
const auditDown = (): Pick<Store, 'calendar' | 'transaction'> => ({
  calendar: store.calendar,
  transaction: (fn) =>
    store.transaction((tx) =>
      fn({
        ...tx,
        audit: {
          append: async () => {
            throw new Error('audit store down');
          },
          read: (limit, beforeId) => tx.audit.read(limit, beforeId),
        },
      }),
    ),
});

/** A Refusal's status and code, or what else was thrown. */
function refusalOf(fn: () => unknown): { status: number; code: string } | unknown {
  try {
    fn();
  } catch (err) {
    return err instanceof Refusal ? { status: err.status, code: err.code } : err;
  }
  return 'nothing thrown';
}

/** The same for a promise. */
async function asyncRefusalOf(p: Promise<unknown>): Promise<{ status: number; code: string } | unknown> {
  try {
    await p;
  } catch (err) {
    return err instanceof Refusal ? { status: err.status, code: err.code } : err;
  }
  return 'nothing thrown';
}

describe('calendar changes are checked', () => {
  it('accepts real dates of the year, drops repeats and sorts', () => {
    expect(parseYearChange(2026, { holidays: ['2026-03-10', '2026-01-01', '2026-03-10'], adjustedWorkdays: [] })).toEqual({
      holidays: ['2026-01-01', '2026-03-10'],
      adjustedWorkdays: [],
    });
  });

  it('refuses dates that do not exist, malformed dates and bodies of the wrong shape with 400', () => {
    for (const body of [
      { holidays: ['2026-02-30'], adjustedWorkdays: [] },
      { holidays: ['2026-13-01'], adjustedWorkdays: [] },
      { holidays: ['2026-3-1'], adjustedWorkdays: [] },
      { holidays: ['2026-03-10T00:00:00Z'], adjustedWorkdays: [] },
      { holidays: [20260310], adjustedWorkdays: [] },
      { holidays: [] },
      { holidays: [], adjustedWorkdays: [], extra: 1 },
      null,
      'holidays',
    ]) {
      expect(refusalOf(() => parseYearChange(2026, body)), JSON.stringify(body)).toEqual({ status: 400, code: 'invalid_request' });
    }
  });

  it('refuses a date of another year and a date that is both holiday and workday with 422', () => {
    expect(refusalOf(() => parseYearChange(2026, { holidays: ['2025-12-31'], adjustedWorkdays: [] }))).toEqual({ status: 422, code: 'date_outside_year' });
    expect(refusalOf(() => parseYearChange(2026, { holidays: [], adjustedWorkdays: ['2027-01-02'] }))).toEqual({ status: 422, code: 'date_outside_year' });
    expect(refusalOf(() => parseYearChange(2026, { holidays: ['2026-03-14'], adjustedWorkdays: ['2026-03-14'] }))).toEqual({ status: 422, code: 'conflicting_dates' });
  });

  it('counts the working days of a year: weekdays less holidays plus adjusted workdays', async () => {
    const s = await service();
    // 2026 has 261 weekdays; the shipped calendar takes 19 weekday holidays off and adds 6 worked weekend days.
    const y = s.year(2026);
    expect(y.workingDays).toBe(workingDaysIn(2026, s.current));
    expect(y.workingDays).toBeGreaterThan(240);
    expect(y.workingDays).toBeLessThan(261);
    // A year the file does not know: weekends only.
    expect(s.year(2040)).toMatchObject({ source: 'none', holidays: [], adjustedWorkdays: [], workingDays: 261 });
  });
});

describe('the work calendar service', () => {
  it('serves the shipped defaults until a year is edited', async () => {
    const y = (await service()).year(2026);
    expect(y.source).toBe('default');
    expect(y.holidays).toContain('2026-10-01');
    expect(y.adjustedWorkdays).toContain('2026-10-10');
    expect(y.workingPeriods).toEqual([['08:00', '12:00'], ['14:00', '18:00']]);
    expect(y.updatedBy).toBeNull();
  });

  it('replaces a year: the new calendar applies to the next deadline at once', async () => {
    const s = await service();
    const before = s.current;
    // Monday 2026-03-09 10:00 +08:00, one working day: due Tuesday 18:00.
    const start = Date.parse('2026-03-09T10:00:00+08:00');
    const limit = { kind: 'working_days', amount: 1 } as const;
    expect(computeDeadline(start, limit, s.current)).toBe(Date.parse('2026-03-10T18:00:00+08:00'));
    const defaults = s.year(2026);
    const after = await s.replaceYear(2026, { holidays: [...defaults.holidays, '2026-03-10'], adjustedWorkdays: defaults.adjustedWorkdays }, ctx);
    expect(after.source).toBe('edited');
    expect(after.updatedBy).toBe('admin');
    expect(after.holidays).toContain('2026-03-10');
    expect(after.workingDays).toBe(defaults.workingDays - 1);
    expect(s.current).not.toBe(before);
    expect(computeDeadline(start, limit, s.current)).toBe(Date.parse('2026-03-11T18:00:00+08:00'));
    // Other years keep the defaults.
    expect(s.year(2025).source).toBe('default');
  });

  it('makes a weekend day a working day and can empty a year', async () => {
    const s = await service();
    const saturday = Date.UTC(2026, 2, 14) / DAY_MS;
    expect(s.current.isWorkingDay(saturday)).toBe(false);
    await s.replaceYear(2026, { holidays: [], adjustedWorkdays: ['2026-03-14'] }, ctx);
    expect(s.current.isWorkingDay(saturday)).toBe(true);
    // The defaults' holidays are gone: 2026-10-01 (a Thursday) is worked.
    expect(s.current.isWorkingDay(Date.UTC(2026, 9, 1) / DAY_MS)).toBe(true);
    expect(s.year(2026)).toMatchObject({ holidays: [], adjustedWorkdays: ['2026-03-14'], workingDays: 262 });
  });

  it('records every change in the audit log, with what was added and removed', async () => {
    const s = await service();
    await s.replaceYear(2026, { holidays: ['2026-01-01', '2026-03-10'], adjustedWorkdays: [] }, ctx);
    const [entry] = await store.audit.read(1);
    expect(entry).toMatchObject({ at: new Date(NOW).toISOString(), actor: 'admin', role: 'admin', action: 'calendar.update', objectType: 'calendar', objectId: '2026', address: '127.0.0.1' });
    const detail = entry!.detail as { holidays: { added: string[]; removed: string[] }; adjustedWorkdays: { added: string[]; removed: string[] } };
    expect(detail.holidays.added).toEqual(['2026-03-10']);
    expect(detail.holidays.removed).toContain('2026-10-01');
    expect(detail.holidays.removed).not.toContain('2026-01-01');
    expect(detail.adjustedWorkdays.removed).toContain('2026-10-10');
  });

  it('writes nothing for a refused change', async () => {
    const s = await service();
    const before = s.current;
    expect(await asyncRefusalOf(s.replaceYear(2026, { holidays: ['2026-03-10', '2026-02-30'], adjustedWorkdays: [] }, ctx))).toMatchObject({ status: 400 });
    expect(await asyncRefusalOf(s.replaceYear(2026, { holidays: ['2026-03-14'], adjustedWorkdays: ['2026-03-14'] }, ctx))).toMatchObject({ status: 422 });
    expect(s.current).toBe(before);
    expect(s.year(2026).source).toBe('default');
    expect(await store.calendar.years()).toEqual([]);
    expect(await store.audit.read(10)).toEqual([]);
  });

  it('rolls the change back when its audit entry cannot be written', async () => {
    const s = await service(auditDown());
    await expect(s.replaceYear(2026, { holidays: ['2026-03-10'], adjustedWorkdays: [] }, ctx)).rejects.toThrow(/audit store down/);
    expect(s.year(2026).source).toBe('default');
    expect(await store.calendar.years()).toEqual([]);
    // The service goes on: the next change is made.
    expect((await (await service()).replaceYear(2026, { holidays: ['2026-03-10'], adjustedWorkdays: [] }, ctx)).source).toBe('edited');
  });

  it('makes changes asked for at once one after another, each against the one before', async () => {
    const s = await service();
    const [, second] = await Promise.all([
      s.replaceYear(2026, { holidays: ['2026-03-10'], adjustedWorkdays: [] }, ctx),
      s.replaceYear(2026, { holidays: ['2026-03-11'], adjustedWorkdays: [] }, ctx),
    ]);
    expect(second).toMatchObject({ holidays: ['2026-03-11'] });
    expect(s.year(2026).holidays).toEqual(['2026-03-11']);
    const [last] = await store.audit.read(1);
    expect(last!.detail).toEqual({ holidays: { added: ['2026-03-11'], removed: ['2026-03-10'] }, adjustedWorkdays: { added: [], removed: [] } });
  });

  it('keeps the edits across a restart, and a second edit replaces the first', async () => {
    await (await service()).replaceYear(2026, { holidays: ['2026-03-10'], adjustedWorkdays: ['2026-03-14'] }, ctx);
    await store.close();
    store = new SqliteStore(join(dir, 'gw.db'));
    const s = await service();
    expect(s.year(2026)).toMatchObject({ source: 'edited', holidays: ['2026-03-10'], adjustedWorkdays: ['2026-03-14'], updatedBy: 'admin' });
    await s.replaceYear(2026, { holidays: ['2026-03-11'], adjustedWorkdays: [] }, ctx);
    expect((await service()).year(2026)).toMatchObject({ holidays: ['2026-03-11'], adjustedWorkdays: [] });
    expect(await store.calendar.years()).toEqual([{ year: 2026, holidays: ['2026-03-11'], adjustedWorkdays: [], updatedAt: NOW, updatedBy: 'admin' }]);
  });
});
