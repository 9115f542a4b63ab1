import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appeal, EvaluationAnswer, EvaluationRulesView, type AuditEntry, type EvaluationRules, type Unit } from '../../shared/index.js';
import { adjustmentsOf } from '../../server/evaluation/adjustments.js';
import { scoredRows } from '../../server/evaluation/composite.js';
import { foldLog } from '../../server/evaluation/evaluationService.js';
import { formulasOf, indicatorRows, type EvaluationDirectory } from '../../server/evaluation/indicators.js';
import { DEFAULT_RULES, weightTableOf } from '../../server/evaluation/rules.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import { createToken, createUser, type Credentials } from '../support/credentials.js';
import { getJson, pointsInCells, postJson, runActions, sendJson } from '../support/api.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection, Incident } from '../support/types.js';

/**
 * The evaluation's rules through the HTTP API of a real server (issue 15): an admin's weights and
 * grade bounds (validated, audited, in force at once), cases excluded from assessment, a unit's
 * appeals decided by the centre (a parallel second appeal refused), and the answer equal to a
 * brute-force recomputation from the log and the stored exclusions, appeals and rules.
 */
let server: TestServer;
let cells: FeatureCollection['features'];
let units: Unit[];
let crew: Credentials;
let crewId: string;
let desk: Credentials;
let otherDesk: Credentials;
let leader: Credentials;
let admin: Credentials;
let wall: Credentials;

const SEWER = 'C0102';
/** The leader's token: its name is what the audit log and the decision record. */
const LEADER = 'leader of the rules tests';

beforeAll(async () => {
  server = await startServer({ env: { HISTORY_DAYS: '2' } });
  admin = { cookie: server.adminCookie };
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  units = (await getJson<Unit[]>(`${server.url}/api/units`)).body;
  crewId = units.find((u) => u.code === 'shuiwu')!.teams[0]!;
  crew = { cookie: await createUser(server.url, server.adminCookie, 'crew-rules', 'field', undefined, crewId) };
  desk = { cookie: await createUser(server.url, server.adminCookie, 'desk-rules', 'unit', undefined, undefined, 'shuiwu') };
  otherDesk = { cookie: await createUser(server.url, server.adminCookie, 'desk-other', 'unit', undefined, undefined, 'huanwei') };
  leader = { token: await createToken(server.url, server.adminCookie, 'leader', LEADER) };
  wall = { token: await createToken(server.url, server.adminCookie, 'wall', 'wall of the rules tests') };
}, 180_000);

afterAll(async () => {
  if (server) {
    await server.stop();
    removeDataDir(server.dataDir);
  }
});

let spot = 0;
async function report(): Promise<Incident> {
  const [p] = pointsInCells(cells, 1, 307 + spot++ * 71);
  const res = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode: SEWER, lon: p!.lon, lat: p!.lat, source: 'hotline_12345', description: '井盖破损' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const run = (c: Incident, steps: Parameters<typeof runActions>[2]) => runActions(server.url, c, steps);

const evaluation = async (query: string) => {
  const res = await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?${query}`, leader);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return EvaluationAnswer.parse(res.body);
};
const audit = async () => (await getJson<AuditEntry[]>(`${server.url}/api/audit?limit=50`, admin)).body;
const codeOf = (body: unknown) => (body as ApiError).error?.code;

describe('weights and grades (考核规则)', () => {
  it('ships the default, and refuses nonsense with a code, nothing written', async () => {
    const res = await getJson<EvaluationRulesView>(`${server.url}/api/evaluation/weights`, leader);
    expect(res.status).toBe(200);
    expect(EvaluationRulesView.parse(res.body)).toMatchObject({ ...DEFAULT_RULES, updatedAt: null, updatedBy: null });
    const put = (body: unknown, who: Credentials = admin) => sendJson<unknown>('PUT', `${server.url}/api/evaluation/weights`, body, who);
    const bad: [unknown, number, string][] = [
      [{ ...DEFAULT_RULES, weights: { ...DEFAULT_RULES.weights, town: { reworkRate: 10 } } }, 422, 'unknown_indicator'],
      [{ ...DEFAULT_RULES, weights: { ...DEFAULT_RULES.weights, town: { closureRate: -5, onTimeClosureRate: 10 } } }, 422, 'negative_weight'],
      [{ ...DEFAULT_RULES, weights: { ...DEFAULT_RULES.weights, unit: { handlingRate: 0 } } }, 422, 'weights_sum_zero'],
      [{ ...DEFAULT_RULES, grades: { excellent: 60, good: 80, pass: 90 } }, 422, 'grade_bounds'],
      [{ ...DEFAULT_RULES, grades: { excellent: 120, good: 80, pass: 60 } }, 400, 'invalid_request'],
      [{ ...DEFAULT_RULES, weights: { ...DEFAULT_RULES.weights, town: { closureRate: 'heavy' } } }, 400, 'invalid_request'],
      [{ ...DEFAULT_RULES, nothingDue: 'ignore' }, 400, 'invalid_request'],
      [{ weights: DEFAULT_RULES.weights }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of bad) {
      const r = await put(body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(codeOf(r.body)).toBe(code);
    }
    expect((await put(DEFAULT_RULES, leader)).status).toBe(403);
    expect((await put(DEFAULT_RULES, desk)).status).toBe(403);
    expect((await getJson<EvaluationRulesView>(`${server.url}/api/evaluation/weights`, leader)).body.updatedAt).toBeNull();
  });

  it('puts an admin’s weights in force at once, audited with the old and new values', async () => {
    const rules: EvaluationRules = structuredClone(DEFAULT_RULES);
    rules.weights.town = { onTimeClosureRate: 1 };
    rules.grades = { excellent: 95, good: 85, pass: 70 };
    const res = await sendJson<EvaluationRulesView>('PUT', `${server.url}/api/evaluation/weights`, rules, admin);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ weights: { town: { onTimeClosureRate: 1 } }, updatedBy: 'admin' });
    const a = await evaluation('level=town');
    expect(a.formulas.filter((f) => f.weight > 0).map((f) => [f.id, f.weight])).toEqual([['onTimeClosureRate', 1]]);
    expect(a.grades).toEqual(rules.grades);
    for (const r of a.rows) {
      // The score is on-time closure alone, graded by the new bounds.
      const v = r.indicators.onTimeClosureRate ?? null;
      expect(r.score).toBe(v === null ? null : Math.round(v * 100 * 100) / 100);
      if (r.score !== null) expect(r.grade).toBe(r.score >= 95 ? 'excellent' : r.score >= 85 ? 'good' : r.score >= 70 ? 'pass' : 'fail');
    }
    const entry = (await audit()).find((e) => e.action === 'evaluation.rules.update')!;
    expect(entry).toMatchObject({ actor: 'admin', objectType: 'evaluation_rules' });
    expect(entry.detail).toMatchObject({ from: { weights: { town: DEFAULT_RULES.weights.town } }, to: { weights: { town: { onTimeClosureRate: 1 } } } });
  });
});

describe('exclusions (不纳入考核)', () => {
  it('takes a case out of every indicator, lists it in the period, and puts it back when revoked', async () => {
    const c = await run(await report(), [{ action: 'accept' }, { action: 'register' }]);
    const registered = async () => (await evaluation('level=town')).rows.find((r) => r.code === c.townCode)!.counts.registered!;
    const before = await registered();
    expect(before).toBeGreaterThan(0);

    const url = `${server.url}/api/cases/${c.id}/exclusion`;
    expect(codeOf((await postJson(url, { reason: '  ' }, admin)).body)).toBe('invalid_request');
    expect((await postJson(url, { reason: '不可抗力' }, leader)).status).toBe(403);
    expect(codeOf((await postJson(`${server.url}/api/cases/no-such-case/exclusion`, { reason: '不可抗力' }, admin)).body)).toBe('not_found');
    const res = await postJson(url, { reason: '台风期间不可抗力' }, admin);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(codeOf((await postJson(url, { reason: '再次' }, admin)).body)).toBe('already_excluded');

    expect(await registered()).toBe(before - 1);
    const a = await evaluation('level=town');
    expect(a.excluded.count).toBe(1);
    expect(a.excluded.cases[0]).toMatchObject({ caseId: c.id, caseNumber: c.number, reason: '台风期间不可抗力', by: 'admin' });
    expect((await evaluation(`level=town&period=${a.period.previous}`)).excluded.count).toBe(0);
    // A wall reads how many, not which or why.
    const walled = await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?level=town`, wall);
    expect(walled.body.excluded).toEqual({ count: 1, cases: [] });
    expect((await getJson(`${server.url}/api/evaluation/exclusions`, wall)).status).toBe(403);

    const revoked = await sendJson('DELETE', url, undefined, admin);
    expect(revoked.status).toBe(200);
    expect(await registered()).toBe(before);
    expect(codeOf((await sendJson('DELETE', url, undefined, admin)).body)).toBe('not_excluded');
    const actions = (await audit()).filter((e) => e.objectId === c.id).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['case.exclusion.add', 'case.exclusion.revoke']));

    // Excluded again, for the brute-force check below.
    expect((await postJson(url, { reason: '重复立案' }, admin)).status).toBe(201);
  });
});

describe('appeals (申诉)', () => {
  it('a unit appeals an extension once (a parallel second is refused), the centre upholds, the unit loses the judgement', async () => {
    const c = await run(await report(), [
      { action: 'accept' },
      { action: 'register' },
      { action: 'dispatch', unitCode: 'shuiwu', teamId: crewId },
      { action: 'extend', extendHours: 2 },
      { action: 'acknowledge', by: crew },
      { action: 'report-handled', by: crew },
    ]);
    const shuiwu = async () => (await evaluation('level=unit')).rows.find((r) => r.code === 'shuiwu')!.counts;
    const before = await shuiwu();
    expect(before.extended).toBeGreaterThan(0);

    const url = `${server.url}/api/cases/${c.id}/appeals`;
    expect(codeOf((await postJson(url, { judgement: 'overdue', reason: '按时处置' }, desk)).body)).toBe('no_such_judgement');
    expect(codeOf((await postJson(url, { judgement: 'late', reason: 'x' }, desk)).body)).toBe('invalid_request');
    expect(codeOf((await postJson(url, { judgement: 'extension', reason: '' }, desk)).body)).toBe('invalid_request');
    expect((await postJson(url, { judgement: 'extension', reason: '不是我单位的' }, otherDesk)).status).toBe(404);
    expect((await postJson(url, { judgement: 'extension', reason: '调度' }, leader)).status).toBe(403);

    const body = { judgement: 'extension', reason: '因管线迁改申请延期，属客观原因' };
    const both = await Promise.all([postJson<Appeal>(url, body, desk), postJson<Appeal>(url, body, desk)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(codeOf(both.find((r) => r.status === 422)!.body)).toBe('appeal_pending');
    const filed = Appeal.parse(both.find((r) => r.status === 201)!.body);
    expect(filed).toMatchObject({ caseId: c.id, unitCode: 'shuiwu', status: 'pending', filedBy: 'desk-rules' });

    const listed = await getJson<{ items: Appeal[] }>(`${server.url}/api/appeals?status=pending`, leader);
    expect(listed.body.items.filter((a) => a.caseId === c.id)).toHaveLength(1);
    expect((await getJson<{ items: Appeal[] }>(`${server.url}/api/appeals`, otherDesk)).body.items).toHaveLength(0);
    expect((await getJson<{ items: Appeal[] }>(`${server.url}/api/appeals`, desk)).body.items.map((a) => a.id)).toContain(filed.id);
    // Nothing changes until the centre decides.
    expect((await shuiwu()).extended).toBe(before.extended);

    const decide = (decision: string, who: Credentials) => postJson<Appeal>(`${server.url}/api/appeals/${filed.id}/decision`, { decision, note: '情况属实' }, who);
    expect((await decide('uphold', desk)).status).toBe(403);
    expect(codeOf((await decide('maybe', leader)).body)).toBe('invalid_request');
    const upheld = await decide('uphold', leader);
    expect(upheld.status, JSON.stringify(upheld.body)).toBe(200);
    expect(upheld.body).toMatchObject({ status: 'upheld', decidedBy: LEADER, decisionNote: '情况属实' });
    expect(codeOf((await decide('reject', leader)).body)).toBe('already_decided');
    expect((await postJson(`${server.url}/api/appeals/99999/decision`, { decision: 'reject' }, leader)).status).toBe(404);

    expect((await shuiwu()).extended).toBe(before.extended! - 1);
    // Upheld, it may not be appealed again as pending; another judgement is its own appeal.
    const actions = (await audit()).filter((e) => e.objectId === c.id).map((e) => [e.action, e.actor]);
    expect(actions).toEqual(expect.arrayContaining([['case.appeal.file', 'desk-rules'], ['case.appeal.uphold', LEADER]]));
    expect(actions.filter(([a]) => a === 'case.appeal.file')).toHaveLength(1);
  });

  it('a rejected appeal changes nothing', async () => {
    const c = await run(await report(), [
      { action: 'accept' },
      { action: 'register' },
      { action: 'dispatch', unitCode: 'shuiwu', teamId: crewId },
      { action: 'extend', extendHours: 1 },
      { action: 'acknowledge', by: crew },
      { action: 'report-handled', by: crew },
    ]);
    const extended = async () => (await evaluation('level=unit')).rows.find((r) => r.code === 'shuiwu')!.counts.extended;
    const before = await extended();
    const filed = await postJson<Appeal>(`${server.url}/api/cases/${c.id}/appeals`, { judgement: 'extension', reason: '客观原因' }, desk);
    expect(filed.status).toBe(201);
    expect((await postJson<Appeal>(`${server.url}/api/appeals/${filed.body.id}/decision`, { decision: 'reject' }, leader)).body.status).toBe('rejected');
    expect(await extended()).toBe(before);
  });
});

describe('the evaluation with exclusions and appeals', () => {
  it('equals a brute-force recomputation from the log and the stored rules, exclusions and appeals', async () => {
    const answers = { town: await evaluation('level=town'), unit: await evaluation('level=unit') };
    const towns = (await getJson<FeatureCollection>(`${server.url}/api/layers/towns`)).body.features;
    await server.stop();
    const store = new SqliteStore(join(server.dataDir, 'gridwatch.db'), { caseNumberPrefix: 'WJ' });
    try {
      const { facts } = await foldLog(store);
      const rules = (await store.assessment.rules())?.rules ?? DEFAULT_RULES;
      const adj = adjustmentsOf((await store.assessment.exclusions()).map((e) => e.caseId), (await store.assessment.appeals()).filter((a) => a.status === 'upheld'));
      expect(adj.excluded.size).toBe(1);
      expect(adj.waived.size).toBe(1);
      const dir: EvaluationDirectory = {
        towns: towns.map((f) => ({ code: String(f.properties.code), name: f.properties.name as { zh: string; en: string } })),
        communities: [],
        cells: cells.map((f) => ({ code: String(f.properties.code), townCode: String(f.properties.townCode), communityCode: String(f.properties.communityCode), areaM2: Number(f.properties.areaM2) })),
        units: units.map((u) => ({ code: u.code, name: u.name })),
        inspectorOf: (a) => ({ code: a, name: { zh: a, en: a } }),
        inspectorOfCell: () => null,
        rosterStamp: () => null,
      };
      for (const [level, a] of Object.entries(answers) as ['town' | 'unit', EvaluationAnswer][]) {
        const w = { from: Date.parse(a.period.from), until: Date.parse(a.period.until), asOf: Date.parse(a.period.asOf) };
        const all = [...facts.values()];
        const formulas = formulasOf(level, weightTableOf(rules));
        const rows = scoredRows(indicatorRows(level, all, w, dir, undefined, adj), null, formulas, rules);
        const strip = (r: EvaluationAnswer['rows'][number]) => ({ code: r.code, counts: r.counts, indicators: r.indicators, score: r.score, grade: r.grade, rank: r.rank });
        expect(a.rows.map(strip), level).toEqual(rows.map(strip));
      }
    } finally {
      await store.close();
    }
  });
});
