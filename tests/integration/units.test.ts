import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseUnit, Unit } from '../../shared/index.js';
import { getJson, pointsInCells, postJson } from '../support/api.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { FeatureCollection, Incident } from '../support/types.js';

let server: TestServer;
let cells: FeatureCollection['features'];
beforeAll(async () => {
  server = await startServer();
  cells = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

async function report(categoryCode: string, at: number): Promise<Incident> {
  const [p] = pointsInCells(cells, 1, at);
  const r = await postJson<Incident>(`${server.url}/api/incidents`, { categoryCode, lon: p!.lon, lat: p!.lat });
  expect(r.status).toBe(201);
  return r.body;
}

describe('units responsible', () => {
  it('are served with their categories and crews', async () => {
    const { status, body } = await getJson<Unit[]>(`${server.url}/api/units`);
    expect(status).toBe(200);
    const huanwei = body.find((u) => u.code === 'huanwei')!;
    expect(huanwei).toMatchObject({ kind: 'department', name: { zh: '环境卫生管理处' } });
    expect(huanwei.categories).toContain('E0102');
    expect(huanwei.teams.length).toBeGreaterThan(0);
    expect(body.filter((u) => u.kind === 'town').length).toBe(8);
  });

  it('able to handle a case are listed for the dispatcher, with their crews on duty', async () => {
    const cover = await report('C0101', 11);
    const [water] = (await getJson<CaseUnit[]>(`${server.url}/api/cases/${cover.id}/units`)).body;
    // The water company has its repair crew on the default roster, on duty round the clock.
    expect(water).toMatchObject({ code: 'gongshui', kind: 'department', crewsOnDuty: 1 });
    expect(water!.teams).toHaveLength(1);

    const garbage = await report('E0102', 12);
    const able = (await getJson<CaseUnit[]>(`${server.url}/api/cases/${garbage.id}/units`)).body;
    expect(able.map((u) => u.code)).toEqual(['huanwei']);
    expect(able[0]!.crewsOnDuty).toBeGreaterThan(0);

    const weeds = await report('E0112', 13);
    const town = (await getJson<CaseUnit[]>(`${server.url}/api/cases/${weeds.id}/units`)).body;
    expect(town.map((u) => [u.code, u.kind])).toEqual([[weeds.townCode, 'town']]);
    // The town's own crew.
    expect(town[0]).toMatchObject({ crewsOnDuty: 1 });
    expect(town[0]!.teams).toHaveLength(1);

    expect((await getJson(`${server.url}/api/cases/nope/units`)).status).toBe(404);
  });
});
