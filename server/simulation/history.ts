import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTION_RULES, TOWN_DEPARTMENT, type CaseAction, type Category, type IncidentStatus, type Team, type TimeLimit } from '../../shared/index.js';
import { computeDeadline } from '../../shared/workflow/deadlines.js';
import { buildWorkCalendar, WorkCalendarData, type WorkCalendar } from '../../shared/workflow/workCalendar.js';
import type { HistoricalAction, HistoricalIncident, HistoricalTransition } from '../incident/intake.js';
import { SHIPPED_DATA_DIR } from '../paths.js';
import { SeededRandom } from '../seededRandom.js';
import { localMinuteOfDay, shiftCoversMinute } from '../../shared/workflow/teamShift.js';
import type { SimContext } from './context.js';
import { MINUTE_MS, reportsInMinute, type SimModel, buildSimModel } from './model.js';
import { DEFAULT_PERFORMANCE, type Performance } from './patterns.js';
import { centerActor, crewActor, deskActor, dutyStaff, inspectorAt, type Actor, type DutyStaff } from './staff.js';
import { toReport } from './stream.js';

const MIN = MINUTE_MS;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** How long past its deadline a stalled case (久拖) drags on, on average, besides two days. */
const STALLED_MEAN_MS = 90 * DAY;

/** Hours of work a limit stands for (a working day is 8 hours of it), whatever the nights and weekends in between. */
function workHours(limit: TimeLimit): number {
  switch (limit.kind) {
    case 'urgent_hours':
    case 'working_hours':
      return limit.amount;
    case 'working_days':
      return limit.amount * 8;
    case 'calendar_days':
      return limit.amount * 24;
  }
}

let shipped: WorkCalendar | undefined;
/**
 * The shipped working calendar (data/calendar/holidays-cn.json): what a fresh data directory's
 * deadlines count against, so the simulated past can aim at the deadlines its import will set.
 */
export function shippedCalendar(): WorkCalendar {
  shipped ??= buildWorkCalendar(WorkCalendarData.parse(JSON.parse(readFileSync(join(SHIPPED_DATA_DIR, 'calendar', 'holidays-cn.json'), 'utf8'))));
  return shipped;
}

/**
 * What decides how one past case turns out: its unit's performance, with the factors of the town
 * where it lies and of the inspector who re-inspects it (patterns.json `performance`).
 */
export interface CaseOutcome {
  late: number;
  rework: number;
  suspend: number;
  stalled: number;
  return: number;
  extension: number;
  queueMinutes: readonly [number, number];
  pace: number;
  /** Factor on the time to re-inspect (核查): the town's and the inspector's. */
  verifyDelay: number;
}

const DEFAULT_OUTCOME: CaseOutcome = { ...DEFAULT_PERFORMANCE.default, verifyDelay: 1 } as CaseOutcome;

/** The outcome shares of a unit's cases in a town (before the inspector's own factor). */
export function outcomeOf(perf: Performance, unitCode: string, townCode: string | undefined): CaseOutcome {
  const unit = { ...perf.default, ...perf.units[unitCode] } as Required<Performance['default']>;
  const town = (townCode !== undefined && perf.towns[townCode]) || {};
  return {
    ...unit,
    late: Math.min(0.9, unit.late * (town.late ?? 1)),
    stalled: Math.min(0.9, unit.stalled * (town.stalled ?? 1)),
    verifyDelay: town.verifyDelay ?? 1,
  };
}

/** Whether an inspector is one of the slow ones: a hash of the name, so the same person in every run. */
export function isSlowInspector(perf: Performance, actor: string): boolean {
  if (perf.slowInspectorEvery <= 0) return false;
  let h = 2166136261;
  for (let i = 0; i < actor.length; i++) h = Math.imul(h ^ actor.charCodeAt(i), 16777619);
  return (h >>> 0) % perf.slowInspectorEvery === 0;
}

// Short notes where a real timeline has one: a refusal, a suspension, a send-back and a handling
// report each say why or what was done.
const REJECT_NOTES = ['经核实，现场无此问题', '不属于城市管理范畴，已告知反映人向相关部门反映', '上报位置不清，无法核实'];
const SUSPEND_NOTES = ['涉及产权争议，待协调后处置', '需专项资金，纳入维修计划', '受天气影响，暂无法施工', '需相关部门审批，暂缓处置'];
const RETURN_NOTES = ['不在本队辖区，请改派', '现场位置有误，请核实后改派'];
const EXTENSION_NOTES = ['需采购配件，申请延期', '工程量较大，需协调机械设备', '涉及多个部门，协调中'];
const REWORK_NOTES = ['现场仍有残留，处置不到位', '核查照片与现场不符，请重新处置', '问题出现反复，需彻底整改'];
const HANDLED_NOTES: Readonly<Record<string, readonly string[]>> = {
  huanwei: ['垃圾已清运，现场已清扫干净', '已清理完毕，恢复整洁'],
  cgzf: ['已现场劝导，当事人已自行整改', '已依法处理，现场秩序恢复'],
  shizheng: ['已修复完毕，恢复正常使用', '已更换损坏部件，设施完好'],
  yuanlin: ['已修剪清理，恢复绿化景观', '已补植完成，现场已清理'],
};
const HANDLED_NOTE = ['已处置完毕'];

/** A team that could be sent, with its crew (who acts for it) and whether it is on duty, by minute of the day. */
export interface Squad {
  team: Team;
  crew: Actor;
  onDutyAt: Uint8Array;
}

/** A team base with its squads that handle one category. */
export interface TeamBase {
  lon: number;
  lat: number;
  squads: Squad[];
}

/** For each category, the bases of the roster's teams that handle it (squads in roster order). */
export function basesByCategory(teams: readonly Team[]): Map<string, TeamBase[]> {
  const out = new Map<string, TeamBase[]>();
  const byKey = new Map<string, TeamBase>();
  for (const team of teams) {
    if (!team.position) continue;
    // Whether the shift covers each minute of the day, worked out once rather than at every dispatch.
    const squad: Squad = { team, crew: crewActor(team), onDutyAt: Uint8Array.from({ length: 1440 }, (_, m) => (shiftCoversMinute(team.shift, m) ? 1 : 0)) };
    for (const code of team.categories) {
      const key = `${code}\u0000${team.baseId}`;
      let base = byKey.get(key);
      if (!base) {
        base = { lon: team.position.lon, lat: team.position.lat, squads: [] };
        byKey.set(key, base);
        const list = out.get(code) ?? [];
        list.push(base);
        out.set(code, list);
      }
      base.squads.push(squad);
    }
  }
  return out;
}

/**
 * The squad a dispatcher sends: one on duty at `at` from the nearest base that has one, or one time
 * in five from the next nearest (the nearest is busy, or just across a boundary); never `except`
 * (the team that sent the case back). With no squad on duty anywhere, the nearest squad all the
 * same (a dispatcher may call out an off-duty team). Null when no base handles the category.
 */
export function chooseSquad(bases: readonly TeamBase[], lon: number, lat: number, at: number, rng: SeededRandom, except?: string): Squad | null {
  const minute = localMinuteOfDay(at);
  const k = Math.cos((lat * Math.PI) / 180);
  const nearest: [Squad[] | null, Squad[] | null] = [null, null];
  const dist = [Infinity, Infinity];
  for (const anyShift of [false, true]) {
    for (const b of bases) {
      const d = ((b.lon - lon) * k) ** 2 + (b.lat - lat) ** 2;
      if (d >= dist[1]!) continue;
      const able = b.squads.filter((s) => s.team.id !== except && (anyShift || s.onDutyAt[minute] === 1));
      if (able.length === 0) continue;
      if (d < dist[0]!) {
        [nearest[1], dist[1]] = [nearest[0], dist[0]!];
        [nearest[0], dist[0]] = [able, d];
      } else {
        [nearest[1], dist[1]] = [able, d];
      }
    }
    if (nearest[0]) break;
  }
  if (!nearest[0]) return null;
  return rng.pick(nearest[1] && rng.chance(0.2) ? nearest[1] : nearest[0]);
}

/** The status an action leads to under the shared workflow; throws where the workflow refuses it. */
export function statusAfter(status: IncidentStatus, action: CaseAction): IncidentStatus {
  const rule = ACTION_RULES[action];
  if (!rule.from.includes(status) || rule.to === 'resume') throw new Error(`history: ${action} is not allowed from ${status}`);
  return rule.to === 'same' ? status : rule.to;
}

/** One past case before its life: what, where, when, who could handle it, who was on duty. */
export interface PastCase {
  category: Category;
  lon: number;
  lat: number;
  reportedAt: number;
  /** The bases of the unit's crews that handle the category (basesByCategory); empty where the unit has none on the roster. */
  bases: readonly TeamBase[];
  /** The unit responsible: the category's department, or the town where the case lies. */
  unitCode: string;
  staff: DutyStaff;
  /** The inspector who answers for the place (the responsibility roster), when one does. */
  inspector?: Actor | null;
  /** How it turns out (its unit's and town's performance); the defaults where not given. */
  outcome?: CaseOutcome;
  /** The calendar its deadlines count in; the shipped one where not given. */
  calendar?: WorkCalendar;
}

/** A past case as its life unfolds: the clock, its status, the squad it is with, the steps so far. */
interface Life {
  c: PastCase;
  rng: SeededRandom;
  toMs: number;
  t: number;
  status: IncidentStatus;
  squad: Squad | null;
  steps: HistoricalTransition[];
}

function wait(l: Life, minMinutes: number, maxMinutes: number): void {
  l.t += Math.round(l.rng.range(minMinutes, maxMinutes) * MIN);
}

/**
 * Takes an action at the life's time: by `who`, or, with nobody on record, only its status change
 * (and no note: nobody wrote one). Steps at or after `toMs` have not happened yet and are left out.
 */
function take(l: Life, name: CaseAction, who: Actor | null, note?: string, details?: Omit<HistoricalAction, 'name' | 'actor' | 'role' | 'note'>): void {
  l.status = statusAfter(l.status, name);
  if (l.t >= l.toMs) return;
  const step: HistoricalTransition = { status: l.status, at: new Date(l.t).toISOString() };
  if (who) {
    step.action = { name, actor: who.actor, role: who.role };
    if (note) step.action.note = note;
    if (details) Object.assign(step.action, details);
  }
  l.steps.push(step);
}

/**
 * The centre dispatches the case to its unit: two times in three naming the crew at once (the
 * centre's own dispatch to crews it knows), else leaving it to the unit's desk, which assigns one a
 * few minutes later (二级派遣).
 */
function dispatch(l: Life): void {
  const squad = chooseSquad(l.c.bases, l.c.lon, l.c.lat, l.t, l.rng);
  l.squad = squad;
  const direct = squad !== null && l.rng.chance(2 / 3);
  take(l, 'dispatch', centerActor(l.c.staff, 'dispatcher', l.t), undefined, direct ? { unitCode: l.c.unitCode, teamId: squad.team.id } : { unitCode: l.c.unitCode });
  if (!direct && squad) {
    wait(l, 3, 20);
    // The desk picks its crew when it assigns (one on duty then), not when the centre dispatched:
    // a shift may have ended in between.
    l.squad = chooseSquad(l.c.bases, l.c.lon, l.c.lat, l.t, l.rng)!;
    take(l, 'assign', deskActor(l.c.unitCode), undefined, { teamId: l.squad.team.id });
  }
}

/** The unit's desk sends another of its crews (after one sent the task back to it). */
function reassign(l: Life, except: string): void {
  const squad = chooseSquad(l.c.bases, l.c.lon, l.c.lat, l.t, l.rng, except);
  if (!squad) return;
  l.squad = squad;
  take(l, 'assign', deskActor(l.c.unitCode), undefined, { teamId: squad.team.id });
}

function reportHandled(l: Life): void {
  const notes = l.squad ? (HANDLED_NOTES[l.squad.team.department] ?? HANDLED_NOTE) : HANDLED_NOTE;
  take(l, 'report-handled', l.squad && l.squad.crew, l.rng.pick(notes));
}

/**
 * The path one past case took through the workflow, as the actions people took, with plausible
 * delays: most are accepted, registered, dispatched to a nearby team, acknowledged, reached,
 * handled within their limit, verified and closed; a few are rejected at intake, suspended, sent
 * back by the team and dispatched again, extended, handled late, reworked once, or drag on for weeks
 * (久拖), each as often as the case's `outcome` says (its unit's and its town's performance). The
 * handling is aimed at the deadlines the import will set: the handling limit counted from the
 * dispatch and the closure limit from the registration, in the working calendar. Each action is
 * checked against the shared workflow and names who took it: the center's staff on duty, the
 * area's supervisor, or the team's crew. Where no team on the roster handles the category, the
 * handling department is not on the roster: its steps (the dispatch to it, its work) are recorded
 * as bare status changes, since nobody on record took them. Steps at or after `toMs` have not
 * happened yet, so recent cases are still open at some stage. Pure: the same case and PRNG state
 * give the same path.
 */
export function simulateLifecycle(c: PastCase, toMs: number, rng: SeededRandom): HistoricalTransition[] {
  const l: Life = { c, rng, toMs, t: c.reportedAt, status: 'reported', squad: null, steps: [] };
  const o = c.outcome ?? DEFAULT_OUTCOME;
  const calendar = c.calendar ?? shippedCalendar();
  const urgent = c.category.timeLimit.kind === 'urgent_hours';
  // The inspector of the cell verifies; where the roster names none, a supervisor of the patch.
  const inspector = c.inspector ?? inspectorAt(c.staff, c.lon, c.lat);
  // Hours of work a typical case of the category takes, this one more or less.
  const work = () => workHours(c.category.timeLimit) * o.pace * Math.exp(0.5 * rng.gaussian()) * HOUR;
  const fate = rng.float();
  if (fate < 0.03) {
    wait(l, 5, 40);
    take(l, 'reject', centerActor(c.staff, 'acceptor', l.t), rng.pick(REJECT_NOTES));
    return l.steps;
  }
  wait(l, 1, urgent ? 8 : 20);
  take(l, 'accept', centerActor(c.staff, 'acceptor', l.t));
  wait(l, 2, urgent ? 8 : 20);
  take(l, 'register', centerActor(c.staff, 'shiftLeader', l.t));
  wait(l, 2, urgent ? 8 : 25);
  dispatch(l);
  // The handling limit runs from the dispatch (an extension moves it on).
  let handleBy = computeDeadline(l.t, c.category.timeLimit, calendar);
  if (fate < 0.03 + o.suspend) {
    wait(l, 60 * 24, 60 * 72);
    take(l, 'suspend', centerActor(c.staff, 'shiftLeader', l.t), rng.pick(SUSPEND_NOTES));
    return l.steps;
  }
  const first = l.squad;
  if (first && rng.chance(o.return)) {
    // The crew sends it back to its unit's desk, which sends another crew.
    wait(l, 5, 30);
    take(l, 'return', first.crew, rng.pick(RETURN_NOTES));
    wait(l, 5, 30);
    reassign(l, first.team.id);
    if (l.squad === first) return l.steps;
  }
  if (l.squad && rng.chance(o.extension)) {
    // The unit asks the centre for more time (申请延期); the shift leader mostly agrees.
    wait(l, 30, 240);
    const extendHours = rng.pick([4, 8, 24]);
    take(l, 'apply', deskActor(c.unitCode), rng.pick(EXTENSION_NOTES), { application: { kind: 'extension', extendHours } });
    wait(l, 10, 90);
    const approve = rng.chance(0.8);
    take(l, 'decide', centerActor(c.staff, 'shiftLeader', l.t), undefined, { decision: approve ? 'approve' : 'deny' });
    if (approve) {
      const working = c.category.timeLimit.kind === 'working_hours' || c.category.timeLimit.kind === 'working_days';
      handleBy = working ? computeDeadline(handleBy, { kind: 'working_hours', amount: extendHours }, calendar) : handleBy + extendHours * HOUR;
    }
  }
  // A unit short of crews keeps the case in its queue before one acknowledges it.
  wait(l, o.queueMinutes[0], o.queueMinutes[1]);
  take(l, 'acknowledge', l.squad && l.squad.crew);
  if (l.squad) {
    wait(l, urgent ? 5 : 8, urgent ? 30 : 60);
    take(l, 'arrive', l.squad.crew);
  }
  const needs = work();
  const course = rng.float();
  if (course < o.stalled) {
    // Drags on (久拖): days to months past the deadline; many are still open when the history ends.
    l.t = Math.max(l.t + needs, handleBy) + Math.round(2 * DAY - Math.log(1 - rng.float()) * STALLED_MEAN_MS);
  } else if (course < o.stalled + o.late || handleBy <= l.t) {
    // Late: past the deadline by up to about the limit again.
    l.t = Math.max(l.t + needs, handleBy) + Math.round(workHours(c.category.timeLimit) * rng.range(0.1, 1) * HOUR + rng.range(10, 120) * MIN);
  } else {
    // On time: the work it needs, done before the deadline whatever it takes.
    l.t += Math.round(Math.min(needs, (handleBy - l.t) * rng.range(0.5, 0.97)));
  }
  reportHandled(l);
  const verifyDelay = o.verifyDelay;
  if (rng.chance(o.rework)) {
    wait(l, 20 * verifyDelay, 90 * verifyDelay);
    take(l, 'rework', inspector, rng.pick(REWORK_NOTES));
    l.t += Math.round(needs * 0.5);
    reportHandled(l);
  }
  wait(l, 8 * verifyDelay, (urgent ? 30 : 45) * verifyDelay);
  take(l, 'verify', inspector);
  wait(l, 3, urgent ? 15 : 40);
  take(l, 'close', centerActor(c.staff, 'shiftLeader', l.t));
  return l.steps;
}

/**
 * Simulated past incidents for [fromMs, toMs), in time order, with the steps each went through,
 * one at a time: an import that takes them as they come holds none it has already stored, which
 * keeps the heap (and the collector's work) small over 90 days. `teams` is the roster the cases are
 * dispatched to (each to a team that handles its category).
 */
export function* pastIncidents(
  ctx: SimContext | SimModel,
  seed: number,
  fromMs: number,
  toMs: number,
  teams: readonly Team[],
  inspectorOf?: (lon: number, lat: number) => Actor | null,
): Generator<HistoricalIncident> {
  const model = 'rates' in ctx ? ctx : buildSimModel(ctx);
  const byCode = new Map(model.ctx.categories.map((c) => [c.code, c]));
  const bases = basesByCategory(teams);
  const staff = dutyStaff(seed);
  const perf = model.patterns.performance;
  const calendar = shippedCalendar();
  // Outcomes by unit, town and whether the inspector is a slow one, worked out once each.
  const outcomes = new Map<string, CaseOutcome>();
  const slow = new Map<string, boolean>();
  const outcomeFor = (unitCode: string, town: string | undefined, inspector: Actor | null | undefined): CaseOutcome => {
    let isSlow = false;
    if (inspector) {
      isSlow = slow.get(inspector.actor) ?? isSlowInspector(perf, inspector.actor);
      slow.set(inspector.actor, isSlow);
    }
    const key = `${unitCode}|${town ?? ''}|${isSlow ? 1 : 0}`;
    let o = outcomes.get(key);
    if (!o) {
      o = outcomeOf(perf, unitCode, town);
      if (isSlow) o.verifyDelay *= perf.slowInspectorDelay;
      outcomes.set(key, o);
    }
    return o;
  };
  for (let minute = Math.floor(fromMs / MIN); minute * MIN < toMs; minute++) {
    const reports = reportsInMinute(model, seed, minute);
    for (let k = 0; k < reports.length; k++) {
      const r = reports[k]!;
      if (r.at < fromMs || r.at >= toMs) continue;
      const life = SeededRandom.derive(seed, 'life', minute, k);
      const category = byCode.get(r.categoryCode)!;
      // A town's categories (属地) go to the town where the case lies, and to that town's own crew.
      const where = model.ctx.townAt(r.lon, r.lat);
      const town = category.department === TOWN_DEPARTMENT ? where : undefined;
      const unitCode = town ?? category.department;
      const able = bases.get(r.categoryCode) ?? [];
      const ofUnit = town === undefined ? able : able.filter((b) => b.squads.some((q) => q.team.unitCode === town));
      const inspector = inspectorOf?.(r.lon, r.lat);
      const outcome = outcomeFor(unitCode, where, inspector ?? inspectorAt(staff, r.lon, r.lat));
      const past: PastCase = { category, lon: r.lon, lat: r.lat, reportedAt: r.at, bases: ofUnit, unitCode, staff, inspector, outcome, calendar };
      yield { report: toReport(r), transitions: simulateLifecycle(past, toMs, life) };
    }
  }
}

/** All of pastIncidents at once. */
export function generateHistory(ctx: SimContext | SimModel, seed: number, fromMs: number, toMs: number, teams: readonly Team[]): HistoricalIncident[] {
  return [...pastIncidents(ctx, seed, fromMs, toMs, teams)];
}
