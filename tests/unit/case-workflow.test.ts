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
/** Handling 10 h from the dispatch, closure 48 h from the registration: each its own, so a mix-up shows. */
const ctx = {
  now: 1_000 * HOUR,
  actor: 'desk.unit-1',
  addLimitHours: (from: number, h: number) => from + h * HOUR,
  stageDeadline: (stage: keyof typeof STAGE_HOURS, from: number) => from + STAGE_HOURS[stage] * HOUR,
  handlingDeadline: (from: number) => from + 10 * HOUR,
  closeDeadline: (from: number) => from + 48 * HOUR,
};
/** Where a unit has the case (or had it, on the way to closure), it has a unit, a crew and a handling deadline. */
const WITH_UNIT: readonly IncidentStatus[] = ['dispatched', 'handling', 'handled', 'verified'];
/** Registered or later, the closure clock runs. */
const NOT_REGISTERED: readonly IncidentStatus[] = ['reported', 'accepted', 'rejected'];
const state = (status: IncidentStatus, over: Partial<CaseState> = {}): CaseState => ({
  status, version: 3, teamId: WITH_UNIT.includes(status) ? 'team-1' : null, unitCode: WITH_UNIT.includes(status) ? 'unit-1' : null,
  deadlineAt: WITH_UNIT.includes(status) ? 1_002 * HOUR : null, closeDeadlineAt: NOT_REGISTERED.includes(status) ? null : 1_020 * HOUR,
  application: null, confirmedAt: null,
  urgeCount: 0, reworkCount: 0, suspendedFrom: null, closureKind: null, closedAt: null, arrivedAt: null,
  stageDeadlineAt: 999 * HOUR, mergedInto: null, callback: null, ...over,
});
/** A unit's application waiting for the centre. */
const PENDING = { kind: 'extension' as const, extendHours: 4, reason: '管线需要停水', by: 'desk.unit-1', at: 999 * HOUR };
/** Details every action may need, so that only the state decides. */
const details = {
  unitCode: 'unit-2', teamId: 'team-2', note: '不属于本部门', extendHours: 4, mergeInto: 'case-1', callback: { reached: true, satisfaction: 'satisfied' as const },
  application: { kind: 'extension' as const, extendHours: 4 }, decision: 'deny' as const, found: true, attachments: ['ph_AAAAAAAAAAAAAAAA', 'ph_BBBBBBBBBBBBBBBB'],
};
const APPLICATIONS = [{ kind: 'extension' as const, extendHours: 6 }, { kind: 'suspension' as const }, { kind: 'return' as const }];
const PHOTOS = ['ph_AAAAAAAAAAAAAAAA', 'ph_BBBBBBBBBBBBBBBB', 'ph_CCCCCCCCCCCCCCCC'];
/** The state an action is tried from in the table: a decision needs an application waiting for it. */
const stateFor = (from: IncidentStatus, action: CaseAction) => state(from, action === 'decide' ? { application: PENDING } : {});

/** The expected next state of each allowed (state, action), written out by hand from GB/T 30428's loop. */
const EXPECTED: Record<string, IncidentStatus> = {
  'reported accept': 'accepted', 'reported reject': 'rejected', 'reported urge': 'reported', 'reported merge': 'closed',
  'reported confirm': 'reported', 'reported self-handle': 'closed',
  'accepted register': 'registered', 'accepted urge': 'accepted', 'accepted merge': 'closed', 'accepted confirm': 'accepted',
  'registered dispatch': 'dispatched', 'registered merge': 'closed', 'registered suspend': 'suspended', 'registered urge': 'registered',
  // A crew's return leaves the case with its unit (the desk assigns another crew or applies to return it).
  'dispatched dispatch': 'dispatched', 'dispatched acknowledge': 'handling', 'dispatched return': 'dispatched',
  'dispatched extend': 'dispatched', 'dispatched urge': 'dispatched', 'dispatched suspend': 'suspended',
  'dispatched assign': 'dispatched', 'dispatched apply': 'dispatched', 'dispatched decide': 'dispatched',
  'handling dispatch': 'dispatched', 'handling arrive': 'handling', 'handling report-handled': 'handled', 'handling return': 'dispatched',
  'handling extend': 'handling', 'handling urge': 'handling', 'handling suspend': 'suspended',
  'handling assign': 'dispatched', 'handling apply': 'handling', 'handling decide': 'handling',
  'handled verify': 'verified', 'handled rework': 'handling', 'handled urge': 'handled', 'handled decide': 'handled',
  'verified close': 'closed', 'verified urge': 'verified',
  'closed callback': 'closed',
  'suspended resume': 'registered', 'suspended urge': 'suspended',
  // A leader's instruction (批示) may come at any open step and moves nothing.
  ...Object.fromEntries((['reported', 'accepted', 'registered', 'dispatched', 'handling', 'handled', 'verified', 'suspended'] as const).map((s) => [`${s} instruct`, s])),
};

describe('the case workflow', () => {
  it('allows exactly the transitions of the loop, every state × every action, and refuses the rest', () => {
    for (const from of IncidentStatus.options) {
      for (const action of CaseAction.options) {
        const key = `${from} ${action}`;
        if (key in EXPECTED) {
          const next = applyCaseAction(stateFor(from, action), { action, ...details }, ctx);
          expect(next.status, key).toBe(EXPECTED[key]);
          expect(next.version, key).toBe(4);
        } else {
          expect(() => applyCaseAction(stateFor(from, action), { action, ...details }, ctx), key).toThrow(WorkflowError);
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
    // A unit's desk handles its own cases where its crews are not on the map (the case service keeps it to its unit's).
    expect(who('acknowledge')).toEqual(['field', 'unit']);
    expect(who('verify').sort()).toEqual(['dispatcher', 'inspector']);
    expect(who('urge')).toEqual(['leader']);
    expect(who('instruct')).toEqual(['leader']);
    expect(who('close')).toEqual(['dispatcher']);
    expect(who('report-handled')).toEqual(['field', 'unit']);
    expect(who('callback')).toEqual(['dispatcher']);
    // Two-level dispatch: the unit assigns and applies, the centre decides.
    expect(who('assign')).toEqual(['unit']);
    expect(who('apply')).toEqual(['unit']);
    expect(who('decide')).toEqual(['dispatcher']);
    expect(who('confirm').sort()).toEqual(['dispatcher', 'inspector']);
    // Whoever reports (the case service keeps it to the inspector who reported the problem).
    expect(who('self-handle').sort()).toEqual(['dispatcher', 'inspector']);
    // A wall display and an admin act on no case.
    for (const a of CaseAction.options) expect(who(a)).not.toContain('wall');
    for (const a of CaseAction.options) expect(who(a)).not.toContain('admin');
    // A unit's desk never reads the live picture (it sees its own cases only).
    expect(ROLE_PERMISSIONS.unit).not.toContain('live.read');
    expect(ROLE_PERMISSIONS.unit).not.toContain('personal.read');
  });

  it('records what each action means: unit and team, arrival, rework, urging, extension, suspension, closure kind', () => {
    const dispatched = applyCaseAction(state('registered'), { action: 'dispatch', unitCode: 'U9', teamId: 'T9' }, ctx);
    expect([dispatched.unitCode, dispatched.teamId, dispatched.deadlineAt]).toEqual(['U9', 'T9', ctx.now + 10 * HOUR]);
    expect(() => applyCaseAction(state('registered'), { action: 'dispatch', teamId: 'T9' }, ctx)).toThrow(/unitCode/);
    expect(() => applyCaseAction(state('handling'), { action: 'return', note: '  ' }, ctx)).toThrow(/reason/);
    const returned = applyCaseAction(state('handling'), { action: 'return', note: '非本队职责' }, ctx);
    expect([returned.status, returned.teamId, returned.unitCode, returned.deadlineAt]).toEqual(['dispatched', null, 'unit-1', 1_002 * HOUR]);
    expect(applyCaseAction(state('handling'), { action: 'arrive' }, ctx).arrivedAt).toBe(ctx.now);
    expect(applyCaseAction(state('handled'), { action: 'rework' }, ctx).reworkCount).toBe(1);
    expect(applyCaseAction(state('handling'), { action: 'extend', extendHours: 8 }, ctx).deadlineAt).toBe(1_010 * HOUR);
    const suspended = applyCaseAction(state('handling'), { action: 'suspend' }, ctx);
    expect(applyCaseAction(suspended, { action: 'resume' }, ctx).status).toBe('handling');
    // Registration starts the closure clock.
    expect(applyCaseAction(state('accepted'), { action: 'register' }, ctx).closeDeadlineAt).toBe(ctx.now + 48 * HOUR);
    // On-time closure is judged against the closure deadline, not the unit's handling deadline.
    expect(applyCaseAction(state('verified'), { action: 'close' }, ctx).closureKind).toBe('normal');
    expect(applyCaseAction(state('verified', { deadlineAt: 999 * HOUR }), { action: 'close' }, ctx).closureKind).toBe('normal');
    expect(applyCaseAction(state('verified', { closeDeadlineAt: 999 * HOUR }), { action: 'close' }, ctx).closureKind).toBe('overdue');
    expect(applyCaseAction(state('verified'), { action: 'close', closureKind: 'erroneous' }, ctx).closureKind).toBe('erroneous');
    const merged = applyCaseAction(state('accepted'), { action: 'merge', mergeInto: 'case-7' }, ctx);
    expect([merged.status, merged.closureKind, merged.mergedInto, merged.closedAt]).toEqual(['closed', 'duplicate', 'case-7', ctx.now]);
    expect(() => applyCaseAction(state('accepted'), { action: 'merge' }, ctx)).toThrow(/mergeInto/);
  });

  it('starts each stage\'s clock when the case enters it, and stops it while handling and once closed', () => {
    const stageAfter = (from: IncidentStatus, action: CaseAction) => applyCaseAction(stateFor(from, action), { action, ...details }, ctx).stageDeadlineAt;
    expect(stageAfter('reported', 'accept')).toBe(ctx.now + 2 * HOUR); // now registering
    expect(stageAfter('accepted', 'register')).toBe(ctx.now + 3 * HOUR); // now dispatching
    expect(stageAfter('handling', 'return')).toBeNull(); // back at the unit's desk: the handling deadline applies
    expect(stageAfter('handling', 'report-handled')).toBe(ctx.now + 4 * HOUR); // verifying
    expect(stageAfter('handled', 'verify')).toBe(ctx.now + 5 * HOUR); // closing
    expect(stageAfter('registered', 'dispatch')).toBeNull(); // handling: the handling deadline applies
    expect(stageAfter('verified', 'close')).toBeNull();
    expect(stageAfter('handling', 'suspend')).toBeNull();
    expect(stageAfter('reported', 'self-handle')).toBeNull();
    // An approved return is the centre's to dispatch again: the dispatch stage's clock starts.
    const back = applyCaseAction(state('handling', { application: { ...PENDING, kind: 'return', extendHours: null } }), { action: 'decide', decision: 'approve' }, ctx);
    expect(back.stageDeadlineAt).toBe(ctx.now + 3 * HOUR);
    // Actions that keep the state keep the stage's clock running.
    expect(stageAfter('reported', 'urge')).toBe(999 * HOUR);
    expect(stageAfter('reported', 'confirm')).toBe(999 * HOUR);
    expect(stageAfter('dispatched', 'dispatch')).toBe(999 * HOUR);
  });

  it('keeps its invariants along any sequence of actions', () => {
    const step = fc.record({
      action: fc.constantFrom(...CaseAction.options),
      unitCode: fc.option(fc.constantFrom('U1', 'U2')),
      teamId: fc.option(fc.constantFrom('A', 'B')),
      note: fc.option(fc.constant('原因')),
      extendHours: fc.option(fc.integer({ min: 1, max: 48 })),
      mergeInto: fc.option(fc.constant('case-1')),
      application: fc.option(fc.constantFrom(...APPLICATIONS)),
      decision: fc.option(fc.constantFrom('approve' as const, 'deny' as const)),
      found: fc.option(fc.boolean()),
      photos: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 60 }), (steps) => {
        let s = state('reported', { version: 1 });
        for (const [k, step] of steps.entries()) {
          const req = {
            action: step.action, unitCode: step.unitCode ?? undefined, teamId: step.teamId ?? undefined, note: step.note ?? undefined,
            extendHours: step.extendHours ?? undefined, mergeInto: step.mergeInto ?? undefined, application: step.application ?? undefined,
            decision: step.decision ?? undefined, found: step.found ?? undefined, attachments: PHOTOS.slice(0, step.photos),
          };
          // Time moves on, so that a clock started now differs from one started before.
          const at = { ...ctx, now: ctx.now + k * HOUR };
          let next: CaseState;
          try {
            next = applyCaseAction(s, req, at);
          } catch (e) {
            expect(e).toBeInstanceOf(WorkflowError);
            continue;
          }
          expect(next.version).toBe(s.version + 1);
          // A crew only within a unit; a unit's handling clock exactly while it has the case.
          if (next.teamId !== null) expect(next.unitCode).not.toBeNull();
          expect(next.deadlineAt === null).toBe(next.unitCode === null);
          if (['dispatched', 'handling'].includes(next.status)) expect(next.unitCode).not.toBeNull();
          if (next.status === 'registered') expect([next.unitCode, next.teamId]).toEqual([null, null]);
          // The closure clock starts at registration and never moves.
          if (s.closeDeadlineAt !== null) expect(next.closeDeadlineAt).toBe(s.closeDeadlineAt);
          if (s.status === 'accepted' && next.status === 'registered') expect(next.closeDeadlineAt).toBe(at.now + 48 * HOUR);
          // Only the unit applies, only once at a time; a decision or another unit ends an application.
          if (next.application !== null && s.application === null) expect(step.action).toBe('apply');
          if (step.action === 'decide') expect(next.application).toBeNull();
          // A stage clock runs exactly in the stages that have one, and never before the action.
          const timed = ['reported', 'accepted', 'registered', 'handled', 'verified'].includes(next.status);
          if (next.status !== s.status) expect(next.stageDeadlineAt !== null).toBe(timed);
          if (next.stageDeadlineAt !== null && next.status !== s.status) expect(next.stageDeadlineAt).toBeGreaterThan(at.now);
          expect(next.status === 'suspended').toBe(next.suspendedFrom !== null);
          expect(next.status === 'closed').toBe(next.closedAt !== null && next.closureKind !== null);
          expect(next.mergedInto !== null).toBe(next.closureKind === 'duplicate');
          expect(next.closureKind === 'self_handled').toBe(step.action === 'self-handle' || s.closureKind === 'self_handled');
          s = next;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('a leader\'s instruction (批示)', () => {
  it('needs its text, and changes nothing but the version', () => {
    for (const status of ['registered', 'handling', 'suspended'] as const) {
      const before = state(status, { urgeCount: 2, suspendedFrom: status === 'suspended' ? 'handling' : null });
      expect(applyCaseAction(before, { action: 'instruct', note: '请街道牵头，今日内办结' }, ctx)).toEqual({ ...before, version: before.version + 1 });
    }
    expect(() => applyCaseAction(state('handling'), { action: 'instruct' }, ctx)).toThrow(expect.objectContaining({ code: 'note_required' }));
    expect(() => applyCaseAction(state('handling'), { action: 'instruct', note: '  \n ' }, ctx)).toThrow(expect.objectContaining({ code: 'note_required' }));
  });

  it('comes only on an open case, and only from whoever holds case.instruct', () => {
    expect(() => applyCaseAction(state('closed'), { action: 'instruct', note: '复查' }, ctx)).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
    expect(ACTION_RULES.instruct.permission).toBe('case.instruct');
    expect(ROLE_PERMISSIONS.leader).toContain('case.instruct');
    expect(ROLE_PERMISSIONS.dispatcher).not.toContain('case.instruct');
  });
});

describe('teamsThatReturned', () => {
  /** The timeline a walk of actions writes: each event carries the case as it stood afterwards. */
  function walk(steps: { action: CaseAction; unitCode?: string; teamId?: string; note?: string }[]): IncidentEvent[] {
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
      // Back at the unit's desk, which sends another of its crews.
      { action: 'assign', teamId: 'team-b' },
      { action: 'acknowledge' },
      { action: 'return', note: '应由市政处理' },
      { action: 'assign', teamId: 'team-c' },
      { action: 'acknowledge' },
    ]);
    expect([...teamsThatReturned(timeline)].sort()).toEqual(['team-a', 'team-b']);
    // Read in seq order whatever order the list comes in.
    expect([...teamsThatReturned([...timeline].reverse())].sort()).toEqual(['team-a', 'team-b']);
  });

  it('is empty for a case never sent back, and for a reassignment (dispatch or assign again) that was no return', () => {
    expect(teamsThatReturned(walk([{ action: 'dispatch', teamId: 'team-a' }, { action: 'dispatch', teamId: 'team-b' }, { action: 'acknowledge' }])).size).toBe(0);
    expect(teamsThatReturned(walk([{ action: 'dispatch', teamId: 'team-a' }, { action: 'assign', teamId: 'team-b' }, { action: 'acknowledge' }])).size).toBe(0);
  });
});
