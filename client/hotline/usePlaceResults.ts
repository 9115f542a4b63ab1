import { useEffect, useRef, useState } from 'react';
import type { Place } from '../../shared/index.js';
import { ApiError } from '../cases/caseApi.js';
import { searchPlaces } from './hotlineApi.js';

/** How long typing pauses before the place box asks the server. */
const PLACE_DEBOUNCE_MS = 150;

/**
 * What a place box lists for what is typed (`GET /api/places`, the 12345 desk's and the inspectors'
 * phone's): the last answer stays while the next is asked.
 */
export function usePlaceResults(query: string, onUnauthenticated: () => void): { items: Place[]; status: 'idle' | 'loading' | 'done' | 'failed'; message: string } {
  const [result, setResult] = useState<{ items: Place[]; status: 'idle' | 'loading' | 'done' | 'failed'; message: string }>({ items: [], status: 'idle', message: '' });
  const onUnauthenticatedRef = useRef(onUnauthenticated);
  onUnauthenticatedRef.current = onUnauthenticated;
  useEffect(() => {
    const q = query.trim().slice(0, 100);
    if (q === '') {
      setResult({ items: [], status: 'idle', message: '' });
      return;
    }
    const abort = new AbortController();
    const timer = setTimeout(() => {
      setResult((r) => ({ ...r, status: 'loading' }));
      searchPlaces(q, abort.signal).then(
        (answer) => setResult({ items: answer.items, status: 'done', message: '' }),
        (err: unknown) => {
          if (abort.signal.aborted) return;
          if (err instanceof ApiError && err.status === 401) onUnauthenticatedRef.current();
          setResult({ items: [], status: 'failed', message: err instanceof Error ? err.message : String(err) });
        },
      );
    }, PLACE_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [query]);
  return result;
}
