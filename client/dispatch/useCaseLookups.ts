import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { Incident } from '../../shared/index.js';
import { ApiError, fetchCaseUnits, searchCasesByNumber, type CaseUnit } from '../cases/caseApi.js';

/**
 * The units responsible for the open case (`GET /api/cases/:id/units`), read with its candidates
 * whenever it can be dispatched; null while not asked for or not yet answered.
 */
export function useCaseUnits(caseId: string | undefined, version: number | undefined, enabled: boolean, onUnauthenticated: () => void): CaseUnit[] | null {
  const [held, setHeld] = useReducer((_: UnitsHeld, next: UnitsHeld) => next, null);
  const unauthenticated = useRef(onUnauthenticated);
  unauthenticated.current = onUnauthenticated;
  useEffect(() => {
    if (!enabled || !caseId || version === undefined) return;
    let stale = false;
    fetchCaseUnits(caseId).then(
      (units) => {
        if (!stale) setHeld({ caseId, units });
      },
      (err: unknown) => {
        if (stale) return;
        if (err instanceof ApiError && err.status === 401) unauthenticated.current();
        setHeld({ caseId, units: [] });
      },
    );
    return () => {
      stale = true;
    };
  }, [caseId, version, enabled]);
  return enabled && held && held.caseId === caseId ? held.units : null;
}
type UnitsHeld = { caseId: string; units: CaseUnit[] } | null;

/** The header's case-number search: what was asked, and what came back. */
export type NumberSearch =
  | { phase: 'idle' }
  | { phase: 'searching'; query: string }
  | { phase: 'none'; query: string }
  | { phase: 'several'; query: string; items: Incident[] }
  | { phase: 'error'; query: string; code: string };

export type NumberSearchEvent =
  | { type: 'search'; query: string }
  | { type: 'answer'; query: string; items: Incident[] }
  | { type: 'failed'; query: string; code: string }
  | { type: 'clear' };

/** Pure: the search's next state. An answer to a query other than the last one asked is ignored. */
export function numberSearchUpdate(state: NumberSearch, event: NumberSearchEvent): NumberSearch {
  switch (event.type) {
    case 'search':
      return { phase: 'searching', query: event.query };
    case 'clear':
      return { phase: 'idle' };
    case 'answer':
      if (state.phase !== 'searching' || state.query !== event.query) return state;
      // One match opens it: nothing is left to show.
      if (event.items.length === 1) return { phase: 'idle' };
      return event.items.length === 0 ? { phase: 'none', query: event.query } : { phase: 'several', query: event.query, items: event.items };
    case 'failed':
      if (state.phase !== 'searching' || state.query !== event.query) return state;
      return { phase: 'error', query: event.query, code: event.code };
  }
}

/**
 * `GET /api/incidents?number=…&limit=10` for a number or its start: one match is opened at once
 * (`onOpen`), several are listed to pick from, none is said.
 */
export function useNumberSearch(onOpen: (id: string) => void, onUnauthenticated: () => void) {
  const [state, dispatch] = useReducer(numberSearchUpdate, { phase: 'idle' });
  const callbacks = useRef({ onOpen, onUnauthenticated });
  callbacks.current = { onOpen, onUnauthenticated };
  const latest = useRef('');
  const search = useCallback((raw: string) => {
    const query = raw.trim().toUpperCase();
    latest.current = query;
    if (!query) return dispatch({ type: 'clear' });
    dispatch({ type: 'search', query });
    searchCasesByNumber(query).then(
      (items) => {
        dispatch({ type: 'answer', query, items });
        if (items.length === 1 && latest.current === query) callbacks.current.onOpen(items[0]!.id);
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) return callbacks.current.onUnauthenticated();
        dispatch({ type: 'failed', query, code: err instanceof ApiError ? err.code : String(err) });
      },
    );
  }, []);
  const pick = useCallback((id: string) => {
    latest.current = '';
    dispatch({ type: 'clear' });
    callbacks.current.onOpen(id);
  }, []);
  const clear = useCallback(() => dispatch({ type: 'clear' }), []);
  return { state, search, pick, clear };
}
