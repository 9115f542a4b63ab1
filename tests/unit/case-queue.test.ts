import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildQueue, DEFAULT_FILTER, isOverdue } from '../../client/dispatch/queue.js';
import { IncidentStatus, nextDueAt, type Incident } from '../../shared/index.js';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
let n = 0;
function incident(status: IncidentStatus, deadlineMin: number, stageMin: number | null, over: Partial<Incident> = {}): Incident {
  n += 1;
  return {
    id: `c${String(n).padStart(4, '0')}`, seq: n, version: 1, categoryCode: 'E0102', lon: 120, lat: 31.7, gridCode: '320412100001001',
    townCode: '320412100', communityCode: '320412100001', status, source: 'inspector', description: '', reportedAt: iso(T0 - n * 1000),
    createdAt: iso(T0), updatedAt: iso(T0), deadlineAt: iso(T0 + deadlineMin * 60_000), closedAt: null, reporter: null, reportedBy: null,
    teamId: null, urgeCount: 0, reworkCount: 0, suspendedFrom: null, closureKind: null, arrivedAt: null,
    stageDeadlineAt: stageMin === null ? null : iso(T0 + stageMin * 60_000), mergedInto: null, callback: null, number: null, ...over,
  };
}

describe('the dispatch queue', () => {
  it('counts a case due at its stage limit when that comes before the handling deadline', () => {
    expect(nextDueAt(incident('reported', 240, 30))).toBe(T0 + 30 * 60_000);
    expect(nextDueAt(incident('handling', 240, null))).toBe(T0 + 240 * 60_000);
    expect(nextDueAt(incident('registered', 20, 30))).toBe(T0 + 20 * 60_000);
    expect(nextDueAt(incident('suspended', 20, null))).toBeNull();
    expect(isOverdue(incident('reported', 240, -1), T0)).toBe(true);
    expect(isOverdue(incident('suspended', -60, null), T0)).toBe(false);
  });

  it('puts overdue cases first, then by priority, then by the time to the next deadline', () => {
    const accept = incident('reported', 600, 10); // its acceptance limit is in 10 min
    const handle = incident('handling', 60, null);
    const late = incident('accepted', 600, -5); // registration limit passed
    const urgent = incident('registered', 900, 100, { categoryCode: 'C0101' });
    const prio = (code: string) => (code === 'C0101' ? 1 : 2);
    const q = buildQueue([accept, handle, late, urgent], { ...DEFAULT_FILTER, state: 'all-open' }, prio, T0);
    expect(q.map((i) => i.id)).toEqual([late.id, urgent.id, accept.id, handle.id]);
    // A handling case waits on its team: "needs action" shows it only once overdue.
    expect(buildQueue([handle], DEFAULT_FILTER, prio, T0)).toEqual([]);
    expect(buildQueue([handle], DEFAULT_FILTER, prio, T0 + 61 * 60_000)).toEqual([handle]);
  });

  it('is a sorted permutation of the cases that pass the filter, whatever they are', () => {
    const arb = fc.array(
      fc.record({
        status: fc.constantFrom(...IncidentStatus.options.filter((s) => s !== 'closed' && s !== 'rejected')),
        deadline: fc.integer({ min: -600, max: 600 }),
        stage: fc.option(fc.integer({ min: -600, max: 600 })),
        town: fc.constantFrom('a', 'b'),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(arb, (specs) => {
        const cases = specs.map((s) => incident(s.status, s.deadline, s.stage, { townCode: s.town }));
        const q = buildQueue(cases, { ...DEFAULT_FILTER, state: 'all-open', town: 'a' }, () => 2, T0);
        expect(q.map((i) => i.id).sort()).toEqual(cases.filter((c) => c.townCode === 'a').map((c) => c.id).sort());
        for (let k = 1; k < q.length; k++) {
          const [a, b] = [q[k - 1]!, q[k]!];
          const ao = isOverdue(a, T0);
          const bo = isOverdue(b, T0);
          expect(ao || !bo).toBe(true);
          if (ao === bo && a.status !== 'suspended' && b.status !== 'suspended') {
            expect(nextDueAt(a)!).toBeLessThanOrEqual(nextDueAt(b)!);
          }
        }
      }),
    );
  });
});
