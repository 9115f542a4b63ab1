import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../server/auth/principal.js';
import { Refusal } from '../../server/refusal.js';
import {
  CellDirectory,
  cellsInPolygon,
  Responsibility,
  ResponsibilityService,
  seedDefaultRoster,
  selectCells,
  type ResponsibilityCell,
} from '../../server/responsibility/index.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import type { Store } from '../../server/store/store.js';
import type { ResponsibilityChange } from '../../shared/index.js';
import { makeDataDir, removeDataDir } from '../support/server.js';

/**
 * A small city: town 100 with communities 001 (grids R01 and R02, two cells by two each) and 002
 * (grid R01), town 101 with community 001 (grid R01); cells 0.001° apart, row by row.
 */
const TOWN_A = '320412100';
const TOWN_B = '320412101';
function smallCity(): ResponsibilityCell[] {
  const cells: ResponsibilityCell[] = [];
  const grids: [string, string, number][] = [
    [`${TOWN_A}001`, `${TOWN_A}001-R01`, 0],
    [`${TOWN_A}001`, `${TOWN_A}001-R02`, 2],
    [`${TOWN_A}002`, `${TOWN_A}002-R01`, 4],
    [`${TOWN_B}001`, `${TOWN_B}001-R01`, 6],
  ];
  const seq = new Map<string, number>();
  for (const [community, grid, x0] of grids) {
    for (let y = 0; y < 2; y++) {
      for (let x = x0; x < x0 + 2; x++) {
        const n = (seq.get(community) ?? 0) + 1;
        seq.set(community, n);
        cells.push({
          code: `${community}${String(n).padStart(3, '0')}`,
          responsibilityGridCode: grid,
          townCode: community.slice(0, 9),
          communityCode: community,
          landuse: 'residential',
          lon: 120 + x * 0.001 + 0.0005,
          lat: 31 - y * 0.001 - 0.0005,
        });
      }
    }
  }
  return cells;
}

const admin: Principal = { kind: 'user', name: 'admin', displayName: 'admin', role: 'admin', userId: 1, tokenId: null, teamId: null, unitCode: null, sessionHash: null };
const ctx = { principal: admin, address: '127.0.0.1' };

let dir: string;
let store: Store;
let cells: CellDirectory;
let service: ResponsibilityService;

const people = [
  { id: 'insp-0001', name: '王伟', role: 'inspector' as const },
  { id: 'insp-0002', name: '李强', role: 'inspector' as const },
  { id: 'wkr-0001', name: '张敏', role: 'grid_worker' as const },
  { id: 'head-0001', name: '刘芳', role: 'grid_head' as const },
];

beforeEach(async () => {
  dir = makeDataDir();
  store = new SqliteStore(join(dir, 'gw.db'));
  cells = new CellDirectory(smallCity());
  service = await ResponsibilityService.load({ store, cells, units: { perCell: cells.cells.map((c) => [c.townCode]), citywide: ['huanwei'] }, now: () => 1_800_000_000_000 });
  await service.change({ people }, ctx);
});

afterEach(async () => {
  await store.close();
  removeDataDir(dir);
});

const inspectors = () => cells.cells.map((_, i) => service.inspectorOfCell(i)?.id ?? null);
const refusal = async (change: ResponsibilityChange) => {
  try {
    await service.change(change, ctx);
  } catch (err) {
    if (err instanceof Refusal) return { status: err.status, code: err.code };
    throw err;
  }
  throw new Error('not refused');
};

describe('selecting cells', () => {
  it('takes the union of grids, cells, a town, a community and a polygon, and names what does not exist', () => {
    expect(selectCells(cells, { responsibilityGridCodes: [`${TOWN_A}001-R02`], cells: [`${TOWN_B}001001`], inspectorId: null })).toEqual({ cells: [4, 5, 6, 7, 12] });
    expect(selectCells(cells, { town: TOWN_B, community: `${TOWN_A}002`, inspectorId: null })).toEqual({ cells: [8, 9, 10, 11, 12, 13, 14, 15] });
    expect(selectCells(cells, { town: '320412199', cells: ['320412100001999'], responsibilityGridCodes: ['x'], inspectorId: null })).toEqual({
      unknown: [
        { kind: 'responsibility_grid', codes: ['x'] },
        { kind: 'cell', codes: ['320412100001999'] },
        { kind: 'town', codes: ['320412199'] },
      ],
    });
  });

  it('takes the cells whose centroid lies inside a polygon', () => {
    // The top row of the first three columns: centroids at x = 0.5, 1.5, 2.5 (thousandths), y = -0.5.
    const ring: [number, number][] = [[120, 31], [120.003, 31], [120.003, 30.999], [120, 30.999], [120, 31]];
    expect(cellsInPolygon(cells, { type: 'Polygon', coordinates: [ring] })).toEqual([0, 1, 4]);
  });
});

describe('ResponsibilityService', () => {
  it('assigns whole grids by community, and a part of a grid cell by cell; a whole grid again drops the cells\' own', async () => {
    const heard: number[][] = [];
    service.onChange((changed) => heard.push([...changed]));
    expect(await service.change({ assign: [{ town: TOWN_A, inspectorId: 'insp-0001', gridWorkerId: 'wkr-0001', gridHeadId: 'head-0001' }] }, ctx)).toEqual({ cellsSelected: 12, cellsChanged: 12, people: 0 });
    expect(inspectors()).toEqual([...Array(12).fill('insp-0001'), null, null, null, null]);
    // Two cells of the first grid go to another inspector: kept per cell.
    expect(await service.change({ assign: [{ cells: [`${TOWN_A}001001`, `${TOWN_A}001002`], inspectorId: 'insp-0002' }] }, ctx)).toEqual({ cellsSelected: 2, cellsChanged: 2, people: 0 });
    expect(inspectors().slice(0, 4)).toEqual(['insp-0002', 'insp-0002', 'insp-0001', 'insp-0001']);
    let stored = await store.responsibility.assignments();
    expect(stored.filter((a) => a.scope === 'cell').map((a) => a.code).sort()).toEqual([`${TOWN_A}001001`, `${TOWN_A}001002`]);
    // The same again changes nothing.
    expect((await service.change({ assign: [{ cells: [`${TOWN_A}001001`], inspectorId: 'insp-0002' }] }, ctx)).cellsChanged).toBe(0);
    // The whole grid: one grid assignment, the cells follow it again.
    expect(await service.change({ assign: [{ responsibilityGridCodes: [`${TOWN_A}001-R01`], inspectorId: 'insp-0002' }] }, ctx)).toEqual({ cellsSelected: 4, cellsChanged: 2, people: 0 });
    stored = await store.responsibility.assignments();
    expect(stored.filter((a) => a.scope === 'cell')).toEqual([]);
    // Listeners hear of the cells that changed, after each change that changed any.
    expect(heard).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [0, 1], [2, 3]]);
    expect(stored.find((a) => a.scope === 'grid' && a.code === `${TOWN_A}001-R01` && a.role === 'inspector')?.personId).toBe('insp-0002');
    // The worker and head were kept: the change named only the inspector.
    expect(service.current.personOf(0, 'grid_worker')?.id).toBe('wkr-0001');
    // A restart reads the same.
    const again = await ResponsibilityService.load({ store, cells, units: { perCell: cells.cells.map((c) => [c.townCode]), citywide: [] }, now: Date.now });
    expect(cells.cells.map((_, i) => again.inspectorOfCell(i)?.id ?? null)).toEqual(inspectors());
  });

  it('is all or nothing: an unknown person, code or account, or a person of another role, writes nothing', async () => {
    await service.change({ assign: [{ town: TOWN_A, inspectorId: 'insp-0001' }] }, ctx);
    const before = { assignments: await store.responsibility.assignments(), people: await store.responsibility.people(), audit: (await store.audit.read(100)).length, inspectors: inspectors() };
    const first = { town: TOWN_B, inspectorId: 'insp-0002' };
    expect(await refusal({ assign: [first, { community: `${TOWN_A}001`, inspectorId: 'insp-9999' }] })).toEqual({ status: 422, code: 'unknown_person' });
    expect(await refusal({ assign: [first, { cells: ['320412100001099'], inspectorId: null }] })).toEqual({ status: 422, code: 'unknown_selection' });
    expect(await refusal({ assign: [first, { town: TOWN_A, inspectorId: 'wkr-0001' }] })).toEqual({ status: 422, code: 'wrong_role' });
    const nowhere: [number, number][] = [[10, 10], [10.1, 10], [10.1, 10.1], [10, 10]];
    expect(await refusal({ assign: [first, { polygon: { type: 'Polygon', coordinates: [nowhere] }, inspectorId: null }] })).toEqual({ status: 422, code: 'empty_selection' });
    expect(await refusal({ people: [{ id: 'insp-0003', name: '新人', role: 'inspector', username: 'nobody' }], assign: [first] })).toEqual({ status: 422, code: 'unknown_user' });
    expect(await refusal({ people: [{ id: 'insp-0001', name: '王伟', role: 'grid_head' }] })).toEqual({ status: 422, code: 'role_change' });
    expect({ assignments: await store.responsibility.assignments(), people: await store.responsibility.people(), audit: (await store.audit.read(100)).length, inspectors: inspectors() }).toEqual(before);
  });

  it('audits each change once, with what it selected and how many cells changed', async () => {
    const auditBefore = (await store.audit.read(100)).length;
    await service.change({ assign: [{ community: `${TOWN_A}001`, inspectorId: 'insp-0001' }, { town: TOWN_B, inspectorId: 'insp-0002', gridHeadId: 'head-0001' }] }, ctx);
    const entries = await store.audit.read(100);
    expect(entries.length).toBe(auditBefore + 1);
    expect(entries[0]).toMatchObject({
      actor: 'admin',
      action: 'responsibility.update',
      objectType: 'responsibility',
      objectId: `${TOWN_A},${TOWN_B}`,
      detail: {
        assign: [
          { community: `${TOWN_A}001`, inspectorId: 'insp-0001', cells: 8 },
          { town: TOWN_B, inspectorId: 'insp-0002', gridHeadId: 'head-0001', cells: 4 },
        ],
        cellsSelected: 12,
        cellsChanged: 12,
      },
    });
  });

  it('reports the cells nobody patrols, and the loads of the people', async () => {
    await service.change({ assign: [{ town: TOWN_A, inspectorId: 'insp-0001', gridWorkerId: 'wkr-0001' }] }, ctx);
    expect(service.gaps({}).count).toBe(4);
    expect(service.gaps({ town: TOWN_A })).toEqual({ count: 0, items: [], withoutGridWorker: 0, withoutGridHead: 12 });
    await service.change({ assign: [{ cells: [`${TOWN_A}002001`], inspectorId: null }] }, ctx);
    expect(service.gaps({ town: TOWN_A }).items).toEqual([
      { gridCode: `${TOWN_A}002001`, responsibilityGridCode: `${TOWN_A}002-R01`, townCode: TOWN_A, communityCode: `${TOWN_A}002` },
    ]);
    expect(service.roster('inspector', false)).toEqual([
      { id: 'insp-0001', name: '王伟', role: 'inspector', cells: 11, grids: 3 },
      { id: 'insp-0002', name: '李强', role: 'inspector', cells: 0, grids: 0 },
    ]);
    expect(service.roster('grid_worker', true)).toEqual([{ id: 'wkr-0001', name: '张敏', role: 'grid_worker', username: null, cells: 12, grids: 3 }]);
    const cellsOfGrid = service.cells({ grid: `${TOWN_A}002-R01` });
    expect(cellsOfGrid.count).toBe(4);
    expect(cellsOfGrid.citywideUnits).toEqual(['huanwei']);
    expect(cellsOfGrid.items[0]).toEqual({ gridCode: `${TOWN_A}002001`, responsibilityGridCode: `${TOWN_A}002-R01`, inspector: null, gridWorker: { id: 'wkr-0001', name: '张敏' }, gridHead: null, units: [TOWN_A] });
    expect(service.cells({ town: TOWN_A, community: `${TOWN_B}001` }).count).toBe(0);
  });
});

describe('seeding the default roster', () => {
  it('stores it once per data directory and never over an admin\'s edits', async () => {
    const log = { info: () => undefined } as never;
    // The store above already has people: a roster of its own is kept, and only marked.
    expect(await seedDefaultRoster({ store, cells, seed: 1, log })).toBe(false);
    expect(await store.meta.get('responsibility_seeded_at')).toBe('skipped: roster not empty');
    const dir2 = makeDataDir();
    const fresh = new SqliteStore(join(dir2, 'gw.db'));
    try {
      expect(await seedDefaultRoster({ store: fresh, cells, seed: 1, log })).toBe(true);
      const r = new Responsibility(cells, await fresh.responsibility.people(), await fresh.responsibility.assignments());
      expect(cells.cells.every((_, i) => r.inspectorOfCell(i) && r.personOf(i, 'grid_worker') && r.personOf(i, 'grid_head'))).toBe(true);
      await fresh.responsibility.putAssignments([{ scope: 'grid', code: `${TOWN_B}001-R01`, role: 'inspector', personId: null, updatedAt: 1, updatedBy: 'admin' }]);
      expect(await seedDefaultRoster({ store: fresh, cells, seed: 1, log })).toBe(false);
      expect((await fresh.responsibility.assignments()).find((a) => a.code === `${TOWN_B}001-R01` && a.role === 'inspector')?.personId).toBeNull();
    } finally {
      await fresh.close();
      removeDataDir(dir2);
    }
  });
});
