import { describe, expect, it } from 'vitest';
import { THEME_DEFINITIONS } from '../../shared/index.js';
import { categoriesOfTheme, categoriesWithinTheme, categoryGroups, toggleCategory, toggleGroup } from '../../client/map/categoryChoice.js';
import { passesDensityFilter, pointsQueryString } from '../../client/layers/useIncidentPoints.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';

const catalog = loadCatalog().categories;

describe('the layer panel’s category filter', () => {
  it('lists the whole catalog for a theme without its own categories, grouped by family and class', () => {
    const groups = categoryGroups(catalog, 'all');
    expect(groups.flatMap((g) => g.categories)).toHaveLength(catalog.length);
    // Events first, then components; each group one class of one family, in code order.
    const families = groups.map((g) => g.family);
    expect(families.indexOf('C')).toBeGreaterThan(families.lastIndexOf('E'));
    for (const g of groups) {
      expect(g.categories.every((c) => c.code.startsWith(g.key))).toBe(true);
      expect(g.categories.map((c) => c.code)).toEqual(g.categories.map((c) => c.code).sort());
    }
    expect(new Set(groups.map((g) => g.key)).size).toBe(groups.length);
  });

  it('offers only the theme’s categories when the theme has a list', () => {
    const own = THEME_DEFINITIONS.street_order.categories!;
    expect(categoriesOfTheme(catalog, 'street_order').map((c) => c.code).sort()).toEqual([...own].sort());
    expect(categoryGroups(catalog, 'congestion')).toEqual([]);
  });

  it('finds a category by its Chinese name, its English name, its class or its code', () => {
    const codes = (q: string) => categoryGroups(catalog, 'all', q).flatMap((g) => g.categories.map((c) => c.code));
    expect(codes('暴露垃圾')).toContain('E0102');
    expect(codes('  exposed GARBAGE ')).toContain('E0102');
    expect(codes('e0102')).toEqual(['E0102']);
    const byClass = codes(catalog.find((c) => c.code === 'C0101')!.className.zh);
    expect(byClass).toContain('C0101');
    expect(byClass.every((c) => c.startsWith('C01'))).toBe(true);
    expect(codes('no such thing at all')).toEqual([]);
  });

  it('switches one category or a whole class, and drops the choices a new theme does not allow', () => {
    let chosen = toggleCategory(undefined, 'E0102');
    expect(chosen).toEqual(['E0102']);
    chosen = toggleCategory(chosen, 'E0501');
    expect(chosen).toEqual(['E0102', 'E0501']);
    expect(toggleCategory(['E0102'], 'E0102')).toBeUndefined();
    const group = categoryGroups(catalog, 'all').find((g) => g.key === 'E01')!;
    const all = toggleGroup(['E0102'], group)!;
    expect(all).toEqual(expect.arrayContaining(group.categories.map((c) => c.code)));
    expect(toggleGroup(all, group)).toBeUndefined();
    expect(categoriesWithinTheme(['E0102', 'E0501'], 'street_order')).toEqual(['E0501']);
    expect(categoriesWithinTheme(['E0102'], 'street_order')).toBeUndefined();
    expect(categoriesWithinTheme(['E0102', 'C0101'], 'all')).toEqual(['E0102', 'C0101']);
  });

  it('asks the API for the chosen categories and keeps live arrivals of those only', () => {
    expect(pointsQueryString('7d', { theme: 'all', categories: ['E0102', 'E0501'] })).toBe('window=7d&theme=all&categories=E0102%2CE0501');
    expect(pointsQueryString('7d', { theme: 'all', categories: [] })).toBe('window=7d&theme=all');
    const garbage = { categoryCode: 'E0102', source: 'inspector' as const, townCode: '320412001' };
    expect(passesDensityFilter(garbage, { theme: 'all', categories: ['E0102'] })).toBe(true);
    expect(passesDensityFilter(garbage, { theme: 'all', categories: ['E0501'] })).toBe(false);
  });
});
