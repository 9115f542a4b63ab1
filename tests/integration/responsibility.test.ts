import * as turf from '@turf/turf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ROLES,
  type AuditEntry,
  type ResponsibilityCellsAnswer,
  type ResponsibilityChangeAnswer,
  type ResponsibilityGapsAnswer,
  type ResponsibilityPersonView,
  type Role,
} from '../../shared/index.js';
import { getJson, sendJson } from '../support/api.js';
import { createToken, createUser, type Credentials } from '../support/credentials.js';
import { removeDataDir, startServer, type TestServer } from '../support/server.js';
import type { ApiError, FeatureCollection } from '../support/types.js';

let server: TestServer;
let grid: FeatureCollection['features'];
const tokens = new Map<Role, string>();
const admin = (): Credentials => ({ cookie: server.adminCookie });
const TOWN = '320412100';

beforeAll(async () => {
  server = await startServer();
  grid = (await getJson<FeatureCollection>(`${server.url}/api/layers/grid`)).body.features;
  for (const role of ROLES) tokens.set(role, await createToken(server.url, server.adminCookie, role, `resp-${role}`));
  await createUser(server.url, server.adminCookie, 'inspector-wang', 'inspector');
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server.dataDir);
});

const cellsOf = async (query: string, credentials: Credentials = admin()) =>
  (await getJson<ResponsibilityCellsAnswer>(`${server.url}/api/responsibility/cells?${query}`, credentials)).body;
const put = (body: unknown, credentials: Credentials = admin()) => sendJson<ResponsibilityChangeAnswer & ApiError>('PUT', `${server.url}/api/responsibility`, body, credentials);
const gaps = async (query = '') => (await getJson<ResponsibilityGapsAnswer>(`${server.url}/api/responsibility/gaps?${query}`, admin())).body;
const audit = async () => (await getJson<AuditEntry[]>(`${server.url}/api/audit?limit=1000`, admin())).body.filter((e) => e.action === 'responsibility.update');
const layerCells = (pred: (p: Record<string, unknown>) => boolean) => grid.filter((f) => pred(f.properties)).map((f) => f.properties.code as string).sort();
const inspectorsOf = (a: ResponsibilityCellsAnswer) => new Map(a.items.map((c) => [c.gridCode, c.inspector?.id ?? null]));

describe('responsibility (责任网格) over HTTP', () => {
  it('is seeded from the default roster: every cell has its inspector, grid worker and grid head, and its units', async () => {
    const all = await cellsOf('');
    expect(all.count).toBe(grid.length);
    expect(all.items.every((c) => c.inspector && c.gridWorker && c.gridHead)).toBe(true);
    expect(all.citywideUnits).toContain('huanwei');
    const town = await cellsOf(`town=${TOWN}`);
    expect(town.items.map((c) => c.gridCode).sort()).toEqual(layerCells((p) => p.townCode === TOWN));
    expect(town.items.every((c) => c.units[0] === TOWN)).toBe(true);
    const byGridCode = await cellsOf(`grid=${town.items[0]!.responsibilityGridCode}`);
    expect(byGridCode.items.every((c) => c.inspector!.id === byGridCode.items[0]!.inspector!.id)).toBe(true);
    expect((await gaps()).count).toBe(0);
    const people = (await getJson<{ items: ResponsibilityPersonView[] }>(`${server.url}/api/responsibility/people`, admin())).body.items;
    expect(people.filter((p) => p.role === 'inspector').length).toBeGreaterThan(400);
    expect(people.every((p) => p.cells > 0)).toBe(true);
  });

  it('assigns by community, by town, by codes and by a polygon drawn on the map, answering the cells changed', async () => {
    const community = (grid[0]!.properties.communityCode as string);
    const before = inspectorsOf(await cellsOf(`community=${community}`));
    const byCommunity = await put({ assign: [{ community, inspectorId: 'insp-0001' }] });
    expect(byCommunity.status).toBe(200);
    expect(byCommunity.body).toEqual({ cellsSelected: before.size, cellsChanged: [...before.values()].filter((id) => id !== 'insp-0001').length, people: 0 });
    expect([...inspectorsOf(await cellsOf(`community=${community}`)).values()].every((id) => id === 'insp-0001')).toBe(true);

    const byTown = await put({ assign: [{ town: '320412101', gridHeadId: 'head-0001' }] });
    expect(byTown.body.cellsSelected).toBe(layerCells((p) => p.townCode === '320412101').length);
    expect((await cellsOf('town=320412101')).items.every((c) => c.gridHead?.id === 'head-0001')).toBe(true);

    const twoGrids = [...new Set(grid.slice(200, 230).map((f) => f.properties.responsibilityGridCode as string))].slice(0, 2);
    const byCodes = await put({ assign: [{ responsibilityGridCodes: twoGrids, inspectorId: 'insp-0002', gridWorkerId: 'wkr-0002' }] });
    expect(byCodes.body.cellsSelected).toBe(layerCells((p) => twoGrids.includes(p.responsibilityGridCode as string)).length);
    for (const g of twoGrids) expect((await cellsOf(`grid=${g}`)).items.every((c) => c.inspector?.id === 'insp-0002' && c.gridWorker?.id === 'wkr-0002')).toBe(true);

    // A polygon around a cell in the middle of town: the cells whose centroid lies inside it, by turf here too.
    const middle = grid[Math.floor(grid.length / 2)]!;
    const [x, y] = turf.centroid(middle as never).geometry.coordinates as [number, number];
    const d = 0.0016;
    const polygon = { type: 'Polygon', coordinates: [[[x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d], [x - d, y - d]]] };
    const inside = grid
      .filter((f) => turf.booleanPointInPolygon(turf.centroid(f as never), polygon as never))
      .map((f) => f.properties.code as string);
    expect(inside.length).toBeGreaterThan(4);
    const byPolygon = await put({ assign: [{ polygon, inspectorId: 'insp-0003' }] });
    expect(byPolygon.status).toBe(200);
    expect(byPolygon.body.cellsSelected).toBe(inside.length);
    const now = inspectorsOf(await cellsOf(''));
    for (const code of inside) expect(now.get(code)).toBe('insp-0003');
    // Outside the polygon, the same grids keep their inspector.
    const gridsTouched = new Set(grid.filter((f) => inside.includes(f.properties.code as string)).map((f) => f.properties.responsibilityGridCode as string));
    const rest = grid.filter((f) => gridsTouched.has(f.properties.responsibilityGridCode as string) && !inside.includes(f.properties.code as string));
    expect(rest.every((f) => now.get(f.properties.code as string) !== 'insp-0003')).toBe(true);
  });

  it('is all or nothing: an unknown person or cell is 422 and nothing changes, nor is audited', async () => {
    const before = await cellsOf('');
    const audited = (await audit()).length;
    const unknownPerson = await put({ assign: [{ town: TOWN, inspectorId: 'insp-0004' }, { community: '320412100001', gridWorkerId: 'wkr-9999' }] });
    expect(unknownPerson.status).toBe(422);
    expect(unknownPerson.body.error.code).toBe('unknown_person');
    const unknownCell = await put({ assign: [{ town: TOWN, inspectorId: 'insp-0004' }, { cells: ['320412100001998'], inspectorId: null }] });
    expect(unknownCell.status).toBe(422);
    expect(unknownCell.body.error.code).toBe('unknown_selection');
    const wrongRole = await put({ assign: [{ town: TOWN, inspectorId: 'head-0001' }] });
    expect(wrongRole.body.error.code).toBe('wrong_role');
    const invalid = await put({ assign: [{ town: TOWN }] });
    expect(invalid.status).toBe(400);
    expect(await cellsOf('')).toEqual(before);
    expect((await audit()).length).toBe(audited);
  });

  it('audits each change once, with its summary, in GET /api/audit', async () => {
    const audited = (await audit()).length;
    const r = await put({ assign: [{ community: '320412100001', gridWorkerId: 'wkr-0003' }, { responsibilityGridCodes: ['320412100001-R01'], gridHeadId: 'head-0002' }] });
    expect(r.status).toBe(200);
    const entries = await audit();
    expect(entries.length).toBe(audited + 1);
    expect(entries[0]).toMatchObject({
      actor: 'admin',
      role: 'admin',
      objectType: 'responsibility',
      objectId: TOWN,
      detail: {
        assign: [{ community: '320412100001', gridWorkerId: 'wkr-0003' }, { responsibilityGridCodes: { count: 1, codes: ['320412100001-R01'] }, gridHeadId: 'head-0002' }],
        cellsSelected: r.body.cellsSelected,
        cellsChanged: r.body.cellsChanged,
      },
    });
  });

  it('reports the cells nobody patrols once their inspector is taken away', async () => {
    const community = '320412100002';
    const n = layerCells((p) => p.communityCode === community).length;
    const r = await put({ assign: [{ community, inspectorId: null }] });
    expect(r.body).toMatchObject({ cellsSelected: n, cellsChanged: n });
    const inTown = await gaps(`town=${TOWN}`);
    expect(inTown.count).toBe(n);
    expect(inTown.items.map((g) => g.gridCode).sort()).toEqual(layerCells((p) => p.communityCode === community));
    expect(inTown.items.every((g) => g.townCode === TOWN && g.communityCode === community)).toBe(true);
    expect((await gaps('town=320412101')).count).toBe(0);
    expect((await cellsOf(`community=${community}`)).items.every((c) => c.inspector === null && c.gridWorker !== null)).toBe(true);
  });

  it("links a person to an account; only those who manage accounts see it", async () => {
    const r = await put({ people: [{ id: 'insp-0005', name: '王监督', role: 'inspector', username: 'inspector-wang' }] });
    expect(r.body).toEqual({ cellsSelected: 0, cellsChanged: 0, people: 1 });
    const seenByAdmin = (await getJson<{ items: ResponsibilityPersonView[] }>(`${server.url}/api/responsibility/people?role=inspector`, admin())).body.items;
    expect(seenByAdmin.find((p) => p.id === 'insp-0005')).toMatchObject({ name: '王监督', username: 'inspector-wang' });
    const seenByWall = (await getJson<{ items: ResponsibilityPersonView[] }>(`${server.url}/api/responsibility/people`, { token: tokens.get('wall')! })).body.items;
    expect(seenByWall.find((p) => p.id === 'insp-0005')).toEqual(expect.not.objectContaining({ username: expect.anything() }));
    expect((await put({ people: [{ id: 'insp-0006', name: '某人', role: 'inspector', username: 'no-such-account' }] })).body.error.code).toBe('unknown_user');
    expect((await put({ people: [{ id: 'insp-0007', name: '某人', role: 'inspector', username: 'inspector-wang' }] })).body.error.code).toBe('username_in_use');
  });

  it('lets readers of the live picture read, only admins change, and nobody unsigned', async () => {
    for (const role of ROLES) {
      const credentials = { token: tokens.get(role)! };
      const read = await getJson<unknown>(`${server.url}/api/responsibility/cells?community=320412100001`, credentials);
      const readGaps = await getJson<unknown>(`${server.url}/api/responsibility/gaps`, credentials);
      const readable = role !== 'field' && role !== 'unit';
      expect(read.status, role).toBe(readable ? 200 : 403);
      expect(readGaps.status, role).toBe(readable ? 200 : 403);
      const change = await put({ assign: [{ community: '320412100001', gridHeadId: 'head-0003' }] }, credentials);
      expect(change.status, role).toBe(role === 'admin' ? 200 : 403);
    }
    expect((await getJson<unknown>(`${server.url}/api/responsibility/cells`, null)).status).toBe(401);
    expect((await put({ assign: [{ community: '320412100001', gridHeadId: null }] }, null)).status).toBe(401);
  });

  it('keeps admins\' edits across a restart, without seeding again', async () => {
    const before = await cellsOf('');
    await server.stop();
    const again = await startServer({ dataDir: server.dataDir });
    try {
      const after = (await getJson<ResponsibilityCellsAnswer>(`${again.url}/api/responsibility/cells`, { cookie: again.adminCookie })).body;
      expect(after).toEqual(before);
    } finally {
      await again.stop();
    }
  }, 120_000);
});
