import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { IncidentEvent, IncidentQuery, IncidentStatus } from '../../shared/index.js';
import { InvalidCursorError, type IncidentRecord, type Store } from '../../server/store/store.js';
import {
  act, actionRecord, chinaDay, createdIncident, DAY, eastMetres, historical, HOUR, incidentRecord, iso, MINUTE, northMetres, SECOND, seqRange, sortedBy, T0, useStore,
  type OpenStore,
} from './records.js';

/**
 * A log with every kind of event, incidents interleaved: two live reports, a back-filled past (steps
 * that only know the status, and named actions), more live reports, and live actions on both live and
 * imported cases. Returns the whole log.
 */
async function mixedLog(s: Store): Promise<IncidentEvent[]> {
  const t = T_PAST;
  await s.incidents.append([incidentRecord({ id: 'live-1' }), incidentRecord({ id: 'live-2' })]);
  await s.incidents.importHistory([
    historical(incidentRecord({ id: 'past-a', reportedAt: t }), [
      { at: t + 5 * SECOND, changes: { status: 'accepted', stageDeadlineAt: t + 35 * MINUTE } },
      { at: t + 9 * SECOND, changes: { status: 'closed', closedAt: t + 9 * SECOND, closureKind: 'normal', stageDeadlineAt: null } },
    ]),
    historical(incidentRecord({ id: 'past-b', reportedAt: t + SECOND }), [
      { at: t + 2 * SECOND, changes: { status: 'accepted' }, action: actionRecord('accept') },
      { at: t + 7 * SECOND, changes: { status: 'registered' }, action: actionRecord('register') },
    ]),
  ]);
  await s.incidents.append([incidentRecord({ id: 'live-3' })]);
  await act(s, 'live-1', T0_LATER, 'accept', { status: 'accepted' });
  await act(s, 'past-b', T0_LATER + SECOND, 'dispatch', { status: 'dispatched', teamId: 'team-1', stageDeadlineAt: null });
  await act(s, 'live-1', T0_LATER + 2 * SECOND, 'urge', { urgeCount: 1 }, { note: '加快' });
  await s.incidents.append([incidentRecord({ id: 'live-4' }), incidentRecord({ id: 'live-5' })]);
  await act(s, 'live-2', T0_LATER + 3 * SECOND, 'reject', { status: 'rejected', stageDeadlineAt: null });
  const head = await s.headSeq();
  return s.incidents.readEvents(0, head, head + 100);
}
const T_PAST = Date.parse('2026-10-01T00:00:00Z');
const T0_LATER = Date.parse('2026-11-05T00:00:00Z');

export function describeIncidentRepository(open: OpenStore): void {
  describe('IncidentRepository', () => {
    const store = useStore(open);

    it('reads the log as deltas, in chunks: each snapshot with its changes folded on is the case the log gives after that event', async () => {
      const s = store();
      const events = await mixedLog(s);
      const head = await s.headSeq();
      const reader = s.incidents.deltaReader();
      const cases = new Map<number, Record<string, unknown>>();
      const seen: { seq: number; kind: string; at: string; action: string | null; id: string; status: unknown; closedAt: unknown; stageDeadlineAt: unknown; teamId: unknown; urgeCount: unknown }[] = [];
      const ms = (v: unknown) => (typeof v === 'number' ? new Date(v).toISOString() : v);
      let after = 0;
      while (after < head) {
        // Three at a time: a read goes on where the last ended.
        const last = await reader.read(after, head, 3, (d) => {
          if (d.created) cases.set(d.incident, { ...d.created });
          else Object.assign(cases.get(d.incident)!, d.changes);
          const c = cases.get(d.incident)!;
          seen.push({ seq: d.seq, kind: d.kind, at: new Date(d.at).toISOString(), action: d.action?.name ?? null, id: c.id as string, status: c.status, closedAt: ms(c.closedAt), stageDeadlineAt: ms(c.stageDeadlineAt), teamId: c.teamId, urgeCount: c.urgeCount });
        });
        expect(last).toBeGreaterThan(after);
        after = last;
      }
      expect(seen).toEqual(
        events.map((e) => ({
          seq: e.seq, kind: e.kind, at: e.at, action: e.action?.name ?? null, id: e.incident.id, status: e.incident.status, closedAt: e.incident.closedAt,
          stageDeadlineAt: e.incident.stageDeadlineAt, teamId: e.incident.teamId, urgeCount: e.incident.urgeCount,
        })),
      );
      expect(seen.map((e) => e.kind)).toEqual(expect.arrayContaining(['created', 'status_changed', 'case_action']));
      expect(await reader.read(head, head, 10, () => expect.unreachable())).toBe(head);
    });

    it('starts empty', async () => {
      const s = store();
      expect(await s.headSeq()).toBe(0);
      expect(await s.incidents.count()).toBe(0);
      expect(await s.incidents.readEvents(0, 100, 100)).toEqual([]);
      expect(await s.incidents.get('nobody')).toBeUndefined();
      expect(await s.incidents.timelineOf('nobody')).toEqual([]);
      expect(await s.incidents.list({ limit: 10 })).toEqual({ items: [], nextCursor: null });
      expect(await s.incidents.points(0, Number.MAX_SAFE_INTEGER)).toEqual([]);
      expect(await s.incidents.append([])).toEqual([]);
      expect(await s.headSeq()).toBe(0);
    });

    it('appends incidents as created events numbered on from the head, without gaps', async () => {
      const s = store();
      const a = incidentRecord();
      const b = incidentRecord();
      const first = await s.incidents.append([a, b]);
      expect(first).toEqual([
        { seq: 1, kind: 'created', at: iso(a.createdAt), incident: createdIncident(a, 1) },
        { seq: 2, kind: 'created', at: iso(b.createdAt), incident: createdIncident(b, 2) },
      ]);
      expect(first.every((e) => e.action === undefined)).toBe(true);
      expect(await s.headSeq()).toBe(2);
      const c = incidentRecord();
      const [third] = await s.incidents.append([c]);
      expect(third!.seq).toBe(3);
      expect(await s.headSeq()).toBe(3);
      expect(await s.incidents.count()).toBe(3);
      for (const e of [...first, third!]) expect(await s.incidents.get(e.incident.id)).toEqual(e.incident);
      expect(await s.incidents.readEvents(0, 3, 10)).toEqual([...first, third]);
    });

    it('keeps every field of the record: reporter, who reported, text, place and deadlines', async () => {
      const s = store();
      const rec = incidentRecord({
        categoryCode: 'C0101',
        lon: 119.987654321,
        lat: 31.712345678,
        source: 'hotline_12345',
        description: '井盖缺失，\n请尽快处理 "urgent"',
        reporter: { name: '张三', phone: '+86 138 0000 0000' },
        reportedBy: { name: '12345 热线', role: 'dispatcher' },
        reportedAt: T0 - HOUR,
        createdAt: T0,
        stageDeadlineAt: T0 + 20 * MINUTE,
      });
      const partial = incidentRecord({ reporter: { phone: '0519-8888 1234' } });
      const [e, f] = await s.incidents.append([rec, partial]);
      expect(e!.incident).toEqual(createdIncident(rec, 1));
      expect(await s.incidents.get(rec.id)).toEqual(createdIncident(rec, 1));
      expect(await s.incidents.get(partial.id)).toEqual(createdIncident(partial, 2));
      expect(f!.incident.reporter).toEqual({ phone: '0519-8888 1234' });
    });

    it('stores nothing of a batch that fails and keeps the head, so the next seq follows on', async () => {
      const s = store();
      const kept = incidentRecord();
      await s.incidents.append([kept]);
      const fresh = incidentRecord();
      const dup = incidentRecord();
      await expect(s.incidents.append([fresh, dup, { ...dup }])).rejects.toThrow();
      await expect(s.incidents.append([incidentRecord({ id: 'other' }), { ...kept }])).rejects.toThrow();
      expect(await s.headSeq()).toBe(1);
      expect(await s.incidents.count()).toBe(1);
      expect(await s.incidents.get(fresh.id)).toBeUndefined();
      expect(await s.incidents.get(dup.id)).toBeUndefined();
      expect(await s.incidents.get('other')).toBeUndefined();
      expect(await s.incidents.get(kept.id)).toEqual(createdIncident(kept, 1));
      expect((await s.incidents.readEvents(0, 100, 100)).map((e) => e.seq)).toEqual([1]);
      const [next] = await s.incidents.append([fresh]);
      expect(next!.seq).toBe(2);
    });

    it('imports history in time order, continuing the same seqs as append, each incident ending in its stored state', async () => {
      const s = store();
      await s.incidents.append([incidentRecord(), incidentRecord()]);
      const t = T_PAST;
      const a = incidentRecord({ id: 'a', reportedAt: t });
      const b = incidentRecord({ id: 'b', reportedAt: t + 1 * SECOND, reporter: { name: '李四' }, description: '占道经营' });
      const c = incidentRecord({ id: 'c', reportedAt: t + 3 * SECOND });
      const count = await s.incidents.importHistory([
        // Steps that only know the status (an older data file): logged as status_changed.
        historical(a, [
          { at: t + 5 * SECOND, changes: { status: 'accepted', stageDeadlineAt: t + 5 * SECOND + 30 * MINUTE } },
          { at: t + 9 * SECOND, changes: { status: 'registered', stageDeadlineAt: t + 9 * SECOND + 30 * MINUTE } },
          { at: t + 20 * SECOND, changes: { status: 'closed', closedAt: t + 20 * SECOND, closureKind: 'normal', stageDeadlineAt: null } },
        ]),
        historical(b, [{ at: t + 2 * SECOND, changes: { status: 'accepted', stageDeadlineAt: t + 2 * SECOND + 30 * MINUTE } }]),
        historical(c, []),
      ]);
      expect(count).toBe(3);
      expect(await s.headSeq()).toBe(9);
      expect(await s.incidents.count()).toBe(5);
      const events = await s.incidents.readEvents(2, 1000, 1000);
      expect(events.map((e) => e.seq)).toEqual(seqRange(3, 7));
      expect(events.map((e) => [e.incident.id, e.kind])).toEqual([
        ['a', 'created'], ['b', 'created'], ['b', 'status_changed'], ['c', 'created'], ['a', 'status_changed'], ['a', 'status_changed'], ['a', 'status_changed'],
      ]);
      expect(events.every((e) => e.action === undefined)).toBe(true);
      const times = events.map((e) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((x, y) => x - y));
      // A past report's created event is the same record an appended one would be.
      expect(events[0]!.incident).toEqual(createdIncident(a, 3));
      expect(events[1]!.incident).toEqual(createdIncident(b, 4));
      expect(events[3]!.incident).toEqual(createdIncident(c, 6));
      for (const id of ['a', 'b', 'c']) {
        const mine = events.filter((e) => e.incident.id === id);
        expect(mine.map((e) => e.incident.version)).toEqual(mine.map((_, i) => i + 1));
        expect(mine.map((e) => e.incident.seq)).toEqual(mine.map((e) => e.seq));
        expect(await s.incidents.get(id)).toEqual(mine[mine.length - 1]!.incident);
      }
      expect(await s.incidents.get('a')).toMatchObject({
        status: 'closed', version: 4, seq: 9, closedAt: iso(t + 20 * SECOND), closureKind: 'normal', stageDeadlineAt: null, updatedAt: iso(t + 20 * SECOND),
      });
      expect(await s.incidents.get('b')).toMatchObject({ status: 'accepted', version: 2, reporter: { name: '李四' }, description: '占道经营' });
      // Live appends continue the same sequence.
      const [next] = await s.incidents.append([incidentRecord()]);
      expect(next!.seq).toBe(10);
      expect(await s.incidents.importHistory([])).toBe(0);
      expect(await s.headSeq()).toBe(10);
    });

    it('imports the named actions of past cases as case_actions: who, from, to, why, and the team on the row', async () => {
      const s = store();
      const t = T_PAST;
      const past = incidentRecord({ id: 'past', reportedAt: t });
      const steps = [
        { at: t + 10 * SECOND, changes: { status: 'accepted' as const, stageDeadlineAt: t + 2000 * SECOND }, action: actionRecord('accept', { actor: '受理员 王敏' }) },
        { at: t + 20 * SECOND, changes: { status: 'registered' as const, stageDeadlineAt: t + 4000 * SECOND, closeDeadlineAt: t + 3 * DAY }, action: actionRecord('register', { actor: '值班长 李强' }) },
        {
          at: t + 30 * SECOND,
          changes: { status: 'dispatched' as const, unitCode: 'huanwei', teamId: 'team-2', deadlineAt: t + 30 * SECOND + 4 * HOUR, stageDeadlineAt: null },
          action: actionRecord('dispatch'),
        },
        { at: t + 40 * SECOND, changes: { status: 'handling' as const }, action: actionRecord('acknowledge', { actor: '湖塘环卫所', role: 'field' }) },
        { at: t + 50 * SECOND, changes: { arrivedAt: t + 50 * SECOND }, action: actionRecord('arrive', { actor: '湖塘环卫所', role: 'field', note: '已到场' }) },
      ];
      expect(await s.incidents.importHistory([historical(past, steps)])).toBe(1);
      const events = await s.incidents.readEvents(0, 100, 100);
      expect(events.map((e) => e.kind)).toEqual(['created', 'case_action', 'case_action', 'case_action', 'case_action', 'case_action']);
      expect(events.slice(1).map((e) => [e.action!.name, e.action!.actor, e.action!.role, e.action!.from, e.action!.to])).toEqual([
        ['accept', '受理员 王敏', 'dispatcher', 'reported', 'accepted'],
        ['register', '值班长 李强', 'dispatcher', 'accepted', 'registered'],
        ['dispatch', '派遣员 张伟', 'dispatcher', 'registered', 'dispatched'],
        ['acknowledge', '湖塘环卫所', 'field', 'dispatched', 'handling'],
        ['arrive', '湖塘环卫所', 'field', 'handling', 'handling'],
      ]);
      expect(events[5]!.action!.note).toBe('已到场');
      expect(events.slice(3).every((e) => e.incident.teamId === 'team-2')).toBe(true);
      expect(events.slice(0, 3).every((e) => e.incident.teamId === null)).toBe(true);
      const row = await s.incidents.get('past');
      expect(row).toEqual(events[5]!.incident);
      expect(row).toMatchObject({ status: 'handling', teamId: 'team-2', arrivedAt: iso(t + 50 * SECOND), stageDeadlineAt: null, version: 6, seq: 6 });
      // The unit and both clocks, as the steps set them: handling from the dispatch, closure from the registration.
      expect(row).toMatchObject({ unitCode: 'huanwei', deadlineAt: iso(t + 30 * SECOND + 4 * HOUR), closeDeadlineAt: iso(t + 3 * DAY) });
      expect(events[2]!.incident).toMatchObject({ unitCode: null, deadlineAt: null, closeDeadlineAt: iso(t + 3 * DAY) });
      expect(await s.incidents.timelineOf('past')).toEqual(events);
      // The open past case is the team's work now, like a live one.
      expect((await s.cases.ofTeam('team-2')).map((c) => c.id)).toEqual(['past']);
      expect((await s.cases.ofUnit('huanwei')).map((c) => c.id)).toEqual(['past']);
      expect(await s.cases.workloadByTeam()).toEqual(new Map([['team-2', 1]]));
      // A live action continues its history.
      const e = await act(s, 'past', T0, 'report-handled', { status: 'handled' });
      expect(e).toMatchObject({ seq: 7, kind: 'case_action', action: { from: 'handling', to: 'handled' } });
      expect(e.incident).toMatchObject({ version: 7, teamId: 'team-2', arrivedAt: iso(t + 50 * SECOND) });
    });

    it('reads the same events in any window of the log: bounded above, limited, chunked', async () => {
      const s = store();
      const all = await mixedLog(s);
      const head = await s.headSeq();
      expect(all.map((e) => e.seq)).toEqual(seqRange(1, head));
      expect(head).toBeGreaterThanOrEqual(15);
      for (let after = 0; after <= head; after++) {
        for (const limit of [1, 2, 3, 7]) {
          expect(await s.incidents.readEvents(after, head, limit)).toEqual(all.slice(after, after + limit));
        }
        // Bounded above: nothing past upToSeq, however large the limit.
        for (const upTo of [after, after + 1, after + 4]) {
          expect(await s.incidents.readEvents(after, upTo, 100)).toEqual(all.slice(after, Math.min(upTo, head)));
        }
      }
      expect(await s.incidents.readEvents(head, head + 100, 100)).toEqual([]);
      for (const chunk of [1, 2, 3, 5]) {
        const read: IncidentEvent[] = [];
        while (read.length < all.length) {
          const got = await s.incidents.readEvents(read.length === 0 ? 0 : read[read.length - 1]!.seq, head, chunk);
          expect(got.length).toBeGreaterThan(0);
          read.push(...got);
        }
        expect(read).toEqual(all);
      }
      // Each event carries its incident as it stood then, the latest being the stored one.
      for (const id of ['live-1', 'live-2', 'past-a', 'past-b', 'live-5']) {
        const mine = all.filter((e) => e.incident.id === id);
        expect(await s.incidents.get(id)).toEqual(mine[mine.length - 1]!.incident);
        expect(await s.incidents.timelineOf(id)).toEqual(mine);
      }
      const urge = all.find((e) => e.action?.name === 'urge')!;
      expect(urge).toMatchObject({ kind: 'case_action', at: iso(T0_LATER + 2 * SECOND), action: { note: '加快', from: 'accepted', to: 'accepted' } });
      expect(urge.incident).toMatchObject({ id: 'live-1', version: 3, urgeCount: 1, status: 'accepted' });
    });

    it('gives a replay reader the same events as readEvents: chunk by chunk, after a jump forward or back, and across new commits', async () => {
      const s = store();
      const all = await mixedLog(s);
      const head = await s.headSeq();
      for (const chunk of [1, 2, 3, 4, 100]) {
        const reader = s.incidents.eventReader();
        const read: IncidentEvent[] = [];
        for (let after = 0; after < head; after = read[read.length - 1]!.seq) {
          const got = await reader.read(after, head, chunk);
          expect(got).toEqual(all.slice(after, after + chunk));
          read.push(...got);
        }
        expect(read).toEqual(all);
        expect(await reader.read(head, head, chunk)).toEqual([]);
      }
      // A read that does not continue where the last ended (forward or back) is still right.
      const reader = s.incidents.eventReader();
      expect(await reader.read(0, head, 2)).toEqual(all.slice(0, 2));
      expect(await reader.read(6, head, 3)).toEqual(all.slice(6, 9));
      expect(await reader.read(1, head, 4)).toEqual(all.slice(1, 5));
      expect(await reader.read(head - 3, head, 10)).toEqual(all.slice(head - 3));
      expect(await reader.read(3, 5, 10)).toEqual(all.slice(3, 5));
      // Caught up, it goes on reading what is committed after, on incidents it remembers and new ones.
      const caughtUp = s.incidents.eventReader();
      expect(await caughtUp.read(0, head, 1000)).toEqual(all);
      await act(s, 'live-1', T0_LATER + HOUR, 'register', { status: 'registered' });
      await act(s, 'past-b', T0_LATER + HOUR + SECOND, 'acknowledge', { status: 'handling' }, { role: 'field', actor: 'crew' });
      await s.incidents.append([incidentRecord({ id: 'live-6' })]);
      await act(s, 'live-1', T0_LATER + HOUR + 2 * SECOND, 'dispatch', { status: 'dispatched', teamId: 'team-3', stageDeadlineAt: null });
      const head2 = await s.headSeq();
      expect(head2).toBe(head + 4);
      const more = await s.incidents.readEvents(head, head2, 100);
      expect(await caughtUp.read(head, head2, 100)).toEqual(more);
      expect(more.map((e) => [e.incident.id, e.incident.version, e.incident.status])).toEqual([
        ['live-1', 4, 'registered'], ['past-b', 5, 'handling'], ['live-6', 1, 'reported'], ['live-1', 5, 'dispatched'],
      ]);
    });

    it('gives each incident its timeline, oldest first', async () => {
      const s = store();
      const [created] = await s.incidents.append([incidentRecord(), incidentRecord()]);
      const id = created!.incident.id;
      const accepted = await act(s, id, T0 + HOUR, 'accept', { status: 'accepted' });
      await s.incidents.append([incidentRecord()]);
      const urged = await act(s, id, T0 + 2 * HOUR, 'urge', { urgeCount: 1 });
      expect(await s.incidents.timelineOf(id)).toEqual([created, accepted, urged]);
    });

    it('lists newest report first, filtered, paged by cursor without loss or repeat', async () => {
      const s = store();
      const inBox = (dx: number) => ({ lon: 119.95 + eastMetres(dx), lat: 31.7 + northMetres(dx) });
      const recs: IncidentRecord[] = [
        incidentRecord({ id: 'r1', reportedAt: T0 - 5 * HOUR, townCode: 'town-1', ...inBox(10) }),
        incidentRecord({ id: 'r2', reportedAt: T0 - 4 * HOUR, townCode: 'town-2', categoryCode: 'C0101', lon: 120.2, lat: 31.9 }),
        incidentRecord({ id: 'r3', reportedAt: T0 - 3 * HOUR, townCode: 'town-1', ...inBox(20) }),
        // Two reports at the same instant: the order must still be total for the cursor.
        incidentRecord({ id: 'r4', reportedAt: T0 - 2 * HOUR, townCode: 'town-2', lon: 120.2, lat: 31.9 }),
        incidentRecord({ id: 'r5', reportedAt: T0 - 2 * HOUR, townCode: 'town-1', lon: 120.2, lat: 31.9 }),
        incidentRecord({ id: 'r6', reportedAt: T0 - 1 * HOUR, townCode: 'town-2', categoryCode: 'C0101', ...inBox(30) }),
      ];
      // Appended out of report order: the list orders by the report, not by the insert.
      await s.incidents.append([recs[3]!, recs[0]!, recs[5]!, recs[1]!, recs[4]!, recs[2]!]);
      await act(s, 'r3', T0, 'accept', { status: 'accepted' });
      const whole = await s.incidents.list({ limit: 500 });
      expect(whole.nextCursor).toBeNull();
      expect(sortedBy(whole.items.map((i) => i.id), (x) => x)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
      const times = whole.items.map((i) => Date.parse(i.reportedAt));
      expect(times).toEqual([...times].sort((x, y) => y - x));
      expect(whole.items.map((i) => i.id).slice(0, 1)).toEqual(['r6']);
      for (const i of whole.items) expect(await s.incidents.get(i.id)).toEqual(i);

      const pages = async (q: IncidentQuery) => {
        const ids: string[] = [];
        let cursor: string | undefined;
        for (let guard = 0; guard < 20; guard++) {
          const page = await s.incidents.list({ ...q, ...(cursor ? { cursor } : {}) });
          expect(page.items.length).toBeLessThanOrEqual(q.limit);
          ids.push(...page.items.map((i) => i.id));
          if (page.nextCursor === null) return ids;
          expect(page.items.length).toBe(q.limit);
          cursor = page.nextCursor;
        }
        throw new Error('paging did not end');
      };
      for (const limit of [1, 2, 4, 6]) expect(await pages({ limit })).toEqual(whole.items.map((i) => i.id));

      const ids = async (q: IncidentQuery) => (await s.incidents.list(q)).items.map((i) => i.id);
      const statuses: IncidentStatus[] = ['accepted'];
      expect(await ids({ limit: 500, status: statuses })).toEqual(['r3']);
      expect(await ids({ limit: 500, status: ['reported', 'accepted'] })).toEqual(whole.items.map((i) => i.id));
      expect(await ids({ limit: 500, category: ['C0101'] })).toEqual(['r6', 'r2']);
      expect(await ids({ limit: 500, category: ['C0101', 'E0102'] })).toEqual(whole.items.map((i) => i.id));
      expect(sortedBy(await ids({ limit: 500, town: 'town-1' }), (x) => x)).toEqual(['r1', 'r3', 'r5']);
      expect(sortedBy(await ids({ limit: 500, since: iso(T0 - 3.5 * HOUR), until: iso(T0 - 1.5 * HOUR) }), (x) => x)).toEqual(['r3', 'r4', 'r5']);
      const box: [number, number, number, number] = [119.95, 31.7, 119.95 + eastMetres(25), 31.7 + northMetres(25)];
      expect(await ids({ limit: 500, bbox: box })).toEqual(['r3', 'r1']);
      expect(await ids({ limit: 500, bbox: box, status: ['reported'] })).toEqual(['r1']);
      expect(await pages({ limit: 1, town: 'town-2' })).toEqual(await ids({ limit: 500, town: 'town-2' }));
      expect(await pages({ limit: 1, category: ['E0102'], since: iso(T0 - 4.5 * HOUR) })).toEqual(await ids({ limit: 500, category: ['E0102'], since: iso(T0 - 4.5 * HOUR) }));
    });

    it('refuses a malformed paging cursor with InvalidCursorError', async () => {
      const s = store();
      await s.incidents.append([incidentRecord(), incidentRecord()]);
      await expect(s.incidents.list({ limit: 1, cursor: 'not a cursor at all' })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('gives the location, time, category, source, town, grid cell and H3 cell of the incidents reported in [since, until)', async () => {
      const s = store();
      const recs = [-3, -2, -1, 0].map((h) => incidentRecord({ reportedAt: T0 + h * HOUR, categoryCode: h === -1 ? 'C0101' : 'E0102' }));
      await s.incidents.append(recs);
      const points = await s.incidents.points(T0 - 2 * HOUR, T0);
      expect(sortedBy(points, (p) => p.reportedAt)).toEqual(
        [recs[1]!, recs[2]!].map((r) => ({
          lon: r.lon,
          lat: r.lat,
          reportedAt: r.reportedAt,
          categoryCode: r.categoryCode,
          source: r.source,
          townCode: r.townCode,
          gridCode: r.gridCode,
          // Stored at ingest: the H3 cell of the incident's own position.
          h3: latLngToCell(r.lat, r.lon, 8),
        })),
      );
      expect(await s.incidents.points(T0 + 1, T0 + HOUR)).toEqual([]);
      expect((await s.incidents.points(0, Number.MAX_SAFE_INTEGER)).length).toBe(4);
    });

    it('counts the incidents, live and imported', async () => {
      const s = store();
      await s.incidents.append([incidentRecord(), incidentRecord()]);
      await s.incidents.importHistory([historical(incidentRecord({ reportedAt: T_PAST }), [])]);
      expect(await s.incidents.count()).toBe(3);
    });

    it('numbers cases by day of registration, in the order they were registered, live and imported alike, and finds them by number', async () => {
      const s = store();
      const day1 = T0 + 2 * HOUR;
      const day2 = T0 + DAY + 2 * HOUR;
      // History: out of record order on purpose; numbers follow registration time.
      const late = incidentRecord({ reportedAt: day1 + 30 * MINUTE });
      const early = incidentRecord({ reportedAt: day1 });
      await s.incidents.importHistory([historical(late, []), historical(early, [])]);
      const [live1, live2, next] = await s.incidents.append([incidentRecord({ reportedAt: day1 + HOUR }), incidentRecord({ reportedAt: day1 + HOUR }), incidentRecord({ reportedAt: day2 })]);
      const numberOf = async (id: string) => (await s.incidents.get(id))!.number!;
      const [n1, n2, n3, n4, n5] = [await numberOf(early.id), await numberOf(late.id), live1!.incident.number!, live2!.incident.number!, next!.incident.number!];
      const prefix = n1.split('-')[0]!;
      expect([n1, n2, n3, n4]).toEqual([1, 2, 3, 4].map((k) => `${prefix}-${chinaDay(day1)}-${String(k).padStart(4, '0')}`));
      expect(n5).toBe(`${prefix}-${chinaDay(day2)}-0001`);
      expect(live1!.incident.number).toBe(await numberOf(live1!.incident.id));
      // By number, or by a day's start.
      expect((await s.incidents.list({ limit: 10, number: n3 })).items.map((i) => i.id)).toEqual([live1!.incident.id]);
      const ofDay = (await s.incidents.list({ limit: 10, number: `${prefix}-${chinaDay(day1)}` })).items.map((i) => i.number);
      expect(ofDay.sort()).toEqual([n1, n2, n3, n4]);
      expect((await s.incidents.list({ limit: 10, number: `${prefix}-19990101` })).items).toEqual([]);
    });
  });
}
