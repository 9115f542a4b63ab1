import { booleanPointInPolygon, centroid } from '@turf/turf';
import type {
  CityLayer,
  PersonRef,
  ResponsibilityAssignment,
  ResponsibilityCellView,
  ResponsibilityRole,
  SelectionPolygon,
} from '../../shared/index.js';

/**
 * The responsibility editor's selection (责任网格 编辑), pure: which cells an admin has picked (a town,
 * a community, a polygon drawn on the map, cells clicked one by one), the assignment that a save
 * sends, and the cells the server will select for it. The server selects a polygon's cells by their
 * centroid (server/responsibility/selection.ts), so the preview here does the same with the same turf
 * functions: the count shown before saving is the count the answer gives back.
 */

export type GridCell = CityLayer<'grid'>['features'][number];
type Lngs = [number, number];

/** A cell as the editor needs it: its codes, its centroid (turf's, as the server's) and its bounding box. */
export interface CellPlace {
  code: string;
  townCode: string;
  communityCode: string;
  responsibilityGridCode: string;
  lon: number;
  lat: number;
  /** [west, south, east, north]: to skip the cells far from a point or a polygon before the exact test. */
  bbox: [number, number, number, number];
}

export function cellPlaces(cells: readonly GridCell[]): CellPlace[] {
  return cells.map((f) => {
    const [lon, lat] = centroid(f as never).geometry.coordinates as Lngs;
    let w = Infinity;
    let s = Infinity;
    let e = -Infinity;
    let n = -Infinity;
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const polygon of polygons) {
      for (const [x, y] of polygon[0]!) {
        w = Math.min(w, x);
        s = Math.min(s, y);
        e = Math.max(e, x);
        n = Math.max(n, y);
      }
    }
    const p = f.properties;
    return { code: p.code, townCode: p.townCode, communityCode: p.communityCode, responsibilityGridCode: p.responsibilityGridCode, lon, lat, bbox: [w, s, e, n] };
  });
}

/** The drawn vertices as a closed GeoJSON polygon, or null under three vertices (no area). */
export function polygonOf(vertices: readonly Lngs[]): SelectionPolygon | null {
  if (vertices.length < 3) return null;
  return { type: 'Polygon', coordinates: [[...vertices.map(([x, y]): Lngs => [x, y]), [vertices[0]![0], vertices[0]![1]]]] };
}

/** The cells (indices) whose centroid lies inside the polygon, its boundary included: the server's rule. */
export function cellsInPolygon(places: readonly CellPlace[], polygon: SelectionPolygon): number[] {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const polygons = polygon.type === 'Polygon' ? [polygon.coordinates] : polygon.coordinates;
  for (const p of polygons) {
    for (const [x, y] of p[0]!) {
      w = Math.min(w, x);
      s = Math.min(s, y);
      e = Math.max(e, x);
      n = Math.max(n, y);
    }
  }
  const out: number[] = [];
  places.forEach((c, i) => {
    if (c.lon < w || c.lon > e || c.lat < s || c.lat > n) return;
    if (booleanPointInPolygon([c.lon, c.lat], polygon as never)) out.push(i);
  });
  return out;
}

/** The cell (index) a point falls in, or -1 outside the grid. */
export function cellAt(cells: readonly GridCell[], places: readonly CellPlace[], lon: number, lat: number): number {
  for (let i = 0; i < places.length; i++) {
    const [w, s, e, n] = places[i]!.bbox;
    if (lon < w || lon > e || lat < s || lat > n) continue;
    if (booleanPointInPolygon([lon, lat], cells[i]! as never)) return i;
  }
  return -1;
}

/** The bounding box of some cells, to bring them into view; null for none. */
export function boundsOf(places: readonly CellPlace[], indices: readonly number[]): [number, number, number, number] | null {
  if (indices.length === 0) return null;
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const i of indices) {
    const [w, s, e, n] = places[i]!.bbox;
    b[0] = Math.min(b[0], w);
    b[1] = Math.min(b[1], s);
    b[2] = Math.max(b[2], e);
    b[3] = Math.max(b[3], n);
  }
  return b;
}

/** How cells are picked: a town or community from the lists, a polygon drawn on the map, or cells clicked one by one. */
export type SelectionMode = 'area' | 'polygon' | 'cell';

/**
 * What the admin has picked, per way of picking: switching between them keeps each one's picks, and
 * the mode says which one a save sends.
 */
export interface Selection {
  mode: SelectionMode;
  town: string | null;
  community: string | null;
  /** The polygon's vertices in the order clicked, [lon, lat]. */
  vertices: Lngs[];
  /** Finished (double click or 完成): no more vertices until it is cleared. */
  closed: boolean;
  /** Cells clicked one by one, by code, in the order picked. */
  cells: string[];
}

export const EMPTY_SELECTION: Selection = { mode: 'area', town: null, community: null, vertices: [], closed: false, cells: [] };

export type SelectionAction =
  | { type: 'mode'; mode: SelectionMode }
  | { type: 'town'; town: string | null }
  | { type: 'community'; community: string | null }
  | { type: 'vertex'; at: Lngs }
  | { type: 'close' }
  | { type: 'clear' }
  | { type: 'toggleCell'; code: string };

/** A community's town: its code's first nine digits (town code + 3 digits). */
export const townOfCommunity = (community: string): string => community.slice(0, 9);

export function selectionReducer(s: Selection, a: SelectionAction): Selection {
  switch (a.type) {
    case 'mode':
      return s.mode === a.mode ? s : { ...s, mode: a.mode };
    case 'town':
      // A community of another town no longer belongs to the pick.
      return { ...s, town: a.town, community: s.community && a.town && townOfCommunity(s.community) === a.town ? s.community : null };
    case 'community':
      return { ...s, community: a.community, town: a.community ? townOfCommunity(a.community) : s.town };
    case 'vertex':
      // A finished polygon is kept until cleared: a stray click must not start another one.
      return s.closed ? s : { ...s, vertices: [...s.vertices, a.at] };
    case 'close':
      return s.closed || s.vertices.length < 3 ? s : { ...s, closed: true };
    case 'clear':
      if (s.mode === 'area') return { ...s, town: null, community: null };
      if (s.mode === 'polygon') return { ...s, vertices: [], closed: false };
      return { ...s, cells: [] };
    case 'toggleCell':
      return { ...s, cells: s.cells.includes(a.code) ? s.cells.filter((c) => c !== a.code) : [...s.cells, a.code] };
  }
}

type Selector = Pick<ResponsibilityAssignment, 'town' | 'community' | 'polygon' | 'cells'>;

/** What the save sends to select the cells, or null while nothing is picked (or the polygon is not finished). */
export function selectorOf(s: Selection): Selector | null {
  switch (s.mode) {
    case 'area':
      if (s.community) return { community: s.community };
      return s.town ? { town: s.town } : null;
    case 'polygon': {
      const polygon = s.closed ? polygonOf(s.vertices) : null;
      return polygon ? { polygon } : null;
    }
    case 'cell':
      return s.cells.length > 0 ? { cells: [...s.cells] } : null;
  }
}

/**
 * The cells (indices into `places`) the pick covers as the server will select them. A polygon being
 * drawn is previewed as if closed, so the count follows each vertex.
 */
export function selectedCells(places: readonly CellPlace[], s: Selection): number[] {
  switch (s.mode) {
    case 'area': {
      if (s.community) return indicesWhere(places, (c) => c.communityCode === s.community);
      return s.town ? indicesWhere(places, (c) => c.townCode === s.town) : [];
    }
    case 'polygon': {
      const polygon = polygonOf(s.vertices);
      return polygon ? cellsInPolygon(places, polygon) : [];
    }
    case 'cell': {
      const wanted = new Set(s.cells);
      return indicesWhere(places, (c) => wanted.has(c.code));
    }
  }
}

function indicesWhere(places: readonly CellPlace[], pred: (c: CellPlace) => boolean): number[] {
  const out: number[] = [];
  places.forEach((c, i) => {
    if (pred(c)) out.push(i);
  });
  return out;
}

/** Per role, what a save does: keep whoever answers now, leave the cells with nobody, or name a person. */
export type RoleChoice = { kind: 'keep' } | { kind: 'nobody' } | { kind: 'person'; id: string };
export type RoleChoices = Record<ResponsibilityRole, RoleChoice>;

export const KEEP_ALL: RoleChoices = { inspector: { kind: 'keep' }, grid_worker: { kind: 'keep' }, grid_head: { kind: 'keep' } };

const FIELD: Record<ResponsibilityRole, 'inspectorId' | 'gridWorkerId' | 'gridHeadId'> = {
  inspector: 'inspectorId',
  grid_worker: 'gridWorkerId',
  grid_head: 'gridHeadId',
};

/**
 * The one assignment a save sends (the server takes it all or nothing): the pick's selector and the
 * roles that change, null for nobody; a role kept is left out. Null while nothing is picked or no
 * role changes: there is nothing to send.
 */
export function assignmentOf(s: Selection, roles: RoleChoices): ResponsibilityAssignment | null {
  const selector = selectorOf(s);
  if (!selector) return null;
  const fields: Partial<Record<(typeof FIELD)[ResponsibilityRole], string | null>> = {};
  for (const role of Object.keys(FIELD) as ResponsibilityRole[]) {
    const choice = roles[role];
    if (choice.kind === 'nobody') fields[FIELD[role]] = null;
    else if (choice.kind === 'person') fields[FIELD[role]] = choice.id;
  }
  if (Object.keys(fields).length === 0) return null;
  return { ...selector, ...fields };
}

const HOLDER: Record<ResponsibilityRole, 'inspector' | 'gridWorker' | 'gridHead'> = { inspector: 'inspector', grid_worker: 'gridWorker', grid_head: 'gridHead' };

/** Who answers for a role over some cells, with how many cells each (nobody as a null person), most cells first. */
export function holdersOf(cells: readonly ResponsibilityCellView[], role: ResponsibilityRole): { person: PersonRef | null; cells: number }[] {
  const counts = new Map<string, { person: PersonRef | null; cells: number }>();
  for (const c of cells) {
    const person = c[HOLDER[role]];
    const key = person?.id ?? '';
    const entry = counts.get(key);
    if (entry) entry.cells += 1;
    else counts.set(key, { person, cells: 1 });
  }
  return [...counts.values()].sort((a, b) => b.cells - a.cells || (a.person?.id ?? '').localeCompare(b.person?.id ?? ''));
}
