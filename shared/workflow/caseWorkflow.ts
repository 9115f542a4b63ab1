import { z } from 'zod';
import type { Permission } from '../schema/auth.js';
import { MultiLineText, SingleLineText } from '../schema/common.js';
import type { IncidentStatus } from '../schema/incident.js';
import { stageOfStatus, type CaseStage } from './caseStages.js';

/**
 * The case loop of digital city management (GB/T 30428), as data: which action may be taken in
 * which state, by whom (a permission, see auth/roles.ts), and where it leads. Pure: the server
 * applies it in a transaction, the client reads it to offer only the actions that can succeed.
 *
 *   reported ─accept→ accepted ─register→ registered ─dispatch→ dispatched ─acknowledge→ handling
 *      │reject                                 ↑ return (approved 申请回退) ←──────┤ arrive (stays)
 *      ↓                                       │                     report-handled ↓
 *   rejected                                   │              handled ─verify→ verified ─close→ closed
 *                                              │                 └─rework→ handling
 *   suspend: registered | dispatched | handling → suspended ─resume→ back where it was
 *   merge (合并): a duplicate of an open case, before dispatch → closed as `duplicate`
 *   extend (延期) and urge (督办) change no state; dispatch again reassigns.
 *   instruct (批示): a leader's written instruction on an open case; a note, no change of state.
 *   callback (回访): after closure, the centre calls a public reporter back and records the answer.
 *
 * Two-level dispatch (二级派遣): the centre dispatches a case to the unit responsible (a department
 * or the town, `unitCode`), naming the crew at once or leaving it to the unit's desk, which assigns
 * (`assign`) one of its own crews. A crew that cannot handle its task sends it back to its unit's
 * desk (`return`: still dispatched, no crew); only the unit returns a case to the centre, by an
 * application the centre decides: 申请延期 extension, 申请挂账 suspension, 申请回退 return (`apply`,
 * then `decide`). Until decided the case keeps running.
 *
 * Intake by inspectors: 核实 (`confirm`) checks that a public report is real before it is registered
 * (not found: rejected); 自行处置 (`self-handle`) closes a small problem the inspector fixed on the
 * spot, with before and after photos.
 *
 * Clocks: the handling deadline (`deadlineAt`, 处置时限) runs from the dispatch to a unit and starts
 * again when another unit gets the case; the closure deadline (`closeDeadlineAt`, 结案时限) runs from
 * registration. Every change of state starts the new stage's clock (caseStages.ts).
 */
export const CaseAction = z.enum([
  'accept',
  'reject',
  'register',
  'dispatch',
  'acknowledge',
  'arrive',
  'report-handled',
  'verify',
  'rework',
  'close',
  'return',
  'extend',
  'urge',
  'instruct',
  'suspend',
  'resume',
  'merge',
  'callback',
  'assign',
  'apply',
  'decide',
  'confirm',
  'self-handle',
]);
export type CaseAction = z.infer<typeof CaseAction>;

/**
 * How a case was closed: on time, late, as an erroneous report, specially, merged as a duplicate, or
 * fixed on the spot by the inspector who found it (自行处置).
 */
export const ClosureKind = z.enum(['normal', 'overdue', 'erroneous', 'special', 'duplicate', 'self_handled']);
export type ClosureKind = z.infer<typeof ClosureKind>;
/** The kinds a dispatcher may choose when closing; `duplicate` comes only from merging, `self_handled` from the inspector. */
export const ChosenClosureKind = ClosureKind.exclude(['duplicate', 'self_handled']);
export type ChosenClosureKind = z.infer<typeof ChosenClosureKind>;

/** How a reporter called back judged the handling (满意 / 基本满意 / 不满意). */
export const Satisfaction = z.enum(['satisfied', 'basically_satisfied', 'not_satisfied']);
export type Satisfaction = z.infer<typeof Satisfaction>;

/** callback: whether the reporter was reached, and if so how satisfied they were. */
export const CallbackAnswer = z
  .object({ reached: z.boolean(), satisfaction: Satisfaction.optional() })
  .strict()
  .refine((c) => (c.reached ? c.satisfaction !== undefined : c.satisfaction === undefined), {
    message: 'A reporter who was reached says how satisfied they are; one who was not says nothing.',
  });
export type CallbackAnswer = z.infer<typeof CallbackAnswer>;

/** What a unit applies to the centre for (申请延期 / 申请挂账 / 申请回退). */
export const ApplicationKind = z.enum(['extension', 'suspension', 'return']);
export type ApplicationKind = z.infer<typeof ApplicationKind>;

/** apply: what the unit asks for; the reason goes in `note`, the hours of an extension here. */
export const ApplicationRequest = z
  .object({ kind: ApplicationKind, extendHours: z.number().positive().max(24 * 90).optional() })
  .strict()
  .refine((a) => (a.kind === 'extension') === (a.extendHours !== undefined), {
    message: 'An extension names extendHours; a suspension or a return does not.',
  });
export type ApplicationRequest = z.infer<typeof ApplicationRequest>;

/** An application waiting for the centre's decision, as the case carries it (`at` in epoch ms). */
export interface PendingApplication {
  kind: ApplicationKind;
  extendHours: number | null;
  reason: string;
  /** Who applied (the unit desk's account). */
  by: string;
  at: number;
}

/** The minimum photos of a self-handled problem: one before, one after. */
export const SELF_HANDLED_MIN_PHOTOS = 2;

export interface ActionRule {
  from: readonly IncidentStatus[];
  /** The next state; `same` keeps it; `resume` returns to the state before suspension. */
  to: IncidentStatus | 'same' | 'resume';
  permission: Permission;
  /** 立案 … 结案 names, for timelines and buttons. */
  name: { zh: string; en: string };
}

const OPEN: readonly IncidentStatus[] = ['reported', 'accepted', 'registered', 'dispatched', 'handling', 'handled', 'verified', 'suspended'];

export const ACTION_RULES: Record<CaseAction, ActionRule> = {
  accept: { from: ['reported'], to: 'accepted', permission: 'case.accept', name: { zh: '受理', en: 'Accept' } },
  reject: { from: ['reported'], to: 'rejected', permission: 'case.accept', name: { zh: '不予受理', en: 'Reject' } },
  register: { from: ['accepted'], to: 'registered', permission: 'case.register', name: { zh: '立案', en: 'Register' } },
  dispatch: { from: ['registered', 'dispatched', 'handling'], to: 'dispatched', permission: 'case.dispatch', name: { zh: '派遣', en: 'Dispatch' } },
  acknowledge: { from: ['dispatched'], to: 'handling', permission: 'task.handle', name: { zh: '接单', en: 'Acknowledge' } },
  arrive: { from: ['handling'], to: 'same', permission: 'task.handle', name: { zh: '到场', en: 'Arrive' } },
  'report-handled': { from: ['handling'], to: 'handled', permission: 'task.handle', name: { zh: '处置完成', en: 'Report handled' } },
  verify: { from: ['handled'], to: 'verified', permission: 'case.verify', name: { zh: '核查通过', en: 'Verify' } },
  rework: { from: ['handled'], to: 'handling', permission: 'case.verify', name: { zh: '返工', en: 'Rework' } },
  close: { from: ['verified'], to: 'closed', permission: 'case.close', name: { zh: '结案', en: 'Close' } },
  return: { from: ['dispatched', 'handling'], to: 'dispatched', permission: 'task.handle', name: { zh: '退回', en: 'Return' } },
  extend: { from: ['dispatched', 'handling'], to: 'same', permission: 'case.supervise', name: { zh: '延期', en: 'Extend' } },
  urge: { from: OPEN, to: 'same', permission: 'case.urge', name: { zh: '督办', en: 'Urge' } },
  instruct: { from: OPEN, to: 'same', permission: 'case.instruct', name: { zh: '批示', en: 'Instruct' } },
  suspend: { from: ['registered', 'dispatched', 'handling'], to: 'suspended', permission: 'case.supervise', name: { zh: '挂账', en: 'Suspend' } },
  resume: { from: ['suspended'], to: 'resume', permission: 'case.supervise', name: { zh: '恢复', en: 'Resume' } },
  merge: { from: ['reported', 'accepted', 'registered'], to: 'closed', permission: 'case.accept', name: { zh: '合并重复', en: 'Merge duplicate' } },
  callback: { from: ['closed'], to: 'same', permission: 'case.callback', name: { zh: '回访', en: 'Callback' } },
  assign: { from: ['dispatched', 'handling'], to: 'dispatched', permission: 'case.assign', name: { zh: '派单到队', en: 'Assign crew' } },
  apply: { from: ['dispatched', 'handling'], to: 'same', permission: 'case.apply', name: { zh: '申请', en: 'Apply' } },
  decide: { from: ['dispatched', 'handling', 'handled'], to: 'same', permission: 'case.supervise', name: { zh: '审批', en: 'Decide' } },
  confirm: { from: ['reported', 'accepted'], to: 'same', permission: 'case.confirm', name: { zh: '核实', en: 'Confirm' } },
  'self-handle': { from: ['reported'], to: 'closed', permission: 'incident.report', name: { zh: '自行处置', en: 'Self-handled' } },
};

/** The names of the applications, for timelines and buttons. */
export const APPLICATION_NAMES: Record<ApplicationKind, { zh: string; en: string }> = {
  extension: { zh: '申请延期', en: 'Extension' },
  suspension: { zh: '申请挂账', en: 'Suspension' },
  return: { zh: '申请回退', en: 'Return to centre' },
};

/** The body of `POST /api/cases/:id/actions`. */
export const CaseActionRequest = z
  .object({
    action: CaseAction,
    /** The version the actor saw: a stale one is refused (409), never silently overwritten. */
    version: z.number().int().positive(),
    /** dispatch: the unit responsible (else the unit of `teamId`); assign: the crew. */
    teamId: SingleLineText.min(1).max(64).optional(),
    unitCode: SingleLineText.min(1).max(64).optional(),
    /** dispatch: why a unit or crew that does not handle the category gets it all the same (audited). */
    overrideReason: MultiLineText.trim().min(1).max(500).optional(),
    note: MultiLineText.max(2000).optional(),
    /** extend: how many hours, in the handling limit's own kind of time. */
    extendHours: z.number().positive().max(24 * 90).optional(),
    /** close: how; `duplicate` is only set by merge. */
    closureKind: ChosenClosureKind.optional(),
    /** merge: the id of the open case this report duplicates. */
    mergeInto: SingleLineText.min(1).max(64).optional(),
    /** Photos uploaded first (`POST /api/cases/:id/photos`), e.g. with report-handled. */
    attachments: z.array(z.string().regex(/^ph_[A-Za-z0-9]{16}$/)).max(9).optional(),
    /** callback: what the reporter said (the note may say more). */
    callback: CallbackAnswer.optional(),
    /** apply: what the unit asks for (the reason in `note`). */
    application: ApplicationRequest.optional(),
    /** decide: the centre's decision on the pending application. */
    decision: z.enum(['approve', 'deny']).optional(),
    /** confirm (核实): whether the inspector found the problem where reported. */
    found: z.boolean().optional(),
  })
  .strict();
export type CaseActionRequest = z.infer<typeof CaseActionRequest>;

/** The part of an incident the workflow changes. Times are epoch milliseconds. */
export interface CaseState {
  status: IncidentStatus;
  version: number;
  teamId: string | null;
  /** The unit responsible it is dispatched to (a department's code or a town's). */
  unitCode: string | null;
  /**
   * When the handling must be done (处置时限): the category's limit from the dispatch to the unit,
   * moved by extensions; null before dispatch (and after a return to the centre).
   */
  deadlineAt: number | null;
  /** When the case must be closed (结案时限): the category's closure limit from registration; null before. */
  closeDeadlineAt: number | null;
  /** The unit's application waiting for the centre's decision. */
  application: PendingApplication | null;
  /** When an inspector confirmed (核实) the report as real. */
  confirmedAt: number | null;
  urgeCount: number;
  reworkCount: number;
  suspendedFrom: IncidentStatus | null;
  closureKind: ClosureKind | null;
  closedAt: number | null;
  arrivedAt: number | null;
  /** When the current stage must be done (null while handling: `deadlineAt` applies; null when closed). */
  stageDeadlineAt: number | null;
  /** merge: the case this one duplicates. */
  mergedInto: string | null;
  /** The last callback (回访) to the reporter after closure, `at` in epoch ms. */
  callback: { reached: boolean; satisfaction: Satisfaction | null; at: number } | null;
}

/** A case as it is reported, before any action: only the acceptance clock runs, nothing else is set. */
export function reportedCaseState(deadlines: { stageDeadlineAt: number | null }): CaseState {
  return {
    status: 'reported', version: 1, teamId: null, unitCode: null, deadlineAt: null, closeDeadlineAt: null, application: null,
    confirmedAt: null, urgeCount: 0, reworkCount: 0, suspendedFrom: null, closureKind: null, closedAt: null, arrivedAt: null,
    stageDeadlineAt: deadlines.stageDeadlineAt, mergedInto: null, callback: null,
  };
}

/** What applying an action needs from outside: the clock and the working calendar's arithmetic. */
export interface WorkflowContext {
  now: number;
  /** The deadline `hours` after `fromMs`, counted in the case's own kind of time limit. */
  addLimitHours(fromMs: number, hours: number): number;
  /** When a stage entered at `fromMs` must be done, by the case's category and urgency. */
  stageDeadline(stage: Exclude<CaseStage, 'handle'>, fromMs: number): number;
  /** The handling deadline of a case dispatched at `fromMs` (the category's time limit). */
  handlingDeadline(fromMs: number): number;
  /** The closure deadline of a case registered at `fromMs` (the category's closure limit). */
  closeDeadline(fromMs: number): number;
  /** An actor's name, recorded on an application. */
  actor?: string;
}

/** A refused action: `invalid_transition` (the state does not allow it) or a missing detail. */
export class WorkflowError extends Error {
  constructor(
    readonly code:
      | 'invalid_transition'
      | 'team_required'
      | 'unit_required'
      | 'note_required'
      | 'hours_required'
      | 'merge_target_required'
      | 'callback_required'
      | 'application_required'
      | 'application_pending'
      | 'no_application'
      | 'decision_required'
      | 'found_required'
      | 'photos_required',
    message: string,
  ) {
    super(message);
    this.name = 'WorkflowError';
  }
}

/** The actions the state allows, whoever asks. */
export function actionsFrom(status: IncidentStatus): CaseAction[] {
  return CaseAction.options.filter((a) => ACTION_RULES[a].from.includes(status));
}

/**
 * The state after an action. Pure: the same state, request and context give the same result.
 * Checks the transition and the action's details, not who asks (see ACTION_RULES[…].permission)
 * and not the version (the store compares it in the same transaction as the write).
 */
export function applyCaseAction(state: CaseState, req: Omit<CaseActionRequest, 'version'>, ctx: WorkflowContext): CaseState {
  const rule = ACTION_RULES[req.action];
  if (!rule.from.includes(state.status)) {
    throw new WorkflowError('invalid_transition', `A case in the state ${state.status} cannot be sent ${req.action}.`);
  }
  const next: CaseState = { ...state, version: state.version + 1 };
  if (rule.to === 'resume') {
    next.status = state.suspendedFrom ?? 'registered';
    next.suspendedFrom = null;
  } else if (rule.to !== 'same') {
    next.status = rule.to;
  }
  switch (req.action) {
    case 'dispatch':
      if (!req.unitCode) throw new WorkflowError('unit_required', 'dispatch needs the unitCode of the unit responsible (or the teamId of one of its crews).');
      // A unit's clock starts when it gets the case: a first dispatch, or another unit after a return.
      if (state.deadlineAt === null || state.unitCode !== req.unitCode) next.deadlineAt = ctx.handlingDeadline(ctx.now);
      next.unitCode = req.unitCode;
      next.teamId = req.teamId ?? null;
      next.arrivedAt = null;
      // A new unit does not inherit the last one's application.
      if (state.unitCode !== req.unitCode) next.application = null;
      break;
    case 'assign':
      if (!req.teamId) throw new WorkflowError('team_required', 'assign needs the teamId of the crew to send.');
      next.teamId = req.teamId;
      next.arrivedAt = null;
      break;
    case 'return':
      // The crew sends the task back to its unit's desk, which assigns another crew or applies to return it.
      if (!req.note?.trim()) throw new WorkflowError('note_required', 'A return needs a reason in note.');
      next.status = 'dispatched';
      next.teamId = null;
      next.arrivedAt = null;
      break;
    case 'apply':
      if (!req.application) throw new WorkflowError('application_required', 'apply needs application {kind, extendHours?}.');
      if (!req.note?.trim()) throw new WorkflowError('note_required', 'An application needs a reason in note.');
      if (state.application) throw new WorkflowError('application_pending', `An application (${state.application.kind}) is waiting for the centre's decision.`);
      next.application = { kind: req.application.kind, extendHours: req.application.extendHours ?? null, reason: req.note.trim(), by: ctx.actor ?? '', at: ctx.now };
      break;
    case 'decide':
      if (!req.decision) throw new WorkflowError('decision_required', 'decide needs decision: approve or deny.');
      if (!state.application) throw new WorkflowError('no_application', 'No application is waiting for a decision.');
      next.application = null;
      if (req.decision === 'approve') approveApplication(state, next, state.application, ctx);
      break;
    case 'confirm':
      if (req.found === undefined) throw new WorkflowError('found_required', 'confirm needs found: true or false.');
      if (req.found) next.confirmedAt = ctx.now;
      else {
        if (!req.note?.trim()) throw new WorkflowError('note_required', 'A report not found needs a note of what was seen.');
        next.status = 'rejected';
      }
      break;
    case 'self-handle':
      if ((req.attachments?.length ?? 0) < SELF_HANDLED_MIN_PHOTOS) {
        throw new WorkflowError('photos_required', 'A problem fixed on the spot needs photos before and after (at least two).');
      }
      next.closedAt = ctx.now;
      next.closureKind = 'self_handled';
      break;
    case 'arrive':
      next.arrivedAt = ctx.now;
      break;
    case 'rework':
      next.reworkCount = state.reworkCount + 1;
      break;
    case 'extend':
      if (!req.extendHours) throw new WorkflowError('hours_required', 'extend needs extendHours.');
      next.deadlineAt = ctx.addLimitHours(state.deadlineAt ?? ctx.now, req.extendHours);
      break;
    case 'urge':
      next.urgeCount = state.urgeCount + 1;
      break;
    case 'instruct':
      // The instruction is the point: without words there is nothing for the unit to follow.
      if (!req.note?.trim()) throw new WorkflowError('note_required', 'An instruction (批示) needs its text in note.');
      break;
    case 'suspend':
      next.suspendedFrom = state.status;
      break;
    case 'close': {
      next.closedAt = ctx.now;
      // On-time closure (按期结案) is judged against the closure deadline.
      const due = state.closeDeadlineAt ?? state.deadlineAt;
      next.closureKind = req.closureKind ?? (due !== null && ctx.now > due ? 'overdue' : 'normal');
      break;
    }
    case 'register':
      next.closeDeadlineAt = ctx.closeDeadline(ctx.now);
      break;
    case 'merge':
      if (!req.mergeInto) throw new WorkflowError('merge_target_required', 'merge needs mergeInto, the id of the case it duplicates.');
      next.closedAt = ctx.now;
      next.closureKind = 'duplicate';
      next.mergedInto = req.mergeInto;
      break;
    case 'callback':
      if (!req.callback) throw new WorkflowError('callback_required', 'callback needs {reached, satisfaction?}.');
      next.callback = { reached: req.callback.reached, satisfaction: req.callback.satisfaction ?? null, at: ctx.now };
      break;
    default:
      break;
  }
  // An application lapses once the case has moved past where it can be decided (verified, closed,
  // suspended or returned by the centre itself): it would otherwise wait for a decision nobody can take.
  if (next.application && !ACTION_RULES.decide.from.includes(next.status)) next.application = null;
  if (next.status !== state.status) {
    // A new stage: its clock starts now (handling runs against the handling deadline instead).
    const stage = stageOfStatus(next.status);
    next.stageDeadlineAt = stage === null || stage === 'handle' ? null : ctx.stageDeadline(stage, ctx.now);
  }
  return next;
}

/** An approved application: more time, the case suspended, or back to the centre to dispatch again. */
function approveApplication(state: CaseState, next: CaseState, a: PendingApplication, ctx: WorkflowContext): void {
  switch (a.kind) {
    case 'extension':
      next.deadlineAt = ctx.addLimitHours(state.deadlineAt ?? ctx.now, a.extendHours ?? 0);
      break;
    case 'suspension':
    case 'return':
      if (state.status !== 'dispatched' && state.status !== 'handling') {
        throw new WorkflowError('invalid_transition', `A case ${state.status} can no longer be ${a.kind === 'return' ? 'returned' : 'suspended'}; deny the application.`);
      }
      if (a.kind === 'suspension') {
        next.status = 'suspended';
        next.suspendedFrom = state.status;
      } else {
        // "Not ours": the centre dispatches it again, and the next unit's clock starts afresh.
        next.status = 'registered';
        next.unitCode = null;
        next.teamId = null;
        next.arrivedAt = null;
        next.deadlineAt = null;
      }
      break;
  }
}
