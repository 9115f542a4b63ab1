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
  type DuplicateOffer,
  type CaseSummary,
  type TaskRoute,
  type SuggestionBatch,
  type IncidentSource,
  type CaseUnit,
  type Unit,
  unitsForCase,
  unitHandles,
  TERMINAL_STATUSES,
  stageDueAt,
  stageOfStatus,
  teamsThatReturned,
} from '../../shared/index.js';
import { distance } from '@turf/turf';
import { auditEntry } from '../auth/auditedChange.js';
import { may, type Principal } from '../auth/principal.js';
import { eventsFor, incidentFor } from '../auth/redaction.js';
import { Refusal } from '../refusal.js';
import type { CaseClock } from './caseClock.js';
import { suggestDispatches } from '../dispatch/suggestions.js';
import { NotFoundError, VersionConflictError, type Store } from '../store/store.js';
import type { ComponentMatch } from '../unit/componentMatch.js';

export interface CaseServiceDeps {
  store: Pick<Store, 'incidents' | 'cases' | 'transaction'>;
  teams: ReadonlyMap<string, Team>;
  /** The units responsible (departments and towns) with their crews (shared/workflow/units.ts). */
  units: readonly Unit[];
  /** The inventoried component of a category nearest a point, within the matching radius, or null (unit/componentMatch.ts). */
  nearestComponent(categoryCode: string, lon: number, lat: number): ComponentMatch | null;
  /** Whether a team is on duty now (not off duty or offline). */
  onDuty(teamId: string): boolean;
  categoryOf(code: string): Category | undefined;
  /** Handling, closure and stage deadlines and extensions, in the category's kind of time. */
  clock: Pick<CaseClock, 'contextFor' | 'localDayStart'>;
  /**
   * The teams that could take a case, ranked (dispatch/candidates.ts over the city's road graph):
   * `passOver`: teams not to offer (they sent this case back); `only`: the teams that may be offered.
   */
  rankCandidates(at: Incident, workloadOf: (teamId: string) => number, passOver: ReadonlySet<string>, only: ReadonlySet<string>): Candidate[];
  /** The fastest drive between two points at live road speeds, with directions; null when none by road. */
  routeBetween(from: { lon: number; lat: number }, to: { lon: number; lat: number }): TaskRoute | null;
  /** Where a team is now (its last reported or simulated position), or null. */
  teamPosition(teamId: string): { lon: number; lat: number } | null;
  /** Whether a point lies in the city (in one of its unit grid cells). */
  /** Whether a crew standing here can be routed: in or near the city (a crew may stand just across its boundary, on a lake shore between cells). */
  isNearCity(lon: number, lat: number): boolean;
  /** The case a photo was uploaded to, or undefined when no photo has that id. */
  photoCaseOf(photoId: string): Promise<string | undefined>;
  /** Hands committed events to the live stream. */
  publish(events: IncidentEvent[]): void;
  now(): number;
}

/** Reports from the public, whom the centre calls back after closure (回访). */
const PUBLIC_SOURCES: readonly IncidentSource[] = ['hotline_12345', 'citizen_app'];

/** Whether a case is dispatched to the actor's own team (field accounts act only on those). */
const ownTask = (actor: Principal, c: Incident) => actor.teamId !== null && c.teamId === actor.teamId;
/** Whether a case is dispatched to the actor's own unit (a unit desk sees and works only those). */
const ownUnitCase = (actor: Principal, c: Incident) => actor.unitCode !== null && c.unitCode === actor.unitCode;
/** Whether a reader may see a case: the live picture's readers all, a crew its tasks, a unit desk its unit's cases. */
const maySee = (reader: Principal, c: Incident) => may(reader, 'live.read') || ownTask(reader, c) || ownUnitCase(reader, c);

/** Duplicates (GB/T 30428): the same category within 50 m and 24 h of an open case. */
export const DUPLICATE_RADIUS_M = 50;
export const DUPLICATE_WINDOW_MS = 24 * 3_600_000;

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));

function stateOf(i: Incident): CaseState {
  return {
    status: i.status,
    version: i.version,
    teamId: i.teamId,
    unitCode: i.unitCode,
    deadlineAt: ms(i.deadlineAt),
    closeDeadlineAt: ms(i.closeDeadlineAt),
    application: i.application ? { ...i.application, at: Date.parse(i.application.at) } : null,
    confirmedAt: ms(i.confirmedAt),
    urgeCount: i.urgeCount,
    reworkCount: i.reworkCount,
    suspendedFrom: i.suspendedFrom,
    closureKind: i.closureKind,
    closedAt: ms(i.closedAt),
    arrivedAt: ms(i.arrivedAt),
    stageDeadlineAt: ms(i.stageDeadlineAt),
    callback: i.callback ? { ...i.callback, at: Date.parse(i.callback.at) } : null,
    mergedInto: i.mergedInto,
  };
}

/**
 * Moves cases through the workflow (shared/workflow/caseWorkflow.ts): checks who may take the
 * action, lets the store apply it against the version the actor saw, and streams the result.
 */
export class CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  async view(id: string, reader: Principal): Promise<CaseView> {
    const current = await this.deps.store.incidents.get(id);
    if (!current) throw new Refusal(404, 'not_found', `No case has the id ${id}.`);
    this.checkMaySee(reader, current);
    const now = this.deps.now();
    const open = current.status !== 'closed' && current.status !== 'rejected';
    const clockRuns = open && current.status !== 'suspended';
    const handlingDue = ms(current.deadlineAt);
    const closeDue = ms(current.closeDeadlineAt);
    // The handling clock is the unit's: it runs while the unit has the case (dispatched, handling).
    const handlingRuns = current.status === 'dispatched' || current.status === 'handling';
    const remaining = open && handlingDue !== null ? Math.round((handlingDue - now) / 1000) : null;
    const stageName = stageOfStatus(current.status);
    const stageDue = stageDueAt({ status: current.status, deadlineAt: handlingDue, stageDeadlineAt: ms(current.stageDeadlineAt) });
    // Overdue compares milliseconds: a rounded "0 s left" may already be past the deadline.
    const stageLeft = stageDue === null ? null : Math.round((stageDue - now) / 1000);
    const { offers, merged } = await this.duplicatesOf(current);
    return {
      case: incidentFor(reader, current),
      timeline: eventsFor(reader, await this.deps.store.incidents.timelineOf(id)),
      allowedActions: actionsFrom(current.status).filter((a) => may(reader, ACTION_RULES[a].permission)),
      remainingSeconds: remaining,
      overdue: clockRuns && ((handlingRuns && handlingDue !== null && now > handlingDue) || (closeDue !== null && now > closeDue)),
      close:
        open && closeDue !== null
          ? { deadlineAt: new Date(closeDue).toISOString(), remainingSeconds: Math.round((closeDue - now) / 1000), overdue: clockRuns && now > closeDue }
          : null,
      stage:
        stageName === null || stageDue === null || stageLeft === null
          ? null
          : { name: stageName, deadlineAt: new Date(stageDue).toISOString(), remainingSeconds: stageLeft, overdue: now > stageDue },
      duplicateOffers: offers,
      mergedCases: merged,
    };
  }

  /** The board's counters now (open cases by status, today's reports and closures, overdue). */
  async summary(): Promise<CaseSummary> {
    const now = this.deps.now();
    return this.deps.store.cases.summary(now, this.deps.clock.localDayStart(now));
  }

  /** Open cases per team (dispatched or being handled). */
  workload(): Promise<Map<string, number>> {
    return this.deps.store.cases.workloadByTeam();
  }

  /**
   * The five crews that can be there soonest: for the dispatcher, the crews of every unit that handles
   * the case; for a unit's desk, its own crews (a case dispatched to its unit only).
   */
  async candidates(id: string, reader: Principal): Promise<Candidate[]> {
    const current = await this.deps.store.incidents.get(id);
    if (!current) throw new Refusal(404, 'not_found', `No case has the id ${id}.`);
    if (may(reader, 'case.dispatch')) return (await this.candidatesOf([current]))[0]!;
    if (may(reader, 'case.assign') && ownUnitCase(reader, current)) return (await this.candidatesOf([current], reader.unitCode!))[0]!;
    throw new Refusal(403, 'not_your_unit', 'A unit desk sees the crews only for the cases dispatched to its unit.');
  }

  /**
   * The candidates of several cases at once, against one reading of the teams' workload: crews of
   * the units that handle each case (or of `unitCode` only). A team that sent a case back (退回) is not
   * offered it again, as its timeline says (one indexed read per case).
   */
  async candidatesOf(cases: readonly Incident[], unitCode?: string): Promise<Candidate[][]> {
    const workload = await this.deps.store.cases.workloadByTeam();
    return Promise.all(
      cases.map(async (c) => {
        const passOver = teamsThatReturned(await this.deps.store.incidents.timelineOf(c.id));
        const only = new Set(this.ableUnits(c).filter((u) => unitCode === undefined || u.code === unitCode).flatMap((u) => u.teams));
        return this.deps.rankCandidates(c, (teamId) => workload.get(teamId) ?? 0, passOver, only);
      }),
    );
  }

  /** The units that handle a case's category where it lies (its department, or its own town). */
  private ableUnits(c: Pick<Incident, 'categoryCode' | 'townCode'>): Unit[] {
    const category = this.deps.categoryOf(c.categoryCode);
    return category ? unitsForCase(this.deps.units, category, c.townCode) : [];
  }

  /** The cases a unit has, for its desk's queue (a unit desk: its own unit only). */
  async casesOfUnit(unitCode: string, reader: Principal): Promise<Incident[]> {
    if (!may(reader, 'live.read') && reader.unitCode !== unitCode) {
      throw new Refusal(403, 'not_your_unit', 'A unit desk sees only the cases of its own unit.');
    }
    if (!this.deps.units.some((u) => u.code === unitCode)) throw new Refusal(404, 'not_found', `No unit has the code ${unitCode}.`);
    return (await this.deps.store.cases.ofUnit(unitCode)).map((i) => incidentFor(reader, i));
  }

  /** The units' applications waiting for the centre's decision, oldest first. */
  async applications(reader: Principal): Promise<Incident[]> {
    return (await this.deps.store.cases.withApplication()).map((i) => incidentFor(reader, i));
  }

  private checkMaySee(reader: Principal, c: Incident): void {
    if (maySee(reader, c)) return;
    if (reader.unitCode !== null) throw new Refusal(403, 'not_your_unit', 'A unit desk sees only the cases dispatched to its unit.');
    throw new Refusal(403, 'not_your_team', 'A field account sees only the tasks of its own team.');
  }

  /**
   * The units able to handle a case (its category's department, or the town it lies in), each with
   * how many of its crews are on duty: where none has crews on the map (a utility whose crews are
   * not tracked), the dispatcher sends the case to the unit itself. A component case lying at an
   * inventoried component of its category (部件普查) goes to the unit that maintains that component:
   * it comes first, carrying the component.
   */
  async unitsFor(id: string): Promise<CaseUnit[]> {
    const current = await this.deps.store.incidents.get(id);
    if (!current) throw new Refusal(404, 'not_found', `No case has the id ${id}.`);
    const category = this.deps.categoryOf(current.categoryCode)!;
    const able = this.ableUnits(current);
    const match = category.family === 'component' ? this.deps.nearestComponent(category.code, current.lon, current.lat) : null;
    const owner = match ? this.deps.units.find((u) => u.code === match.ownerUnit) : undefined;
    const ranked = owner ? [owner, ...able.filter((u) => u.code !== owner.code)] : able;
    return ranked.map((u) => ({
      ...u,
      crewsOnDuty: u.teams.filter((t) => this.deps.onDuty(t)).length,
      component:
        match && u === owner ? { code: match.code, ownerUnit: match.ownerUnit, distanceMeters: Math.round(match.distanceMeters * 10) / 10 } : null,
    }));
  }

  /**
   * Dispatch suggestions (派遣建议): for the oldest registered cases (returned ones are back there
   * too), a team each, no team twice, ranked by the same search as a case's candidates.
   */
  async suggestions(limit: number): Promise<SuggestionBatch> {
    const { items: oldest, total } = await this.deps.store.cases.oldestWithStatus(['registered'], limit);
    const candidates = await this.candidatesOf(oldest);
    const units = await Promise.all(oldest.map(async (c) => (await this.unitsFor(c.id))[0]?.code ?? null));
    const ranked = oldest.map((c, k) => ({ case: c, candidates: candidates[k]!, unitCode: units[k]! }));
    return { at: new Date(this.deps.now()).toISOString(), waiting: total, suggestions: suggestDispatches(ranked) };
  }

  /**
   * Who may attach photos to a case: its own team while handling it, an inspector verifying it, a
   * dispatcher; refuses everyone else.
   */
  async mayAddPhotos(id: string, actor: Principal): Promise<void> {
    const current = await this.deps.store.incidents.get(id);
    if (!current) throw new Refusal(404, 'not_found', `No case has the id ${id}.`);
    if (may(actor, 'case.dispatch') || may(actor, 'case.verify') || (may(actor, 'task.handle') && (ownTask(actor, current) || ownUnitCase(actor, current)))) return;
    // The inspector who reported a problem attaches its photos (before and after, for 自行处置).
    if (may(actor, 'incident.report') && current.reportedBy?.name === actor.name && current.status === 'reported') return;
    throw new Refusal(403, 'forbidden', 'Only the handling team, an inspector or a dispatcher may add photos to this case.');
  }

  /**
   * The drive to a case for the crew on it: from `from` (the phone's own fix) or else from where its
   * team is. Whoever may see the case may ask; 422 when there is no position or no road there.
   */
  async routeTo(id: string, reader: Principal, from?: { lon: number; lat: number }): Promise<TaskRoute> {
    const current = await this.deps.store.incidents.get(id);
    if (!current) throw new Refusal(404, 'not_found', `No case has the id ${id}.`);
    this.checkMaySee(reader, current);
    if (from && !this.deps.isNearCity(from.lon, from.lat)) {
      throw new Refusal(422, 'outside_city', 'The starting point lies outside the city (more than 2 km beyond its extent).', { lon: from.lon, lat: from.lat });
    }
    const origin = from ?? (current.teamId ? this.deps.teamPosition(current.teamId) : null);
    if (!origin) throw new Refusal(422, 'no_position', 'Where the crew is is not known: send from=lon,lat.');
    const route = this.deps.routeBetween(origin, current);
    if (!route) throw new Refusal(422, 'no_route', 'There is no way by road from there to the case.');
    return route;
  }

  /** The open tasks of a field account's team, oldest deadline first. */
  async tasksOf(actor: Principal): Promise<Incident[]> {
    if (actor.teamId === null) return [];
    return (await this.deps.store.cases.ofTeam(actor.teamId)).map((i) => incidentFor(actor, i));
  }

  /**
   * The open cases this one may duplicate (GB/T 30428: reports of the same category within 50 m and
   * 24 h of an open case are offered for merging), nearest first, and the duplicates already merged into it.
   */
  private async duplicatesOf(current: Incident): Promise<{ offers: DuplicateOffer[]; merged: string[] }> {
    const id = current.id;
    const merged = (await this.deps.store.cases.mergedInto(id)).map((c) => c.id);
    if (!actionsFrom(current.status).includes('merge')) return { offers: [], merged };
    const reportedAt = Date.parse(current.reportedAt);
    const near = await this.deps.store.cases.openNear({
      categoryCode: current.categoryCode,
      lon: current.lon,
      lat: current.lat,
      metres: DUPLICATE_RADIUS_M,
      sinceMs: reportedAt - DUPLICATE_WINDOW_MS,
    });
    const offers = near
      .filter((c) => c.id !== id && Date.parse(c.reportedAt) <= reportedAt + DUPLICATE_WINDOW_MS)
      .map((c) => ({ caseId: c.id, status: c.status, reportedAt: c.reportedAt, distanceMeters: Math.round(distance([c.lon, c.lat], [current.lon, current.lat], { units: 'meters' })) }))
      .filter((o) => o.distanceMeters <= DUPLICATE_RADIUS_M)
      .sort((a, b) => a.distanceMeters - b.distanceMeters || a.reportedAt.localeCompare(b.reportedAt));
    return { offers, merged };
  }

  /** A report merges into another open case, never into itself or into a closed one. */
  private async checkMergeTarget(id: string, targetId: string): Promise<void> {
    if (targetId === id) throw new Refusal(422, 'invalid_merge_target', 'A case cannot be merged into itself.');
    const target = await this.deps.store.incidents.get(targetId);
    if (!target) throw new Refusal(422, 'invalid_merge_target', `No case has the id ${targetId}.`);
    if (TERMINAL_STATUSES.includes(target.status)) {
      throw new Refusal(422, 'invalid_merge_target', `The case ${targetId} is ${target.status}; merge into an open case.`);
    }
  }

  /** Evidence on a case's timeline is a photo uploaded to that case: no other case's, no made-up id. */
  private async unknownAttachments(id: string, attachments: readonly string[] | undefined): Promise<string[]> {
    const owners = await Promise.all((attachments ?? []).map((photoId) => this.deps.photoCaseOf(photoId)));
    return (attachments ?? []).filter((_, i) => owners[i] !== id);
  }

  private checkAttachments(unknown: readonly string[]): void {
    if (unknown.length > 0) {
      throw new Refusal(422, 'unknown_attachment', 'Attach only photos uploaded to this case.', { unknown });
    }
  }

  /**
   * Whether the actor may act on this case at all: a crew on its own team's tasks, a unit desk on its
   * own unit's cases (and never sends one back to itself: it applies to return it to the centre), the
   * inspector who reported a problem fixes it on the spot.
   */
  private admit(actor: Principal, req: CaseActionRequest, current: Incident): void {
    const permission = ACTION_RULES[req.action].permission;
    if (actor.role === 'unit') {
      if (!ownUnitCase(actor, current)) throw new Refusal(403, 'not_your_unit', 'A unit desk acts only on the cases dispatched to its unit.');
      if (req.action === 'return') {
        throw new Refusal(403, 'apply_to_return', 'A unit returns a case to the centre by applying (apply, kind return); the centre decides.');
      }
      return;
    }
    if (permission === 'task.handle' && !ownTask(actor, current)) {
      throw new Refusal(403, 'not_your_team', 'Only the team the case is dispatched to may act on it.');
    }
    if (req.action === 'self-handle' && current.reportedBy?.name !== actor.name) {
      throw new Refusal(403, 'not_your_report', 'Only the inspector who reported a problem closes it as fixed on the spot.');
    }
  }

  /**
   * The unit a dispatch sends the case to: the one named, else the named crew's. The crew must be the
   * unit's; the unit must handle the category where the case lies (a town only within its bounds),
   * unless the dispatcher overrides with a reason, which is audited.
   */
  private dispatchTarget(req: CaseActionRequest, current: Incident): { unitCode: string; override: { unitCode: string; teamId: string | null; categoryCode: string; reason: string } | null } {
    const team = req.teamId === undefined ? undefined : this.deps.teams.get(req.teamId);
    const unitCode = req.unitCode ?? team?.unitCode;
    if (unitCode === undefined) throw new Refusal(400, 'unit_required', 'dispatch needs the unitCode of the unit responsible, or the teamId of one of its crews.');
    if (team && team.unitCode !== unitCode) {
      throw new Refusal(422, 'team_not_in_unit', `The team ${team.id} is a crew of ${team.unitCode}, not of ${unitCode}.`, { teamId: team.id, unitCode: team.unitCode });
    }
    const unit = this.deps.units.find((u) => u.code === unitCode)!;
    if (unitHandles(unit, current.categoryCode, current.townCode)) return { unitCode, override: null };
    if (req.overrideReason === undefined) {
      throw new Refusal(422, 'unit_cannot_handle', `The unit ${unitCode} does not handle ${current.categoryCode} cases here; dispatch to a unit that does, or give overrideReason.`, {
        unitCode,
        categoryCode: current.categoryCode,
        able: this.ableUnits(current).map((u) => u.code),
      });
    }
    return { unitCode, override: { unitCode, teamId: req.teamId ?? null, categoryCode: current.categoryCode, reason: req.overrideReason } };
  }

  /** A unit's desk assigns one of its own crews. */
  private checkCrewOfUnit(teamId: string | undefined, unitCode: string | null): void {
    if (teamId === undefined) return;
    const team = this.deps.teams.get(teamId)!;
    if (team.unitCode !== unitCode) {
      throw new Refusal(422, 'team_not_in_unit', `The team ${teamId} is not a crew of the unit the case is dispatched to (${unitCode ?? 'none'}).`, { teamId, unitCode: team.unitCode });
    }
  }

  async act(id: string, req: CaseActionRequest, actor: Principal): Promise<Incident> {
    const rule = ACTION_RULES[req.action];
    if (!may(actor, rule.permission)) {
      throw new Refusal(403, 'forbidden', `The role ${actor.role} may not ${req.action} a case.`, { needs: rule.permission });
    }
    if (req.teamId !== undefined && !this.deps.teams.has(req.teamId)) {
      throw new Refusal(422, 'unknown_team', `No team has the id ${req.teamId}.`);
    }
    if (req.unitCode !== undefined && !this.deps.units.some((u) => u.code === req.unitCode)) {
      throw new Refusal(422, 'unknown_unit', `No unit has the code ${req.unitCode}.`);
    }
    if (req.action === 'merge' && req.mergeInto !== undefined) await this.checkMergeTarget(id, req.mergeInto);
    // Looked up before the action (a photo never moves to another case), refused in its place below.
    const unknownAttachments = await this.unknownAttachments(id, req.attachments);
    const now = this.deps.now();
    // Whether a dispatch overrode the units responsible (set by `decide` below, audited with the action).
    let override: { unitCode: string; teamId: string | null; categoryCode: string; reason: string } | null = null;
    // Who may act comes before the version: another team's crew or another unit learns nothing of the case.
    const admit = (current: Incident) => this.admit(actor, req, current);
    const decide = (current: Incident) => {
      this.checkAttachments(unknownAttachments);
      if (req.action === 'callback' && !PUBLIC_SOURCES.includes(current.source)) {
        throw new Refusal(422, 'not_public_report', `Only public reports (the 12345 hotline, the citizens' app) are called back; this one came from ${current.source}.`);
      }
      const category = this.deps.categoryOf(current.categoryCode);
      if (!category) {
        throw new Refusal(409, 'unknown_category', `The case's category ${current.categoryCode} is no longer in the catalog; its deadlines cannot be counted.`);
      }
      let request: Omit<CaseActionRequest, 'version'> = req;
      if (req.action === 'dispatch') {
        const target = this.dispatchTarget(req, current);
        request = { ...req, unitCode: target.unitCode };
        override = target.override;
      } else if (req.action === 'assign') {
        this.checkCrewOfUnit(req.teamId, current.unitCode);
      }
      const state = applyCaseAction(stateOf(current), request, this.deps.clock.contextFor(category, now, actor.name));
      return {
        state,
        action: {
          name: req.action,
          actor: actor.name,
          role: actor.role,
          ...(req.note ? { note: req.note } : {}),
          ...(req.attachments?.length ? { attachments: req.attachments } : {}),
          // What was asked, decided or found, so the timeline says it (the state keeps only the outcome).
          ...(req.action === 'apply' && req.application ? { application: req.application } : {}),
          ...(req.action === 'decide' && req.decision ? { decision: req.decision } : {}),
          ...(req.action === 'confirm' && req.found !== undefined ? { found: req.found } : {}),
        },
      };
    };
    let event: IncidentEvent;
    try {
      if (req.action === 'dispatch' && req.overrideReason !== undefined) {
        // An override is audited in the same transaction as the dispatch: kept only together.
        event = await this.deps.store.transaction(async (tx) => {
          const e = await tx.cases.applyAction(id, req.version, now, decide, admit);
          if (override) await tx.audit.append(auditEntry({ principal: actor, address: null }, 'case.dispatch_override', 'case', id, override, now));
          return e;
        });
      } else {
        event = await this.deps.store.cases.applyAction(id, req.version, now, decide, admit);
      }
    } catch (err) {
      if (err instanceof NotFoundError) throw new Refusal(404, 'not_found', `No case has the id ${id}.`);
      if (err instanceof VersionConflictError) {
        throw new Refusal(409, 'version_conflict', 'Someone else changed the case since you saw it; reload it and decide again.', { currentVersion: err.current });
      }
      if (err instanceof WorkflowError) {
        throw new Refusal(err.code === 'invalid_transition' || err.code === 'application_pending' || err.code === 'no_application' ? 422 : 400, err.code, err.message);
      }
      throw err;
    }
    this.deps.publish([event]);
    return incidentFor(actor, event.incident);
  }
}
