import * as turf from '@turf/turf';
import { describe, expect, it } from 'vitest';
import {
  assignmentOf,
  boundsOf,
  cellAt,
  cellPlaces,
  cellsInPolygon,
  EMPTY_SELECTION,
  holdersOf,
  KEEP_ALL,
  polygonOf,
  selectedCells,
  selectionReducer,
  selectorOf,
  type GridCell,
  type SelectionAction,
} from '../../client/admin/responsibilitySelection.js';
import { CellDirectory, cellsInPolygon as serverCellsInPolygon, responsibilityCells } from '../../server/responsibility/index.js';
import { ResponsibilityAssignment, type ResponsibilityCellView } from '../../shared/index.js';
import { DEFAULT_CENTER, seededRandom, voronoiGrid } from '../fixtures/syntheticGrid.js';

/**
 * The editor's selection (client/admin/responsibilitySelection.ts): its polygon preview must pick the
 * very cells the server's selection picks (server/responsibility/selection.ts), so the count an admin
 * sees before saving is the answer's `cellsSelected`.
 */

const TOWNS = ['320412100', '320412101'];
/** A synthetic irregular grid, its cells spread over two towns of three communities each (by index). */
const grid: GridCell[] = voronoiGrid({ seed: 7, cells: 400 }).map((f, i) => {
  const townCode = TOWNS[i % 2]!;
  const communityCode = `${townCode}00${(i % 3) + 1}`;
  return { ...f, properties: { ...f.properties, code: `${communityCode}${String(i).padStart(3, '0')}`, townCode, communityCode } };
});
const places = cellPlaces(grid);
const directory = new CellDirectory(responsibilityCells(grid));
const run = (...actions: SelectionAction[]) => actions.reduce(selectionReducer, EMPTY_SELECTION);
type Lngs = [number, number];

/** A star-shaped (so simple, possibly concave) polygon of `n` vertices around a point, radius in degrees. */
function randomPolygon(rand: () => number, n: number): Lngs[] {
  const [cx, cy] = [DEFAULT_CENTER[0] + (rand() - 0.5) * 0.01, DEFAULT_CENTER[1] + (rand() - 0.5) * 0.01];
  return Array.from({ length: n }, (_, k) => {
    const angle = (2 * Math.PI * k) / n;
    const r = 0.001 + rand() * 0.004;
    return [cx + r * Math.cos(angle), cy + r * Math.sin(angle)] as Lngs;
  });
}

describe('the polygon preview', () => {
  it("picks the cells the server's selection picks, for convex and concave polygons alike", () => {
    const rand = seededRandom(3);
    let nonEmpty = 0;
    for (let round = 0; round < 40; round++) {
      const vertices = randomPolygon(rand, 3 + Math.floor(rand() * 8));
      const polygon = polygonOf(vertices)!;
      const ours = cellsInPolygon(places, polygon);
      expect(ours).toEqual(serverCellsInPolygon(directory, polygon));
      if (ours.length > 0) nonEmpty += 1;
    }
    expect(nonEmpty).toBeGreaterThan(20);
  });

  it('sends a closed ring that the wire schema accepts, without touching the vertices drawn', () => {
    const vertices: Lngs[] = [[119.95, 31.7], [119.96, 31.7], [119.96, 31.71]];
    const copy = structuredClone(vertices);
    const polygon = polygonOf(vertices)!;
    expect(polygon.coordinates[0]).toEqual([...vertices, vertices[0]]);
    expect(vertices).toEqual(copy);
    expect(polygonOf(vertices.slice(0, 2))).toBeNull();
    const drawn = run({ type: 'mode', mode: 'polygon' }, ...vertices.map((at): SelectionAction => ({ type: 'vertex', at })), { type: 'close' });
    const assignment = assignmentOf(drawn, { ...KEEP_ALL, inspector: { kind: 'nobody' } })!;
    expect(ResponsibilityAssignment.parse(assignment)).toEqual({ polygon, inspectorId: null });
  });

  it('previews an unfinished polygon, but a save waits until it is closed', () => {
    const vertices = randomPolygon(seededRandom(11), 6);
    const open = run({ type: 'mode', mode: 'polygon' }, ...vertices.map((at): SelectionAction => ({ type: 'vertex', at })));
    expect(selectedCells(places, open)).toEqual(cellsInPolygon(places, polygonOf(vertices)!));
    expect(selectorOf(open)).toBeNull();
    expect(selectorOf(selectionReducer(open, { type: 'close' }))).toEqual({ polygon: polygonOf(vertices) });
  });
});

describe('the selection', () => {
  it('by town, then by one of its communities; another town drops the community', () => {
    const community = `${TOWNS[1]}002`;
    const town = run({ type: 'town', town: TOWNS[0]! });
    expect(selectorOf(town)).toEqual({ town: TOWNS[0] });
    expect(selectedCells(places, town)).toEqual(places.flatMap((c, i) => (c.townCode === TOWNS[0] ? [i] : [])));
    // A community names its town (its code's first nine digits).
    const byCommunity = selectionReducer(town, { type: 'community', community });
    expect(byCommunity).toMatchObject({ town: TOWNS[1], community });
    expect(selectorOf(byCommunity)).toEqual({ community });
    expect(selectedCells(places, byCommunity).every((i) => places[i]!.communityCode === community)).toBe(true);
    expect(selectionReducer(byCommunity, { type: 'town', town: TOWNS[1]! }).community).toBe(community);
    expect(selectionReducer(byCommunity, { type: 'town', town: TOWNS[0]! }).community).toBeNull();
    expect(selectorOf(selectionReducer(byCommunity, { type: 'clear' }))).toBeNull();
  });

  it('a finished polygon takes no more vertices until cleared; under three vertices it cannot be finished', () => {
    const two = run({ type: 'mode', mode: 'polygon' }, { type: 'vertex', at: [1, 1] }, { type: 'vertex', at: [2, 1] }, { type: 'close' });
    expect(two.closed).toBe(false);
    const closed = ([{ type: 'vertex', at: [2, 2] }, { type: 'close' }, { type: 'vertex', at: [5, 5] }] as SelectionAction[]).reduce(selectionReducer, two);
    expect(closed).toMatchObject({ closed: true, vertices: [[1, 1], [2, 1], [2, 2]] });
    expect(selectionReducer(closed, { type: 'clear' })).toMatchObject({ closed: false, vertices: [] });
  });

  it('cells clicked one by one are toggled; each way of picking keeps its picks, the mode says which is sent', () => {
    const [a, b] = [places[5]!.code, places[9]!.code];
    const s = run({ type: 'town', town: TOWNS[0]! }, { type: 'mode', mode: 'cell' }, { type: 'toggleCell', code: a }, { type: 'toggleCell', code: b }, { type: 'toggleCell', code: a });
    expect(selectorOf(s)).toEqual({ cells: [b] });
    expect(selectedCells(places, s)).toEqual([9]);
    expect(selectorOf(selectionReducer(s, { type: 'mode', mode: 'area' }))).toEqual({ town: TOWNS[0] });
  });

  it('sends the roles that change, null for nobody, and nothing when no role changes or nothing is picked', () => {
    const s = run({ type: 'community', community: `${TOWNS[0]}001` });
    expect(assignmentOf(s, KEEP_ALL)).toBeNull();
    expect(assignmentOf(EMPTY_SELECTION, { ...KEEP_ALL, inspector: { kind: 'person', id: 'insp-0001' } })).toBeNull();
    const a = assignmentOf(s, { inspector: { kind: 'person', id: 'insp-0001' }, grid_worker: { kind: 'keep' }, grid_head: { kind: 'nobody' } });
    expect(a).toEqual({ community: `${TOWNS[0]}001`, inspectorId: 'insp-0001', gridHeadId: null });
    expect(ResponsibilityAssignment.safeParse(a).success).toBe(true);
  });
});

describe('the map', () => {
  it("finds the cell under a point (each cell's centroid lies in it), and none outside the grid", () => {
    for (let i = 0; i < grid.length; i += 7) {
      const [lon, lat] = turf.centroid(grid[i] as never).geometry.coordinates as Lngs;
      expect(cellAt(grid, places, lon, lat)).toBe(i);
    }
    expect(cellAt(grid, places, DEFAULT_CENTER[0] + 1, DEFAULT_CENTER[1])).toBe(-1);
  });

  it('frames the picked cells', () => {
    const [w, s, e, n] = boundsOf(places, [0, 1, 2])!;
    for (const i of [0, 1, 2]) {
      const [cw, cs, ce, cn] = turf.bbox(grid[i] as never);
      expect(cw >= w && cs >= s && ce <= e && cn <= n).toBe(true);
    }
    expect(boundsOf(places, [])).toBeNull();
  });
});

describe('holders of a pick', () => {
  it('counts the cells per person, nobody included, most cells first', () => {
    const cell = (inspector: string | null): ResponsibilityCellView => ({
      gridCode: '320412100001001',
      responsibilityGridCode: 'R',
      inspector: inspector ? { id: inspector, name: inspector.toUpperCase() } : null,
      gridWorker: null,
      gridHead: null,
      units: [],
    });
    const cells = [cell('insp-b'), cell(null), cell('insp-a'), cell('insp-b'), cell('insp-a'), cell('insp-b')];
    expect(holdersOf(cells, 'inspector')).toEqual([
      { person: { id: 'insp-b', name: 'INSP-B' }, cells: 3 },
      { person: { id: 'insp-a', name: 'INSP-A' }, cells: 2 },
      { person: null, cells: 1 },
    ]);
    expect(holdersOf(cells, 'grid_head')).toEqual([{ person: null, cells: 6 }]);
  });
});
