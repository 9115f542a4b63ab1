import { bbox, booleanPointInPolygon } from '@turf/turf';
import type { ResponsibilityAssignment, ResponsibilityRole } from '../../shared/index.js';
import type { CellDirectory } from './cells.js';
import type { Assignment } from './responsibility.js';

/** What a selection named that does not exist. */
export interface UnknownSelection {
  kind: 'responsibility_grid' | 'cell' | 'town' | 'community';
  codes: string[];
}

/**
 * The cells an assignment selects: the union of its selectors (whole responsibility grids, cells by
 * code, a town, a community, the cells whose centroid lies inside a polygon), as ascending indices.
 * Codes that do not exist are answered, not ignored: the caller refuses the whole change.
 */
export function selectCells(dir: CellDirectory, a: ResponsibilityAssignment): { cells: number[] } | { unknown: UnknownSelection[] } {
  const picked = new Set<number>();
  const unknown: UnknownSelection[] = [];
  const take = (list: readonly number[]) => list.forEach((i) => picked.add(i));
  const missing: Record<UnknownSelection['kind'], string[]> = { responsibility_grid: [], cell: [], town: [], community: [] };
  for (const code of a.responsibilityGridCodes ?? []) {
    const cells = dir.cellsOfGrid(code);
    if (cells) take(cells);
    else missing.responsibility_grid.push(code);
  }
  for (const code of a.cells ?? []) {
    const i = dir.indexOf(code);
    if (i >= 0) picked.add(i);
    else missing.cell.push(code);
  }
  if (a.town !== undefined) {
    const cells = dir.cellsOfTown(a.town);
    if (cells) take(cells);
    else missing.town.push(a.town);
  }
  if (a.community !== undefined) {
    const cells = dir.cellsOfCommunity(a.community);
    if (cells) take(cells);
    else missing.community.push(a.community);
  }
  if (a.polygon !== undefined) take(cellsInPolygon(dir, a.polygon));
  for (const [kind, codes] of Object.entries(missing)) if (codes.length > 0) unknown.push({ kind: kind as UnknownSelection['kind'], codes });
  if (unknown.length > 0) return { unknown };
  return { cells: [...picked].sort((x, y) => x - y) };
}

/** The cells whose centroid lies inside a polygon (on its boundary counts as inside). */
export function cellsInPolygon(dir: CellDirectory, polygon: NonNullable<ResponsibilityAssignment['polygon']>): number[] {
  const [w, s, e, n] = bbox(polygon as never);
  const out: number[] = [];
  dir.cells.forEach((c, i) => {
    if (c.lon < w || c.lon > e || c.lat < s || c.lat > n) return;
    if (booleanPointInPolygon([c.lon, c.lat], polygon as never)) out.push(i);
  });
  return out;
}

const ROLE_FIELDS: [keyof ResponsibilityAssignment & `${string}Id`, ResponsibilityRole][] = [
  ['inspectorId', 'inspector'],
  ['gridWorkerId', 'grid_worker'],
  ['gridHeadId', 'grid_head'],
];

/** The roles an assignment sets, with the person (or null) for each. */
export function rolesOf(a: ResponsibilityAssignment): { role: ResponsibilityRole; personId: string | null }[] {
  return ROLE_FIELDS.filter(([field]) => a[field] !== undefined).map(([field, role]) => ({ role, personId: a[field] as string | null }));
}

export const assignmentKey = (a: Pick<Assignment, 'scope' | 'code' | 'role'>): string => `${a.scope}\u0000${a.code}\u0000${a.role}`;

/**
 * Applies an assignment's roles to selected cells in a working set of assignments (by key), keeping
 * it as coarse as it can: a responsibility grid whose cells are all selected is set as a grid (and
 * its cells' own assignments for the role are dropped, so they follow it again); the cells of a grid
 * selected only in part are set one by one.
 */
export function applyToCells(dir: CellDirectory, working: Map<string, Assignment>, cells: readonly number[], roles: readonly { role: ResponsibilityRole; personId: string | null }[]): void {
  const byGrid = new Map<string, number[]>();
  for (const i of cells) {
    const g = dir.cells[i]!.responsibilityGridCode;
    const list = byGrid.get(g);
    if (list) list.push(i);
    else byGrid.set(g, [i]);
  }
  for (const [grid, selected] of byGrid) {
    const all = dir.cellsOfGrid(grid)!;
    const whole = selected.length === all.length;
    for (const { role, personId } of roles) {
      if (whole) {
        const a: Assignment = { scope: 'grid', code: grid, role, personId };
        working.set(assignmentKey(a), a);
        for (const i of all) working.delete(assignmentKey({ scope: 'cell', code: dir.cells[i]!.code, role }));
      } else {
        for (const i of selected) {
          const a: Assignment = { scope: 'cell', code: dir.cells[i]!.code, role, personId };
          working.set(assignmentKey(a), a);
        }
      }
    }
  }
}
