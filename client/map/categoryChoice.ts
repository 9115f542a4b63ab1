import { THEME_DEFINITIONS, type Category, type HotspotTheme } from '../../shared/index.js';

/** One class of the catalog (市容环境, 公用设施, …) within a family, with the categories shown of it. */
export interface CategoryGroup {
  key: string;
  family: 'E' | 'C';
  className: Category['className'];
  categories: Category[];
}

/** The categories a theme allows: its own list, or the whole catalog for a theme without one. */
export function categoriesOfTheme(catalog: Iterable<Category>, theme: HotspotTheme): Category[] {
  const own = THEME_DEFINITIONS[theme].categories;
  const allowed = own ? new Set(own) : null;
  return [...catalog].filter((c) => !allowed || allowed.has(c.code));
}

/**
 * The picker's list: the theme's categories that match the search (code, Chinese or English name, or
 * class name, ignoring case), grouped by family (events first, as the catalog lists them) and class,
 * in code order, so a dispatcher finds 暴露垃圾 under 市容环境 as in the standard.
 */
export function categoryGroups(catalog: Iterable<Category>, theme: HotspotTheme, search = ''): CategoryGroup[] {
  const q = search.trim().toLowerCase();
  const matches = (c: Category) =>
    q === '' || [c.code, c.name.zh, c.name.en, c.className.zh, c.className.en].some((s) => s.toLowerCase().includes(q));
  const groups = new Map<string, CategoryGroup>();
  const sorted = categoriesOfTheme(catalog, theme)
    .filter(matches)
    .sort((a, b) => (a.code[0] === b.code[0] ? a.code.localeCompare(b.code) : a.code[0] === 'E' ? -1 : 1));
  for (const c of sorted) {
    const family = c.code[0] as 'E' | 'C';
    const key = `${family}${c.classCode}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, family, className: c.className, categories: [] }));
    g.categories.push(c);
  }
  return [...groups.values()];
}

/** The chosen categories that a new theme still allows (undefined when none are left: no narrowing). */
export function categoriesWithinTheme(chosen: readonly string[] | undefined, theme: HotspotTheme): string[] | undefined {
  const own = THEME_DEFINITIONS[theme].categories;
  const kept = (chosen ?? []).filter((c) => !own || own.includes(c));
  return kept.length > 0 ? kept : undefined;
}

/** A class's codes switched together: all on when any is off, else all off. */
export function toggleGroup(chosen: readonly string[] | undefined, group: CategoryGroup): string[] | undefined {
  const codes = group.categories.map((c) => c.code);
  const set = new Set(chosen ?? []);
  const allOn = codes.every((c) => set.has(c));
  for (const c of codes) if (allOn) set.delete(c);
  else set.add(c);
  return set.size > 0 ? [...set].sort() : undefined;
}

/** One category switched. */
export function toggleCategory(chosen: readonly string[] | undefined, code: string): string[] | undefined {
  const set = new Set(chosen ?? []);
  if (set.has(code)) set.delete(code);
  else set.add(code);
  return set.size > 0 ? [...set].sort() : undefined;
}
