import type { Category, Department } from '../schema/category.js';
import type { LocalizedName } from '../schema/common.js';
import type { Team } from '../schema/team.js';
import type { Unit } from '../schema/unit.js';

/** The catalog's department code for "the town or street where the case lies" (属地镇街). */
export const TOWN_DEPARTMENT = 'jiedao';

/**
 * The units responsible: every department of the catalog but `jiedao`, and every town of the city,
 * each with the categories it handles and its crews (the teams whose `unitCode` is its code: a team
 * of its department, or a town's own crew). Pure: the server serves it, and tests check the catalog
 * and the roster against it.
 */
export function unitsOf(
  departments: readonly Department[],
  towns: readonly { code: string; name: LocalizedName }[],
  categories: readonly Pick<Category, 'code' | 'department'>[],
  teams: readonly Pick<Team, 'id' | 'unitCode'>[],
): Unit[] {
  const categoriesOf = (department: string) => categories.filter((c) => c.department === department).map((c) => c.code);
  const byDepartment = departments
    .filter((d) => d.code !== TOWN_DEPARTMENT)
    .map((d): Unit => ({
      code: d.code,
      kind: 'department',
      name: d.name,
      categories: categoriesOf(d.code),
      teams: teams.filter((t) => t.unitCode === d.code).map((t) => t.id),
    }));
  const townCategories = categoriesOf(TOWN_DEPARTMENT);
  const byTown = towns.map((t): Unit => ({
    code: t.code,
    kind: 'town',
    name: t.name,
    categories: townCategories,
    teams: teams.filter((m) => m.unitCode === t.code).map((m) => m.id),
  }));
  return [...byDepartment, ...byTown];
}

/** The units that may handle a case of this category lying in this town: its department's, or the town's own. */
export function unitsForCase(units: readonly Unit[], category: Pick<Category, 'code' | 'department'>, townCode: string): Unit[] {
  if (category.department === TOWN_DEPARTMENT) return units.filter((u) => u.kind === 'town' && u.code === townCode);
  return units.filter((u) => u.kind === 'department' && u.categories.includes(category.code));
}

/** Categories no unit handles (should be none), and categories whose units have no crew on the roster. */
export function unitCoverage(units: readonly Unit[], categories: readonly Pick<Category, 'code' | 'department'>[]): { withoutUnit: string[]; withoutCrew: string[] } {
  const withoutUnit: string[] = [];
  const withoutCrew: string[] = [];
  for (const c of categories) {
    const able = units.filter((u) => u.categories.includes(c.code));
    if (able.length === 0) withoutUnit.push(c.code);
    else if (able.every((u) => u.teams.length === 0)) withoutCrew.push(c.code);
  }
  return { withoutUnit, withoutCrew };
}

/** Whether a unit handles a category for a case lying in a town (a town only within its own bounds). */
export function unitHandles(unit: Pick<Unit, 'code' | 'kind' | 'categories'>, categoryCode: string, townCode: string): boolean {
  return unit.categories.includes(categoryCode) && (unit.kind === 'department' || unit.code === townCode);
}
