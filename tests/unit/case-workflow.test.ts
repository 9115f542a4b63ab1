import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTION_RULES,
  CaseAction,
  CaseActionRequest,
  IncidentStatus,
  ROLE_PERMISSIONS,
  ROLES,
  actionsFrom,
  applyCaseAction,
  teamsThatReturned,
  WorkflowError,
  type CaseState,
  type IncidentEvent,
} from '../../shared/index.js';

const HOUR = 3_600_000;
/** Stage limits of 1 to 5 hours by stage, so that a wrong stage shows as a wrong deadline. */
const STAGE_HOURS = { accept: 1, register: 2, dispatch: 3, verify: 4, close: 5 } as const;
const ctx = {
  now: 1_000 * HOUR,
  addLimitHours: (from: number, h: number) => from + h * HOUR,
  stageDeadline: (stage: keyof typeof STAGE_HOURS, from: number) => from + STAGE_HOURS[stage] * HOUR,
};
const state = (status: IncidentStatus, over: Partial<CaseState> = {}): CaseState => ({
  status, version: 3, teamId: status === 'dispatched' || status === 'handling' ? 'team-1' : null, deadlineAt: 1_002 * HOUR,
  urgeCount: 0, reworkCount: 0, suspendedFrom: null, closureKind: null, closedAt: null, arrivedAt: null,
  stageDeadlineAt: 999 * HOUR, mergedInto: null, callback: null, ...over,
});
/** Details every action may need, so that only the state decides. */
const details = { teamId: 'team-2', note: '不属于本部门', extendHours: 4, mergeInto: 'case-1', callback: { reached: true, satisfaction: 'satisfied' as const } };

/** The expected next state of each allowed (state, action), written out by hand from GB/T 30428's loop. */
const EXPECTED: Record<string, IncidentStatus> = {
  'reported accept': 'accepted', 'reported reject': 'rejected', 'reported urge': 'reported', 'reported merge': 'closed',
  'accepted register': 'registered', 'accepted urge': 'accepted', 'accepted merge': 'closed',
  'registered dispatch': 'dispatched', 'registered merge': 'closed', 'registered suspend': 'suspended', 'registered urge': 'registered',
  'dispatched dispatch': 'dispatched', 'dispatched acknowledge': 'handling', 'dispatched return': 'registered',
  'dispatched extend': 'dispatched', 'dispatched urge': 'dispatched', 'dispatched suspend': 'suspended',
  'handling dispatch': 'dispatched', 'handling arrive': 'handling', 'handling report-handled': 'handled', 'handling return': 'registered',
  'handling extend': 'handling', 'handling urge': 'handling', 'handling suspend': 'suspended',
  'handled verify': 'verified', 'handled rework': 'handling', 'handled urge': 'handled',
  'verified close': 'closed', 'verified urge': 'verified',
  'closed callback': 'closed',
  'suspended resume': 'registered', 'suspended urge': 'suspended',
};

describe('the case workflow', () => {
  it('allows exactly the transitions of the loop, every state × every action, and refuses the rest', () => {
    for (const from of IncidentStatus.options) {
      for (const action of CaseAction.options) {
        const key = `${from} ${action}`;
        if (key in EXPECTED) {
          const next = applyCaseAction(state(from), { action, ...details }, ctx);
          expect(next.status, key).toBe(EXPECTED[key]);
          expect(next.version, key).toBe(4);
        } else {
          expect(() => applyCaseAction(state(from), { action, ...details }, ctx), key).toThrow(WorkflowError);
        }
      }
    }
    expect(Object.keys(EXPECTED).length).toBe(IncidentStatus.options.reduce((n, s) => n + actionsFrom(s).length, 0));
  });

  it('never leaves a closed or rejected case; a closed one may only be called back', () => {
    expect(actionsFrom('rejected')).toEqual([]);
    expect(actionsFrom('closed')).toEqual(['callback']);
  });

  it('records a callback: reached and how satisfied, or not reached; and asks for one', () => {
    const closed = state('closed');
    expect(applyCaseAction(closed, { action: 'callback', callback: { reached: true, satisfaction: 'basically_satisfied' } }, ctx).callback).toEqual({ reached: true, satisfaction: 'basically_satisfied', at: ctx.now });
    expect(applyCaseAction(closed, { action: 'callback', callback: { reached: false } }, ctx).callback).toEqual({ reached: false, satisfaction: null, at: ctx.now });
    expect(() => applyCaseAction(closed, { action: 'callback' }, ctx)).toThrow(/reached/);
    expect(CaseActionRequest.safeParse({ action: 'callback', version: 3, callback: { reached: true } }).success).toBe(false);
    expect(CaseActionRequest.safeParse({ action: 'callback', version: 3, callback: { reached: false, satisfaction: 'satisfied' } }).success).toBe(false);
    expect(CaseActionRequest.safeParse({ action: 'callback', version: 3, callback: { reached: true, satisfaction: 'not_satisfied' } }).success).toBe(true);
  });

  it('gives each action to the roles of its position', () => {
    const who = (a: CaseAction) => ROLES.filter((r) => ROLE_PERMISSIONS[r].includes(ACTION_RULES[a].permission));
    expect(who('accept')).toEqual(['dispatcher']);
    expect(who('dispatch')).toEqual(['dispatcher']);
    expect(who('acknowledge')).toEqual(['field']);
    expect(who('verify').sort()).toEqual(['dispatcher', 'inspector']);
    expect(who('urge')).toEqual(['leader']);
    expect(who('close')).toEqual(['dispatcher']);
    expect(who('report-handled')).toEqual(['field']);
    expect(who('callback')).toEqual(['dispatcher']);
    // A wall display and an admin act on no case.
    for (const a of CaseAction.options) expect(who(a)).not.toContain('wall');
    for (const a of CaseAction.options) expect(who(a)).not.toContain('admin');
  });

  it('records what each action means: team, arrival, rework, urging, extension, suspension, closure kind', () => {
    expect(applyCaseAction(state('registered'), { action: 'dispatch', teamId: 'T9' }, ctx).teamId).toBe('T9');
    expect(() => applyCaseAction(state('registered'), { action: 'dispatch' }, ctx)).toThrow(/teamId/);
    expect(() => applyCaseAction(state('handling'), { action: 'return', note: '  ' }, ctx)).toThrow(/reason/);
    expect(applyCaseAction(state('handling'), { action: 'return', note: '非本部门职责' }, ctx).teamId).toBeNull();
    expect(applyCaseAction(state('handling'), { action: 'arrive' }, ctx).arrivedAt).toBe(ctx.now);
    expect(applyCaseAction(state('handled'), { action: 'rework' }, ctx).reworkCount).toBe(1);
    expect(applyCaseAction(state('handling'), { action: 'extend', extendHours: 8 }, ctx).deadlineAt).toBe(1_010 * HOUR);
    const suspended = applyCaseAction(state('handling'), { action: 'suspend' }, ctx);
    expect(applyCaseAction(suspended, { action: 'resume' }, ctx).status).toBe('handling');
    expect(applyCaseAction(state('verified'), { action: 'close' }, ctx).closureKind).toBe('normal');
    expect(applyCaseAction(state('verified', { deadlineAt: 999 * HOUR }), { action: 'close' }, ctx).closureKind).toBe('overdue');
    expect(applyCaseAction(state('verified'), { action: 'close', closureKind: 'erroneous' }, ctx).closureKind).toBe('erroneous');
    const merged = applyCaseAction(state('accepted'), { action: 'merge', mergeInto: 'case-7' }, ctx);
    expect([merged.status, merged.closureKind, merged.mergedInto, merged.closedAt]).toEqual(['closed', 'duplicate', 'case-7', ctx.now]);
    expect(() => applyCaseAction(state('accepted'), { action: 'merge' }, ctx)).toThrow(/mergeInto/);
  });

  it('starts each stage\'s clock when the case enters it, and stops it while handling and once closed', () => {
    const stageAfter = (from: IncidentStatus, action: CaseAction) => applyCaseAction(state(from), { action, ...details }, ctx).stageDeadlineAt;
    expect(stageAfter('reported', 'accept')).toBe(ctx.now + 2 * HOUR); // now registering
    expect(stageAfter('accepted', 'register')).toBe(ctx.now + 3 * HOUR); // now dispatching
    expect(stageAfter('handling', 'return')).toBe(ctx.now + 3 * HOUR); // back to dispatching
    expect(stageAfter('handling', 'report-handled')).toBe(ctx.now + 4 * HOUR); // verifying
    expect(stageAfter('handled', 'verify')).toBe(ctx.now + 5 * HOUR); // closing
    expect(stageAfter('registered', 'dispatch')).toBeNull(); // handling: the handling deadline applies
    expect(stageAfter('verified', 'close')).toBeNull();
    expect(stageAfter('handling', 'suspend')).toBeNull();
    // Actions that keep the state keep the stage's clock running.
    expect(stageAfter('reported', 'urge')).toBe(999 * HOUR);
    expect(stageAfter('dispatched', 'dispatch')).toBe(999 * HOUR);
  });

  it('keeps its invariants along any sequence of actions', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ action: fc.constantFrom(...CaseAction.options), teamId: fc.option(fc.constantFrom('A', 'B')), note: fc.option(fc.constant('原因')), extendHours: fc.option(fc.integer({ min: 1, max: 48 })), mergeInto: fc.option(fc.constant('case-1')) }), { maxLength: 60 }), (steps) => {
        let s = state('reported', { version: 1, teamId: null });
        for (const step of steps) {
          const req = { action: step.action, teamId: step.teamId ?? undefined, note: step.note ?? undefined, extendHours: step.extendHours ?? undefined, mergeInto: step.mergeInto ?? undefined };
          let next: CaseState;
          try {
            next = applyCaseAction(s, req, ctx);
          } catch (e) {
            expect(e).toBeInstanceOf(WorkflowError);
            continue;
          }
          expect(next.version).toBe(s.version + 1);
          expect(next.deadlineAt).toBeGreaterThanOrEqual(s.deadlineAt);
          // Only a dispatched or handled case has a team; a suspended one remembers where it was.
          if (['dispatched', 'handling'].includes(next.status)) expect(next.teamId).not.toBeNull();
          if (next.status === 'registered') expect(next.teamId).toBeNull();
          // A stage clock runs exactly in the stages that have one, and never before the action.
          const timed = ['reported', 'accepted', 'registered', 'handled', 'verified'].includes(next.status);
          if (next.status !== s.status) expect(next.stageDeadlineAt !== null).toBe(timed);
          if (next.stageDeadlineAt !== null && next.status !== s.status) expect(next.stageDeadlineAt).toBeGreaterThan(ctx.now);
          expect(next.status === 'suspended').toBe(next.suspendedFrom !== null);
          expect(next.status === 'closed').toBe(next.closedAt !== null && next.closureKind !== null);
          expect(next.mergedInto !== null).toBe(next.closureKind === 'duplicate');
          s = next;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('teamsThatReturned', () => {
  /** The timeline a walk of actions writes: each event carries the case as it stood afterwards. */
  function walk(steps: { action: CaseAction; teamId?: string; note?: string }[]): IncidentEvent[] {
    let s = state('registered');
    return steps.map((step, k) => {
      const from = s.status;
      s = applyCaseAction(s, { ...details, ...step }, ctx);
      const incident = { status: s.status, teamId: s.teamId } as IncidentEvent['incident'];
      return { seq: k + 1, kind: 'case_action', at: new Date(ctx.now).toISOString(), incident, action: { name: step.action, actor: 'x', role: 'dispatcher', from, to: s.status } };
    });
  }

  it('names every team the case was with when it was sent back, and no other', () => {
    const timeline = walk([
      { action: 'dispatch', teamId: 'team-a' },
      { action: 'return', note: '非本队职责' },
      { action: 'dispatch', teamId: 'team-b' },
      { action: 'acknowledge' },
      { action: 'return', note: '应由市政处理' },
      { action: 'dispatch', teamId: 'team-c' },
      { action: 'acknowledge' },
    ]);
    expect([...teamsThatReturned(timeline)].sort()).toEqual(['team-a', 'team-b']);
    // Read in seq order whatever order the list comes in.
    expect([...teamsThatReturned([...timeline].reverse())].sort()).toEqual(['team-a', 'team-b']);
  });

  it('is empty for a case never sent back, and for a reassignment (dispatch again) that was no return', () => {
    expect(teamsThatReturned(walk([{ action: 'dispatch', teamId: 'team-a' }, { action: 'dispatch', teamId: 'team-b' }, { action: 'acknowledge' }])).size).toBe(0);
  });
});
