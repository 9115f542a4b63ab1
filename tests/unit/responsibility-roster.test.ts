import { beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import {
  CellDirectory,
  defaultResponsibility,
  defaultRoster,
  INSPECTOR_LOAD_CELLS,
  inspectorOfCell,
  LOAD_SLACK,
  responsibilityCells,
  WORKER_MAX_GRIDS,
  type DefaultRoster,
  type ResponsibilityCell,
} from '../../server/responsibility/index.js';
import type { LanduseClass } from '../../shared/index.js';
import { SHARED_CITY_CACHE } from '../support/server.js';

let cells: ResponsibilityCell[];
let roster: DefaultRoster;

beforeAll(() => {
  const { city } = loadDefaultCity({ cacheDir: SHARED_CITY_CACHE, seed: 320412 });
  cells = responsibilityCells(city.layers.grid.features);
  roster = defaultRoster(cells, 320412);
});

/** Per person id: the grids held and the cells and load (share of a full beat) they make. */
function beats(role: 'inspectorId' | 'gridWorkerId' | 'gridHeadId') {
  const gridOf = new Map(roster.grids.map((g) => [g.responsibilityGridCode, g]));
  const out = new Map<string, { grids: Set<string>; communities: Set<string>; cells: number; weight: number; landuse: Map<LanduseClass, number> }>();
  for (const c of cells) {
    const id = gridOf.get(c.responsibilityGridCode)![role];
    let b = out.get(id);
    if (!b) out.set(id, (b = { grids: new Set(), communities: new Set(), cells: 0, weight: 0, landuse: new Map() }));
    b.grids.add(c.responsibilityGridCode);
    b.communities.add(c.communityCode);
    b.cells += 1;
    b.weight += 1 / INSPECTOR_LOAD_CELLS[c.landuse];
    b.landuse.set(c.landuse, (b.landuse.get(c.landuse) ?? 0) + 1);
  }
  return out;
}

describe('the default roster (责任网格)', () => {
  it('gives every responsibility grid an inspector, a grid worker and a grid head, each a person of that role', () => {
    const grids = new Set(cells.map((c) => c.responsibilityGridCode));
    expect(grids.size).toBe(1482);
    expect(roster.grids.map((g) => g.responsibilityGridCode).sort()).toEqual([...grids].sort());
    const people = new Map(roster.people.map((p) => [p.id, p]));
    expect(people.size).toBe(roster.people.length);
    for (const g of roster.grids) {
      expect(people.get(g.inspectorId)?.role).toBe('inspector');
      expect(people.get(g.gridWorkerId)?.role).toBe('grid_worker');
      expect(people.get(g.gridHeadId)?.role).toBe('grid_head');
    }
    // Everyone on the roster answers for something; names are distinct; ids as documented; no accounts yet.
    const held = new Set(roster.grids.flatMap((g) => [g.inspectorId, g.gridWorkerId, g.gridHeadId]));
    expect([...people.keys()].every((id) => held.has(id))).toBe(true);
    expect(new Set(roster.people.map((p) => p.name)).size).toBe(roster.people.length);
    for (const p of roster.people) expect(p.id).toMatch(/^(insp|wkr|head)-\d{4}$/);
    expect(roster.people.every((p) => p.username === null)).toBe(true);
  });

  it('keeps each inspector to one community and within a full beat and its slack, one grid or several', () => {
    const inspectors = beats('inspectorId');
    for (const [id, b] of inspectors) {
      expect(b.communities.size, id).toBe(1);
      expect(b.weight, id).toBeLessThanOrEqual(1 + LOAD_SLACK + 1e-9);
      expect(b.grids.size, id).toBeGreaterThanOrEqual(1);
    }
    // About Beijing's density: 10,054 cells of ~3 ha for 1,706 supervisors, 0.18 km² each.
    expect(inspectors.size).toBeGreaterThan(400);
    expect(inspectors.size).toBeLessThan(700);
    const meanCells = cells.length / inspectors.size;
    expect(meanCells).toBeGreaterThan(12);
    expect(meanCells).toBeLessThan(30);
    const gridCounts = [...inspectors.values()].map((b) => b.grids.size);
    expect(gridCounts.filter((n) => n === 1).length).toBeGreaterThan(20);
    expect(Math.max(...gridCounts)).toBeGreaterThan(4);
  });

  it('varies the beat with land use: a commercial centre a grid, the rural edge many', () => {
    const pure = new Map<LanduseClass, number[]>();
    const dominant = new Map<LanduseClass, number[]>();
    const add = (m: Map<LanduseClass, number[]>, l: LanduseClass, n: number) => m.set(l, [...(m.get(l) ?? []), n]);
    for (const b of beats('inspectorId').values()) {
      const [landuse] = [...b.landuse.entries()].sort((x, y) => y[1] - x[1])[0]!;
      add(dominant, landuse, b.cells);
      if (b.landuse.size === 1) add(pure, landuse, b.cells);
    }
    // A beat of one land use stays within its table's load and slack: a commercial one is one grid.
    for (const [l, sizes] of pure) expect(Math.max(...sizes), l).toBeLessThanOrEqual(Math.floor(INSPECTOR_LOAD_CELLS[l] * (1 + LOAD_SLACK)));
    expect(Math.max(...pure.get('commercial')!)).toBeLessThanOrEqual(9);
    // By the land use of most of a beat's cells, beats grow from the centres to the edge.
    const mean = (l: LanduseClass) => dominant.get(l)!.reduce((s, n) => s + n, 0) / dominant.get(l)!.length;
    expect(mean('commercial')).toBeLessThan(mean('residential'));
    expect(mean('residential')).toBeLessThan(mean('industrial'));
    expect(mean('industrial')).toBeLessThan(mean('farmland'));
  });

  it('gives each community its grid head and two or three grid workers of at most five grids', () => {
    const heads = beats('gridHeadId');
    const communities = new Set(cells.map((c) => c.communityCode));
    expect(heads.size).toBe(communities.size);
    for (const b of heads.values()) expect(b.communities.size).toBe(1);
    const workers = beats('gridWorkerId');
    for (const [id, b] of workers) {
      expect(b.communities.size, id).toBe(1);
      expect(b.grids.size, id).toBeLessThanOrEqual(WORKER_MAX_GRIDS);
    }
    expect(workers.size / communities.size).toBeGreaterThanOrEqual(2);
    expect(workers.size / communities.size).toBeLessThanOrEqual(3);
  });

  it('is the same for the same seed; another seed changes the names, not the beats', () => {
    expect(defaultRoster(cells, 320412)).toEqual(roster);
    const other = defaultRoster(cells, 7);
    expect(other.grids).toEqual(roster.grids);
    expect(other.people.map((p) => p.id)).toEqual(roster.people.map((p) => p.id));
    expect(other.people.map((p) => p.name)).not.toEqual(roster.people.map((p) => p.name));
  });

  it("looks up a cell's inspector by its index in the grid layer", () => {
    const r = defaultResponsibility(new CellDirectory(cells), roster);
    const gridOf = new Map(roster.grids.map((g) => [g.responsibilityGridCode, g]));
    for (const i of [0, 1, 500, 5000, cells.length - 1]) {
      const expected = gridOf.get(cells[i]!.responsibilityGridCode)!;
      expect(inspectorOfCell(r, i)?.id).toBe(expected.inspectorId);
      expect(r.personOf(i, 'grid_worker')?.id).toBe(expected.gridWorkerId);
      expect(r.personOf(i, 'grid_head')?.id).toBe(expected.gridHeadId);
    }
    expect(r.inspectorOfCell(cells.length)).toBeNull();
  });
});
