import { describe, expect, it } from 'vitest';
import type { NewAuditEntry } from '../../server/store/authStore.js';
import type { IncidentEvent } from '../../shared/index.js';
import type { StoredShift } from '../../server/store/store.js';
import { act, actionRecord, createdIncident, historical, iso, HOUR, incidentRecord, seqRange, sleep, T0, useStore, type OpenStore } from './records.js';

const auditEntry = (action: string, objectId: string): NewAuditEntry => ({
  at: T0,
  actor: 'admin',
  role: 'admin',
  action,
  objectType: 'team',
  objectId,
  detail: { note: action },
});

/** Resolves when `signal` is called: lets a test run while a transaction's function is suspended. */
function latch(): { signal: () => void; reached: Promise<void> } {
  let signal!: () => void;
  const reached = new Promise<void>((resolve) => {
    signal = resolve;
  });
  return { signal, reached };
}

/** A read with what was known when it answered: whether the running transaction had finished its work. */
async function observe<T>(read: Promise<T>, finished: () => boolean): Promise<{ value: T; finished: boolean }> {
  const value = await read;
  return { value, finished: finished() };
}

/**
 * The transaction API. An engine may make a read from outside wait for a running transaction (SQLite
 * runs them one at a time) or answer it from the last committed state (PostgreSQL): these tests
 * assert only that uncommitted data is never observed, and that committed data is.
 */
export function describeTransactions(open: OpenStore): void {
  describe('Store.transaction', () => {
    const store = useStore(open);

    it("commits several calls as one: the function's value, its own writes visible inside, all of them after", async () => {
      const s = store();
      await s.incidents.append([incidentRecord()]);
      const a = incidentRecord();
      const b = incidentRecord();
      const result = await s.transaction(async (tx) => {
        const created = await tx.incidents.append([a, b]);
        expect(await tx.incidents.get(a.id)).toEqual(created[0]!.incident);
        const accepted = await act(tx, a.id, T0 + HOUR, 'accept', { status: 'accepted' });
        expect(await tx.incidents.get(a.id)).toEqual(accepted.incident);
        expect(await tx.incidents.readEvents(1, 100, 100)).toEqual([...created, accepted]);
        expect(await tx.incidents.count()).toBe(3);
        await tx.meta.set('k', 'v');
        expect(await tx.meta.get('k')).toBe('v');
        await tx.audit.append(auditEntry('case.accept', a.id));
        return { created, accepted };
      });
      expect(result.created.map((e) => e.seq)).toEqual([2, 3]);
      expect(result.accepted.seq).toBe(4);
      expect(await s.headSeq()).toBe(4);
      expect(await s.incidents.get(a.id)).toEqual(result.accepted.incident);
      expect(await s.incidents.get(b.id)).toEqual(result.created[1]!.incident);
      expect(await s.incidents.readEvents(1, 100, 100)).toEqual([...result.created, result.accepted]);
      expect(await s.meta.get('k')).toBe('v');
      expect((await s.audit.read(10)).map((e) => e.objectId)).toEqual([a.id]);
    });

    it('rolls back everything a throwing function wrote, in every repository; the error propagates; the head stays', async () => {
      const s = store();
      const [kept] = await s.incidents.append([incidentRecord()]);
      const shift: StoredShift = { teamId: 'team-1', shift: { start: '08:00', end: '17:00' }, updatedAt: T0, updatedBy: 'admin' };
      const x = incidentRecord();
      const boom = new Error('boom');
      await expect(
        s.transaction(async (tx) => {
          await tx.incidents.append([x, incidentRecord()]);
          await act(tx, kept!.incident.id, T0 + HOUR, 'accept', { status: 'accepted' });
          await tx.incidents.importHistory([
            historical(incidentRecord({ reportedAt: T0 - 10 * HOUR }), [{ at: T0 - 9 * HOUR, changes: { status: 'accepted' }, action: actionRecord('accept') }]),
          ]);
          const u = await tx.auth.createUser({ username: 'ghost', displayName: 'ghost', role: 'admin', passwordHash: 'h', at: T0 });
          await tx.auth.createToken({ id: 'tok_ghost', name: 'ghost', role: 'wall', secretHash: 'h', createdBy: 'admin', at: T0 });
          await tx.auth.createSession({ idHash: 'sess', userId: u.id, tokenId: null, createdAt: T0, expiresAt: T0 + HOUR });
          await tx.audit.append(auditEntry('user.create', 'ghost'));
          await tx.teams.putShift(shift);
          await tx.teams.appendTrack([{ teamId: 'team-1', at: T0, lon: 119.95, lat: 31.7, status: 'available' }]);
          await tx.calendar.putYear({ year: 2026, holidays: ['2026-10-01'], adjustedWorkdays: [], updatedAt: T0, updatedBy: 'admin' });
          await tx.photos.add({ id: 'ph_GGGGGGGGGGGGGGGG', caseId: x.id, contentType: 'image/jpeg', bytes: 1, file: 'f', uploadedBy: 'u', at: T0 });
          await tx.idempotency.put({ principal: 'p', key: 'k', request: 'POST /x', status: 200, body: '{}', at: T0 });
          await tx.meta.set('k', 'v');
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await s.headSeq()).toBe(1);
      expect(await s.incidents.count()).toBe(1);
      expect(await s.incidents.get(kept!.incident.id)).toEqual(kept!.incident);
      expect(await s.incidents.get(x.id)).toBeUndefined();
      expect(await s.incidents.readEvents(0, 100, 100)).toEqual([kept]);
      expect(await s.auth.countUsers()).toBe(0);
      expect(await s.auth.tokenById('tok_ghost')).toBeUndefined();
      expect(await s.auth.sessionByHash('sess')).toBeUndefined();
      expect(await s.audit.read(10)).toEqual([]);
      expect(await s.teams.shifts()).toEqual([]);
      expect(await s.teams.track('team-1', 0, T0 + HOUR, 10)).toEqual([]);
      expect(await s.calendar.years()).toEqual([]);
      expect(await s.photos.get('ph_GGGGGGGGGGGGGGGG')).toBeUndefined();
      expect(await s.idempotency.get('p', 'k')).toBeUndefined();
      expect(await s.meta.get('k')).toBeUndefined();
      // The store goes on: the next seq follows the last committed one.
      const [next] = await s.incidents.append([incidentRecord()]);
      expect(next!.seq).toBe(2);
      expect(await s.transaction(async (tx) => (await tx.incidents.append([incidentRecord()]))[0]!.seq)).toBe(3);
    });

    it('rolls back when a repository call inside fails and the function lets the error through', async () => {
      const s = store();
      const [kept] = await s.incidents.append([incidentRecord()]);
      await expect(
        s.transaction(async (tx) => {
          await tx.meta.set('k', 'v');
          await tx.incidents.append([incidentRecord()]);
          await tx.incidents.append([incidentRecord({ id: kept!.incident.id })]);
        }),
      ).rejects.toThrow();
      expect(await s.headSeq()).toBe(1);
      expect(await s.incidents.count()).toBe(1);
      expect(await s.meta.get('k')).toBeUndefined();
    });

    it("isolates a running transaction: outside reads never see its writes before it commits, and a transaction started meanwhile is ordered after it", async () => {
      const s = store();
      const a = incidentRecord({ id: 'iso-a' });
      const b = incidentRecord({ id: 'iso-b' });
      let t1Finished = false;
      const t1Wrote = latch();
      const t1 = s.transaction(async (tx) => {
        await tx.incidents.append([a]);
        await tx.meta.set('t1', 'written');
        t1Wrote.signal();
        // A real timer: the transaction stays open across turns of the event loop.
        await sleep(60);
        const accepted = await act(tx, a.id, T0 + HOUR, 'accept', { status: 'accepted' });
        t1Finished = true;
        return accepted;
      });
      await t1Wrote.reached;
      expect(t1Finished).toBe(false);

      // Started while T1 waits on its timer. T2 writes first (its event must follow T1's in the one
      // sequence of seqs), then reads what T1 wrote.
      const t2 = s.transaction(async (tx) => {
        const [created] = await tx.incidents.append([b]);
        return { created: created!, sawA: await tx.incidents.get(a.id), sawMeta: await tx.meta.get('t1'), t1FinishedThen: t1Finished };
      });
      const finished = () => t1Finished;
      const outside = Promise.all([
        observe(s.incidents.get(a.id), finished),
        observe(s.headSeq(), finished),
        observe(s.meta.get('t1'), finished),
        observe(s.incidents.readEvents(0, 100, 100), finished),
        observe(s.incidents.count(), finished),
      ]);

      const accepted: IncidentEvent = await t1;
      const r2 = await t2;
      const [got, head, meta, events, count] = await outside;

      // T1 committed as one: created and accepted, at seqs 1 and 2.
      expect(accepted.seq).toBe(2);
      expect(accepted.incident).toMatchObject({ id: a.id, version: 2, status: 'accepted' });
      // T2 is ordered after T1: its event follows T1's, and it saw T1's committed state, all of it.
      expect(r2.created.seq).toBe(3);
      expect(r2.sawA).toEqual(accepted.incident);
      expect(r2.sawMeta).toBe('written');
      expect(r2.t1FinishedThen).toBe(true);

      // The outside reads saw either nothing of T1 or all of it (committed), never T1's first half.
      if (got.value !== undefined) {
        expect(got.finished).toBe(true);
        expect(got.value).toEqual(accepted.incident);
      }
      expect([0, 2, 3]).toContain(head.value);
      if (head.value !== 0) expect(head.finished).toBe(true);
      if (meta.value !== undefined) {
        expect(meta.finished).toBe(true);
        expect(meta.value).toBe('written');
      }
      expect([0, 2, 3]).toContain(events.value.length);
      if (events.value.length > 0) {
        expect(events.finished).toBe(true);
        expect(events.value[1]).toEqual(accepted);
      }
      expect([0, 1, 2]).toContain(count.value);
      if (count.value > 0) expect(count.finished).toBe(true);

      // Once both committed, everyone sees both.
      expect(await s.headSeq()).toBe(3);
      expect(await s.incidents.get(a.id)).toEqual(accepted.incident);
      expect(await s.incidents.get(b.id)).toEqual(r2.created.incident);
      expect(await s.incidents.readEvents(0, 100, 100)).toEqual([
        { seq: 1, kind: 'created', at: iso(a.createdAt), incident: createdIncident(a, 1) },
        accepted,
        r2.created,
      ]);
      expect(await s.meta.get('t1')).toBe('written');
    });

    it('never shows the writes of a transaction that rolls back, not even while it runs; the head never moves for them', async () => {
      const s = store();
      const [kept] = await s.incidents.append([incidentRecord()]);
      const x = incidentRecord();
      const boom = new Error('rolled back');
      const wrote = latch();
      let threw = false;
      const t = s
        .transaction(async (tx) => {
          await tx.incidents.append([x, incidentRecord()]);
          await act(tx, kept!.incident.id, T0 + HOUR, 'accept', { status: 'accepted' });
          await tx.meta.set('m', '1');
          wrote.signal();
          await sleep(50);
          threw = true;
          throw boom;
        })
        .then(
          () => 'committed',
          (e: unknown) => e,
        );
      await wrote.reached;
      const during = await Promise.all([
        s.headSeq(),
        s.incidents.get(x.id),
        s.incidents.get(kept!.incident.id),
        s.incidents.count(),
        s.meta.get('m'),
        s.incidents.readEvents(0, 100, 100),
        s.transaction(async (tx) => [await tx.incidents.get(x.id), await tx.meta.get('m')] as const),
      ]);
      expect(await t).toBe(boom);
      expect(threw).toBe(true);
      expect(during).toEqual([1, undefined, kept!.incident, 1, undefined, [kept], [undefined, undefined]]);
      expect(await s.headSeq()).toBe(1);
      const [next] = await s.incidents.append([incidentRecord()]);
      expect(next!.seq).toBe(2);
    });

    it('runs concurrent read-modify-write transactions as if one after another: no update is lost, no seq repeated or skipped', async () => {
      const s = store();
      await s.meta.set('n', '0');
      const bump = () =>
        s.transaction(async (tx) => {
          const n = Number(await tx.meta.get('n'));
          await sleep(15);
          await tx.meta.set('n', String(n + 1));
          const [created] = await tx.incidents.append([incidentRecord()]);
          return created!.seq;
        });
      const seqs = await Promise.all([bump(), bump(), bump()]);
      expect(await s.meta.get('n')).toBe('3');
      expect([...seqs].sort((p, q) => p - q)).toEqual([1, 2, 3]);
      expect(await s.headSeq()).toBe(3);
    });

    it('keeps the seqs gap-free under many concurrent calls on the store, each its own transaction', async () => {
      const s = store();
      const batches = Array.from({ length: 8 }, (_, i) => Array.from({ length: (i % 3) + 1 }, () => incidentRecord()));
      const results = await Promise.all(batches.map((batch) => s.incidents.append(batch)));
      const total = batches.reduce((k, batch) => k + batch.length, 0);
      for (const events of results) {
        // One call's events are consecutive.
        expect(events.map((e) => e.seq)).toEqual(seqRange(events[0]!.seq, events.length));
      }
      expect(results.flat().map((e) => e.seq).sort((p, q) => p - q)).toEqual(seqRange(1, total));
      expect(await s.headSeq()).toBe(total);
      expect((await s.incidents.readEvents(0, 1000, 1000)).map((e) => e.seq)).toEqual(seqRange(1, total));
    });

    it('lands an admin change and its audit entry together or not at all', async () => {
      const s = store();
      const shift: StoredShift = { teamId: 'team-1', shift: { start: '07:00', end: '19:00' }, updatedAt: T0, updatedBy: 'admin' };
      await s.transaction(async (tx) => {
        await tx.teams.putShift(shift);
        await tx.audit.append(auditEntry('team.shift.update', 'team-1'));
      });
      expect(await s.teams.shifts()).toEqual([shift]);
      expect((await s.audit.read(10)).map((e) => [e.action, e.objectId])).toEqual([['team.shift.update', 'team-1']]);

      // The change and its entry written, then a failure: neither stays.
      const failed = new Error('failed after the entry');
      await expect(
        s.transaction(async (tx) => {
          await tx.calendar.putYear({ year: 2027, holidays: ['2027-01-01'], adjustedWorkdays: [], updatedAt: T0, updatedBy: 'admin' });
          await tx.audit.append(auditEntry('calendar.update', '2027'));
          throw failed;
        }),
      ).rejects.toBe(failed);
      // The change written, then its entry never reached: the change does not stay either.
      await expect(
        s.transaction(async (tx) => {
          expect(await tx.teams.removeShift('team-1')).toBe(true);
          throw failed;
        }),
      ).rejects.toBe(failed);
      // A change that fails in the store: its entry does not stay.
      const admin = await s.auth.createUser({ username: 'admin', displayName: 'Admin', role: 'admin', passwordHash: 'h', at: T0 });
      await expect(
        s.transaction(async (tx) => {
          await tx.audit.append(auditEntry('user.create', 'admin'));
          await tx.auth.updateUser(admin.id, { displayName: 'renamed', at: T0 + HOUR });
          await tx.auth.createUser({ username: 'admin', displayName: 'again', role: 'admin', passwordHash: 'h', at: T0 });
        }),
      ).rejects.toThrow();
      expect(await s.calendar.years()).toEqual([]);
      expect(await s.teams.shifts()).toEqual([shift]);
      expect(await s.auth.userById(admin.id)).toEqual(admin);
      expect((await s.audit.read(10)).map((e) => e.action)).toEqual(['team.shift.update']);
    });
  });
}
