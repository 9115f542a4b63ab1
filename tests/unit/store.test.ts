import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import type { IncidentRecord } from '../../server/store/store.js';
import { caseStateOf, incidentRecord } from '../contract/records.js';
import { makeDataDir, removeDataDir } from '../support/server.js';
import { join } from 'node:path';

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

// The contract suite's builder: one shape of a stored report for every store test.
const record = incidentRecord;

describe('SQLite incident store', () => {
  it('numbers events without gaps, also across a failed transaction', async () => {
    const a = await store.incidents.append([record(), record()]);
    expect(a.map((e) => e.seq)).toEqual([1, 2]);
    const dup = record();
    await expect(store.incidents.append([record(), dup, { ...dup }])).rejects.toThrow();
    expect(await store.headSeq()).toBe(2);
    expect(await store.incidents.count()).toBe(2);
    const b = await store.incidents.append([record()]);
    expect(b[0]!.seq).toBe(3);
    expect((await store.incidents.readEvents(0, 100, 100)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('keeps the log append-only', async () => {
    await store.incidents.append([record()]);
    const db = (store as unknown as { db: { exec(sql: string): void } }).db;
    expect(() => db.exec('DELETE FROM events')).toThrow(/append-only/);
    expect(() => db.exec("UPDATE events SET kind = 'x'")).toThrow(/append-only/);
  });

  it('numbers the cases it held before case numbers existed when it opens, in the order they were registered', async () => {
    const [a, b] = await store.incidents.append([record(), record()]);
    const db = (store as unknown as { db: { exec(sql: string): void } }).db;
    db.exec('UPDATE incidents SET number = NULL; DELETE FROM case_number_days;');
    await store.close();
    store = new SqliteStore(join(dir, 'gw.db'), { caseNumberPrefix: 'XB' });
    expect((await store.incidents.get(a!.incident.id))!.number).toBe('XB-20261101-0001');
    expect((await store.incidents.get(b!.incident.id))!.number).toBe('XB-20261101-0002');
    const [c] = await store.incidents.append([record()]);
    expect(c!.incident.number).toBe('XB-20261101-0003');
  });

  it('reopens with the same head and data', async () => {
    const [e] = await store.incidents.append([record()]);
    await store.close();
    store = new SqliteStore(join(dir, 'gw.db'));
    expect(await store.headSeq()).toBe(1);
    expect(await store.incidents.get(e!.incident.id)).toEqual(e!.incident);
  });

  it('imports history as a time-ordered log whose last event per incident is its stored state', async () => {
    const t = Date.parse('2026-10-01T00:00:00Z');
    // Steps that only know the status (an older data file): logged as status_changed.
    const h = (id: string, at: number, steps: number[]) => ({
      incident: record({ id, reportedAt: at, createdAt: at }),
      transitions: steps.map((dt, i) => {
        const status = (['accepted', 'registered', 'closed'] as const)[i]!;
        return { at: at + dt, changes: { status, stageDeadlineAt: i < 2 ? at + dt + 1800_000 : null, ...(status === 'closed' ? { closedAt: at + dt } : {}) } };
      }),
    });
    const count = await store.incidents.importHistory([h('a', t, [5000, 9000, 20000]), h('b', t + 1000, [2000]), h('c', t + 3000, [])]);
    expect(count).toBe(3);
    const events = await store.incidents.readEvents(0, 1000, 1000);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events.map((e) => e.kind)).toEqual(['created', 'created', 'status_changed', 'created', 'status_changed', 'status_changed', 'status_changed']);
    expect(events.every((e) => e.action === undefined)).toBe(true);
    const times = events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    for (const id of ['a', 'b', 'c']) {
      const mine = events.filter((e) => e.incident.id === id);
      expect(await store.incidents.get(id)).toEqual(mine[mine.length - 1]!.incident);
      expect(mine.map((e) => e.incident.version)).toEqual(mine.map((_, i) => i + 1));
    }
    // Any window of the log gives the same records as the whole log read at once.
    for (let after = 0; after < events.length; after++) {
      expect(await store.incidents.readEvents(after, 1000, 2)).toEqual(events.slice(after, after + 2));
    }
    // A replay's reader gives the same records chunk by chunk, and after a jump ahead (which it must
    // not fold across: the incidents it remembers are as of its last read).
    for (const chunk of [1, 2, 3]) {
      const reader = store.incidents.eventReader();
      const read = [];
      for (let after = 0; after < events.length; after = read[read.length - 1]!.seq) read.push(...(await reader.read(after, 1000, chunk)));
      expect(read).toEqual(events);
    }
    const reader = store.incidents.eventReader();
    expect(await reader.read(0, 1000, 2)).toEqual(events.slice(0, 2));
    expect(await reader.read(4, 1000, 3)).toEqual(events.slice(4, 7));
    expect(await reader.read(1, 1000, 3)).toEqual(events.slice(1, 4));
    const a = await store.incidents.get('a');
    expect(a!.status).toBe('closed');
    expect(a!.closedAt).toBe(new Date(t + 20000).toISOString());
    // Live appends continue the same sequence.
    const [next] = await store.incidents.append([record()]);
    expect(next!.seq).toBe(8);
  });

  it('imports the actions of past cases as case_actions: who, from, to, why, and the team on the row', async () => {
    const t = Date.parse('2026-10-01T00:00:00Z');
    const incident = record({ id: 'past', reportedAt: t, createdAt: t });
    const steps = [
      { at: t + 10_000, changes: { status: 'accepted' as const, stageDeadlineAt: t + 2000_000 }, action: { name: 'accept' as const, actor: '受理员 王敏', role: 'dispatcher' } },
      { at: t + 20_000, changes: { status: 'registered' as const, stageDeadlineAt: t + 4000_000 }, action: { name: 'register' as const, actor: '值班长 李强', role: 'dispatcher' } },
      { at: t + 30_000, changes: { status: 'dispatched' as const, teamId: 'team-2', stageDeadlineAt: null }, action: { name: 'dispatch' as const, actor: '派遣员 张伟', role: 'dispatcher' } },
      { at: t + 40_000, changes: { status: 'handling' as const }, action: { name: 'acknowledge' as const, actor: '湖塘环卫所（模拟）', role: 'field' } },
      { at: t + 50_000, changes: { arrivedAt: t + 50_000 }, action: { name: 'arrive' as const, actor: '湖塘环卫所（模拟）', role: 'field', note: '已到场' } },
    ];
    expect(await store.incidents.importHistory([{ incident, transitions: steps }])).toBe(1);
    const events = await store.incidents.readEvents(0, 100, 100);
    expect(events.map((e) => e.kind)).toEqual(['created', 'case_action', 'case_action', 'case_action', 'case_action', 'case_action']);
    expect(events.slice(1).map((e) => [e.action!.name, e.action!.actor, e.action!.from, e.action!.to])).toEqual([
      ['accept', '受理员 王敏', 'reported', 'accepted'],
      ['register', '值班长 李强', 'accepted', 'registered'],
      ['dispatch', '派遣员 张伟', 'registered', 'dispatched'],
      ['acknowledge', '湖塘环卫所（模拟）', 'dispatched', 'handling'],
      ['arrive', '湖塘环卫所（模拟）', 'handling', 'handling'],
    ]);
    expect(events[5]!.action!.note).toBe('已到场');
    expect(events.slice(3).every((e) => e.incident.teamId === 'team-2')).toBe(true);
    const row = await store.incidents.get('past');
    expect(row).toEqual(events[5]!.incident);
    expect(row).toMatchObject({ status: 'handling', teamId: 'team-2', arrivedAt: new Date(t + 50_000).toISOString(), stageDeadlineAt: null, version: 6 });
    expect(await store.incidents.timelineOf('past')).toEqual(events);
    for (let after = 0; after < events.length; after++) {
      expect(await store.incidents.readEvents(after, 100, 1)).toEqual(events.slice(after, after + 1));
    }
    // The open past case is the team's work now.
    expect((await store.cases.ofTeam('team-2')).map((c) => c.id)).toEqual(['past']);
    expect(await store.cases.workloadByTeam()).toEqual(new Map([['team-2', 1]]));
  });

  it('keeps the stage deadline and the merge through actions, the log and a re-read', async () => {
    const [created] = await store.incidents.append([record()]);
    const rec = created!.incident;
    expect(rec.stageDeadlineAt).toBe(new Date(Date.parse(rec.createdAt) + 1800_000).toISOString());
    const at = Date.parse(rec.createdAt) + 60_000;
    const event = await store.cases.applyAction(rec.id, 1, at, () => ({
      state: { ...caseStateOf(rec), status: 'closed', version: 2, closureKind: 'duplicate', closedAt: at, stageDeadlineAt: null, mergedInto: 'inc-older' },
      action: { name: 'merge', actor: 'd', role: 'dispatcher' },
    }));
    expect(event.incident.mergedInto).toBe('inc-older');
    expect(event.incident.stageDeadlineAt).toBeNull();
    expect(await store.incidents.get(rec.id)).toEqual(event.incident);
    const [, replayed] = await store.incidents.readEvents(0, 10, 10);
    expect(replayed).toEqual(event);
    expect((await store.cases.mergedInto('inc-older')).map((c) => c.id)).toEqual([rec.id]);
  });

  it('finds open cases of a category near a point since a time, in a box around it', async () => {
    const t = Date.parse('2026-11-01T00:00:00Z');
    const at = (id: string, dLonM: number, over: Partial<IncidentRecord> = {}) =>
      record({ id, lon: 119.95 + dLonM / (111_320 * Math.cos((31.7 * Math.PI) / 180)), lat: 31.7, reportedAt: t, createdAt: t, ...over });
    await store.incidents.append([
      at('near', 30),
      at('far', 120),
      at('other-category', 10, { categoryCode: 'E0101' }),
      at('too-old', 10, { reportedAt: t - 2 * 86_400_000 }),
      at('closed', 20),
    ]);
    await store.cases.applyAction('closed', 1, t, (c) => ({
      state: { ...caseStateOf(c), status: 'rejected', version: 2, stageDeadlineAt: null },
      action: { name: 'reject', actor: 'd', role: 'dispatcher' },
    }));
    const found = await store.cases.openNear({ categoryCode: 'E0102', lon: 119.95, lat: 31.7, metres: 50, sinceMs: t - 86_400_000 });
    expect(found.map((c) => c.id)).toEqual(['near']);
  });

  it('reads a window of the log bounded above', async () => {
    await store.incidents.append(Array.from({ length: 10 }, () => record()));
    expect((await store.incidents.readEvents(3, 7, 100)).map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    expect((await store.incidents.readEvents(3, 7, 2)).map((e) => e.seq)).toEqual([4, 5]);
  });
});
