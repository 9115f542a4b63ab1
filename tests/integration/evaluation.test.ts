import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationAnswer, EvaluationLevel, type Unit } from '../../shared/index.js';
import { factsDigest, foldLog } from '../../server/evaluation/evaluationService.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import { authHeaders, createToken, createUser, type Credentials } from '../support/credentials.js';
import { getJson, pointsInCells, postJson, runActions } from '../support/api.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection, Incident } from '../support/types.js';

/**
 * 综合评价 through the HTTP API of a real server (issue 15): every level answers the wire schema,
 * bad input is refused with a code, a field account and a wall asking for people are refused, the
 * CSV opens in Excel, and the facts kept up to date from the committed stream equal a fresh fold of
 * the whole log after a run of changes (history back-filled, then live reports and actions).
 */
let server: TestServer;
let cells: FeatureCollection['features'];
let crew: Credentials;
let crewId: string;
let desk: Credentials;
let field: Credentials;
let wall: Credentials;
let inspector: Credentials;
let leader: Credentials;

const SEWER = 'C0102';

beforeAll(async () => {
  server = await startServer({ env: { HISTORY_DAYS: '3' } });
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  const units = (await getJson<Unit[]>(`${server.url}/api/units`)).body;
  crewId = units.find((u) => u.code === 'shuiwu')!.teams[0]!;
  crew = { cookie: await createUser(server.url, server.adminCookie, 'crew-eval', 'field', undefined, crewId) };
  desk = { cookie: await createUser(server.url, server.adminCookie, 'desk-eval', 'unit', undefined, undefined, 'shuiwu') };
  field = { token: await createToken(server.url, server.adminCookie, 'field', 'field of the evaluation tests') };
  wall = { token: await createToken(server.url, server.adminCookie, 'wall', 'wall of the evaluation tests') };
  inspector = { token: await createToken(server.url, server.adminCookie, 'inspector', 'inspector of the evaluation tests') };
  leader = { token: await createToken(server.url, server.adminCookie, 'leader', 'leader of the evaluation tests') };
}, 180_000);

afterAll(async () => {
  if (server) {
    await server.stop();
    removeDataDir(server.dataDir);
  }
});

let spot = 0;

async function report(who?: Credentials, source = 'hotline_12345'): Promise<Incident> {
  const [p] = pointsInCells(cells, 1, 211 + spot++ * 89);
  const res = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: SEWER, lon: p!.lon, lat: p!.lat, source, description: '井盖破损' }, who);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const run = (c: Incident, steps: Parameters<typeof runActions>[2]) => runActions(server.url, c, steps);

const evaluation = (query: string, who?: Credentials) => getJson<EvaluationAnswer & Partial<ApiError>>(`${server.url}/api/evaluation?${query}`, who);

describe('the evaluation API', () => {
  it('answers every level in the wire schema, this month by default', async () => {
    for (const level of EvaluationLevel.options) {
      const res = await evaluation(`level=${level}`, leader);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const a = EvaluationAnswer.parse(res.body);
      expect(a.level).toBe(level);
      expect(a.period.running).toBe(true);
      expect(a.formulas.length).toBeGreaterThan(0);
      if (level === 'town') expect(a.rows.length).toBeGreaterThan(1);
      // Ranked rows first, best first.
      const ranks = a.rows.map((r) => r.rank).filter((r): r is number => r !== null);
      expect(ranks).toEqual([...ranks].sort((x, y) => x - y));
    }
  });

  it('keeps the rows within a town, and answers a closed period as of its end', async () => {
    const towns = (await evaluation('level=town', leader)).body.rows;
    const town = towns[0]!.code;
    const res = await evaluation(`level=community&town=${town}`, leader);
    expect(res.status).toBe(200);
    expect(res.body.rows.length).toBeGreaterThan(0);
    expect(res.body.rows.every((r) => r.parentCode === town)).toBe(true);
    const now = new Date(Date.now() + 8 * 3_600_000);
    const lastYear = String(now.getUTCFullYear() - 1);
    const closed = await evaluation(`level=unit&period=${lastYear}`, leader);
    expect(closed.status).toBe(200);
    expect(closed.body.period).toMatchObject({ id: lastYear, running: false, previous: String(Number(lastYear) - 1) });
    expect(closed.body.period.asOf).toBe(closed.body.period.until);
  });

  it('refuses bad input with machine-readable codes', async () => {
    const cases: [string, string][] = [
      ['level=region', 'invalid_request'],
      ['period=2026-13', 'invalid_request'],
      ['period=2027-W53', 'bad_period'],
      ['period=2999-01', 'period_in_future'],
      ['period=2020-01-01..2026-01-01', 'period_too_long'],
      ['town=abc', 'invalid_request'],
      ['colour=red', 'invalid_request'],
    ];
    for (const [query, code] of cases) {
      const res = await evaluation(query, leader);
      expect(res.status, query).toBe(400);
      expect(res.body.error?.code ?? (res.body as unknown as { code?: string }).code, query).toBe(code);
    }
    // csv, xlsx and pdf are exported (tests/integration/reports.test.ts reads them back); nothing else.
    const res = await getJson<ApiError>(`${server.url}/api/evaluation/export?level=town&format=docx`, leader);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it('refuses a field account, and a wall asking for people; a wall reads regions and units', async () => {
    expect((await evaluation('level=town', field)).status).toBe(403);
    for (const level of ['inspector', 'acceptor', 'shiftLead', 'dispatcher']) expect((await evaluation(`level=${level}`, wall)).status, level).toBe(403);
    for (const level of ['town', 'community', 'cell', 'unit']) expect((await evaluation(`level=${level}`, wall)).status, level).toBe(200);
    expect((await getJson(`${server.url}/api/evaluation/export?level=inspector`, wall)).status).toBe(403);
    expect((await getJson(`${server.url}/api/evaluation/facts`, leader)).status).toBe(403);
  });

  it('exports CSV with a BOM for Excel', async () => {
    const res = await fetch(`${server.url}/api/evaluation/export?level=town&format=csv`, { headers: authHeaders(server.url, leader) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?evaluation-town-\d{4}-\d{2}\.csv"?$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).split('\r\n').filter((l) => l !== '');
    const answer = (await evaluation('level=town', leader)).body;
    expect(lines).toHaveLength(answer.rows.length + 1);
    expect(lines[0]).toContain('按期结案率 onTimeClosureRate');
    expect(lines[1]!.split(',')[1]).toBe(answer.rows[0]!.code);
    // 等级 beside the score, row by row as the API grades them (no field here holds a comma or a quote).
    const header = lines[0]!.split(',');
    const gradeAt = header.indexOf('等级 grade');
    expect(gradeAt).toBe(header.indexOf('综合得分 score') + 1);
    const names = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' } as const;
    expect(answer.rows.some((r) => r.grade !== null)).toBe(true);
    answer.rows.forEach((r, i) => expect(lines[i + 1]!.split(',')[gradeAt], r.code).toBe(r.grade ? names[r.grade] : ''));
  });
});

describe('incremental facts', () => {
  it('equal a brute-force fold of the log after a run of changes', async () => {
    // Handled, reworked, handled again, verified, closed and called back.
    const a = await run(await report(), [
      { action: 'accept' },
      { action: 'register' },
      { action: 'dispatch', unitCode: 'shuiwu', teamId: crewId },
      { action: 'acknowledge', by: crew },
      { action: 'report-handled', by: crew },
      { action: 'rework', note: '井盖未复位' },
      { action: 'report-handled', by: crew },
      { action: 'verify' },
      { action: 'close' },
      { action: 'callback', callback: { reached: true, satisfaction: 'satisfied' } },
    ]);
    expect(a.status).toBe('closed');
    // Returned by the unit (approved), dispatched again, extended, suspended and resumed.
    const b = await run(await report(), [
      { action: 'accept' },
      { action: 'register' },
      { action: 'dispatch', unitCode: 'shuiwu' },
      { action: 'apply', application: { kind: 'return' }, note: '不属本单位', by: desk },
      { action: 'decide', decision: 'approve' },
      { action: 'dispatch', unitCode: 'shuiwu' },
      { action: 'extend', extendHours: 2 },
      { action: 'suspend', note: '待协调' },
      { action: 'resume' },
    ]);
    expect(b.status).toBe('dispatched');
    await run(await report(), [{ action: 'reject', note: '重复来电' }]);
    await run(await report(inspector, 'inspector'), [{ action: 'accept' }, { action: 'register' }]);

    const live = await getJson<{ cases: number; digest: string }>(`${server.url}/api/evaluation/facts`, { cookie: server.adminCookie });
    expect(live.status).toBe(200);
    // The history and the four cases above.
    expect(live.body.cases).toBeGreaterThan(4);

    await server.stop();
    const store = new SqliteStore(join(server.dataDir, 'gridwatch.db'), { caseNumberPrefix: 'WJ' });
    try {
      const { facts } = await foldLog(store);
      expect(facts.size).toBe(live.body.cases);
      expect(factsDigest(facts.values())).toBe(live.body.digest);
    } finally {
      await store.close();
    }
  });
});
