import { describe, expect, it } from 'vitest';
import { TOWN_DEPARTMENT, unitCoverage, unitsForCase, unitsOf } from '../../shared/index.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { cityWithTeams } from '../support/cityWithTeams.js';

const catalog = loadCatalog();
const { city, teams } = cityWithTeams();
const towns = city.layers.towns.features.map((f) => f.properties);
const units = unitsOf(catalog.departments, towns, catalog.categories, teams);

describe('the units responsible, over the default catalog and roster', () => {
  it('are every department but the town placeholder, and every town', () => {
    const departments = catalog.departments.filter((d) => d.code !== TOWN_DEPARTMENT).map((d) => d.code);
    expect(units.filter((u) => u.kind === 'department').map((u) => u.code)).toEqual(departments);
    expect(units.filter((u) => u.kind === 'town').map((u) => u.code)).toEqual(towns.map((t) => t.code));
    expect(new Set(units.map((u) => u.code)).size).toBe(units.length);
  });

  it('give every category of the catalog at least one unit, and every team to exactly one unit', () => {
    const { withoutUnit } = unitCoverage(units, catalog.categories);
    expect(withoutUnit).toEqual([]);
    for (const c of catalog.categories) {
      const able = units.filter((u) => u.categories.includes(c.code));
      expect(able.length, c.code).toBeGreaterThan(0);
    }
    const owners = teams.map((t) => units.filter((u) => u.teams.includes(t.id)).length);
    expect(owners.every((n) => n === 1)).toBe(true);
  });

  it('name the categories whose units have no crew on the roster: none on the default roster, the utilities\' without their crews', () => {
    // The default roster gives every unit a crew (tests/unit/unit-roster.test.ts says more).
    expect(unitCoverage(units, catalog.categories)).toEqual({ withoutUnit: [], withoutCrew: [] });
    // A roster without the utilities' crews leaves their categories uncrewed, and only theirs.
    const utilities = new Set(['shuiwu', 'gongshui', 'ranqi', 'gongdian', 'tongxin']);
    const without = unitsOf(catalog.departments, towns, catalog.categories, teams.filter((t) => !utilities.has(t.unitCode)));
    const { withoutCrew } = unitCoverage(without, catalog.categories);
    expect(withoutCrew).toEqual(catalog.categories.filter((c) => utilities.has(c.department)).map((c) => c.code));
    // The utilities' manhole covers are among them: their cases reach the unit, not a tracked crew.
    expect(withoutCrew).toContain('C0101');
    // A roster without any town's own crew leaves the town categories uncrewed.
    const noTownCrews = unitsOf(catalog.departments, towns, catalog.categories, teams.filter((t) => t.department !== TOWN_DEPARTMENT));
    expect(unitCoverage(noTownCrews, catalog.categories).withoutCrew).toEqual(catalog.categories.filter((c) => c.department === TOWN_DEPARTMENT).map((c) => c.code));
  });

  it('send a case to its category’s department, or to the town where it lies for the town’s own categories', () => {
    const byCode = new Map(catalog.categories.map((c) => [c.code, c]));
    const garbage = byCode.get('E0102')!;
    expect(unitsForCase(units, garbage, towns[0]!.code).map((u) => u.code)).toEqual([garbage.department]);
    const townCategory = catalog.categories.find((c) => c.department === TOWN_DEPARTMENT)!;
    for (const t of towns) expect(unitsForCase(units, townCategory, t.code).map((u) => u.code)).toEqual([t.code]);
    expect(unitsForCase(units, townCategory, '999999999')).toEqual([]);
  });
});
