import {
  ACTION_RULES,
  actionsFrom,
  applyCaseAction,
  WorkflowError,
  type CaseActionRequest,
  type CaseView,
  type Candidate,
  type CaseState,
  type Category,
  type Incident,
  type IncidentEvent,
  type Team,
} from '../../shared/index.js';
import { may, type Principal } from '../auth/principal.js';
import { eventsFor, incidentFor } from '../auth/redaction.js';
import { Refusal } from '../refusal.js';
import { NotFoundError, VersionConflictError, type IncidentStore } from '../store/store.js';

export interface CaseServiceDeps {
  store: IncidentStore;
  teams: ReadonlyMap<string, Team>;
  categoryOf(code: string): Category | undefined;
  /** `hours` after `fromMs` in the category's kind of time (working hours, or round the clock). */
  addLimitHours(category: Category, fromMs: number, hours: number): number;
  /** The teams that could take a case, ranked (dispatch/candidates.ts over the city's road graph). */
  rankCandidates(at: Incident, workloadOf: (teamId: string) => number): Candidate[];
  /** Hands committed events to the live stream. */
  publish(events: IncidentEvent[]): void;
  now(): number;
}

/** Whether a case is dispatched to the actor's own team (field accounts act only on those). */
const ownTask = (actor: Principal, c: Incident) => actor.teamId !== null && c.teamId === actor.teamId;

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

function stateOf(i: Incident): CaseState {
  return {
    status: i.status,
    version: i.version,
    teamId: i.teamId,
    deadlineAt: Date.parse(i.deadlineAt),
    urgeCount: i.urgeCount,
    reworkCount: i.reworkCount,
    suspendedFrom: i.suspendedFrom,
    closureKind: i.closureKind,
    closedAt: ms(i.closedAt),
    arrivedAt: ms(i.arrivedAt),
  };
}

/**
 * Moves cases through the workflow (shared/workflow/caseWorkflow.ts): checks who may take the
 * action, lets the store apply it against the version the actor saw, and streams the result.
 */
export class CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  async view(id: string, reader: Principal): Promise<CaseView> {
    const current = await this.deps.store.getIncident(id);
    if (!current) throw new Refusal(404, 'not_found', `No case has the id ${id}.`);
    if (!may(reader, 'live.read') && !ownTask(reader, current)) {
      throw new Refusal(403, 'not_your_team', 'A field account sees only the tasks of its own team.');
    }
    const open = current.status !== 'closed' && current.status !== 'rejected';
    const remaining = open ? Math.round((Date.parse(current.deadlineAt) - this.deps.now()) / 1000) : null;
    return {
      case: incidentFor(reader, current),
      timeline: eventsFor(reader, await this.deps.store.timelineOf(id)),
      allowedActions: actionsFrom(current.status).filter((a) => may(reader, ACTION_RULES[a].permission)),
      remainingSeconds: remaining,
      overdue: remaining !== null && remaining < 0 && current.status !== 'suspended',
    };
  }

  /** The five teams that can be there soonest, for the dispatcher. */
  async candidates(id: string): Promise<Candidate[]> {
    const current = await this.deps.store.getIncident(id);
    if (!current) throw new Refusal(404, 'not_found', `No case has the id ${id}.`);
    const workload = await this.deps.store.workloadByTeam();
    return this.deps.rankCandidates(current, (teamId) => workload.get(teamId) ?? 0);
  }

  /**
   * Who may attach photos to a case: its own team while handling it, an inspector verifying it, a
   * dispatcher; refuses everyone else.
   */
  async mayAddPhotos(id: string, actor: Principal): Promise<void> {
    const current = await this.deps.store.getIncident(id);
    if (!current) throw new Refusal(404, 'not_found', `No case has the id ${id}.`);
    if (may(actor, 'case.dispatch') || may(actor, 'case.verify') || (may(actor, 'task.handle') && ownTask(actor, current))) return;
    throw new Refusal(403, 'forbidden', 'Only the handling team, an inspector or a dispatcher may add photos to this case.');
  }

  /** The open tasks of a field account's team, oldest deadline first. */
  async tasksOf(actor: Principal): Promise<Incident[]> {
    if (actor.teamId === null) return [];
    return (await this.deps.store.casesOfTeam(actor.teamId)).map((i) => incidentFor(actor, i));
  }

  async act(id: string, req: CaseActionRequest, actor: Principal): Promise<Incident> {
    const rule = ACTION_RULES[req.action];
    if (!may(actor, rule.permission)) {
      throw new Refusal(403, 'forbidden', `The role ${actor.role} may not ${req.action} a case.`, { needs: rule.permission });
    }
    if (req.teamId !== undefined && !this.deps.teams.has(req.teamId)) {
      throw new Refusal(422, 'unknown_team', `No team has the id ${req.teamId}.`);
    }
    const now = this.deps.now();
    let event: IncidentEvent;
    try {
      event = await this.deps.store.applyCaseAction(id, req.version, now, (current) => {
        if (rule.permission === 'task.handle' && !ownTask(actor, current)) {
          throw new Refusal(403, 'not_your_team', 'Only the team the case is dispatched to may act on it.');
        }
        const category = this.deps.categoryOf(current.categoryCode);
        const state = applyCaseAction(stateOf(current), req, {
          now,
          addLimitHours: (from, hours) => (category ? this.deps.addLimitHours(category, from, hours) : from + hours * 3_600_000),
        });
        return {
          state,
          action: { name: req.action, actor: actor.name, role: actor.role, ...(req.note ? { note: req.note } : {}), ...(req.attachments?.length ? { attachments: req.attachments } : {}) },
        };
      });
    } catch (err) {
      if (err instanceof NotFoundError) throw new Refusal(404, 'not_found', `No case has the id ${id}.`);
      if (err instanceof VersionConflictError) {
        throw new Refusal(409, 'version_conflict', 'Someone else changed the case since you saw it; reload it and decide again.', { currentVersion: err.current });
      }
      if (err instanceof WorkflowError) {
        throw new Refusal(err.code === 'invalid_transition' ? 422 : 400, err.code, err.message);
      }
      throw err;
    }
    this.deps.publish([event]);
    return incidentFor(actor, event.incident);
  }
}
