import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildQueue, DEFAULT_FILTER, isOverdue } from '../../client/dispatch/queue.js';
import { IncidentStatus, nextDueAt, type Incident } from '../../shared/index.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
let n = 0;
/** Minutes from T0 to each clock a case has (null: that clock does not run). */
interface Clocks {
  /** The unit's handling deadline (from the dispatch). */
  handle?: number | null;
  /** The stage's own limit. */
  stage?: number | null;
  /** The closure deadline (from the registration). */
  close?: number | null;
}
const at = (min: number | null | undefined) => (min === null || min === undefined ? null : iso(T0 + min * 60_000));
function incident(status: IncidentStatus, clocks: Clocks, over: Partial<Incident> = {}): Incident {
  n += 1;
  return {
    id: `c${String(n).padStart(4, '0')}`, seq: n, version: 1, categoryCode: 'E0102', lon: 120, lat: 31.7, gridCode: '320412100001001',
    townCode: '320412100', communityCode: '320412100001', status, source: 'inspector', description: '', reportedAt: iso(T0 - n * 1000),
    createdAt: iso(T0), updatedAt: iso(T0), deadlineAt: at(clocks.handle), closeDeadlineAt: at(clocks.close), closedAt: null, reporter: null, reportedBy: null,
    unitCode: clocks.handle === undefined || clocks.handle === null ? null : 'huanwei', teamId: null, application: null, confirmedAt: null,
    urgeCount: 0, reworkCount: 0, suspendedFrom: null, closureKind: null, arrivedAt: null,
    stageDeadlineAt: at(clocks.stage), mergedInto: null, callback: null, number: null, ...over,
  };
}

describe('the dispatch queue', () => {
  it('counts a case due at the earliest of its stage (or its unit\'s handling) deadline and its closure deadline', () => {
    expect(nextDueAt(incident('reported', { stage: 30 }))).toBe(T0 + 30 * 60_000);
    expect(nextDueAt(incident('handling', { handle: 240, close: 600 }))).toBe(T0 + 240 * 60_000);
    // A unit's handling deadline counts while the unit has the case, not in the centre's stages.
    expect(nextDueAt(incident('handled', { handle: 10, stage: 60, close: 600 }))).toBe(T0 + 60 * 60_000);
    expect(nextDueAt(incident('registered', { stage: 30, close: 20 }))).toBe(T0 + 20 * 60_000);
    expect(nextDueAt(incident('dispatched', { handle: 300, close: 200 }))).toBe(T0 + 200 * 60_000);
    expect(nextDueAt(incident('suspended', { handle: 20, close: 20 }))).toBeNull();
    expect(isOverdue(incident('reported', { stage: -1 }), T0)).toBe(true);
    expect(isOverdue(incident('registered', { stage: 30, close: -1 }), T0)).toBe(true);
    expect(isOverdue(incident('verified', { handle: -60, stage: 30, close: 60 }), T0)).toBe(false);
    expect(isOverdue(incident('suspended', { handle: -60, close: -60 }), T0)).toBe(false);
  });

  it('puts overdue cases first, then by priority, then by the time to the next deadline', () => {
    const accept = incident('reported', { stage: 10 }); // its acceptance limit is in 10 min
    const handle = incident('handling', { handle: 60, close: 600 });
    const late = incident('accepted', { stage: -5 }); // registration limit passed
    const urgent = incident('registered', { stage: 100, close: 900 }, { categoryCode: 'C0101' });
    const prio = (code: string) => (code === 'C0101' ? 1 : 2);
    const q = buildQueue([accept, handle, late, urgent], { ...DEFAULT_FILTER, state: 'all-open' }, prio, T0);
    expect(q.map((i) => i.id)).toEqual([late.id, urgent.id, accept.id, handle.id]);
    // A handling case waits on its unit: "needs action" shows it only once overdue.
    expect(buildQueue([handle], DEFAULT_FILTER, prio, T0)).toEqual([]);
    expect(buildQueue([handle], DEFAULT_FILTER, prio, T0 + 61 * 60_000)).toEqual([handle]);
  });

  it('is a sorted permutation of the cases that pass the filter, whatever they are', () => {
    const minutes = fc.option(fc.integer({ min: -600, max: 600 }));
    const arb = fc.array(
      fc.record({
        status: fc.constantFrom(...IncidentStatus.options.filter((s) => s !== 'closed' && s !== 'rejected')),
        handle: minutes,
        stage: minutes,
        close: minutes,
        town: fc.constantFrom('a', 'b'),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(arb, (specs) => {
        const cases = specs.map((s) => incident(s.status, s, { townCode: s.town }));
        const q = buildQueue(cases, { ...DEFAULT_FILTER, state: 'all-open', town: 'a' }, () => 2, T0);
        expect(q.map((i) => i.id).sort()).toEqual(cases.filter((c) => c.townCode === 'a').map((c) => c.id).sort());
        for (let k = 1; k < q.length; k++) {
          const [a, b] = [q[k - 1]!, q[k]!];
          const ao = isOverdue(a, T0);
          const bo = isOverdue(b, T0);
          expect(ao || !bo).toBe(true);
          if (ao === bo && a.status !== 'suspended' && b.status !== 'suspended') {
            // A case with no clock running comes after those with one.
            expect(nextDueAt(a) ?? Infinity).toBeLessThanOrEqual(nextDueAt(b) ?? Infinity);
          }
        }
      }),
    );
  });
});

describe('the dispatch queue and the units\' applications', () => {
  it('puts a case with an application waiting among the cases that need the centre, whatever its state', () => {
    const application = { kind: 'extension' as const, extendHours: 8, reason: '需采购配件', by: 'desk-shuiwu', at: iso(T0) };
    const waiting = incident('handling', { handle: 240, close: 600 }, { application });
    const quiet = incident('handling', { handle: 240, close: 600 });
    const queue = buildQueue([waiting, quiet], { ...DEFAULT_FILTER, state: 'needs-action' }, () => 2, T0);
    expect(queue.map((c) => c.id)).toEqual([waiting.id]);
  });
});
