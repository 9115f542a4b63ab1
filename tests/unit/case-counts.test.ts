import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEventsToSummary, boardFigures } from '../../client/live/caseCounts.js';
import { ACTION_RULES, actionsFrom, applyCaseAction, CaseAction, reportedCaseState, WorkflowError, type CaseState, type CaseSummary, type Incident, type IncidentEvent, type IncidentStatus } from '../../shared/index.js';

const T0 = Date.parse('2026-11-23T02:00:00Z');
const DAY_START = Date.parse('2026-11-22T16:00:00Z'); // local midnight, UTC+8
const iso = (ms: number) => new Date(ms).toISOString();
const empty = (headSeq: number): CaseSummary => ({ at: iso(T0), headSeq, dayStart: iso(DAY_START), open: {}, reportedToday: 0, closedToday: 0, overdue: 0 });

function incident(id: string, status: IncidentStatus, reportedAt = T0): Incident {
  return {
    id, seq: 1, version: 1, categoryCode: 'E0102', lon: 120, lat: 31.7, gridCode: '320412100001001', townCode: '320412100',
    communityCode: '320412100001', status, source: 'inspector', description: '', reportedAt: iso(reportedAt), createdAt: iso(reportedAt),
    updatedAt: iso(reportedAt), deadlineAt: null, closeDeadlineAt: null, closedAt: null, reporter: null, reportedBy: null, unitCode: null, teamId: null,
    application: null, confirmedAt: null,
    urgeCount: 0, reworkCount: 0, suspendedFrom: null, closureKind: null, arrivedAt: null, stageDeadlineAt: null, mergedInto: null, callback: null, number: null,
  };
}

describe('the board counters', () => {
  it('count reports and follow each step from status to status, ignoring events the summary already holds', () => {
    let seq = 10;
    const created = (id: string, at = T0): IncidentEvent => ({ seq: ++seq, kind: 'created', at: iso(at), incident: incident(id, 'reported', at) });
    const step = (id: string, name: CaseAction, from: IncidentStatus, to: IncidentStatus): IncidentEvent => ({
      seq: ++seq, kind: 'case_action', at: iso(T0), incident: incident(id, to), action: { name, actor: 'd', role: 'dispatcher', from, to },
    });
    const old = created('x'); // seq 11: already in a summary at head 11
    const events = [old, created('a'), created('b', DAY_START - 1), step('a', 'accept', 'reported', 'accepted'), step('a', 'register', 'accepted', 'registered')];
    const s = applyEventsToSummary(empty(11), events);
    expect(s.headSeq).toBe(15);
    expect(boardFigures(s)).toMatchObject({ reportedToday: 1, toAccept: 1, toDispatch: 1, closedToday: 0 });
    const closed = applyEventsToSummary(s, [step('b', 'merge', 'reported', 'closed')]);
    expect(boardFigures(closed)).toMatchObject({ toAccept: 0, closedToday: 1 });
    // Applying the same events again changes nothing.
    expect(applyEventsToSummary(closed, events)).toBe(closed);
  });

  it('equal a fresh count of the cases after any sequence of workflow actions', () => {
    const ctx = {
      now: T0, addLimitHours: (f: number, h: number) => f + h * 3_600_000, stageDeadline: (_s: string, f: number) => f + 1_800_000,
      handlingDeadline: (f: number) => f + 4 * 3_600_000, closeDeadline: (f: number) => f + 24 * 3_600_000,
    };
    // Every detail an action may need; what the state refuses (a decision with no application waiting, say) changes nothing.
    const details = {
      unitCode: 'u', teamId: 't', note: 'n', extendHours: 1, mergeInto: 'c9', callback: { reached: true, satisfaction: 'satisfied' as const },
      application: { kind: 'return' as const }, decision: 'approve' as const, found: true, attachments: ['ph_AAAAAAAAAAAAAAAA', 'ph_BBBBBBBBBBBBBBBB'],
    };
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.constantFrom(...CaseAction.options)), { maxLength: 80 }), (steps) => {
        let seq = 0;
        const states: CaseState[] = [];
        const events: IncidentEvent[] = [];
        for (let k = 0; k < 5; k++) {
          states.push(reportedCaseState({ stageDeadlineAt: T0 + 1 }));
          events.push({ seq: ++seq, kind: 'created', at: iso(T0), incident: incident(`c${k}`, 'reported') });
        }
        for (const [k, action] of steps) {
          const from = states[k]!;
          if (!actionsFrom(from.status).includes(action)) continue;
          let next: CaseState;
          try {
            next = applyCaseAction(from, { action, ...details }, ctx);
          } catch (e) {
            if (e instanceof WorkflowError) continue;
            throw e;
          }
          states[k] = next;
          events.push({ seq: ++seq, kind: 'case_action', at: iso(T0), incident: incident(`c${k}`, next.status), action: { name: action, actor: 'a', role: ACTION_RULES[action].permission, from: from.status, to: next.status } });
        }
        const s = applyEventsToSummary(empty(0), events);
        const expected: Partial<Record<IncidentStatus, number>> = {};
        for (const st of states) if (st.status !== 'closed' && st.status !== 'rejected') expected[st.status] = (expected[st.status] ?? 0) + 1;
        for (const st of Object.keys({ ...expected, ...s.open }) as IncidentStatus[]) expect(s.open[st] ?? 0).toBe(expected[st] ?? 0);
        expect(s.closedToday).toBe(states.filter((st) => st.status === 'closed').length);
      }),
    );
  });
});
