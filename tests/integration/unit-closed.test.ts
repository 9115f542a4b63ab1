import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitClosedAnswer, type Unit } from '../../shared/index.js';
import { createToken, createUser, type Credentials } from '../support/credentials.js';
import { getJson, pointsInCells, postJson, runActions } from '../support/api.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection, Incident } from '../support/types.js';

/**
 * A unit's recently closed cases (`GET /api/units/:code/closed`), where its desk finds a judged case
 * to appeal: its own unit's only, newest first, with the judgements that stand; and an appeal from a
 * unit that never had the case refused. A real server on a real SQLite store with two days of history.
 */
let server: TestServer;
let cells: FeatureCollection['features'];
let crew: Credentials;
let crewId: string;
let desk: Credentials;
let otherDesk: Credentials;
let leader: Credentials;
let wall: Credentials;

const SEWER = 'C0102';
const DAY_MS = 86_400_000;

beforeAll(async () => {
  server = await startServer({ env: { HISTORY_DAYS: '2' } });
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  const units = (await getJson<Unit[]>(`${server.url}/api/units`)).body;
  crewId = units.find((u) => u.code === 'shuiwu')!.teams[0]!;
  crew = { cookie: await createUser(server.url, server.adminCookie, 'crew-closed', 'field', undefined, crewId) };
  desk = { cookie: await createUser(server.url, server.adminCookie, 'desk-closed', 'unit', undefined, undefined, 'shuiwu') };
  otherDesk = { cookie: await createUser(server.url, server.adminCookie, 'desk-closed-other', 'unit', undefined, undefined, 'huanwei') };
  leader = { token: await createToken(server.url, server.adminCookie, 'leader', 'leader of the closed tests') };
  wall = { token: await createToken(server.url, server.adminCookie, 'wall', 'wall of the closed tests') };
}, 180_000);

afterAll(async () => {
  if (server) {
    await server.stop();
    removeDataDir(server.dataDir);
  }
});

let spot = 0;
async function report(): Promise<Incident> {
  const [p] = pointsInCells(cells, 1, 419 + spot++ * 53);
  const res = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: SEWER, lon: p!.lon, lat: p!.lat, source: 'hotline_12345', description: '井盖破损' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const run = (c: Incident, steps: Parameters<typeof runActions>[2]) => runActions(server.url, c, steps);

const closedOf = (unit: string, who: Credentials, query = '') => getJson<UnitClosedAnswer & Partial<ApiError>>(`${server.url}/api/units/${unit}/closed${query}`, who);
const codeOf = (body: unknown) => (body as ApiError).error?.code;

describe("a unit's closed cases (已办结)", () => {
  it("lists the unit's closed cases newest first with their judgements, to its own desk and the centre only", async () => {
    const extended = await run(await report(), [
      { action: 'accept' },
      { action: 'register' },
      { action: 'dispatch', unitCode: 'shuiwu', teamId: crewId },
      { action: 'extend', extendHours: 2 },
      { action: 'acknowledge', by: crew },
      { action: 'report-handled', by: crew },
      { action: 'verify' },
      { action: 'close' },
    ]);
    expect(extended.status).toBe('closed');
    const open = await run(await report(), [{ action: 'accept' }, { action: 'register' }, { action: 'dispatch', unitCode: 'shuiwu', teamId: crewId }]);

    const mine = await closedOf('shuiwu', desk);
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    const answer = UnitClosedAnswer.parse(mine.body);
    expect(answer.items[0]).toMatchObject({ caseId: extended.id, number: extended.number, categoryCode: SEWER, townCode: extended.townCode, judgements: ['extension'] });
    expect(answer.items.map((i) => i.caseId)).not.toContain(open.id);
    expect(answer.total).toBeGreaterThanOrEqual(answer.items.length);
    const times = answer.items.map((i) => Date.parse(i.closedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.now() - 30 * DAY_MS);
    // The history closed cases of this unit too: the list is not only the one made here.
    expect(answer.total).toBeGreaterThan(1);

    const one = UnitClosedAnswer.parse((await closedOf('shuiwu', desk, '?limit=1&days=30')).body);
    expect(one.items.map((i) => i.caseId)).toEqual([extended.id]);
    expect(one.total).toBe(answer.total);
    // A shorter window holds fewer (or as many) cases, never more.
    const today = UnitClosedAnswer.parse((await closedOf('shuiwu', desk, '?days=1')).body);
    expect(today.total).toBeLessThanOrEqual(answer.total);
    expect(today.items.map((i) => i.caseId)).toContain(extended.id);

    // Another unit's desk: not this unit's list, and not this case in its own.
    const other = await closedOf('shuiwu', otherDesk);
    expect(other.status).toBe(403);
    expect(codeOf(other.body)).toBe('not_your_unit');
    const theirs = UnitClosedAnswer.parse((await closedOf('huanwei', otherDesk)).body);
    expect(theirs.items.map((i) => i.caseId)).not.toContain(extended.id);
    // The centre reads any unit's; a wall and a crew do not.
    expect(UnitClosedAnswer.parse((await closedOf('shuiwu', leader)).body).total).toBe(answer.total);
    expect((await closedOf('shuiwu', wall)).status).toBe(403);
    expect((await closedOf('shuiwu', crew)).status).toBe(403);
  });

  it('refuses a bad query with 400 invalid_request and its fields', async () => {
    for (const q of ['?days=0', '?days=91', '?limit=0', '?limit=abc', '?status=closed']) {
      const res = await closedOf('shuiwu', desk, q);
      expect(res.status, q).toBe(400);
      expect(codeOf(res.body), q).toBe('invalid_request');
    }
    const res = await closedOf('shuiwu', desk, '?days=0');
    expect(JSON.stringify((res.body as ApiError).error.details)).toContain('days');
  });

  it("refuses an appeal from a unit that never had the case, and takes one from the unit that did", async () => {
    const c = await run(await report(), [
      { action: 'accept' },
      { action: 'register' },
      { action: 'dispatch', unitCode: 'shuiwu', teamId: crewId },
      { action: 'extend', extendHours: 1 },
      { action: 'acknowledge', by: crew },
      { action: 'report-handled', by: crew },
      { action: 'verify' },
      { action: 'close' },
    ]);
    const url = `${server.url}/api/cases/${c.id}/appeals`;
    const stranger = await postJson(url, { judgement: 'extension', reason: '不是本单位的案件' }, otherDesk);
    expect(stranger.status).toBe(404);
    expect(codeOf(stranger.body)).toBe('not_found');
    expect((await postJson(url, { judgement: 'extension', reason: '管线迁改，客观原因' }, desk)).status).toBe(201);
  });
});
