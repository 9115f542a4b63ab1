import type { EvaluationLevel, IndicatorFormula, IndicatorId, IncidentSource } from '../../shared/index.js';
import { NO_ADJUSTMENTS, waivedFor, type Adjustments } from './adjustments.js';
import { suspendedAt, type CaseFacts, type Step } from './caseFacts.js';
import { weightOf, type WeightTable } from './weights.js';

/**
 * The indicators of 综合评价 (../shared/notes/domain.md, "Evaluation"), computed from per-case facts
 * over one period. Pure: the service, the tests and the bench call exactly this.
 *
 * Rules chosen where cities differ:
 * - 应结案 (due for closure): registered cases whose closure deadline falls within the period, not
 *   suspended at the moment judged (`asOf`); in the running period a case not yet due and not yet
 *   closed is not counted (it cannot be judged yet). 结案率 and 按期结案率 are over that set.
 * - 应处置 (due for handling), per unit: the unit's turns whose handling deadline (from the dispatch
 *   to it, moved by approved extensions) falls within the period, same rules; a turn the unit gave
 *   back (approved return) or that the centre moved to another unit is not the unit's to handle.
 * - 返工率 = turns reworked at least once / turns handled (over handled, not over due).
 * - 准确派遣率 = 1 − dispatches that the unit gave back / dispatches (not the rework form: a rework
 *   is the unit's failure, not the dispatcher's).
 * - 准确立案率 = (registrations − those closed as erroneous) / registrations.
 * - Stage timeliness (受理, 立案, 派遣, 核实, 核查, 结案 by the shift lead) is each step against the
 *   deadline of the stage it ended (caseStages.ts), counted in the period the step was taken.
 */

/** The public's channels (公众举报); addRegion tests them inline, keep the two in step. */
export const PUBLIC_SOURCES: readonly IncidentSource[] = ['hotline_12345', 'citizen_app'];

type Definition = Omit<IndicatorFormula, 'id' | 'weight'>;

const rate = (zh: string, en: string, fzh: string, fen: string, higherIsBetter = true): Definition => ({
  name: { zh, en },
  formula: { zh: fzh, en: fen },
  kind: 'rate',
  higherIsBetter,
});

export const INDICATORS: Record<IndicatorId, Definition> = {
  registered: { name: { zh: '立案数', en: 'Registered' }, formula: { zh: '本期立案的案件数', en: 'cases registered in the period' }, kind: 'count', higherIsBetter: false },
  closed: { name: { zh: '结案数', en: 'Closed' }, formula: { zh: '本期结案的已立案案件数', en: 'registered cases closed in the period' }, kind: 'count', higherIsBetter: true },
  closureRate: rate('结案率', 'Closure rate', '应结案中已结案数 / 应结案数（应结案：结案时限在本期内，不含挂账）', 'closed of due / due (due: closure deadline within the period, suspended excluded)'),
  onTimeClosureRate: rate('按期结案率', 'On-time closure', '按期结案数 / 应结案数', 'closed by the closure deadline / due'),
  densityPerKm2: { name: { zh: '问题发生密度（每平方公里）', en: 'Density per km²' }, formula: { zh: '立案数 / 面积（km²）', en: 'registered / area in km²' }, kind: 'density', higherIsBetter: false },
  densityPerCell: { name: { zh: '问题发生密度（每网格）', en: 'Density per cell' }, formula: { zh: '立案数 / 单元网格数', en: 'registered / unit grid cells' }, kind: 'density', higherIsBetter: false },
  publicShare: rate('公众举报占比', 'Public report share', '公众来源（12345、市民App）立案数 / 立案数', 'registered from the public (12345, citizen app) / registered', false),
  callbackRate: rate('回访率', 'Callback rate', '已回访的公众案件 / 本期结案的公众案件', 'public cases called back / public cases closed in the period'),
  satisfactionRate: rate('满意率', 'Satisfaction', '（满意 + 基本满意）/ 回访联系上的', '(satisfied + basically satisfied) / reporters reached'),
  handlingRate: rate('处置率', 'Handling rate', '处置数 / 应处置数（处置时限在本期内）', 'handled / due (handling deadline within the period)'),
  onTimeHandlingRate: rate('按期处置率', 'On-time handling', '按期处置数 / 应处置数', 'handled by the handling deadline / due'),
  reworkRate: rate('返工率', 'Rework rate', '返工过的处置 / 处置数', 'handled turns reworked at least once / handled', false),
  overdueUnhandledRate: rate('超期未处置率', 'Overdue unhandled', '超期未处置数 / 应处置数', 'past the deadline and not handled / due', false),
  extensionRate: rate('延期率', 'Extension rate', '延期过的 / 应处置数', 'turns extended / due', false),
  returns: { name: { zh: '退回数', en: 'Returns' }, formula: { zh: '本期获批回退的案件数', en: 'approved returns to the centre in the period' }, kind: 'count', higherIsBetter: false },
  reportAccuracy: rate('上报准确率', 'Report accuracy', '本期上报中立案数 / 已受理或不予受理数', 'own reports registered / own reports decided at intake'),
  timelyConfirmRate: rate('及时核实率', 'Timely confirmation', '按时核实数 / 核实数', 'confirmations within the stage deadline / confirmations'),
  timelyVerifyRate: rate('及时核查率', 'Timely re-inspection', '按时核查数 / 核查数', 're-inspections within the stage deadline / re-inspections'),
  missRate: rate('漏报率', 'Miss rate', '责任网格内公众来源立案数 / 立案数', 'registered from the public in own cells / registered in own cells', false),
  onTimeAcceptRate: rate('按时受理率', 'On-time acceptance', '按时受理数 / 受理数（含不予受理）', 'intake decisions within the stage deadline / intake decisions'),
  onTimeRegisterRate: rate('按时立案率', 'On-time registration', '按时立案数 / 立案数', 'registrations within the stage deadline / registrations'),
  accurateRegisterRate: rate('准确立案率', 'Accurate registration', '（立案数 − 作废数）/ 立案数', '(registrations − closed as erroneous) / registrations'),
  onTimeCloseRate: rate('按时结案率', 'On-time close step', '按时结案操作数 / 结案操作数', 'close steps within the stage deadline / close steps'),
  onTimeDispatchRate: rate('按时派遣率', 'On-time dispatch', '按时派遣数 / 派遣数', 'dispatches within the stage deadline / dispatches'),
  accurateDispatchRate: rate('准确派遣率', 'Accurate dispatch', '1 − 被退回的派遣 / 派遣数', '1 − dispatches the unit gave back / dispatches'),
};

export const LEVEL_INDICATORS: Record<EvaluationLevel, readonly IndicatorId[]> = {
  town: ['registered', 'closed', 'closureRate', 'onTimeClosureRate', 'densityPerKm2', 'densityPerCell', 'publicShare', 'callbackRate', 'satisfactionRate'],
  community: ['registered', 'closed', 'closureRate', 'onTimeClosureRate', 'densityPerKm2', 'densityPerCell', 'publicShare', 'callbackRate', 'satisfactionRate'],
  cell: ['registered', 'closed', 'closureRate', 'onTimeClosureRate', 'densityPerKm2', 'publicShare', 'callbackRate', 'satisfactionRate'],
  unit: ['handlingRate', 'onTimeHandlingRate', 'reworkRate', 'overdueUnhandledRate', 'extensionRate', 'returns'],
  inspector: ['reportAccuracy', 'timelyConfirmRate', 'timelyVerifyRate', 'missRate'],
  acceptor: ['onTimeAcceptRate'],
  shiftLead: ['onTimeRegisterRate', 'accurateRegisterRate', 'onTimeCloseRate'],
  dispatcher: ['onTimeDispatchRate', 'accurateDispatchRate'],
};

/** The formulas a level shows, with their weights. */
export function formulasOf(level: EvaluationLevel, weights?: WeightTable): IndicatorFormula[] {
  return LEVEL_INDICATORS[level].map((id) => ({ id, ...INDICATORS[id], weight: weightOf(level, id, weights) }));
}

/** The instants a period is judged over: [from, until), as of `asOf` (≤ until). */
export interface EvaluationWindow {
  from: number;
  until: number;
  asOf: number;
}

export interface Localized {
  zh: string;
  en: string;
}

/** Who and what can be evaluated: the city's regions and units, and who the people are. */
export interface EvaluationDirectory {
  towns: readonly { code: string; name: Localized }[];
  communities: readonly { code: string; townCode: string; name: Localized }[];
  cells: readonly { code: string; townCode: string; communityCode: string; areaM2: number }[];
  units: readonly { code: string; name: Localized }[];
  /** An inspector as the roster knows the actor (by account or name); else the actor's own name. */
  inspectorOf(actor: string): { code: string; name: Localized };
  /** The inspector who answers for a cell (责任网格), by the roster; null where nobody does. */
  inspectorOfCell(gridCode: string): { code: string; name: Localized } | null;
  /** What the people's rows follow besides the facts: the roster in force (a new object after each edit); null where there is none. */
  rosterStamp(): unknown;
}

/** A row's figures before scoring. */
export interface RowFigures {
  code: string;
  name: Localized;
  parentCode: string | null;
  indicators: Partial<Record<IndicatorId, number | null>>;
  counts: Record<string, number>;
}

const ratio = (n: number, d: number) => (d === 0 ? null : n / d);
const inWindow = (at: number | null, w: EvaluationWindow) => at !== null && at >= w.from && at < w.asOf;
const stepIn = (s: Step | null, w: EvaluationWindow): s is Step => s !== null && inWindow(s.at, w);

/** Whether a deadline in the period has come to be judged: passed, or met already. */
function judged(deadline: number | null, doneAt: number | null, w: EvaluationWindow): deadline is number {
  if (deadline === null || deadline < w.from || deadline >= w.until) return false;
  return deadline <= w.asOf || (doneAt !== null && doneAt <= w.asOf);
}

/**
 * A region's counts, at its offset in one typed array for all the regions of a level: a month's cells
 * are some 10,000 rows, and an object and a map entry for each cost more than the cases' tallies.
 */
const REGISTERED = 0;
const CLOSED = 1;
const DUE = 2;
const CLOSED_OF_DUE = 3;
const ON_TIME = 4;
const PUBLIC_REGISTERED = 5;
const PUBLIC_CLOSED = 6;
const CALLED_BACK = 7;
const REACHED = 8;
const SATISFIED = 9;
const REGION_COUNTS = 10;

function addRegion(t: Int32Array, o: number, f: CaseFacts, w: EvaluationWindow): void {
  const isPublic = f.source === 'hotline_12345' || f.source === 'citizen_app';
  if (stepIn(f.registered, w)) {
    t[o + REGISTERED]! += 1;
    if (isPublic) t[o + PUBLIC_REGISTERED]! += 1;
  }
  if (f.registered === null) return;
  const closed = f.closedAt !== null && f.closedAt <= w.asOf ? f.closedAt : null;
  if (inWindow(closed, w)) {
    t[o + CLOSED]! += 1;
    if (isPublic) {
      t[o + PUBLIC_CLOSED]! += 1;
      const cb = f.callback;
      if (cb && cb.at <= w.asOf) {
        t[o + CALLED_BACK]! += 1;
        if (cb.reached) t[o + REACHED]! += 1;
        if (cb.satisfaction === 'satisfied' || cb.satisfaction === 'basically_satisfied') t[o + SATISFIED]! += 1;
      }
    }
  }
  if (judged(f.closeDeadlineAt, closed, w) && !suspendedAt(f, w.asOf)) {
    t[o + DUE]! += 1;
    if (closed !== null) {
      t[o + CLOSED_OF_DUE]! += 1;
      if (closed <= f.closeDeadlineAt) t[o + ON_TIME]! += 1;
    }
  }
}

function regionFigures(t: Int32Array, o: number, areaM2: number, cellCount: number, level: EvaluationLevel): Pick<RowFigures, 'indicators' | 'counts'> {
  const a = {
    registered: t[o + REGISTERED]!, closed: t[o + CLOSED]!, due: t[o + DUE]!, closedOfDue: t[o + CLOSED_OF_DUE]!, onTime: t[o + ON_TIME]!,
    publicRegistered: t[o + PUBLIC_REGISTERED]!, publicClosed: t[o + PUBLIC_CLOSED]!, calledBack: t[o + CALLED_BACK]!, reached: t[o + REACHED]!, satisfied: t[o + SATISFIED]!,
  };
  const indicators: RowFigures['indicators'] = {
    registered: a.registered,
    closed: a.closed,
    closureRate: ratio(a.closedOfDue, a.due),
    onTimeClosureRate: ratio(a.onTime, a.due),
    densityPerKm2: areaM2 > 0 ? a.registered / (areaM2 / 1e6) : null,
    publicShare: ratio(a.publicRegistered, a.registered),
    callbackRate: ratio(a.calledBack, a.publicClosed),
    satisfactionRate: ratio(a.satisfied, a.reached),
  };
  if (level !== 'cell') indicators.densityPerCell = ratio(a.registered, cellCount);
  return {
    indicators,
    counts: {
      registered: a.registered, closed: a.closed, due: a.due, closedOfDue: a.closedOfDue, onTimeClosed: a.onTime,
      publicRegistered: a.publicRegistered, publicClosed: a.publicClosed, calledBack: a.calledBack, reached: a.reached, satisfied: a.satisfied, cells: cellCount,
    },
  };
}

interface UnitAcc {
  due: number;
  handled: number;
  onTime: number;
  overdueUnhandled: number;
  extended: number;
  reworked: number;
  reworks: number;
  returns: number;
}

const unitAcc = (): UnitAcc => ({ due: 0, handled: 0, onTime: 0, overdueUnhandled: 0, extended: 0, reworked: 0, reworks: 0, returns: 0 });

/** One person's steps at a post. */
interface PostAcc {
  name: Localized;
  n: number;
  onTime: number;
  // The post's second and third measures (by post: registrations voided, closes, …).
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

const postAcc = (name: Localized): PostAcc => ({ name, n: 0, onTime: 0, a: 0, b: 0, c: 0, d: 0, e: 0, f: 0 });

function person(map: Map<string, PostAcc>, code: string, name: () => Localized): PostAcc {
  let acc = map.get(code);
  if (!acc) map.set(code, (acc = postAcc(name())));
  return acc;
}

const named = (actor: string) => ({ zh: actor, en: actor });

/**
 * Every row of a level over a window, before scoring: regions and units all listed (a quiet one has
 * nulls), people only where they did something in the period. `town` keeps the rows within a town.
 */
export function indicatorRows(level: EvaluationLevel, facts: Iterable<CaseFacts>, w: EvaluationWindow, dir: EvaluationDirectory, town?: string, adj: Adjustments = NO_ADJUSTMENTS): RowFigures[] {
  // A case excluded from assessment counts nowhere (a few at most: one pass to drop them).
  if (adj.excluded.size > 0) facts = [...facts].filter((f) => !adj.excluded.has(f.id));
  switch (level) {
    case 'town':
    case 'community':
    case 'cell':
      return regionRows(level, facts, w, dir, town);
    case 'unit':
      return unitRows(facts, w, dir, town, adj);
    default:
      return postRows(level, facts, w, dir, town);
  }
}

function regionRows(level: 'town' | 'community' | 'cell', facts: Iterable<CaseFacts>, w: EvaluationWindow, dir: EvaluationDirectory, town?: string): RowFigures[] {
  const regions = regionsOf(dir, level);
  const tally = new Int32Array(regions.length * REGION_COUNTS);
  const list = Array.isArray(facts) ? (facts as readonly CaseFacts[]) : [...facts];
  const places = placesOf(dir, level, list);
  for (let k = 0; k < list.length; k++) {
    const i = places[k]!;
    if (i >= 0) addRegion(tally, i * REGION_COUNTS, list[k]!, w);
  }
  const area = areasOf(dir, level);
  const rows: RowFigures[] = [];
  regions.forEach((r, i) => {
    if (town !== undefined && (level === 'town' ? r.code : r.parentCode) !== town) return;
    const a = area.get(r.code);
    const { indicators, counts } = regionFigures(tally, i * REGION_COUNTS, a?.m2 ?? 0, a?.cells ?? 0, level);
    rows.push({ code: r.code, name: r.name, parentCode: r.parentCode, indicators, counts });
  });
  return rows;
}

type Region = { code: string; name: Localized; parentCode: string | null };

/**
 * Each case's region at a level (its place in regionsOf's list, −1 for none), kept per list of facts:
 * a case's region never changes, and the service hands the same list for a month until the month
 * gains a case, so a month's cells are looked up by code once, not at every request.
 */
const PLACES = new WeakMap<EvaluationDirectory, WeakMap<readonly CaseFacts[], Map<string, Int32Array>>>();
function placesOf(dir: EvaluationDirectory, level: 'town' | 'community' | 'cell', facts: readonly CaseFacts[]): Int32Array {
  let byList = PLACES.get(dir);
  if (!byList) PLACES.set(dir, (byList = new WeakMap()));
  let byLevel = byList.get(facts);
  if (!byLevel) byList.set(facts, (byLevel = new Map()));
  let places = byLevel.get(level);
  if (!places) {
    const at = regionIndexOf(dir, level);
    places = new Int32Array(facts.length);
    facts.forEach((f, k) => {
      places![k] = at.get(level === 'town' ? f.townCode : level === 'community' ? f.communityCode : f.gridCode) ?? -1;
    });
    byLevel.set(level, places);
  }
  return places;
}
/** Each region's place in regionsOf's list, once per directory and level. */
const REGION_INDEX = new WeakMap<EvaluationDirectory, Map<string, Map<string, number>>>();
function regionIndexOf(dir: EvaluationDirectory, level: 'town' | 'community' | 'cell'): Map<string, number> {
  let byLevel = REGION_INDEX.get(dir);
  if (!byLevel) REGION_INDEX.set(dir, (byLevel = new Map()));
  let index = byLevel.get(level);
  if (!index) byLevel.set(level, (index = new Map(regionsOf(dir, level).map((r, i) => [r.code, i]))));
  return index;
}
/** A level's regions, listed once per directory (a city has some 10,000 cells). */
const REGIONS = new WeakMap<EvaluationDirectory, Map<string, readonly Region[]>>();
function regionsOf(dir: EvaluationDirectory, level: 'town' | 'community' | 'cell'): readonly Region[] {
  let byLevel = REGIONS.get(dir);
  if (!byLevel) REGIONS.set(dir, (byLevel = new Map()));
  let regions = byLevel.get(level);
  if (!regions) {
    regions =
      level === 'town'
        ? dir.towns.map((t) => ({ code: t.code, name: t.name, parentCode: null }))
        : level === 'community'
          ? dir.communities.map((c) => ({ code: c.code, name: c.name, parentCode: c.townCode }))
          : dir.cells.map((c) => ({ code: c.code, name: named(c.code), parentCode: c.townCode }));
    byLevel.set(level, regions);
  }
  return regions;
}

/** Each region's area and cells, summed from its cells once per directory (the cells tile the city). */
const AREAS = new WeakMap<EvaluationDirectory, Map<string, Map<string, { m2: number; cells: number }>>>();
function areasOf(dir: EvaluationDirectory, level: 'town' | 'community' | 'cell'): Map<string, { m2: number; cells: number }> {
  let byLevel = AREAS.get(dir);
  if (!byLevel) AREAS.set(dir, (byLevel = new Map()));
  let area = byLevel.get(level);
  if (!area) {
    area = new Map();
    for (const c of dir.cells) {
      const key = level === 'town' ? c.townCode : level === 'community' ? c.communityCode : c.code;
      const a = area.get(key) ?? { m2: 0, cells: 0 };
      a.m2 += c.areaM2;
      a.cells += 1;
      area.set(key, a);
    }
    byLevel.set(level, area);
  }
  return area;
}

function unitRows(facts: Iterable<CaseFacts>, w: EvaluationWindow, dir: EvaluationDirectory, town: string | undefined, adj: Adjustments): RowFigures[] {
  const accs = new Map(dir.units.map((u) => [u.code, unitAcc()]));
  for (const f of facts) {
    if (town !== undefined && f.townCode !== town) continue;
    // Whether the case stood suspended when judged: looked up once, and only for a turn that is due.
    let suspended: boolean | null = null;
    for (const s of f.stints) {
      const acc = accs.get(s.unitCode);
      if (!acc) continue;
      // Judgements an upheld appeal waived (申诉): null for all but a few cases.
      const waived = adj.waived.size > 0 ? waivedFor(adj, f.id, s.unitCode) : null;
      if (s.returned && inWindow(s.endedAt, w) && !waived?.returned) acc.returns += 1;
      if (s.endedAt !== null && s.endedAt <= w.asOf) continue;
      const handledAt = s.handledAt !== null && s.handledAt <= w.asOf ? s.handledAt : null;
      if (!judged(s.deadlineAt, handledAt, w) || (suspended ??= suspendedAt(f, w.asOf))) continue;
      // Unhandled past its deadline, with the overdue waived: not the unit's to answer for in this period.
      if (handledAt === null && waived?.overdue) continue;
      acc.due += 1;
      if (s.extensions > 0 && !waived?.extension) acc.extended += 1;
      if (handledAt === null) {
        acc.overdueUnhandled += 1;
        continue;
      }
      acc.handled += 1;
      if (handledAt <= s.deadlineAt || waived?.overdue) acc.onTime += 1;
      if (waived?.rework) continue;
      if (s.reworks > 0) acc.reworked += 1;
      acc.reworks += s.reworks;
    }
  }
  return dir.units.map((u) => {
    const a = accs.get(u.code)!;
    return {
      code: u.code,
      name: u.name,
      parentCode: null,
      indicators: {
        handlingRate: ratio(a.handled, a.due),
        onTimeHandlingRate: ratio(a.onTime, a.due),
        reworkRate: ratio(a.reworked, a.handled),
        overdueUnhandledRate: ratio(a.overdueUnhandled, a.due),
        extensionRate: ratio(a.extended, a.due),
        returns: a.returns,
      },
      counts: { due: a.due, handled: a.handled, onTimeHandled: a.onTime, overdueUnhandled: a.overdueUnhandled, extended: a.extended, reworked: a.reworked, reworks: a.reworks, returns: a.returns },
    };
  });
}

function postRows(level: 'inspector' | 'acceptor' | 'shiftLead' | 'dispatcher', facts: Iterable<CaseFacts>, w: EvaluationWindow, dir: EvaluationDirectory, town?: string): RowFigures[] {
  const people = new Map<string, PostAcc>();
  const at = (actor: string) => person(people, actor, () => named(actor));
  const inspector = (who: { code: string; name: Localized }) => person(people, who.code, () => who.name);
  for (const f of facts) {
    if (town !== undefined && f.townCode !== town) continue;
    switch (level) {
      case 'acceptor':
        if (stepIn(f.intake, w) && f.intake.by !== null) {
          const p = at(f.intake.by);
          p.n += 1;
          if (f.intake.onTime) p.onTime += 1;
        }
        break;
      case 'shiftLead':
        // n, onTime: registrations; a: voided; b, c: close steps, on time.
        if (stepIn(f.registered, w) && f.registered.by !== null) {
          const p = at(f.registered.by);
          p.n += 1;
          if (f.registered.onTime) p.onTime += 1;
          if (f.closureKind === 'erroneous' && f.closedAt !== null && f.closedAt <= w.asOf) p.a += 1;
        }
        if (stepIn(f.close, w) && f.close.by !== null) {
          const p = at(f.close.by);
          p.b += 1;
          if (f.close.onTime) p.c += 1;
        }
        break;
      case 'dispatcher':
        // n: dispatches; a, b: from the dispatch stage, on time; c: given back.
        for (const d of f.dispatches) {
          if (!stepIn(d, w) || d.by === null) continue;
          const p = at(d.by);
          p.n += 1;
          if (d.fromRegistered) {
            p.a += 1;
            if (d.onTime) p.b += 1;
          }
          if (d.misdirected) p.c += 1;
        }
        break;
      case 'inspector': {
        // a, b: own reports decided, registered; n, onTime: confirmations; c, d: re-inspections, on time; e, f: registered in own cells, from the public.
        if (f.reportedBy !== null && inWindow(f.reportedAt, w) && f.intake !== null && f.intake.at <= w.asOf) {
          const who = dir.inspectorOf(f.reportedBy);
          const p = inspector(who);
          p.a += 1;
          if (!f.intake.rejected && f.registered !== null && f.registered.at <= w.asOf) p.b += 1;
        }
        for (const s of f.confirms) {
          if (!stepIn(s, w) || s.by === null) continue;
          const who = dir.inspectorOf(s.by);
          const p = inspector(who);
          p.n += 1;
          if (s.onTime) p.onTime += 1;
        }
        for (const s of f.verifications) {
          if (!stepIn(s, w) || s.by === null) continue;
          const who = dir.inspectorOf(s.by);
          const p = inspector(who);
          p.c += 1;
          if (s.onTime) p.d += 1;
        }
        if (stepIn(f.registered, w)) {
          const who = dir.inspectorOfCell(f.gridCode);
          if (who) {
            const p = inspector(who);
            p.e += 1;
            if (PUBLIC_SOURCES.includes(f.source)) p.f += 1;
          }
        }
        break;
      }
    }
  }
  return [...people].map(([code, p]) => ({ code, name: p.name, parentCode: null, ...postFigures(level, p) }));
}

function postFigures(level: 'inspector' | 'acceptor' | 'shiftLead' | 'dispatcher', p: PostAcc): Pick<RowFigures, 'indicators' | 'counts'> {
  switch (level) {
    case 'acceptor':
      return { indicators: { onTimeAcceptRate: ratio(p.onTime, p.n) }, counts: { decisions: p.n, onTime: p.onTime } };
    case 'shiftLead':
      return {
        indicators: { onTimeRegisterRate: ratio(p.onTime, p.n), accurateRegisterRate: ratio(p.n - p.a, p.n), onTimeCloseRate: ratio(p.c, p.b) },
        counts: { registrations: p.n, onTimeRegistrations: p.onTime, voided: p.a, closes: p.b, onTimeCloses: p.c },
      };
    case 'dispatcher':
      return {
        indicators: { onTimeDispatchRate: ratio(p.b, p.a), accurateDispatchRate: ratio(p.n - p.c, p.n) },
        counts: { dispatches: p.n, fromRegistered: p.a, onTimeDispatches: p.b, givenBack: p.c },
      };
    case 'inspector':
      return {
        indicators: { reportAccuracy: ratio(p.b, p.a), timelyConfirmRate: ratio(p.onTime, p.n), timelyVerifyRate: ratio(p.d, p.c), missRate: ratio(p.f, p.e) },
        counts: { reportsDecided: p.a, reportsRegistered: p.b, confirms: p.n, onTimeConfirms: p.onTime, verifications: p.c, onTimeVerifications: p.d, registeredInCells: p.e, publicInCells: p.f },
      };
  }
}
