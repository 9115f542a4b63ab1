import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuggestionBatch, type Candidate, type Team } from '../../shared/index.js';
import { getJson, pointsInCells, postJson } from '../support/api.js';
import { createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection, Incident } from '../support/types.js';

let server: TestServer;
let cells: FeatureCollection['features'];
let teams: Team[];
let leader: Credentials;
let inspector: Credentials;
/** Registered cases, oldest first. */
const waiting: Incident[] = [];

type Answer = { case: Incident } & Partial<ApiError>;
const act = (id: string, body: Record<string, unknown>, who?: Credentials) => postJson<Answer>(`${server.url}/api/cases/${id}/actions`, body, who);
const suggestions = async (query = '', who?: Credentials) => getJson<SuggestionBatch & Partial<ApiError>>(`${server.url}/api/dispatch/suggestions${query}`, who);

/** Reports an exposed-garbage case `minutesAgo` ago and takes it to `registered`. */
async function registeredCase(i: number, minutesAgo: number): Promise<Incident> {
  const [p] = pointsInCells(cells, 1, 211 + i * 613);
  const reportedAt = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const posted = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: p!.lon, lat: p!.lat, description: `暴露垃圾 ${i}`, reportedAt });
  expect(posted.status, server.logs.slice(-5).join('\n')).toBe(201);
  let c = posted.body;
  for (const action of ['accept', 'register'] as const) {
    const res = await act(c.id, { action, version: c.version });
    expect(res.status).toBe(200);
    c = res.body.case;
  }
  expect(c.status).toBe('registered');
  return c;
}

beforeAll(async () => {
  server = await startServer();
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  teams = (await getJson<Team[]>(`${server.url}/api/teams`)).body;
  leader = { cookie: await createUser(server.url, server.adminCookie, 'leader-s', 'leader') };
  inspector = { cookie: await createUser(server.url, server.adminCookie, 'inspector-s', 'inspector') };
  // Reported in a shuffled order of age, so the store's order is not the answer's.
  const ages = [50, 300, 10, 200, 120, 30, 240, 90];
  const made = [];
  for (const [i, age] of ages.entries()) made.push({ age, c: await registeredCase(i, age) });
  waiting.push(...made.sort((a, b) => b.age - a.age).map((m) => m.c));
  // Older, but not waiting for a team: only reported, not registered.
  await postJson(`${server.url}/api/incidents`, { categoryCode: 'E0102', lon: waiting[0]!.lon, lat: waiting[0]!.lat, reportedAt: new Date(Date.now() - 999 * 60_000).toISOString() });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

describe('GET /api/dispatch/suggestions', () => {
  it('suggests for the oldest registered cases first, no team twice, each its best candidate still free', async () => {
    const res = await suggestions('?limit=50');
    expect(res.status).toBe(200);
    const batch = SuggestionBatch.parse(res.body);
    expect(batch.waiting).toBe(waiting.length);
    expect(batch.suggestions.map((s) => s.caseId)).toEqual(waiting.map((c) => c.id));
    expect(batch.suggestions.map((s) => s.version)).toEqual(waiting.map((c) => c.version));

    // The same greedy over each case's own ranking, as GET /api/cases/:id/candidates gives it (the
    // fleet does not move with the simulator off).
    const taken = new Set<string>();
    for (const s of batch.suggestions) {
      const own = (await getJson<Candidate[]>(`${server.url}/api/cases/${s.caseId}/candidates`)).body;
      const expected = own.find((c) => !taken.has(c.teamId));
      if (expected) {
        expect(s.teamId).toBe(expected.teamId);
        expect(s.etaSeconds).toBe(expected.etaSeconds);
        expect(s.route?.coordinates.at(-1)).toEqual(expected.route.coordinates.at(-1));
        expect(teams.find((t) => t.id === s.teamId)!.categories).toContain('E0102');
        // To the crew's own unit.
        expect(s.unitCode).toBe(teams.find((t) => t.id === s.teamId)!.unitCode);
        taken.add(expected.teamId);
      } else {
        expect(s.teamId).toBeNull();
        expect(s.reason).toBe(own.length === 0 ? 'no_candidate' : 'candidates_taken');
        // No crew to name: the unit responsible itself, whose desk sends one.
        expect(s.unitCode).toBe('huanwei');
      }
    }
    expect(taken.size).toBeGreaterThan(0);
    // The oldest case gets its best team.
    const oldestBest = (await getJson<Candidate[]>(`${server.url}/api/cases/${waiting[0]!.id}/candidates`)).body[0]!;
    expect(batch.suggestions[0]!.teamId).toBe(oldestBest.teamId);
  });

  it('gives ten by default and the oldest `limit` when asked for fewer', async () => {
    const three = await suggestions('?limit=3');
    expect(three.status).toBe(200);
    expect(three.body.suggestions.map((s) => s.caseId)).toEqual(waiting.slice(0, 3).map((c) => c.id));
    expect(three.body.waiting).toBe(waiting.length);
    const byDefault = await suggestions();
    expect(byDefault.body.suggestions).toHaveLength(Math.min(10, waiting.length));
  });

  it('is applied with the ordinary dispatch action; a case its crew sends back waits at its unit, which returns it to the centre by an application; then it is suggested again, never to the team that returned it', async () => {
    const first = (await suggestions('?limit=1')).body.suggestions[0]!;
    expect(first.teamId).not.toBeNull();
    const dispatched = await act(first.caseId, { action: 'dispatch', unitCode: first.unitCode, teamId: first.teamId, version: first.version });
    expect(dispatched.status).toBe(200);
    expect(dispatched.body.case).toMatchObject({ unitCode: first.unitCode, teamId: first.teamId });
    // A stale version (someone acted first) is refused, as for any action.
    const stale = await act(first.caseId, { action: 'dispatch', teamId: first.teamId, version: first.version });
    expect(stale.status).toBe(409);

    const after = (await suggestions('?limit=50')).body;
    expect(after.waiting).toBe(waiting.length - 1);
    expect(after.suggestions.map((s) => s.caseId)).not.toContain(first.caseId);

    // The team sends it back: to its unit's desk (still dispatched to the unit, no crew), not to the centre.
    const crew = { cookie: await createUser(server.url, server.adminCookie, 'crew-s', 'field', 'crew-s-password', first.teamId!) };
    const returned = await act(first.caseId, { action: 'return', version: dispatched.body.case.version, note: '不属于本队职责' }, crew);
    expect(returned.status).toBe(200);
    expect(returned.body.case).toMatchObject({ status: 'dispatched', unitCode: first.unitCode, teamId: null, deadlineAt: dispatched.body.case.deadlineAt });
    expect((await suggestions('?limit=50')).body.waiting).toBe(waiting.length - 1);
    // The unit's desk is not offered that crew again among its own.
    const desk = { cookie: await createUser(server.url, server.adminCookie, 'desk-s', 'unit', 'desk-s-password', undefined, first.unitCode!) };
    const own = await getJson<Candidate[]>(`${server.url}/api/cases/${first.caseId}/candidates`, desk);
    expect(own.status).toBe(200);
    expect(own.body.map((c) => c.teamId)).not.toContain(first.teamId);
    expect(own.body.every((c) => c.unitCode === first.unitCode)).toBe(true);
    // The unit applies to return it (申请回退), the centre agrees: registered again, first in line (the oldest report).
    const applied = await act(first.caseId, { action: 'apply', version: returned.body.case.version, application: { kind: 'return' }, note: '不属于本单位职责' }, desk);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const decided = await act(first.caseId, { action: 'decide', version: applied.body.case.version, decision: 'approve' });
    expect(decided.status).toBe(200);
    expect(decided.body.case).toMatchObject({ status: 'registered', unitCode: null, teamId: null, deadlineAt: null, application: null });
    const again = (await suggestions('?limit=50')).body;
    expect(again.waiting).toBe(waiting.length);
    expect(again.suggestions[0]!.caseId).toBe(first.caseId);
    expect(again.suggestions[0]!.version).toBe(decided.body.case.version);
    // 退回 says "not ours": the team that sent it back is neither suggested nor ranked for it again,
    // though it is free and still the nearest (it never set off). At night it may be the only one of
    // its department on duty, so the case may be left with no team: that is the honest answer.
    expect(again.suggestions[0]!.teamId).not.toBe(first.teamId);
    const ranked = (await getJson<Candidate[]>(`${server.url}/api/cases/${first.caseId}/candidates`)).body;
    expect(ranked.map((c) => c.teamId)).not.toContain(first.teamId);
    const free = (await getJson<Team[]>(`${server.url}/api/teams`)).body.find((t) => t.id === first.teamId)!;
    expect(free.status).toBe('available');
  });

  it('refuses a bad limit with 400 invalid_request', async () => {
    for (const q of ['?limit=0', '?limit=51', '?limit=abc', '?limit=2.5', '?limit=', '?limit=1&limit=2', '?other=1']) {
      const res = await suggestions(q);
      expect(res.status, q).toBe(400);
      expect(res.body.error?.code, q).toBe('invalid_request');
    }
  });

  it('is for roles that may dispatch only', async () => {
    for (const who of [leader, inspector]) {
      const res = await suggestions('', who);
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('forbidden');
    }
    expect((await suggestions('', { cookie: server.adminCookie })).status).toBe(403);
    expect((await suggestions('', null)).status).toBe(401);
  });
});
