import { useEffect, useRef, useState } from 'react';
import type { Category, CityMeta, Unit } from '../../shared/index.js';
import { ApiError, getJson } from './caseApi.js';

/**
 * The city's metadata (towns and their names), the category catalog and the units responsible by
 * code, loaded once for a page; a 401 means the session is gone.
 */
export function useCityAndCategories(onUnauthenticated: () => void): {
  city: CityMeta | null;
  categories: ReadonlyMap<string, Category>;
  units: ReadonlyMap<string, Unit>;
} {
  const [city, setCity] = useState<CityMeta | null>(null);
  const [categories, setCategories] = useState<ReadonlyMap<string, Category>>(new Map());
  const [units, setUnits] = useState<ReadonlyMap<string, Unit>>(new Map());
  const onUnauthenticatedRef = useRef(onUnauthenticated);
  onUnauthenticatedRef.current = onUnauthenticated;
  useEffect(() => {
    const failed = (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) onUnauthenticatedRef.current();
    };
    getJson<CityMeta>('/api/city').then(setCity, failed);
    getJson<Category[]>('/api/categories').then((list) => setCategories(new Map(list.map((c) => [c.code, c]))), failed);
    getJson<Unit[]>('/api/units').then((list) => setUnits(new Map(list.map((u) => [u.code, u]))), failed);
  }, []);
  return { city, categories, units };
}
