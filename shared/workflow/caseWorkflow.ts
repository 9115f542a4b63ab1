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
 *      │reject                                 ↑ return ←──────────┴──────────────┤ arrive (stays)
 *      ↓                                       │                     report-handled ↓
 *   rejected                                   │              handled ─verify→ verified ─close→ closed
 *                                              │                 └─rework→ handling
 *   suspend: registered | dispatched | handling → suspended ─resume→ back where it was
 *   merge (合并): a duplicate of an open case, before dispatch → closed as `duplicate`
 *   extend (延期) and urge (督办) change no state; dispatch again reassigns.
 *   callback (回访): after closure, the centre calls a public reporter back and records the answer.
 *
 * Every change of state starts the new stage's clock (caseStages.ts).
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
  'suspend',
  'resume',
  'merge',
  'callback',
]);
export type CaseAction = z.infer<typeof CaseAction>;

/** How a case was closed: on time, late, as an erroneous report, specially, or merged as a duplicate. */
export const ClosureKind = z.enum(['normal', 'overdue', 'erroneous', 'special', 'duplicate']);
export type ClosureKind = z.infer<typeof ClosureKind>;
/** The kinds a dispatcher may choose when closing; `duplicate` comes only from merging. */
export const ChosenClosureKind = ClosureKind.exclude(['duplicate']);
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
  return: { from: ['dispatched', 'handling'], to: 'registered', permission: 'task.handle', name: { zh: '退回', en: 'Return' } },
  extend: { from: ['dispatched', 'handling'], to: 'same', permission: 'case.supervise', name: { zh: '延期', en: 'Extend' } },
  urge: { from: OPEN, to: 'same', permission: 'case.urge', name: { zh: '督办', en: 'Urge' } },
  suspend: { from: ['registered', 'dispatched', 'handling'], to: 'suspended', permission: 'case.supervise', name: { zh: '挂账', en: 'Suspend' } },
  resume: { from: ['suspended'], to: 'resume', permission: 'case.supervise', name: { zh: '恢复', en: 'Resume' } },
  merge: { from: ['reported', 'accepted', 'registered'], to: 'closed', permission: 'case.accept', name: { zh: '合并重复', en: 'Merge duplicate' } },
  callback: { from: ['closed'], to: 'same', permission: 'case.callback', name: { zh: '回访', en: 'Callback' } },
};

/** The body of `POST /api/cases/:id/actions`. */
export const CaseActionRequest = z
  .object({
    action: CaseAction,
    /** The version the actor saw: a stale one is refused (409), never silently overwritten. */
    version: z.number().int().positive(),
    teamId: SingleLineText.min(1).max(64).optional(),
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
  })
  .strict();
export type CaseActionRequest = z.infer<typeof CaseActionRequest>;

/** The part of an incident the workflow changes. Times are epoch milliseconds. */
export interface CaseState {
  status: IncidentStatus;
  version: number;
  teamId: string | null;
  /** When the handling must be done (from the category's time limit; moved by extensions). */
  deadlineAt: number;
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

/** A case as it is reported, before any action: its deadlines are the report's, nothing else is set. */
export function reportedCaseState(deadlines: { deadlineAt: number; stageDeadlineAt: number | null }): CaseState {
  return {
    status: 'reported', version: 1, teamId: null, deadlineAt: deadlines.deadlineAt, urgeCount: 0, reworkCount: 0, suspendedFrom: null,
    closureKind: null, closedAt: null, arrivedAt: null, stageDeadlineAt: deadlines.stageDeadlineAt, mergedInto: null, callback: null,
  };
}

/** What applying an action needs from outside: the clock and the working calendar's arithmetic. */
export interface WorkflowContext {
  now: number;
  /** The deadline `hours` after `fromMs`, counted in the case's own kind of time limit. */
  addLimitHours(fromMs: number, hours: number): number;
  /** When a stage entered at `fromMs` must be done, by the case's category and urgency. */
  stageDeadline(stage: Exclude<CaseStage, 'handle'>, fromMs: number): number;
}

/** A refused action: `invalid_transition` (the state does not allow it) or a missing detail. */
export class WorkflowError extends Error {
  constructor(
    readonly code: 'invalid_transition' | 'team_required' | 'note_required' | 'hours_required' | 'merge_target_required' | 'callback_required',
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
      if (!req.teamId) throw new WorkflowError('team_required', 'dispatch needs the teamId of the team to send.');
      next.teamId = req.teamId;
      next.arrivedAt = null;
      break;
    case 'return':
      if (!req.note?.trim()) throw new WorkflowError('note_required', 'A return needs a reason in note.');
      next.teamId = null;
      next.arrivedAt = null;
      break;
    case 'arrive':
      next.arrivedAt = ctx.now;
      break;
    case 'rework':
      next.reworkCount = state.reworkCount + 1;
      break;
    case 'extend':
      if (!req.extendHours) throw new WorkflowError('hours_required', 'extend needs extendHours.');
      next.deadlineAt = ctx.addLimitHours(state.deadlineAt, req.extendHours);
      break;
    case 'urge':
      next.urgeCount = state.urgeCount + 1;
      break;
    case 'suspend':
      next.suspendedFrom = state.status;
      break;
    case 'close':
      next.closedAt = ctx.now;
      next.closureKind = req.closureKind ?? (ctx.now > state.deadlineAt ? 'overdue' : 'normal');
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
  if (next.status !== state.status) {
    // A new stage: its clock starts now (handling runs against the handling deadline instead).
    const stage = stageOfStatus(next.status);
    next.stageDeadlineAt = stage === null || stage === 'handle' ? null : ctx.stageDeadline(stage, ctx.now);
  }
  return next;
}
