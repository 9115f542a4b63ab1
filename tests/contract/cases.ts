import { describe, expect, it } from 'vitest';
import type { CaseState, Incident } from '../../shared/index.js';
import { NotFoundError, VersionConflictError, type IncidentRecord, type Store } from '../../server/store/store.js';
import {
  act, actionRecord, decideTo, DAY, eastMetres, HOUR, incidentRecord, iso, MINUTE, nextState, northMetres, sortedBy, T0, useStore, type OpenStore,
} from './records.js';

class Refused extends Error {}

/** Appends the records and returns the store's view of each, by id. */
async function appendAll(s: Store, recs: IncidentRecord[]): Promise<void> {
  await s.incidents.append(recs);
}

async function getAll(s: Store, ids: string[]): Promise<Incident[]> {
  return Promise.all(ids.map(async (id) => (await s.incidents.get(id))!));
}

export function describeCaseRepository(open: OpenStore): void {
  describe('CaseRepository', () => {
    const store = useStore(open);

    it('applies an action: writes every field of the state and appends a case_action at the next seq, returned as the log keeps it', async () => {
      const s = store();
      const [created] = await s.incidents.append([incidentRecord(), incidentRecord()]);
      const before = created!.incident;
      let seen: Incident | undefined;
      const at = T0 + HOUR;
      const full: CaseState = {
        status: 'handling', version: 2, teamId: 'team-7', unitCode: 'huanwei', deadlineAt: T0 + 9 * HOUR, closeDeadlineAt: T0 + 30 * HOUR,
        application: { kind: 'extension', extendHours: 6, reason: '需要封路', by: 'desk.huanwei', at: T0 + 45 * MINUTE }, confirmedAt: T0 + 10 * MINUTE,
        urgeCount: 2, reworkCount: 1, suspendedFrom: 'dispatched',
        closureKind: 'special', closedAt: T0 + 2 * HOUR, arrivedAt: T0 + 30 * MINUTE, stageDeadlineAt: null, mergedInto: 'inc-elsewhere', callback: null,
      };
      const action = actionRecord('acknowledge', { actor: '湖塘环卫所', role: 'field', note: '收到', attachments: ['ph_AAAAAAAAAAAAAAAA', 'ph_BBBBBBBBBBBBBBBB'] });
      const event = await s.cases.applyAction(before.id, 1, at, (current) => {
        seen = current;
        return { state: full, action };
      });
      expect(seen).toEqual(before);
      const after: Incident = {
        ...before, seq: 3, version: 2, status: 'handling', updatedAt: iso(at), teamId: 'team-7', unitCode: 'huanwei', deadlineAt: iso(T0 + 9 * HOUR),
        closeDeadlineAt: iso(T0 + 30 * HOUR), application: { kind: 'extension', extendHours: 6, reason: '需要封路', by: 'desk.huanwei', at: iso(T0 + 45 * MINUTE) },
        confirmedAt: iso(T0 + 10 * MINUTE), urgeCount: 2,
        reworkCount: 1, suspendedFrom: 'dispatched', closureKind: 'special', closedAt: iso(T0 + 2 * HOUR), arrivedAt: iso(T0 + 30 * MINUTE),
        stageDeadlineAt: null, mergedInto: 'inc-elsewhere', callback: null,
      };
      expect(event).toEqual({ seq: 3, kind: 'case_action', at: iso(at), action: { ...action, from: 'reported', to: 'handling' }, incident: after });
      expect(await s.headSeq()).toBe(3);
      expect(await s.incidents.get(before.id)).toEqual(after);
      expect(await s.incidents.readEvents(2, 3, 10)).toEqual([event]);
      expect(await s.incidents.timelineOf(before.id)).toEqual([created, event]);

      // And back: every field that was set can be cleared again.
      const at2 = at + MINUTE;
      const cleared: CaseState = {
        status: 'registered', version: 3, teamId: null, unitCode: null, deadlineAt: null, closeDeadlineAt: null, application: null, confirmedAt: null,
        urgeCount: 0, reworkCount: 0, suspendedFrom: null,
        closureKind: null, closedAt: null, arrivedAt: null, stageDeadlineAt: T0 + 3 * HOUR, mergedInto: null, callback: null,
      };
      const back = await s.cases.applyAction(before.id, 2, at2, () => ({ state: cleared, action: actionRecord('return', { note: '不归我们管' }) }));
      expect(back).toEqual({
        seq: 4, kind: 'case_action', at: iso(at2), action: { ...actionRecord('return', { note: '不归我们管' }), from: 'handling', to: 'registered' },
        incident: {
          ...before, seq: 4, version: 3, status: 'registered', updatedAt: iso(at2), stageDeadlineAt: iso(T0 + 3 * HOUR),
        },
      });
      expect(back.action!.attachments).toBeUndefined();
      expect(await s.incidents.get(before.id)).toEqual(back.incident);
      expect(await s.incidents.timelineOf(before.id)).toEqual([created, event, back]);
    });

    it('refuses a stale version with VersionConflictError carrying the current version, writing nothing', async () => {
      const s = store();
      const [created] = await s.incidents.append([incidentRecord()]);
      const id = created!.incident.id;
      await act(s, id, T0 + HOUR, 'accept', { status: 'accepted' });
      const head = await s.headSeq();
      const row = await s.incidents.get(id);
      let decided = 0;
      for (const stale of [1, 3, 7]) {
        const err = await s.cases
          .applyAction(id, stale, T0 + 2 * HOUR, (c) => {
            decided += 1;
            return { state: nextState(c, { status: 'registered' }), action: actionRecord('register') };
          })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(VersionConflictError);
        expect((err as VersionConflictError).current).toBe(2);
      }
      expect(decided).toBe(0);
      expect(await s.headSeq()).toBe(head);
      expect(await s.incidents.get(id)).toEqual(row);
      expect((await s.incidents.timelineOf(id)).length).toBe(2);
    });

    it('asks admit before comparing the version, so a refused actor learns nothing of it; then decide', async () => {
      const s = store();
      const [created] = await s.incidents.append([incidentRecord()]);
      const id = created!.incident.id;
      await act(s, id, T0 + HOUR, 'accept', { status: 'accepted' });
      const current = await s.incidents.get(id);
      const calls: string[] = [];
      let admitted: Incident | undefined;
      const refuse = (c: Incident) => {
        calls.push('admit');
        admitted = c;
        throw new Refused('not yours');
      };
      const decide = decideTo({ status: 'registered' }, actionRecord('register'));
      const counted = (c: Incident) => {
        calls.push('decide');
        return decide(c);
      };
      // Stale and refused: the refusal, not the conflict.
      await expect(s.cases.applyAction(id, 1, T0 + 2 * HOUR, counted, refuse)).rejects.toBeInstanceOf(Refused);
      expect(admitted).toEqual(current);
      // Right version and refused: the refusal.
      await expect(s.cases.applyAction(id, 2, T0 + 2 * HOUR, counted, refuse)).rejects.toBeInstanceOf(Refused);
      expect(calls).toEqual(['admit', 'admit']);
      expect(await s.incidents.get(id)).toEqual(current);
      // Admitted but stale: the conflict, and no decision.
      calls.length = 0;
      await expect(s.cases.applyAction(id, 1, T0 + 2 * HOUR, counted, () => void calls.push('admit'))).rejects.toBeInstanceOf(VersionConflictError);
      expect(calls).toEqual(['admit']);
      // Admitted and current: admit, then decide, once each.
      calls.length = 0;
      const e = await s.cases.applyAction(id, 2, T0 + 2 * HOUR, counted, () => void calls.push('admit'));
      expect(calls).toEqual(['admit', 'decide']);
      expect(e.incident).toMatchObject({ version: 3, status: 'registered' });
    });

    it('writes nothing when decide refuses: the error propagates, the head and the next seq stay', async () => {
      const s = store();
      const [created] = await s.incidents.append([incidentRecord(), incidentRecord()]);
      const id = created!.incident.id;
      const refusal = new Refused('invalid transition');
      await expect(
        s.cases.applyAction(id, 1, T0 + HOUR, () => {
          throw refusal;
        }),
      ).rejects.toBe(refusal);
      expect(await s.headSeq()).toBe(2);
      expect(await s.incidents.get(id)).toEqual(created!.incident);
      expect(await s.incidents.timelineOf(id)).toEqual([created]);
      const e = await act(s, id, T0 + HOUR, 'accept', { status: 'accepted' });
      expect(e.seq).toBe(3);
      expect(e.incident.version).toBe(2);
    });

    it('refuses an unknown case with NotFoundError, asking neither admit nor decide', async () => {
      const s = store();
      await s.incidents.append([incidentRecord()]);
      let asked = 0;
      await expect(
        s.cases.applyAction(
          'no-such-case',
          1,
          T0,
          () => {
            asked += 1;
            throw new Error('decide asked');
          },
          () => void (asked += 1),
        ),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(asked).toBe(0);
      expect(await s.headSeq()).toBe(1);
    });

    it("finds a team's open cases (dispatched or being handled), earliest deadline first, and every team's workload", async () => {
      const s = store();
      await appendAll(s, ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'].map((id) => incidentRecord({ id })));
      const at = T0 + MINUTE;
      // The handling deadline comes with the dispatch (counted from it), not with the report.
      const dispatched = (teamId: string | null, hours: number) => ({ status: 'dispatched' as const, unitCode: 'huanwei', teamId, deadlineAt: T0 + hours * HOUR, stageDeadlineAt: null });
      await act(s, 'A', at, 'dispatch', dispatched('team-1', 10));
      await act(s, 'B', at, 'dispatch', dispatched('team-1', 5));
      await act(s, 'B', at, 'acknowledge', { status: 'handling' }, { role: 'field' });
      await act(s, 'C', at, 'dispatch', dispatched('team-2', 1));
      await act(s, 'D', at, 'register', { status: 'registered' });
      await act(s, 'E', at, 'dispatch', dispatched('team-1', 3));
      await act(s, 'E', at, 'report-handled', { status: 'handled', stageDeadlineAt: T0 + 9 * HOUR });
      await act(s, 'F', at, 'dispatch', dispatched('team-1', 4));
      await act(s, 'F', at, 'suspend', { status: 'suspended', suspendedFrom: 'dispatched' });
      await act(s, 'G', at, 'dispatch', dispatched('team-1', 6));
      await act(s, 'G', at, 'close', { status: 'closed', closedAt: at, closureKind: 'normal' });
      // A crew's return leaves the case at its unit's desk, no crew's any more.
      await act(s, 'H', at, 'dispatch', dispatched('team-2', 7));
      await act(s, 'H', at, 'return', { teamId: null }, { note: 'wrong team', role: 'field' });
      // Waiting at the unit's desk: no team's.
      await act(s, 'I', at, 'dispatch', dispatched(null, 2));
      expect(await s.cases.ofTeam('team-1')).toEqual(await getAll(s, ['B', 'A']));
      expect(await s.cases.ofTeam('team-2')).toEqual(await getAll(s, ['C']));
      expect(await s.cases.ofTeam('team-9')).toEqual([]);
      expect(await s.cases.workloadByTeam()).toEqual(new Map([['team-1', 2], ['team-2', 1]]));
    });

    it("finds a unit's cases (dispatched, being handled, handled, suspended), earliest handling deadline first", async () => {
      const s = store();
      await appendAll(s, ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I'].map((id) => incidentRecord({ id })));
      const at = T0 + MINUTE;
      const dispatched = (unitCode: string, teamId: string | null, hours: number) => ({ status: 'dispatched' as const, unitCode, teamId, deadlineAt: T0 + hours * HOUR, stageDeadlineAt: null });
      await act(s, 'A', at, 'dispatch', dispatched('shuiwu', null, 9)); // at the desk
      await act(s, 'B', at, 'dispatch', dispatched('shuiwu', 'team-s1', 5));
      await act(s, 'B', at, 'acknowledge', { status: 'handling' }, { role: 'field' });
      await act(s, 'C', at, 'dispatch', dispatched('shuiwu', 'team-s1', 3));
      await act(s, 'C', at, 'report-handled', { status: 'handled', stageDeadlineAt: T0 + 20 * HOUR });
      await act(s, 'D', at, 'dispatch', dispatched('shuiwu', null, 7));
      await act(s, 'D', at, 'suspend', { status: 'suspended', suspendedFrom: 'dispatched' });
      await act(s, 'E', at, 'dispatch', dispatched('shuiwu', 'team-s1', 1));
      await act(s, 'E', at, 'verify', { status: 'verified', stageDeadlineAt: T0 + 20 * HOUR }); // the centre's now
      await act(s, 'F', at, 'dispatch', dispatched('shuiwu', 'team-s1', 2));
      await act(s, 'F', at, 'close', { status: 'closed', closedAt: at, closureKind: 'normal' });
      // Returned to the centre: no unit's.
      await act(s, 'G', at, 'dispatch', dispatched('shuiwu', null, 4));
      await act(s, 'G', at, 'decide', { status: 'registered', unitCode: null, deadlineAt: null, stageDeadlineAt: T0 + HOUR });
      await act(s, 'H', at, 'dispatch', dispatched('ranqi', null, 6));
      await act(s, 'I', at, 'register', { status: 'registered' });
      expect(await s.cases.ofUnit('shuiwu')).toEqual(await getAll(s, ['C', 'B', 'D', 'A']));
      expect(await s.cases.ofUnit('ranqi')).toEqual(await getAll(s, ['H']));
      expect(await s.cases.ofUnit('gongdian')).toEqual([]);
    });

    it('lists the open cases with an application waiting, oldest application first', async () => {
      const s = store();
      await appendAll(s, ['A', 'B', 'C', 'D', 'E'].map((id) => incidentRecord({ id })));
      const at = T0 + MINUTE;
      const pending = (minutes: number) => ({ kind: 'extension' as const, extendHours: 4, reason: '材料未到', by: 'desk.shuiwu', at: T0 + minutes * MINUTE });
      const applied = (minutes: number) => ({ status: 'dispatched' as const, unitCode: 'shuiwu', deadlineAt: T0 + 9 * HOUR, application: pending(minutes), stageDeadlineAt: null });
      await act(s, 'A', at, 'apply', applied(30));
      await act(s, 'B', at, 'apply', applied(10));
      await act(s, 'C', at, 'apply', applied(20));
      await act(s, 'C', at, 'decide', { application: null }); // decided
      await act(s, 'D', at, 'apply', applied(5));
      await act(s, 'D', at, 'close', { status: 'closed', closedAt: at, closureKind: 'normal' }); // no longer open
      const listed = await s.cases.withApplication();
      expect(listed).toEqual(await getAll(s, ['B', 'A']));
      expect(listed[0]!.application).toEqual({ ...pending(10), at: iso(T0 + 10 * MINUTE) });
    });

    it('gives the cases dispatched before units existed the unit of their team, and no other case', async () => {
      const s = store();
      await appendAll(s, ['A', 'B', 'C', 'D', 'E', 'F'].map((id) => incidentRecord({ id })));
      const at = T0 + MINUTE;
      await act(s, 'A', at, 'dispatch', { status: 'dispatched', teamId: 'team-1', stageDeadlineAt: null });
      await act(s, 'B', at, 'close', { status: 'closed', teamId: 'team-1', closedAt: at, closureKind: 'normal', stageDeadlineAt: null });
      await act(s, 'C', at, 'dispatch', { status: 'dispatched', teamId: 'team-2', stageDeadlineAt: null });
      await act(s, 'D', at, 'dispatch', { status: 'dispatched', teamId: 'team-1', unitCode: 'yuanlin', stageDeadlineAt: null }); // named already
      await act(s, 'E', at, 'register', { status: 'registered', teamId: 'team-1' }); // not dispatched (a return, say)
      const head = await s.headSeq();
      expect(await s.cases.backfillUnits(new Map([['team-1', 'huanwei'], ['team-3', 'shuiwu']]))).toBe(2);
      expect(Object.fromEntries((await getAll(s, ['A', 'B', 'C', 'D', 'E', 'F'])).map((c) => [c.id, c.unitCode]))).toEqual({
        A: 'huanwei', B: 'huanwei', C: null, D: 'yuanlin', E: null, F: null,
      });
      // Done again, nothing more to do.
      expect(await s.cases.backfillUnits(new Map([['team-1', 'huanwei']]))).toBe(0);
      expect(await s.headSeq()).toBe(head);
    });

    it('finds the open cases whose handling, stage or closure deadline is still ahead', async () => {
      const s = store();
      const now = T0 + 10 * HOUR;
      await appendAll(s, [
        incidentRecord({ id: 'P', stageDeadlineAt: now + 10 * MINUTE }),
        incidentRecord({ id: 'Q', stageDeadlineAt: now - 20 * MINUTE }),
        incidentRecord({ id: 'R' }),
        incidentRecord({ id: 'S', stageDeadlineAt: now - 5 * MINUTE }),
        incidentRecord({ id: 'U' }),
        incidentRecord({ id: 'V' }),
        incidentRecord({ id: 'W' }),
        incidentRecord({ id: 'X' }),
      ]);
      const at = T0 + MINUTE;
      await act(s, 'Q', at, 'accept', { status: 'accepted', stageDeadlineAt: now + 20 * MINUTE });
      await act(s, 'R', at, 'dispatch', { status: 'dispatched', unitCode: 'huanwei', teamId: 'team-1', deadlineAt: now + 2 * HOUR, stageDeadlineAt: null });
      await act(s, 'U', at, 'close', { status: 'closed', closedAt: at, closureKind: 'normal', stageDeadlineAt: null, closeDeadlineAt: now + HOUR });
      await act(s, 'V', at, 'reject', { status: 'rejected', stageDeadlineAt: null });
      await act(s, 'W', at, 'acknowledge', { status: 'handling', unitCode: 'huanwei', teamId: 'team-1', deadlineAt: now - HOUR, closeDeadlineAt: now - HOUR, stageDeadlineAt: null });
      // Its stage overdue, its closure deadline still ahead.
      await act(s, 'X', at, 'register', { status: 'registered', stageDeadlineAt: now - HOUR, closeDeadlineAt: now + 150 * MINUTE });
      const due = await s.cases.dueAfter(now);
      expect(sortedBy(due, (c) => c.id)).toEqual(await getAll(s, ['P', 'Q', 'R', 'X']));
      expect((await s.cases.dueAfter(now + 2 * HOUR)).map((c) => c.id)).toEqual(['X']);
      expect(await s.cases.dueAfter(now + 3 * HOUR)).toEqual([]);
    });

    it('finds the open cases of a category reported since a time in a box around a point, oldest first', async () => {
      const s = store();
      const t = T0;
      const near = (id: string, east: number, north: number, over: Partial<IncidentRecord> = {}) =>
        incidentRecord({ id, lon: 119.95 + eastMetres(east), lat: 31.7 + northMetres(north), reportedAt: t, ...over });
      await appendAll(s, [
        near('near', 30, 0),
        near('near-older', 0, -20, { reportedAt: t - HOUR }),
        near('far-east', 120, 0),
        near('far-north', 0, 120),
        near('other-category', 10, 0, { categoryCode: 'E0101' }),
        near('too-old', 10, 0, { reportedAt: t - 2 * DAY }),
        near('rejected', 20, 0),
        near('closed', -20, 0),
        near('dispatched', -10, 10),
      ]);
      await act(s, 'rejected', t, 'reject', { status: 'rejected', stageDeadlineAt: null });
      await act(s, 'closed', t, 'merge', { status: 'closed', closedAt: t, closureKind: 'duplicate', mergedInto: 'near', callback: null, stageDeadlineAt: null });
      await act(s, 'dispatched', t, 'dispatch', { status: 'dispatched', teamId: 'team-1', stageDeadlineAt: null });
      const found = await s.cases.openNear({ categoryCode: 'E0102', lon: 119.95, lat: 31.7, metres: 50, sinceMs: t - DAY });
      // Oldest first (the two reported at the same instant in either order).
      expect(found[0]?.id).toBe('near-older');
      expect(sortedBy(found.map((c) => c.id), (x) => x)).toEqual(['dispatched', 'near', 'near-older']);
      expect(found).toEqual(await getAll(s, found.map((c) => c.id)));
      const times = found.map((c) => Date.parse(c.reportedAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(await s.cases.openNear({ categoryCode: 'E0102', lon: 119.95, lat: 31.7, metres: 50, sinceMs: t + 1 })).toEqual([]);
      expect((await s.cases.openNear({ categoryCode: 'E0101', lon: 119.95, lat: 31.7, metres: 50, sinceMs: t - DAY })).map((c) => c.id)).toEqual(['other-category']);
      const wide = await s.cases.openNear({ categoryCode: 'E0102', lon: 119.95, lat: 31.7, metres: 200, sinceMs: t - DAY });
      expect(sortedBy(wide.map((c) => c.id), (x) => x)).toEqual(['dispatched', 'far-east', 'far-north', 'near', 'near-older']);
    });

    it('gives the oldest cases in some statuses, oldest report first and ties by id, with how many there are in all', async () => {
      const s = store();
      await appendAll(s, [
        incidentRecord({ id: 'b-1', reportedAt: T0 - 5 * HOUR }),
        incidentRecord({ id: 'a-1', reportedAt: T0 - 5 * HOUR }),
        incidentRecord({ id: 'x-3', reportedAt: T0 - 3 * HOUR }),
        incidentRecord({ id: 'x-4', reportedAt: T0 - 4 * HOUR }),
        incidentRecord({ id: 'x-5', reportedAt: T0 - 6 * HOUR }),
        incidentRecord({ id: 'x-6', reportedAt: T0 - 1 * HOUR }),
      ]);
      await act(s, 'x-4', T0, 'accept', { status: 'accepted' });
      await act(s, 'x-5', T0, 'reject', { status: 'rejected', stageDeadlineAt: null });
      expect(await s.cases.oldestWithStatus(['reported'], 2)).toEqual({ items: await getAll(s, ['a-1', 'b-1']), total: 4 });
      expect(await s.cases.oldestWithStatus(['reported', 'accepted'], 10)).toEqual({ items: await getAll(s, ['a-1', 'b-1', 'x-4', 'x-3', 'x-6']), total: 5 });
      expect(await s.cases.oldestWithStatus(['rejected', 'accepted'], 1)).toEqual({ items: await getAll(s, ['x-5']), total: 2 });
      expect(await s.cases.oldestWithStatus(['suspended'], 5)).toEqual({ items: [], total: 0 });
      expect(await s.cases.oldestWithStatus([], 5)).toEqual({ items: [], total: 0 });
    });

    it("counts the board: open cases by status, today's reports and closures, the overdue now, at the head seq", async () => {
      const s = store();
      const dayStart = T0;
      const now = T0 + 12 * HOUR;
      await appendAll(s, [
        incidentRecord({ id: 'y1', reportedAt: T0 - 2 * HOUR, stageDeadlineAt: now + HOUR }),
        incidentRecord({ id: 'y2', reportedAt: T0 + 1 * HOUR, stageDeadlineAt: now + HOUR }),
        incidentRecord({ id: 'y3', reportedAt: T0 + 2 * HOUR, stageDeadlineAt: now + HOUR }),
        incidentRecord({ id: 'y4', reportedAt: T0 - 3 * HOUR, stageDeadlineAt: now + HOUR }),
        incidentRecord({ id: 'y5', reportedAt: T0 - 5 * HOUR, stageDeadlineAt: now + HOUR }),
        incidentRecord({ id: 'y6', reportedAt: T0 + 3 * HOUR, stageDeadlineAt: now - 2 * HOUR }),
        incidentRecord({ id: 'y7', reportedAt: T0 + 4 * HOUR, stageDeadlineAt: now + HOUR }),
        incidentRecord({ id: 'y8', reportedAt: T0 + 1 * HOUR, stageDeadlineAt: now + HOUR }),
        incidentRecord({ id: 'y9', reportedAt: T0 + 1 * HOUR, stageDeadlineAt: now + HOUR }),
      ]);
      const unit = { unitCode: 'huanwei', teamId: 'team-1', stageDeadlineAt: null };
      await act(s, 'y2', T0 + 2 * HOUR, 'accept', { status: 'accepted', stageDeadlineAt: now - HOUR }); // overdue: its stage
      await act(s, 'y3', T0 + 3 * HOUR, 'dispatch', { status: 'dispatched', ...unit, deadlineAt: now - HOUR, closeDeadlineAt: now + HOUR }); // overdue: the unit's
      await act(s, 'y4', T0 + 3 * HOUR, 'close', { status: 'closed', closedAt: T0 + 3 * HOUR, closureKind: 'normal', stageDeadlineAt: null });
      await act(s, 'y5', T0 - HOUR, 'close', { status: 'closed', closedAt: T0 - HOUR, closureKind: 'normal', stageDeadlineAt: null });
      await act(s, 'y6', T0 + 4 * HOUR, 'reject', { status: 'rejected', stageDeadlineAt: null });
      await act(s, 'y7', T0 + 5 * HOUR, 'acknowledge', { status: 'handling', ...unit, deadlineAt: now + HOUR, closeDeadlineAt: now + HOUR });
      // Handled after its handling deadline: the unit's clock has stopped, the stage's and the closure's run on time.
      await act(s, 'y8', T0 + 5 * HOUR, 'report-handled', { status: 'handled', ...unit, deadlineAt: now - HOUR, stageDeadlineAt: now + HOUR, closeDeadlineAt: now + HOUR });
      // Overdue: its closure deadline, while its stage's runs on time.
      await act(s, 'y9', T0 + 5 * HOUR, 'register', { status: 'registered', stageDeadlineAt: now + HOUR, closeDeadlineAt: now - HOUR });
      const summary = await s.cases.summary(now, dayStart);
      const open = Object.fromEntries(Object.entries(summary.open).filter(([, count]) => count !== 0));
      expect({ ...summary, open }).toEqual({
        at: iso(now),
        headSeq: await s.headSeq(),
        dayStart: iso(dayStart),
        open: { reported: 1, accepted: 1, registered: 1, dispatched: 1, handling: 1, handled: 1 },
        reportedToday: 6,
        closedToday: 1,
        overdue: 3,
      });
      expect(summary.headSeq).toBe(17);
    });

    it("gives the leader board's cases: every open one, and every one due for closure since a time, with its town, status and clocks", async () => {
      const s = store();
      const since = T0;
      await appendAll(s, [
        incidentRecord({ id: 'b1', townCode: 'T1', stageDeadlineAt: T0 + HOUR }),
        incidentRecord({ id: 'b2', townCode: 'T2', stageDeadlineAt: T0 + HOUR }),
        incidentRecord({ id: 'b3', townCode: 'T2', stageDeadlineAt: T0 + HOUR }),
        incidentRecord({ id: 'b4', townCode: 'T3', stageDeadlineAt: T0 + HOUR }),
      ]);
      // Closed, due since: in. Closed, due before: out. Rejected: out. Open (b1): in, whatever its deadlines.
      await act(s, 'b2', T0 + 2 * HOUR, 'close', { status: 'closed', closedAt: T0 + 2 * HOUR, closeDeadlineAt: T0 + 3 * HOUR, deadlineAt: T0 + HOUR, stageDeadlineAt: null });
      await act(s, 'b3', T0 + 2 * HOUR, 'close', { status: 'closed', closedAt: T0 - 2 * HOUR, closeDeadlineAt: T0 - HOUR, stageDeadlineAt: null });
      await act(s, 'b4', T0 + 2 * HOUR, 'reject', { status: 'rejected', stageDeadlineAt: null });
      const rows = await s.cases.boardCases(since);
      expect(sortedBy(rows, (r) => r.townCode)).toEqual([
        { townCode: 'T1', status: 'reported', deadlineAt: null, stageDeadlineAt: T0 + HOUR, closeDeadlineAt: null, closedAt: null },
        { townCode: 'T2', status: 'closed', deadlineAt: T0 + HOUR, stageDeadlineAt: null, closeDeadlineAt: T0 + 3 * HOUR, closedAt: T0 + 2 * HOUR },
      ]);
    });

    it('gives the duplicates merged into a case, oldest first', async () => {
      const s = store();
      await appendAll(s, [
        incidentRecord({ id: 'main', reportedAt: T0 - 5 * HOUR }),
        incidentRecord({ id: 'd1', reportedAt: T0 - 2 * HOUR }),
        incidentRecord({ id: 'd2', reportedAt: T0 - 3 * HOUR }),
        incidentRecord({ id: 'd3', reportedAt: T0 - 4 * HOUR }),
        incidentRecord({ id: 'other', reportedAt: T0 - 5 * HOUR }),
      ]);
      const merge = (into: string) => ({ status: 'closed' as const, closedAt: T0, closureKind: 'duplicate' as const, mergedInto: into, stageDeadlineAt: null });
      await act(s, 'd1', T0, 'merge', merge('main'));
      await act(s, 'd2', T0, 'merge', merge('main'));
      await act(s, 'd3', T0, 'merge', merge('other'));
      expect(await s.cases.mergedInto('main')).toEqual(await getAll(s, ['d2', 'd1']));
      expect(await s.cases.mergedInto('other')).toEqual(await getAll(s, ['d3']));
      expect(await s.cases.mergedInto('d1')).toEqual([]);
    });
  });
}
