import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CaseActionRequest, Incident, IncidentStatus, Team } from '../../shared/index.js';
import type { Principal } from '../../server/auth/principal.js';
import type { CaseService } from '../../server/case/caseService.js';
import type { RoadGraph } from '../../server/dispatch/roadGraph.js';
import { crewName, deskName } from '../../server/simulation/staff.js';
import { startTeamSimulator } from '../../server/simulation/teamSimulator.js';
import { Fleet } from '../../server/team/fleet.js';
import { cityWithTeams } from '../support/cityWithTeams.js';

let g: RoadGraph;
let teams: Team[];
beforeAll(() => {
  ({ g, teams } = cityWithTeams());
});

const T0 = Date.parse('2026-11-23T10:00:00+08:00');

/** An open case of a team (or of its unit's desk, with no team), as the store holds it after a back-fill. */
function openCase(id: string, team: Team, status: IncidentStatus, deadlineHours: number, arrived = false, atDesk = false): Incident {
  const at = new Date(T0).toISOString();
  const { lon, lat } = team.position!;
  return {
    id, seq: 1, version: 5, categoryCode: team.categories[0]!, lon: lon + 0.01, lat: lat + 0.005, gridCode: '320412100001001', townCode: team.townCode,
    communityCode: '320412100001', status, source: 'inspector', description: '', reportedAt: at, createdAt: at, updatedAt: at,
    deadlineAt: new Date(T0 + deadlineHours * 3_600_000).toISOString(), closeDeadlineAt: new Date(T0 + 48 * 3_600_000).toISOString(), closedAt: null,
    reporter: null, reportedBy: null, unitCode: team.unitCode, teamId: atDesk ? null : team.id, application: null, confirmedAt: null,
    urgeCount: 0, reworkCount: 0, suspendedFrom: null, closureKind: null, arrivedAt: arrived ? at : null, stageDeadlineAt: null, mergedInto: null, callback: null, number: null,
  };
}

/**
 * The store and the case service, in memory: actions move the cases as the workflow would, and each
 * committed change is handed to `published` (as the server hands it to the simulator). A unit desk's
 * candidates are its own unit's crews, in roster order.
 */
function world(cases: Incident[], published: (i: Incident) => void = () => {}) {
  const byId = new Map(cases.map((c) => [c.id, c]));
  const acted: { caseId: string; action: string; actor: string; teamId?: string }[] = [];
  const open = (c: Incident) => c.status === 'dispatched' || c.status === 'handling';
  const store = {
    incidents: { get: async (id: string) => byId.get(id) },
    cases: {
      ofTeam: async (teamId: string) =>
        [...byId.values()].filter((c) => c.teamId === teamId && open(c)).sort((a, b) => a.deadlineAt!.localeCompare(b.deadlineAt!) || a.id.localeCompare(b.id)),
      ofUnit: async (unitCode: string) => [...byId.values()].filter((c) => c.unitCode === unitCode && open(c)),
    },
  };
  const service = {
    candidates: async (id: string, reader: Principal) => {
      const c = byId.get(id)!;
      if (reader.unitCode !== c.unitCode) throw new Error('not_your_unit');
      return teams.filter((t) => t.unitCode === reader.unitCode).map((t) => ({ teamId: t.id, unitCode: t.unitCode }));
    },
    act: async (id: string, req: CaseActionRequest, actor: Principal) => {
      acted.push({ caseId: id, action: req.action, actor: actor.name, ...(req.teamId ? { teamId: req.teamId } : {}) });
      const c = byId.get(id)!;
      const next: Incident = { ...c, version: c.version + 1 };
      if (req.action === 'assign') next.teamId = req.teamId!;
      if (req.action === 'acknowledge') next.status = 'handling';
      if (req.action === 'arrive') next.arrivedAt = new Date().toISOString();
      if (req.action === 'report-handled') next.status = 'handled';
      byId.set(id, next);
      published(next);
      return next;
    },
  } as unknown as CaseService;
  return { store, service, acted, byId };
}

const quiet = { debug: () => {}, info: () => {} };
let stop: (() => void) | undefined;
afterEach(() => stop?.());

describe('the team simulator at start', () => {
  it('sends each team to its most urgent case still waiting for a crew, and leaves work in progress be', async () => {
    const [a, b, c] = [teams[0]!, teams[1]!, teams[2]!];
    const { store, service, acted } = world([
      // A's earliest deadline is a long job its crew has already reached: not a reason to drive.
      openCase('a-on-site', a, 'handling', 1, true),
      openCase('a-dispatched', a, 'dispatched', 3),
      openCase('a-later', a, 'dispatched', 9),
      // B acknowledged a case and was on its way when the history ended.
      openCase('b-en-route', b, 'handling', 2),
      // C's only case is in progress on site.
      openCase('c-on-site', c, 'handling', 2, true),
    ]);
    const fleet = new Fleet(g, teams);
    // A tick that never comes: only the start is under test here.
    const sim = startTeamSimulator({ fleet, cases: service, store, units: [], seed: 1, speed: 1, log: quiet, tickMs: 3_600_000 });
    stop = sim.stop;
    expect(await sim.resume()).toBe(2);
    expect([fleet.caseOf(a.id), fleet.caseOf(b.id), fleet.caseOf(c.id)]).toEqual(['a-dispatched', 'b-en-route', null]);
    expect(fleet.statusAt(a.id, T0)).toBe('en_route');
    expect(fleet.statusAt(b.id, T0)).toBe('en_route');
    await vi.waitFor(() => expect(acted).toHaveLength(1));
    // Only the dispatched case needed acknowledging, by the team's crew.
    expect(acted).toEqual([{ caseId: 'a-dispatched', action: 'acknowledge', actor: crewName(a) }]);
  });

  it('works through a team’s waiting cases one after another', async () => {
    const a = teams[0]!;
    const { store, service, acted, byId } = world([openCase('first', a, 'dispatched', 1), openCase('second', a, 'dispatched', 2)]);
    const fleet = new Fleet(g, teams);
    // Fast enough that a drive and a stay on site take a few ticks.
    const sim = startTeamSimulator({ fleet, cases: service, store, units: [], seed: 1, speed: 100_000, log: quiet, tickMs: 5 });
    stop = sim.stop;
    await sim.resume();
    await vi.waitFor(() => expect(byId.get('second')!.status).toBe('handled'), { timeout: 5000, interval: 10 });
    expect(acted.map((x) => `${x.caseId} ${x.action}`)).toEqual([
      'first acknowledge', 'first arrive', 'first report-handled',
      'second acknowledge', 'second arrive', 'second report-handled',
    ]);
  });

  it("has a unit's desk assign a case waiting for a crew to one of the unit's own crews, which then handles it", async () => {
    const crew = teams.find((t) => t.unitCode === 'shuiwu')!;
    // The simulator hears of each change as the server tells it (once it has started).
    const hears: { committed?: (i: Incident) => void } = {};
    const { store, service, acted, byId } = world([openCase('at-desk', crew, 'dispatched', 4, false, true)], (i) => hears.committed?.(i));
    const fleet = new Fleet(g, teams);
    const sim = startTeamSimulator({ fleet, cases: service, store, units: ['shuiwu', 'ranqi'], seed: 1, speed: 100_000, log: quiet, tickMs: 5 });
    hears.committed = (i) => sim.onCommitted([{ seq: 1, kind: 'case_action', at: new Date().toISOString(), incident: i }]);
    stop = sim.stop;
    // No team has the case yet: none sets off at start; the desk finds it in its queue.
    expect(await sim.resume()).toBe(0);
    await vi.waitFor(() => expect(byId.get('at-desk')!.status).toBe('handled'), { timeout: 5000, interval: 10 });
    expect(acted.map((x) => `${x.action} ${x.actor}`)).toEqual([
      `assign ${deskName('shuiwu')}`, `acknowledge ${crewName(crew)}`, `arrive ${crewName(crew)}`, `report-handled ${crewName(crew)}`,
    ]);
    // The crew assigned is the unit's own.
    expect(teams.find((t) => t.id === acted[0]!.teamId)!.unitCode).toBe('shuiwu');
  });
});
