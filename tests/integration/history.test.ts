import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView, IncidentPage, IncidentStatus, Team, Unit } from '../../shared/index.js';
import { getJson } from '../support/api.js';
import { createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { Incident } from '../support/types.js';

let server: TestServer;
let teams: (Team & { workload: number })[];

beforeAll(async () => {
  // Two simulated days: enough for every stage, quick to import.
  server = await startServer({ env: { HISTORY_DAYS: '2' } });
  teams = (await getJson<(Team & { workload: number })[]>(`${server.url}/api/teams`)).body;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

async function casesWith(status: IncidentStatus[]): Promise<Incident[]> {
  return (await getJson<IncidentPage>(`${server.url}/api/incidents?status=${status.join(',')}&limit=5000`)).body.items;
}

describe('the back-filled history', () => {
  it('is a record: a handled case names who did each step, and the team it is with', async () => {
    // A case awaiting verification (待核查), or, in a quiet hour with none, one already closed.
    const done = [...(await casesWith(['handled'])), ...(await casesWith(['closed']))];
    const c = done.find((i) => i.teamId !== null);
    expect(c, 'a handled past case with a team').toBeDefined();
    const view = (await getJson<CaseView>(`${server.url}/api/cases/${c!.id}`)).body;
    const team = teams.find((t) => t.id === view.case.teamId);
    expect(team?.categories).toContain(view.case.categoryCode);

    const [created, ...steps] = view.timeline;
    expect(created!.kind).toBe('created');
    let status: IncidentStatus = 'reported';
    for (const e of steps) {
      // Its category has a team on the roster: every step was someone's action, none a bare status change.
      expect(e.kind).toBe('case_action');
      expect(e.action!.actor.trim()).not.toBe('');
      expect(e.action).toMatchObject({ from: status, to: e.incident.status });
      status = e.incident.status;
    }
    const names = steps.map((e) => e.action!.name);
    expect(names.slice(0, 3)).toEqual(['accept', 'register', 'dispatch']);
    expect(names).toContain('report-handled');
    const byName = (n: string) => steps.filter((e) => e.action!.name === n);
    // Dispatched to the crew's unit; the crew the case was last sent to (by the centre, or by the
    // unit's desk) did the handling.
    expect(byName('dispatch').at(-1)!.incident.unitCode).toBe(team!.unitCode);
    const sentTo = steps.filter((e) => e.action!.name === 'dispatch' || e.action!.name === 'assign').at(-1)!;
    expect(sentTo.incident.teamId).toBe(team!.id);
    if (sentTo.action!.name === 'assign') expect(sentTo.action).toMatchObject({ role: 'unit', actor: `${team!.unitCode} 调度（模拟）` });
    expect(byName('report-handled').at(-1)!.action).toMatchObject({ actor: `${team!.name.zh}（模拟）`, role: 'field' });
    expect(byName('report-handled').at(-1)!.action!.note).toBeTruthy();
    expect(byName('accept')[0]!.action).toMatchObject({ role: 'dispatcher', actor: expect.stringMatching(/^受理员 /) });
    // From then on, every snapshot carries the team (a return clears it until the desk assigns another).
    const sent = steps.indexOf(sentTo);
    expect(steps.slice(sent).every((e) => e.incident.teamId === team!.id)).toBe(true);
  });

  it('dispatched every past case to a unit that handles its category where it lies (a town\'s own: that town), whose desk sees it', async () => {
    const units = (await getJson<Unit[]>(`${server.url}/api/units`)).body;
    const byCode = new Map(units.map((u) => [u.code, u]));
    const past = await casesWith(['dispatched', 'handling', 'handled', 'verified', 'closed', 'suspended']);
    const dispatched = past.filter((c) => c.unitCode !== null);
    // Merged duplicates close without a unit; every other case past registration has one.
    expect(dispatched.length).toBeGreaterThan(past.filter((c) => c.closureKind !== 'duplicate').length * 0.95);
    const kinds = new Set<string>();
    for (const c of dispatched) {
      const unit = byCode.get(c.unitCode!);
      expect(unit, c.unitCode!).toBeDefined();
      expect(unit!.categories, `${c.id} ${c.categoryCode} to ${c.unitCode}`).toContain(c.categoryCode);
      if (unit!.kind === 'town') expect(unit!.code).toBe(c.townCode);
      kinds.add(unit!.kind);
      // The crew, where one is named, is the unit's own.
      if (c.teamId !== null) expect(unit!.teams).toContain(c.teamId);
      // The handling clock runs from the dispatch: a unit that has the case has a deadline.
      expect(c.deadlineAt).not.toBeNull();
    }
    expect([...kinds].sort()).toEqual(['department', 'town']);
    // A unit's desk sees its open past cases in its queue.
    const open = dispatched.filter((c) => ['dispatched', 'handling', 'handled', 'suspended'].includes(c.status));
    const byUnit = new Map<string, Incident[]>();
    for (const c of open) byUnit.set(c.unitCode!, [...(byUnit.get(c.unitCode!) ?? []), c]);
    const [busiest] = [...byUnit].sort((a, b) => b[1].length - a[1].length);
    const desk: Credentials = { cookie: await createUser(server.url, server.adminCookie, 'history-desk', 'unit', undefined, undefined, busiest![0]) };
    const queue = await getJson<Incident[]>(`${server.url}/api/units/${busiest![0]}/cases`, desk);
    expect(queue.status).toBe(200);
    expect(queue.body.map((c) => c.id).sort()).toEqual(busiest![1].map((c) => c.id).sort());
  });

  it('counts the open past cases in each team’s workload, and a team’s crew sees them as its tasks', async () => {
    const open = await casesWith(['dispatched', 'handling']);
    const expected = new Map<string, number>();
    for (const c of open) if (c.teamId) expected.set(c.teamId, (expected.get(c.teamId) ?? 0) + 1);
    expect(expected.size).toBeGreaterThan(0);
    for (const t of teams) expect(t.workload, t.id).toBe(expected.get(t.id) ?? 0);

    const [busiest] = [...expected].sort((a, b) => b[1] - a[1]);
    const crew: Credentials = { cookie: await createUser(server.url, server.adminCookie, 'history-crew', 'field', 'history-crew-password', busiest![0]) };
    const tasks = (await getJson<Incident[]>(`${server.url}/api/tasks`, crew)).body;
    expect(tasks.map((t) => t.id).sort()).toEqual(open.filter((c) => c.teamId === busiest![0]).map((c) => c.id).sort());
  });
});
