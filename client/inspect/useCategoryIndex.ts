import { useEffect, useMemo, useState } from 'react';
import type { Category } from '../../shared/index.js';
import { countUse, indexCategories, type CategoryEntry, type CategoryUse } from './categorySearch.js';

const INITIALS_KEY = 'gridwatch.inspect.initials';

function readInitials(): Record<string, string> {
  try {
    const saved = JSON.parse(localStorage.getItem(INITIALS_KEY) ?? 'null') as Record<string, string> | null;
    return saved && typeof saved === 'object' ? saved : {};
  } catch {
    return {};
  }
}

/**
 * The catalog ready to search on the phone, with the pinyin initials of every Chinese name. pinyin-pro
 * (its dictionary is most of its weight) is its own chunk, fetched after the page shows, and the
 * initials it gives are kept on the device: until they are known the search goes by code and name.
 */
export function useCategoryIndex(categories: ReadonlyMap<string, Category>): CategoryEntry[] {
  const list = useMemo(() => [...categories.values()], [categories]);
  const [initials, setInitials] = useState<Record<string, string>>(readInitials);
  const missing = list.some((c) => initials[c.name.zh] === undefined);
  useEffect(() => {
    if (!missing) return;
    let cancelled = false;
    import('pinyin-pro').then(
      ({ pinyin }) => {
        if (cancelled) return;
        const next: Record<string, string> = {};
        for (const c of list) next[c.name.zh] = pinyin(c.name.zh, { pattern: 'first', toneType: 'none', type: 'array' }).join('');
        setInitials(next);
        try {
          localStorage.setItem(INITIALS_KEY, JSON.stringify(next));
        } catch {
          // storage full: computed again next time
        }
      },
      () => undefined, // offline before it was fetched: names and codes still work
    );
    return () => {
      cancelled = true;
    };
  }, [list, missing]);
  return useMemo(() => indexCategories(list, (zh) => initials[zh] ?? ''), [list, initials]);
}

/** How often this inspector reported each category, kept on the device; `use` counts one more. */
export function useCategoryUse(username: string): [CategoryUse, (code: string) => void] {
  const key = `gridwatch.inspect.categoryUse.${username}`;
  const [use, setUse] = useState<CategoryUse>(() => {
    try {
      const saved = JSON.parse(localStorage.getItem(key) ?? 'null') as CategoryUse | null;
      return saved && typeof saved === 'object' ? saved : {};
    } catch {
      return {};
    }
  });
  const count = (code: string) =>
    setUse((u) => {
      const next = countUse(u, code);
      try {
        localStorage.setItem(key, JSON.stringify(next));
      } catch {
        // storage full: the order is this page's only
      }
      return next;
    });
  return [use, count];
}
