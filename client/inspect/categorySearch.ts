import type { Category } from '../../shared/index.js';

/**
 * Choosing a category on the inspector's phone (pure: no React, no storage): by code (`E0102`,
 * `e01`), by Chinese name (`垃圾`), by the pinyin initials of the Chinese name (暴露垃圾 → `bllj`) or
 * by English name, the categories this inspector reports most often first.
 *
 * Ranking, best first (within a tier: used more often, then the catalog's order):
 *  0. the code starts with the query;
 *  1. the Chinese name starts with it;
 *  2. the pinyin initials start with it;
 *  3. the Chinese name contains it;
 *  4. a word of the English name starts with it;
 *  5. the class name contains it (Chinese or English), or, from two letters, the initials do.
 * An empty query lists the most used first, then the catalog's order.
 */

export interface CategoryEntry {
  category: Category;
  /** Place in the catalog. */
  order: number;
  code: string;
  zh: string;
  en: string;
  /** Pinyin initials of the Chinese name, lower case; '' until known. */
  initials: string;
  classZh: string;
  classEn: string;
}

/** How many reports of each category this inspector made (by code). */
export type CategoryUse = Readonly<Record<string, number>>;

/** What is compared: NFKC (full-width letters and digits fold), lower case, no spaces. */
export const normalise = (s: string): string => s.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

/** The catalog ready to search; `initialsOf` gives a Chinese name's pinyin initials (none: '' until it is loaded). */
export function indexCategories(categories: readonly Category[], initialsOf: ((zh: string) => string) | null = null): CategoryEntry[] {
  return categories.map((category, order) => ({
    category,
    order,
    code: category.code.toLowerCase(),
    zh: normalise(category.name.zh),
    en: category.name.en.toLowerCase(),
    initials: initialsOf ? normalise(initialsOf(category.name.zh)) : '',
    classZh: normalise(category.className.zh),
    classEn: category.className.en.toLowerCase(),
  }));
}

function tierOf(e: CategoryEntry, q: string): number {
  if (e.code.startsWith(q)) return 0;
  if (e.zh.startsWith(q)) return 1;
  if (e.initials !== '' && e.initials.startsWith(q)) return 2;
  if (e.zh.includes(q)) return 3;
  if (e.en.split(/[^a-z0-9]+/).some((w) => w !== '' && w.startsWith(q))) return 4;
  if (e.classZh.includes(q) || (q.length >= 2 && (e.initials.includes(q) || e.classEn.includes(q) || e.en.includes(q)))) return 5;
  return -1;
}

/** The categories matching what was typed, best first, at most `limit`. */
export function searchCategories(entries: readonly CategoryEntry[], query: string, use: CategoryUse = {}, limit = 12): Category[] {
  const q = normalise(query);
  const scored: { e: CategoryEntry; tier: number }[] = [];
  for (const e of entries) {
    const tier = q === '' ? 0 : tierOf(e, q);
    if (tier >= 0) scored.push({ e, tier });
  }
  return scored
    .sort((a, b) => a.tier - b.tier || (use[b.e.category.code] ?? 0) - (use[a.e.category.code] ?? 0) || a.e.order - b.e.order)
    .slice(0, limit)
    .map((x) => x.e.category);
}

/** The categories this inspector has reported, most often first (ties: the catalog's order), at most `limit`. */
export function favouriteCategories(entries: readonly CategoryEntry[], use: CategoryUse, limit = 6): Category[] {
  return entries
    .filter((e) => (use[e.category.code] ?? 0) > 0)
    .sort((a, b) => use[b.category.code]! - use[a.category.code]! || a.order - b.order)
    .slice(0, limit)
    .map((e) => e.category);
}

/** One more report of a category. */
export function countUse(use: CategoryUse, code: string): CategoryUse {
  return { ...use, [code]: (use[code] ?? 0) + 1 };
}
