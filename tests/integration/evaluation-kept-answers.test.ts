import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationAnswer, EvaluationRules, EvaluationRulesView } from '../../shared/index.js';
import { DEFAULT_RULES } from '../../server/evaluation/rules.js';
import { createToken, type Credentials } from '../support/credentials.js';
import { getJson, sendJson } from '../support/api.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';

/**
 * A closed period's evaluation is kept between requests (server/evaluation/evaluationService.ts) and
 * must never outlive what it was worked out from: here the rules an admin puts in force, and put back.
 */
let server: TestServer;
let leader: Credentials;
const admin = () => ({ cookie: server.adminCookie });

beforeAll(async () => {
  server = await startServer({ env: { HISTORY_DAYS: '4' } });
  leader = { token: await createToken(server.url, server.adminCookie, 'leader', 'leader of the kept answers') };
}, 180_000);

afterAll(async () => {
  if (server) {
    await server.stop();
    removeDataDir(server.dataDir);
  }
});

/** A local (China) day, `days` before today, as a period's day. */
const dayBefore = (days: number) => new Date(Date.now() + 8 * 3_600_000 - days * 86_400_000).toISOString().slice(0, 10);
const PERIOD = () => `${dayBefore(3)}..${dayBefore(1)}`;

async function evaluation(level: string): Promise<EvaluationAnswer> {
  const res = await getJson<EvaluationAnswer>(`${server.url}/api/evaluation?level=${level}&period=${PERIOD()}`, leader);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe('kept answers of a closed period', () => {
  it('answer the same again, follow the rules an admin puts in force, and come back with them', async () => {
    const first = await evaluation('town');
    expect(first.period.running).toBe(false);
    expect(first.rows.some((r) => (r.counts.registered ?? 0) > 0)).toBe(true);
    expect(await evaluation('town')).toEqual(first);
    const cells = await evaluation('cell');
    expect(cells.rows.length).toBeGreaterThan(1000);

    const rules: EvaluationRules = structuredClone(DEFAULT_RULES);
    rules.weights.town = { onTimeClosureRate: 1 };
    rules.grades = { excellent: 99, good: 98, pass: 97 };
    expect((await sendJson<EvaluationRulesView>('PUT', `${server.url}/api/evaluation/weights`, rules, admin())).status).toBe(200);
    const weighted = await evaluation('town');
    expect(weighted.formulas.filter((f) => f.weight > 0).map((f) => f.id)).toEqual(['onTimeClosureRate']);
    expect(weighted.grades).toEqual(rules.grades);
    for (const r of weighted.rows) {
      const v = r.indicators.onTimeClosureRate ?? null;
      expect(r.score).toBe(v === null ? null : Math.round(v * 100 * 100) / 100);
    }
    expect(weighted.rows.map((r) => r.score)).not.toEqual(first.rows.map((r) => r.score));

    expect((await sendJson<EvaluationRulesView>('PUT', `${server.url}/api/evaluation/weights`, DEFAULT_RULES, admin())).status).toBe(200);
    expect(await evaluation('town')).toEqual(first);
    expect(await evaluation('cell')).toEqual(cells);
  });
});
