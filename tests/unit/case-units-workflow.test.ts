import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ApplicationRequest,
  applyCaseAction,
  CaseAction,
  CaseActionRequest,
  ChosenClosureKind,
  reportedCaseState,
  WorkflowError,
  type CaseState,
  type IncidentStatus,
} from '../../shared/index.js';

/**
 * The workflow of two-level dispatch (issue 12), action by action: the centre dispatches to a unit,
 * the unit's desk assigns its crew, the crew sends a task back to the desk, the unit applies and the
 * centre decides; inspectors confirm (核实) reports and close what they fixed on the spot (自行处置).
 * The table of every state × action is in case-workflow.test.ts.
 */
const HOUR = 3_600_000;
const NOW = 1_000 * HOUR;
/** Handling 10 h from the dispatch, closure 48 h from the registration, stages 1 h; extensions in plain hours. */
const ctxAt = (now: number) => ({
  now,
  actor: 'desk.shuiwu',
  addLimitHours: (from: number, h: number) => from + h * HOUR,
  stageDeadline: (_stage: string, from: number) => from + HOUR,
  handlingDeadline: (from: number) => from + 10 * HOUR,
  closeDeadline: (from: number) => from + 48 * HOUR,
});
const ctx = ctxAt(NOW);

/** A case the centre registered, waiting for dispatch. */
const registered = (): CaseState => ({ ...reportedCaseState({ stageDeadlineAt: null }), status: 'registered', version: 3, closeDeadlineAt: NOW + 40 * HOUR, stageDeadlineAt: NOW + HOUR });
/** A case a unit has: dispatched to it (with its crew, or at its desk), its clock running. */
const withUnit = (status: IncidentStatus = 'dispatched', over: Partial<CaseState> = {}): CaseState => ({
  ...registered(), status, unitCode: 'shuiwu', teamId: 'team-s1', deadlineAt: NOW + 6 * HOUR, stageDeadlineAt: null, ...over,
});
const act = (s: CaseState, req: Omit<CaseActionRequest, 'version'>, at = ctx) => applyCaseAction(s, req, at);
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof WorkflowError) return e.code;
    throw e;
  }
  return 'none';
};

describe('dispatch to a unit', () => {
  it('names the unit, with or without its crew, and starts the unit\'s handling clock from the dispatch', () => {
    const toDesk = act(registered(), { action: 'dispatch', unitCode: 'shuiwu' });
    expect(toDesk).toMatchObject({ status: 'dispatched', unitCode: 'shuiwu', teamId: null, deadlineAt: NOW + 10 * HOUR, stageDeadlineAt: null });
    const toCrew = act(registered(), { action: 'dispatch', unitCode: 'shuiwu', teamId: 'team-s1' });
    expect(toCrew).toMatchObject({ unitCode: 'shuiwu', teamId: 'team-s1', deadlineAt: NOW + 10 * HOUR });
    expect(refusal(() => act(registered(), { action: 'dispatch', teamId: 'team-s1' }))).toBe('unit_required');
    // The closure clock runs from the registration: a dispatch leaves it.
    expect(toDesk.closeDeadlineAt).toBe(registered().closeDeadlineAt);
  });

  it('keeps the clock when the same unit gets it again, and starts it afresh for another unit, which does not inherit the application', () => {
    const later = ctxAt(NOW + 3 * HOUR);
    const pending = { kind: 'extension' as const, extendHours: 4, reason: '缺配件', by: 'desk.shuiwu', at: NOW };
    const s = withUnit('handling', { application: pending, arrivedAt: NOW });
    const same = act(s, { action: 'dispatch', unitCode: 'shuiwu', teamId: 'team-s2' }, later);
    expect(same).toMatchObject({ status: 'dispatched', unitCode: 'shuiwu', teamId: 'team-s2', deadlineAt: s.deadlineAt, application: pending, arrivedAt: null });
    const other = act(s, { action: 'dispatch', unitCode: 'gongshui' }, later);
    expect(other).toMatchObject({ unitCode: 'gongshui', teamId: null, deadlineAt: later.now + 10 * HOUR, application: null });
  });
});

describe('the unit\'s desk', () => {
  it('assigns one of its crews (二级派遣): the crew changes, the unit and its clock stay', () => {
    const atDesk = withUnit('dispatched', { teamId: null });
    const assigned = act(atDesk, { action: 'assign', teamId: 'team-s1' });
    expect(assigned).toMatchObject({ status: 'dispatched', unitCode: 'shuiwu', teamId: 'team-s1', deadlineAt: atDesk.deadlineAt });
    // Taken from a crew that had set off: dispatched again, not yet arrived.
    const moved = act(withUnit('handling', { arrivedAt: NOW - HOUR }), { action: 'assign', teamId: 'team-s2' });
    expect(moved).toMatchObject({ status: 'dispatched', teamId: 'team-s2', arrivedAt: null });
    expect(refusal(() => act(atDesk, { action: 'assign' }))).toBe('team_required');
    expect(refusal(() => act(registered(), { action: 'assign', teamId: 'team-s1' }))).toBe('invalid_transition');
  });

  it('gets back a task its crew cannot handle: still the unit\'s, no crew, the same clock', () => {
    for (const status of ['dispatched', 'handling'] as const) {
      const back = act(withUnit(status, { arrivedAt: NOW - HOUR }), { action: 'return', note: '需要大型设备' });
      expect(back).toMatchObject({ status: 'dispatched', unitCode: 'shuiwu', teamId: null, arrivedAt: null, deadlineAt: NOW + 6 * HOUR, stageDeadlineAt: null });
    }
    expect(refusal(() => act(withUnit(), { action: 'return' }))).toBe('note_required');
  });
});

describe('applications (申请) and decisions (审批)', () => {
  const apply = (kind: 'extension' | 'suspension' | 'return', s = withUnit(), extendHours?: number) =>
    act(s, { action: 'apply', application: { kind, ...(extendHours ? { extendHours } : {}) }, note: ' 理由 ' });

  it('records what the unit asks, why, who and when; changes nothing else until the centre decides', () => {
    const s = withUnit('handling');
    const applied = apply('extension', s, 8);
    expect(applied.application).toEqual({ kind: 'extension', extendHours: 8, reason: '理由', by: 'desk.shuiwu', at: NOW });
    expect({ ...applied, application: null, version: s.version }).toEqual(s);
    expect(refusal(() => act(s, { action: 'apply', note: '理由' }))).toBe('application_required');
    expect(refusal(() => act(s, { action: 'apply', application: { kind: 'return' }, note: '  ' }))).toBe('note_required');
    expect(refusal(() => apply('return', applied))).toBe('application_pending');
    // An extension says how long; the others do not.
    expect(ApplicationRequest.safeParse({ kind: 'extension' }).success).toBe(false);
    expect(ApplicationRequest.safeParse({ kind: 'return', extendHours: 4 }).success).toBe(false);
    expect(ApplicationRequest.safeParse({ kind: 'suspension' }).success).toBe(true);
  });

  it('an extension approved moves the handling deadline by its hours; denied, nothing moves', () => {
    const applied = apply('extension', withUnit(), 4);
    const approved = act(applied, { action: 'decide', decision: 'approve' });
    expect(approved).toMatchObject({ application: null, deadlineAt: NOW + 10 * HOUR, status: 'dispatched' });
    const denied = act(applied, { action: 'decide', decision: 'deny' });
    expect(denied).toEqual({ ...applied, application: null, version: applied.version + 1 });
    expect(refusal(() => act(applied, { action: 'decide' }))).toBe('decision_required');
    expect(refusal(() => act(withUnit(), { action: 'decide', decision: 'approve' }))).toBe('no_application');
  });

  it('a suspension approved suspends the case where it was', () => {
    const approved = act(apply('suspension', withUnit('handling')), { action: 'decide', decision: 'approve' });
    expect(approved).toMatchObject({ status: 'suspended', suspendedFrom: 'handling', unitCode: 'shuiwu', application: null });
    expect(act(approved, { action: 'resume' })).toMatchObject({ status: 'handling', unitCode: 'shuiwu' });
  });

  it('a return approved gives the case back to the centre: registered, no unit, no crew, no handling clock, the dispatch stage running', () => {
    const approved = act(apply('return', withUnit('handling', { arrivedAt: NOW - HOUR })), { action: 'decide', decision: 'approve' });
    expect(approved).toMatchObject({ status: 'registered', unitCode: null, teamId: null, deadlineAt: null, arrivedAt: null, application: null, stageDeadlineAt: NOW + HOUR });
    // The closure clock keeps running from the registration.
    expect(approved.closeDeadlineAt).toBe(registered().closeDeadlineAt);
    // Dispatched again, the next unit's clock starts from that dispatch.
    const later = ctxAt(NOW + 5 * HOUR);
    expect(act(approved, { action: 'dispatch', unitCode: 'shuiwu' }, later).deadlineAt).toBe(later.now + 10 * HOUR);
  });

  it('decides on a handled case too, but can no longer return or suspend it (deny instead)', () => {
    const handled = { ...apply('return', withUnit('handling')), status: 'handled' as const, stageDeadlineAt: NOW + HOUR };
    expect(refusal(() => act(handled, { action: 'decide', decision: 'approve' }))).toBe('invalid_transition');
    expect(act(handled, { action: 'decide', decision: 'deny' })).toMatchObject({ status: 'handled', application: null });
    const extension = { ...apply('extension', withUnit('handling'), 2), status: 'handled' as const };
    expect(act(extension, { action: 'decide', decision: 'approve' }).deadlineAt).toBe(NOW + 8 * HOUR);
  });
});

describe('inspectors: 核实 (confirm) and 自行处置 (self-handle)', () => {
  const reported = reportedCaseState({ stageDeadlineAt: NOW + HOUR });

  it('confirms a public report as real (the state stays), or rejects it as not found, with a note', () => {
    for (const s of [reported, { ...reported, status: 'accepted' as const }]) {
      const found = act(s, { action: 'confirm', found: true });
      expect(found).toMatchObject({ status: s.status, confirmedAt: NOW, stageDeadlineAt: s.stageDeadlineAt });
      const notFound = act(s, { action: 'confirm', found: false, note: '现场未发现' });
      expect(notFound).toMatchObject({ status: 'rejected', confirmedAt: null, stageDeadlineAt: null });
    }
    expect(refusal(() => act(reported, { action: 'confirm' }))).toBe('found_required');
    expect(refusal(() => act(reported, { action: 'confirm', found: false }))).toBe('note_required');
    expect(refusal(() => act(withUnit(), { action: 'confirm', found: true }))).toBe('invalid_transition');
  });

  it('closes a problem fixed on the spot with photos before and after, as self_handled, which a dispatcher cannot choose', () => {
    const photos = ['ph_AAAAAAAAAAAAAAAA', 'ph_BBBBBBBBBBBBBBBB'];
    expect(act(reported, { action: 'self-handle', attachments: photos })).toMatchObject({ status: 'closed', closureKind: 'self_handled', closedAt: NOW, stageDeadlineAt: null });
    expect(refusal(() => act(reported, { action: 'self-handle', attachments: photos.slice(0, 1) }))).toBe('photos_required');
    expect(refusal(() => act({ ...reported, status: 'accepted' }, { action: 'self-handle', attachments: photos }))).toBe('invalid_transition');
    expect(ChosenClosureKind.options).not.toContain('self_handled');
    expect(CaseActionRequest.safeParse({ action: 'close', version: 2, closureKind: 'self_handled' }).success).toBe(false);
  });
});

describe('the clocks along any sequence of actions', () => {
  it('restart the handling deadline exactly when the case goes to another unit, move it only by extensions otherwise, and never move the closure deadline', () => {
    // Mostly the actions of a unit's life, so that sequences get that far; now and then any action.
    const unitLife = fc.constantFrom<CaseAction>('accept', 'register', 'dispatch', 'assign', 'acknowledge', 'return', 'apply', 'decide', 'extend', 'suspend', 'resume', 'report-handled', 'rework');
    const step = fc.record({
      action: fc.oneof({ arbitrary: unitLife, weight: 5 }, { arbitrary: fc.constantFrom(...CaseAction.options), weight: 1 }),
      unitCode: fc.option(fc.constantFrom('U1', 'U2', 'U3')),
      teamId: fc.option(fc.constantFrom('A', 'B')),
      note: fc.option(fc.constant('原因')),
      extendHours: fc.option(fc.integer({ min: 1, max: 48 })),
      application: fc.option(fc.constantFrom({ kind: 'extension' as const, extendHours: 6 }, { kind: 'suspension' as const }, { kind: 'return' as const })),
      decision: fc.option(fc.constantFrom('approve' as const, 'deny' as const)),
      found: fc.option(fc.boolean()),
      minutes: fc.integer({ min: 1, max: 600 }),
    });
    // How often the interesting cases came up, so that the property is seen to be exercised.
    const seen = { restarts: 0, extensions: 0, kept: 0 };
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 80 }), (steps) => {
        let s = reportedCaseState({ stageDeadlineAt: NOW + HOUR });
        let now = NOW;
        for (const st of steps) {
          now += st.minutes * 60_000;
          const at = ctxAt(now);
          const req = {
            action: st.action, unitCode: st.unitCode ?? undefined, teamId: st.teamId ?? undefined, note: st.note ?? undefined,
            extendHours: st.extendHours ?? undefined, application: st.application ?? undefined, decision: st.decision ?? undefined, found: st.found ?? undefined,
          };
          let next: CaseState;
          try {
            next = applyCaseAction(s, req, at);
          } catch (e) {
            expect(e).toBeInstanceOf(WorkflowError);
            continue;
          }
          if (next.unitCode !== s.unitCode && next.unitCode !== null) {
            // Another unit (or the first): its own clock, from now.
            expect(next.deadlineAt).toBe(at.handlingDeadline(now));
            seen.restarts += 1;
          } else if (next.unitCode === null) {
            expect(next.deadlineAt).toBeNull();
          } else {
            // The same unit: the same clock, later only by an extension (the centre's, or an application approved).
            const extension = st.action === 'extend' || (st.action === 'decide' && st.decision === 'approve' && s.application?.kind === 'extension');
            if (extension) expect(next.deadlineAt).toBeGreaterThan(s.deadlineAt!);
            else expect(next.deadlineAt).toBe(s.deadlineAt);
            seen[extension ? 'extensions' : 'kept'] += 1;
          }
          // The closure clock is set once, at registration.
          if (st.action === 'register') expect(next.closeDeadlineAt).toBe(at.closeDeadline(now));
          else expect(next.closeDeadlineAt).toBe(s.closeDeadlineAt);
          s = next;
        }
      }),
      { numRuns: 400 },
    );
    expect(seen.restarts).toBeGreaterThan(50);
    expect(seen.extensions).toBeGreaterThan(10);
    expect(seen.kept).toBeGreaterThan(50);
  });
});

describe('an application the case has moved past', () => {
  it('lapses when the case is verified or suspended by the centre itself: nobody could decide it any more', () => {
    const applied = act(withUnit('handling'), { action: 'apply', application: { kind: 'extension', extendHours: 8 }, note: '需采购配件' });
    expect(applied.application).toMatchObject({ kind: 'extension', extendHours: 8 });
    // Handled: the centre may still decide it.
    const handled = act(applied, { action: 'report-handled' });
    expect(handled.application).not.toBeNull();
    expect(act(handled, { action: 'verify' }).application).toBeNull();
    expect(act(applied, { action: 'suspend', note: '专项资金' }).application).toBeNull();
    // A crew's return to the desk keeps it: the unit still has the case.
    expect(act(applied, { action: 'return', note: '非本队' }).application).not.toBeNull();
  });
});
