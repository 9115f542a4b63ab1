import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../server/store/sqlite/migrations.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-migration-13-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2026-11-30T02:00:00Z');
const OLD_DEADLINE = T0 + 4 * 3_600_000;

/**
 * A database as the server left it before migration 13: the deadline counted from the report, NOT
 * NULL, on every case; no unit, closure deadline or application.
 */
function databaseBeforeUnits(file: string): void {
  const db = new Database(file);
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  for (const m of MIGRATIONS.filter((m) => m.version < 13)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, T0);
  }
  const insert = db.prepare(`INSERT INTO incidents (id, seq, version, category_code, lon, lat, grid_code, town_code, community_code, status, source,
    description, reported_at, created_at, updated_at, deadline_at, team_id, suspended_from) VALUES (?, ?, 1, 'E0102', 119.95, 31.72, '320412100001001',
    '320412100', '320412100001', ?, 'inspector', '', ?, ?, ?, ?, ?, ?)`);
  const cases: [string, string, string | null, string | null][] = [
    ['c-reported', 'reported', null, null],
    ['c-registered', 'registered', null, null],
    ['c-dispatched', 'dispatched', 'team-2', null],
    ['c-suspended-early', 'suspended', null, 'registered'],
    ['c-suspended-late', 'suspended', 'team-2', 'handling'],
    ['c-closed', 'closed', 'team-2', null],
  ];
  cases.forEach(([id, status, team, from], k) => insert.run(id, k + 1, status, T0, T0, T0, OLD_DEADLINE, team, from));
  db.prepare(`INSERT INTO users (username, display_name, role, password_hash, disabled, created_at, updated_at) VALUES ('old-user', 'old', 'dispatcher', 'x', 0, ?, ?)`).run(T0, T0);
  db.close();
}

describe('migration 13: units responsible and the two clocks', () => {
  it('keeps the deadline of cases a unit already had, clears it before dispatch, takes it as the closure deadline from registration on, and names the unit of earlier dispatches from the roster', async () => {
    const file = join(dir, 'gridwatch.db');
    databaseBeforeUnits(file);
    const store = new SqliteStore(file);
    try {
      const get = async (id: string) => (await store.incidents.get(id))!;
      const iso = new Date(OLD_DEADLINE).toISOString();
      expect(await get('c-reported')).toMatchObject({ deadlineAt: null, closeDeadlineAt: null, unitCode: null, application: null, confirmedAt: null });
      expect(await get('c-registered')).toMatchObject({ deadlineAt: null, closeDeadlineAt: iso });
      expect(await get('c-dispatched')).toMatchObject({ deadlineAt: iso, closeDeadlineAt: iso });
      expect(await get('c-suspended-early')).toMatchObject({ deadlineAt: null, closeDeadlineAt: iso });
      expect(await get('c-suspended-late')).toMatchObject({ deadlineAt: iso, closeDeadlineAt: iso });
      expect(await get('c-closed')).toMatchObject({ deadlineAt: iso, closeDeadlineAt: iso });
      // A case dispatched before units existed gets its crew's unit when the server starts with its roster.
      expect((await get('c-dispatched')).unitCode).toBeNull();
      expect(await store.cases.backfillUnits(new Map([['team-2', 'huanwei']]))).toBe(3);
      expect((await get('c-dispatched')).unitCode).toBe('huanwei');
      expect((await get('c-closed')).unitCode).toBe('huanwei');
      expect((await get('c-registered')).unitCode).toBeNull();
      // Existing accounts have no unit; a unit account can be made.
      expect((await store.auth.userByName('old-user'))!.unitCode).toBeNull();
      const desk = await store.auth.createUser({ username: 'desk', displayName: 'desk', role: 'unit', passwordHash: 'x', unitCode: 'gongshui', at: T0 });
      expect(desk.unitCode).toBe('gongshui');
    } finally {
      store.close();
    }
    // Opening it again applies nothing twice.
    const again = new SqliteStore(file);
    expect((await again.incidents.get('c-dispatched'))!.unitCode).toBe('huanwei');
    again.close();
  });
});
