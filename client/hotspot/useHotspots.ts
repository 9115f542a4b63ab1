import { useEffect, useRef, useState } from 'react';
import type { EmergingAnswer, HotspotAnswer, TimeWindow } from '../../shared/index.js';
import { pointsQueryString, type DensityFilter } from '../layers/useIncidentPoints.js';

/** Which hotspots the map shows: Gi* over the window by unit grid cell or by H3 hexagon, or the emerging ones over the last weeks. */
export type HotspotMode = 'gistar' | 'gistarHex' | 'emerging';

/** The class of each unit grid cell that has one (by its index in the grid layer), with the classes' counts. */
export interface CellHotspots {
  mode: HotspotMode;
  classOfCell: Map<number, string>;
  /** The class of each H3 hexagon that has one (mode gistarHex). */
  classOfHex: Map<string, string>;
  classes: Record<string, number>;
  incidents: number | null;
}

/** Weeks of the space-time cube (the default history holds 90 days). */
export const EMERGING_WEEKS = 12;
/** Read again this often while shown: the window moves on. */
const REFRESH_MS = 5 * 60_000;

/**
 * The hotspots of the density filter's theme while `enabled`: `GET /api/hotspots` (queen contiguity,
 * FDR) over the window, or `GET /api/hotspots/emerging` over the last 12 weeks; read again when the
 * window, the filter or the mode changes, and every five minutes.
 */
export function useHotspots(
  enabled: boolean,
  mode: HotspotMode,
  window: TimeWindow,
  filter: DensityFilter,
  onUnauthenticated: () => void,
  /** A playback step: Gi* over its span only. */
  step: { from: number; until: number } | null = null,
): CellHotspots | null {
  const [answer, setAnswer] = useState<CellHotspots | null>(null);
  const onUnauthenticatedRef = useRef(onUnauthenticated);
  onUnauthenticatedRef.current = onUnauthenticated;
  const span = step ? `&since=${new Date(step.from).toISOString()}&until=${new Date(step.until).toISOString()}` : '';
  const url =
    mode === 'emerging'
      ? `/api/hotspots/emerging?weeks=${EMERGING_WEEKS}&theme=${filter.theme}`
      : `/api/hotspots?${pointsQueryString(window, filter)}&${mode === 'gistarHex' ? 'res=h3-8' : 'weights=queen'}${span}`;
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    const load = async () => {
      const r = await fetch(url, { signal: abort.signal, cache: 'no-store' });
      if (r.status === 401) onUnauthenticatedRef.current();
      if (!r.ok) return;
      if (mode === 'emerging') {
        const a = (await r.json()) as EmergingAnswer;
        setAnswer({ mode, classOfCell: new Map(a.cells.map((c) => [c.cell, c.class])), classOfHex: new Map(), classes: a.classes, incidents: null });
      } else {
        const a = (await r.json()) as HotspotAnswer;
        const byCell = new Map(a.cells.filter((c) => c.cell !== undefined).map((c) => [c.cell!, c.class]));
        const byHex = new Map(a.cells.filter((c) => c.h3 !== undefined).map((c) => [c.h3!, c.class]));
        setAnswer({ mode, classOfCell: byCell, classOfHex: byHex, classes: a.classes, incidents: a.incidents });
      }
    };
    const run = () => void load().catch(() => undefined);
    run();
    const timer = setInterval(run, REFRESH_MS);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [enabled, url, mode]);
  return enabled && answer?.mode === mode ? answer : null;
}
