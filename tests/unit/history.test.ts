import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTION_RULES,
  applyCaseAction,
  reportedCaseState,
  roleMay,
  TOWN_DEPARTMENT,
  unitHandles,
  unitsOf,
  type CaseState,
  type City,
  type IncidentStatus,
  type Team,
} from '../../shared/index.js';
import { onDuty } from '../../shared/workflow/teamShift.js';
import { buildWorkCalendar } from '../../shared/workflow/workCalendar.js';
import { loadCalendarDefaults } from '../../server/calendar/workCalendarService.js';
import { CaseClock } from '../../server/case/caseClock.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { GridIndex } from '../../server/grid/gridIndex.js';
import { IncidentService } from '../../server/incident/incidentService.js';
import { HistoricalIncidentRecord, type HistoricalIncident, type HistoricalTransition } from '../../server/incident/intake.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { SeededRandom } from '../../server/seededRandom.js';
import { basesByCategory, chooseSquad, generateHistory, simulateLifecycle, type TeamBase } from '../../server/simulation/history.js';
import { buildSimModel, type SimModel } from '../../server/simulation/model.js';
import { crewName, deskName, dutyStaff } from '../../server/simulation/staff.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import { teamsFromBases } from '../../server/team/teamRoster.js';
import { makeDataDir, removeDataDir } from '../support/server.js';

const catalog = loadCatalog();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Monday 2026-11-23 10:00 China time: a busy morning, with cases open at every stage.
const TO = Date.parse('2026-11-23T10:00:00+08:00');

let city: City;
let model: SimModel;
let grid: GridIndex;
/** The default roster with 1, 2 and 3 squads a base (TEAMS_PER_BASE). */
const rosters: Team[][] = [];

beforeAll(() => {
  city = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: 320412 }).city;
  grid = new GridIndex(city.layers.grid.features);
  model = buildSimModel({ city, categories: catalog.categories, isInsideCity: (lon, lat) => grid.locate(lon, lat) >= 0, townAt: (lon, lat) => city.layers.grid.features[grid.locate(lon, lat)]?.properties.townCode });
  for (const perBase of [1, 2, 3]) rosters.push(teamsFromBases(city.layers['team-bases'].features, catalog.categories, perBase));
});

const FIELD_ACTIONS = new Set(['acknowledge', 'arrive', 'report-handled', 'return']);
/** The unit desk's own actions (二级派遣, applications). */
const DESK_ACTIONS = new Set(['assign', 'apply']);
/** Actions whose real timeline entry says why or what was done. */
const NOTED = new Set(['reject', 'suspend', 'return', 'rework', 'report-handled', 'apply']);
/** A case's state before its first step; the deadlines do not matter to which steps are legal. */
const reported = (): CaseState => reportedCaseState({ stageDeadlineAt: null });
const workflowCtx = (now: number) => ({
  now,
  addLimitHours: (from: number, h: number) => from + h * HOUR,
  stageDeadline: (_: unknown, from: number) => from + HOUR,
  handlingDeadline: (from: number) => from + 8 * HOUR,
  closeDeadline: (from: number) => from + 48 * HOUR,
});

/** The unit responsible for a case, as the history names it: the category's department, or the town it lies in. */
function unitFor(categoryCode: string, lon: number, lat: number): string | undefined {
  const category = catalog.byCode(categoryCode)!;
  if (category.department !== TOWN_DEPARTMENT) return category.department;
  return city.layers.grid.features[grid.locate(lon, lat)]?.properties.townCode;
}

/**
 * Checks one past case's steps against the shared workflow and the roster: every action is legal
 * from the state before it and leads to the status recorded, is taken by a role that may, a field
 * action by the crew of the team the case is with, a desk's action by the desk of the unit it is
 * with; dispatches go to the unit responsible (`unitCode`), with or without a crew of that unit that
 * handles the category; the desk assigns only its own crews; bare status changes only where the unit
 * has no crew on the roster.
 */
function expectFaithful(steps: readonly HistoricalTransition[], categoryCode: string, unitCode: string, teams: readonly Team[], reportedAt: number, toMs: number): void {
  const byId = new Map(teams.map((t) => [t.id, t]));
  const crewed = teams.some((t) => t.unitCode === unitCode && t.categories.includes(categoryCode));
  let state = reported();
  let t = reportedAt;
  let returnedBy: string | null = null;
  for (const step of steps) {
    const at = Date.parse(step.at);
    expect(at).toBeGreaterThan(t);
    expect(at).toBeLessThan(toMs);
    t = at;
    const a = step.action;
    if (!a) {
      // Only a unit with no crew on the roster leaves steps nobody on record took: its crew's work.
      expect(crewed).toBe(false);
      expect(['handling', 'handled']).toContain(step.status);
      state = { ...state, status: step.status };
      continue;
    }
    const rule = ACTION_RULES[a.name];
    expect(rule.from, `${a.name} from ${state.status}`).toContain(state.status);
    expect(roleMay(a.role, rule.permission), `${a.role} may ${a.name}`).toBe(true);
    if (a.name === 'dispatch') {
      expect(a.unitCode).toBe(unitCode);
    } else {
      expect(a.unitCode).toBeUndefined();
    }
    if (a.name === 'dispatch' || a.name === 'assign') {
      if (a.name === 'assign') expect(a.teamId).toBeDefined();
      if (a.teamId !== undefined) {
        const team = byId.get(a.teamId);
        expect(team?.categories).toContain(categoryCode);
        expect(team?.unitCode).toBe(unitCode);
      }
    } else {
      expect(a.teamId).toBeUndefined();
    }
    if (FIELD_ACTIONS.has(a.name)) {
      expect(a.role).toBe('field');
      expect(a.actor).toBe(crewName(byId.get(state.teamId!)!));
    } else if (DESK_ACTIONS.has(a.name)) {
      expect(a.role).toBe('unit');
      expect(a.actor).toBe(deskName(state.unitCode!));
    } else {
      expect(a.actor).toMatch(/^(受理员|值班长|派遣员|监督员) \p{Script=Han}{2,3}$/u);
    }
    if (NOTED.has(a.name)) expect(a.note?.length).toBeGreaterThan(2);
    if (a.name === 'return') returnedBy = state.teamId;
    state = applyCaseAction(state, { action: a.name, unitCode: a.unitCode, teamId: a.teamId, note: a.note, application: a.application, decision: a.decision }, workflowCtx(at));
    expect(state.status).toBe(step.status);
    // A team that sent the case back is not sent it again.
    if ((a.name === 'dispatch' || a.name === 'assign') && returnedBy !== null) expect(state.teamId).not.toBe(returnedBy);
  }
}

describe('the history generator', () => {
  it('takes each step as a legal workflow action, by a role that may, naming a team that handles the category', () => {
    const staff = dutyStaff(7);
    const basesOf = rosters.map(basesByCategory);
    const [w, s, e, n] = city.meta.bbox;
    fc.assert(
      fc.property(
        fc.constantFrom(...catalog.categories),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }),
        fc.integer({ min: 1, max: 40 * DAY }),
        fc.integer(),
        fc.integer({ min: 0, max: 2 }),
        (category, x, y, reportedAt, horizon, seed, roster) => {
          const lon = w + (e - w) * x;
          const lat = s + (n - s) * y;
          // A town's own category needs a town: a point inside the city.
          const unitCode = unitFor(category.code, lon, lat);
          fc.pre(unitCode !== undefined);
          // The bases of the unit's own crews (as pastIncidents picks them).
          const bases = (basesOf[roster]!.get(category.code) ?? []).filter((b) => b.squads.some((q) => q.team.unitCode === unitCode));
          const past = { category, lon, lat, reportedAt, bases, unitCode: unitCode!, staff };
          const steps = simulateLifecycle(past, reportedAt + horizon, new SeededRandom(seed));
          expectFaithful(steps, category.code, unitCode!, rosters[roster]!, reportedAt, reportedAt + horizon);
          // The same case and seed: the same life.
          expect(simulateLifecycle(past, reportedAt + horizon, new SeededRandom(seed))).toEqual(steps);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('over two days of the default city: faithful cases, every path the workflow offers, open ones with their teams', () => {
    const teams = rosters[0]!;
    const history = generateHistory(model, 20261123, TO - 2 * DAY, TO, teams);
    expect(history.length).toBeGreaterThan(1500);
    const units = unitsOf(catalog.departments, city.meta.towns, catalog.categories, teams);
    const actions = new Set<string>();
    for (const h of history) {
      const { categoryCode, lon, lat } = h.report;
      const unitCode = unitFor(categoryCode, lon, lat)!;
      expectFaithful(h.transitions, categoryCode, unitCode, teams, Date.parse(h.report.reportedAt), TO);
      for (const s of h.transitions) if (s.action) actions.add(s.action.name);
      // Every dispatch goes to a unit that handles the category where the case lies.
      const townCode = city.layers.grid.features[grid.locate(lon, lat)]!.properties.townCode;
      for (const s of h.transitions) if (s.action?.name === 'dispatch') expect(unitHandles(units.find((u) => u.code === s.action!.unitCode)!, categoryCode, townCode)).toBe(true);
      // Every unit has its crews on the default roster: nobody's bare status changes.
      expect(h.transitions.every((s) => s.action !== undefined)).toBe(true);
    }
    expect([...actions].sort()).toEqual([
      'accept', 'acknowledge', 'apply', 'arrive', 'assign', 'close', 'decide', 'dispatch', 'register', 'reject', 'report-handled', 'return', 'rework', 'suspend', 'verify',
    ]);
    // Cases still with a unit at the end name it; most of the city's cases have one; some wait at a desk first.
    const withUnit = history.filter((h) => h.transitions.some((s) => s.action?.name === 'dispatch'));
    expect(withUnit.length / history.length).toBeGreaterThan(0.7);
    const viaDesk = withUnit.filter((h) => h.transitions.find((s) => s.action?.name === 'dispatch')!.action!.teamId === undefined);
    expect(viaDesk.length / withUnit.length).toBeGreaterThan(0.2);
    expect(viaDesk.length / withUnit.length).toBeLessThan(0.5);
    // Town categories go to the town where the case lies, not to one catch-all unit.
    const townUnits = new Set(withUnit.filter((h) => catalog.byCode(h.report.categoryCode)!.department === TOWN_DEPARTMENT).map((h) => h.transitions.find((s) => s.action?.name === 'dispatch')!.action!.unitCode));
    expect(townUnits.size).toBeGreaterThan(1);
    for (const u of townUnits) expect(city.meta.towns.map((t) => t.code)).toContain(u);
    // Night work goes to the teams on duty at night; to one off duty only where the unit has none on duty then.
    const byId = new Map(teams.map((t) => [t.id, t]));
    let offDuty = 0;
    let sent = 0;
    for (const h of withUnit) {
      const unitCode = h.transitions.find((s) => s.action?.name === 'dispatch')!.action!.unitCode;
      // A team that sent the case back is not sent it again (chooseSquad's `except`).
      let crew: string | undefined;
      const returned = new Set<string>();
      for (const s of h.transitions) {
        if (s.action?.name === 'return' && crew) returned.add(crew);
        if ((s.action?.name !== 'dispatch' && s.action?.name !== 'assign') || s.action.teamId === undefined) continue;
        crew = s.action.teamId;
        sent += 1;
        const at = Date.parse(s.at);
        if (onDuty(byId.get(s.action.teamId)!.shift, at)) continue;
        offDuty += 1;
        const able = teams.filter((t) => t.unitCode === unitCode && t.categories.includes(h.report.categoryCode) && !returned.has(t.id));
        expect(able.some((t) => onDuty(t.shift, at)), `${h.report.categoryCode} ${s.action.name} at ${s.at}`).toBe(false);
      }
    }
    // The exception, not the rule.
    expect(offDuty / sent).toBeLessThan(0.1);
  });

  it('is the same for the same seed: cases, steps, people and teams', () => {
    const teams = rosters[1]!;
    const a = generateHistory(model, 42, TO - DAY / 2, TO, teams);
    expect(generateHistory(model, 42, TO - DAY / 2, TO, teams)).toEqual(a);
    const other = generateHistory(model, 43, TO - DAY / 2, TO, teams);
    expect(other).not.toEqual(a);
    expect(dutyStaff(42)).toEqual(dutyStaff(42));
    expect(dutyStaff(43)).not.toEqual(dutyStaff(42));
    const names = [...dutyStaff(42).groups.flatMap((g) => Object.values(g)), ...dutyStaff(42).inspectors].map((p) => p.actor.split(' ')[1]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('records from outside pass the boundary schema only when well formed', () => {
    const sample = generateHistory(model, 5, TO - 3 * HOUR, TO, rosters[0]!);
    for (const h of sample) expect(HistoricalIncidentRecord.safeParse(h).success).toBe(true);
    const one = sample.find((h) => h.transitions.length > 0)!;
    const bad = (transitions: unknown) => HistoricalIncidentRecord.safeParse({ ...one, transitions }).success;
    expect(bad([{ status: 'accepted', at: one.transitions[0]!.at }])).toBe(true);
    expect(bad([{ status: 'accepted', at: one.transitions[0]!.at, action: { name: 'approve', actor: 'x', role: 'dispatcher' } }])).toBe(false);
    expect(bad([{ status: 'accepted', at: one.transitions[0]!.at, action: { name: 'accept', actor: 'x', role: 'mayor' } }])).toBe(false);
    expect(bad([{ status: 'accepted', at: 'yesterday' }])).toBe(false);
  });
});

describe('choosing a team', () => {
  const team = (id: string, shift: Team['shift']): Team => ({
    id, name: { zh: id, en: id }, department: 'huanwei', unitCode: 'huanwei', baseId: `base-${id}`, townCode: '1', categories: ['E0102'], members: 4, shift,
    status: 'available', position: { lon: 0, lat: 0, at: new Date(0).toISOString() },
  });
  const at = (id: string, lon: number, shift: Team['shift']) => ({ ...team(id, shift), position: { lon, lat: 31.7, at: new Date(0).toISOString() } });
  // 03:00 China time.
  const night = Date.parse('2026-11-23T03:00:00+08:00');
  const day = Date.parse('2026-11-23T10:00:00+08:00');
  const bases = (): TeamBase[] => basesByCategory([at('near', 120.0, { start: '05:00', end: '21:00' }), at('mid', 120.05, { start: '00:00', end: '24:00' }), at('far', 120.2, { start: '00:00', end: '24:00' })]).get('E0102')!;

  it('sends a squad on duty from the nearest base, now and then from the next, never one that sent it back', () => {
    const pick = (when: number, seed: number, except?: string) => chooseSquad(bases(), 120.0, 31.7, when, new SeededRandom(seed), except)!.team.id;
    const byDay = Array.from({ length: 200 }, (_, s) => pick(day, s));
    expect(new Set(byDay)).toEqual(new Set(['near', 'mid']));
    expect(byDay.filter((id) => id === 'near').length).toBeGreaterThan(120);
    // At night the nearest base is closed: its neighbours take the work.
    expect(new Set(Array.from({ length: 100 }, (_, s) => pick(night, s)))).toEqual(new Set(['mid', 'far']));
    expect(Array.from({ length: 100 }, (_, s) => pick(day, s, 'near'))).not.toContain('near');
  });

  it('falls back to the nearest off-duty squad rather than none, and to none without a base', () => {
    const closed = basesByCategory([at('only', 120.0, { start: '05:00', end: '21:00' })]).get('E0102')!;
    expect(chooseSquad(closed, 120.0, 31.7, night, new SeededRandom(1))?.team.id).toBe('only');
    expect(chooseSquad([], 120.0, 31.7, night, new SeededRandom(1))).toBeNull();
  });
});

describe('importing history', () => {
  let dir: string;
  let store: SqliteStore;
  let service: IncidentService;
  let issued = 0;
  let lastId = '';
  const calendar = buildWorkCalendar(loadCalendarDefaults());
  const clock = new CaseClock(catalog.stageLimits, () => calendar);

  beforeAll(() => {
    dir = makeDataDir();
    store = new SqliteStore(join(dir, 'gw.db'));
    service = new IncidentService({
      store,
      categoryOf: (code) => catalog.byCode(code),
      cellAt: (lon, lat) => city.layers.grid.features[grid.locate(lon, lat)]?.properties,
      clock,
      onCommitted: () => {},
      now: () => TO,
      newId: () => (lastId = `past-${String(++issued).padStart(6, '0')}`),
    });
  });
  afterAll(async () => {
    await store.close();
    removeDataDir(dir);
  });

  it('replays every action through the workflow: the timeline names who did what, the row holds the team', async () => {
    const teams = rosters[0]!;
    const history = generateHistory(model, 11, TO - DAY, TO, teams);
    const template = history.find((h) => h.transitions[0]?.action?.name === 'accept')!;
    const at = (minutes: number) => new Date(Date.parse(template.report.reportedAt) + minutes * 60_000).toISOString();
    const crafted: HistoricalIncident[] = [
      // Verified straight from reported: the workflow refuses it.
      { report: template.report, transitions: [{ status: 'verified', at: at(5), action: { name: 'verify', actor: '监督员 某', role: 'inspector' } }] },
      // A role that may not accept.
      { report: template.report, transitions: [{ status: 'accepted', at: at(5), action: { name: 'accept', actor: '湖塘环卫所', role: 'field' } }] },
      // An action whose outcome contradicts the status recorded.
      { report: template.report, transitions: [{ status: 'registered', at: at(5), action: { name: 'accept', actor: '受理员 某', role: 'dispatcher' } }] },
      // A dispatch to a team the roster does not know.
      {
        report: template.report,
        transitions: [
          { status: 'accepted', at: at(5), action: { name: 'accept', actor: '受理员 某', role: 'dispatcher' } },
          { status: 'registered', at: at(6), action: { name: 'register', actor: '值班长 某', role: 'dispatcher' } },
          { status: 'dispatched', at: at(7), action: { name: 'dispatch', actor: '派遣员 某', role: 'dispatcher', teamId: 'team-404' } },
        ],
      },
    ];
    // An older record that only knew the statuses: kept, as status changes.
    const legacy: HistoricalIncident = { report: template.report, transitions: [{ status: 'accepted', at: at(5) }, { status: 'registered', at: at(9) }] };
    const known = new Set(teams.map((t) => t.id));
    const stored = await service.importHistory([...history, ...crafted, legacy], { teamExists: (id) => known.has(id) });
    expect(stored).toBe(history.length + 1);

    const open = new Map<string, number>();
    const units = unitsOf(catalog.departments, city.meta.towns, catalog.categories, teams);
    const iso = (t: number) => new Date(t).toISOString();
    let atDesk = 0;
    const ids = (await store.incidents.list({ limit: 5000 })).items.map((i) => i.id);
    expect(ids).toHaveLength(stored);
    for (const id of ids) {
      const timeline = await store.incidents.timelineOf(id);
      const now = (await store.incidents.get(id))!;
      const category = catalog.byCode(now.categoryCode)!;
      expect(timeline[timeline.length - 1]!.incident).toEqual(now);
      let status: IncidentStatus = 'reported';
      for (const e of timeline.slice(1)) {
        if (e.kind === 'case_action') {
          expect(e.action).toMatchObject({ from: status, to: e.incident.status });
          expect(e.action!.actor.length).toBeGreaterThan(2);
          if (e.action!.name === 'dispatch') {
            // To a unit that handles the category where the case lies (a town's own category: that town).
            const unit = units.find((u) => u.code === e.incident.unitCode);
            expect(unit && unitHandles(unit, now.categoryCode, now.townCode), `${now.categoryCode} in ${now.townCode} to ${e.incident.unitCode}`).toBe(true);
            // A unit's clock runs from its dispatch; the closure's from the registration.
            if (!timeline.some((x) => x.action?.name === 'decide')) expect(e.incident.deadlineAt).toBe(iso(clock.handlingDeadline(category, Date.parse(e.at))));
          }
          if (e.action!.name === 'register') expect(e.incident.closeDeadlineAt).toBe(iso(clock.closeDeadline(category, Date.parse(e.at))));
          // A crew named is one of the unit's own.
          if (e.incident.teamId !== null) expect(teams.find((t) => t.id === e.incident.teamId)?.unitCode).toBe(e.incident.unitCode);
        } else {
          expect(e.kind).toBe('status_changed');
        }
        status = e.incident.status;
      }
      const dispatched = timeline.some((e) => e.action?.name === 'dispatch');
      if (['dispatched', 'handling', 'handled', 'verified', 'closed'].includes(now.status) && dispatched) expect(now.unitCode).not.toBeNull();
      // A crew once acknowledged; only a case waiting at its unit's desk has none.
      if (['handling', 'handled', 'verified', 'closed'].includes(now.status) && dispatched) expect(now.teamId).not.toBeNull();
      if (now.status === 'dispatched' && now.teamId === null) atDesk += 1;
      if (dispatched) expect(now.deadlineAt).not.toBeNull();
      else expect(now.deadlineAt).toBeNull();
      if (now.status === 'closed') expect(['normal', 'overdue']).toContain(now.closureKind);
      if (timeline.some((e) => e.action?.name === 'rework')) expect(now.reworkCount).toBe(1);
      if (now.teamId && (now.status === 'dispatched' || now.status === 'handling')) open.set(now.teamId, (open.get(now.teamId) ?? 0) + 1);
    }
    expect(open.size).toBeGreaterThan(0);
    expect(atDesk).toBeGreaterThan(0);
    expect(await store.cases.workloadByTeam()).toEqual(open);
    // The legacy record came last.
    expect((await store.incidents.timelineOf(lastId)).map((e) => e.kind)).toEqual(['created', 'status_changed', 'status_changed']);
  });

  it('imports a past older than a live report may be (REPORT_MAX_AGE_DAYS), which a live report of the same day is refused', async () => {
    const longAgo = generateHistory(model, 12, TO - 61 * DAY, TO - 60 * DAY, rosters[0]!);
    expect(longAgo.length).toBeGreaterThan(0);
    const before = (await store.incidents.list({ limit: 5000 })).items.length;
    expect(await service.importHistory(longAgo)).toBe(longAgo.length);
    expect((await store.incidents.list({ limit: 5000 })).items.length).toBe(before + longAgo.length);
    // The same report sent live (now = TO) is 60 days old: refused, and nothing stored.
    const live = service.report(longAgo[0]!.report);
    await expect(live).rejects.toMatchObject({ status: 422, code: 'reported_too_early' });
    for (const reportedAt of ['0001-01-01T00:00:00Z', '1900-01-01T00:00:00Z', '1970-01-01T00:00:00Z']) {
      await expect(service.report({ ...longAgo[0]!.report, reportedAt })).rejects.toMatchObject({ code: 'reported_too_early' });
    }
    expect((await store.incidents.list({ limit: 5000 })).items.length).toBe(before + longAgo.length);
  });
});
