import { z } from 'zod';
import type { Category, StageLimitsByUrgency, TimeLimit } from '../schema/category.js';
import type { IncidentStatus } from '../schema/incident.js';

/**
 * The stages a case passes through, each with its own time limit (GB/T 30428 counts them
 * separately and evaluates each): 受理 accept, 立案 register, 派遣 dispatch, 处置 handle, 核查 verify,
 * 结案 close. A stage's clock starts when the case enters it; handling runs against the case's
 * handling deadline (the category's limit), the others against the catalog's stage limits.
 */
export const CaseStage = z.enum(['accept', 'register', 'dispatch', 'handle', 'verify', 'close']);
export type CaseStage = z.infer<typeof CaseStage>;

const STAGE_OF: Partial<Record<IncidentStatus, CaseStage>> = {
  reported: 'accept',
  accepted: 'register',
  registered: 'dispatch',
  dispatched: 'handle',
  handling: 'handle',
  handled: 'verify',
  verified: 'close',
};

/** The stage a case in this status is in; null when no clock runs (closed, rejected, suspended). */
export function stageOfStatus(status: IncidentStatus): CaseStage | null {
  return STAGE_OF[status] ?? null;
}

/** The limit of a stage other than handling, by the category's urgency (priority 1 is urgent). */
export function stageLimitOf(stage: Exclude<CaseStage, 'handle'>, category: Pick<Category, 'priority'>, limits: StageLimitsByUrgency): TimeLimit {
  return (category.priority === 1 ? limits.urgent : limits.normal)[stage];
}

/**
 * When the stage a case is in must be done: the stage deadline, or the handling deadline while it is
 * being handled; null when no clock runs.
 */
export function stageDueAt(c: { status: IncidentStatus; deadlineAt: number | null; stageDeadlineAt: number | null }): number | null {
  const stage = stageOfStatus(c.status);
  if (stage === null) return null;
  return stage === 'handle' ? c.deadlineAt : c.stageDeadlineAt;
}

/**
 * The next deadline a case must meet: the earlier of its stage's deadline (the handling deadline
 * while a unit has it) and its closure deadline (from registration to closure); null while no
 * clock runs (closed, rejected, suspended).
 */
export function nextDueAt(c: { status: IncidentStatus; deadlineAt: string | null; stageDeadlineAt: string | null; closeDeadlineAt: string | null }): number | null {
  const stage = stageOfStatus(c.status);
  if (stage === null) return null;
  const own = stage === 'handle' ? c.deadlineAt : c.stageDeadlineAt;
  const dues = [own, c.closeDeadlineAt].filter((d): d is string => d !== null).map(Date.parse);
  return dues.length === 0 ? null : Math.min(...dues);
}
