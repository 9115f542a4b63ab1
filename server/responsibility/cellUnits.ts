import type { Unit } from '../../shared/index.js';
import type { CellDirectory } from './cells.js';

/**
 * The units responsible for what lies in each cell (责任单位), derived, not stored: the town the cell
 * lies in (属地: the catalog's `jiedao` categories, and whatever the town's own crews keep) and the
 * owners of the components inventoried in it (a manhole cover's utility, a street light's 市政). The
 * departments with event categories (环卫, 城管执法, 交警, …) answer for their events in every cell
 * alike: they are `citywide`, listed once instead of in every cell.
 */
export function unitsOfCells(
  dir: CellDirectory,
  components: readonly { properties: { gridCode: string; ownerUnit: string } }[],
  units: readonly Pick<Unit, 'code' | 'kind' | 'categories'>[],
): { perCell: string[][]; citywide: string[] } {
  const owners = new Map<number, Set<string>>();
  for (const c of components) {
    const i = dir.indexOf(c.properties.gridCode);
    if (i < 0) continue;
    let set = owners.get(i);
    if (!set) owners.set(i, (set = new Set()));
    set.add(c.properties.ownerUnit);
  }
  const perCell = dir.cells.map((cell, i) => {
    const own = [...(owners.get(i) ?? [])].filter((u) => u !== cell.townCode).sort();
    return [cell.townCode, ...own];
  });
  const citywide = units.filter((u) => u.kind === 'department' && u.categories.some((c) => c.startsWith('E'))).map((u) => u.code);
  return { perCell, citywide };
}
