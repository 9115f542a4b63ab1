import { useCallback, useEffect, useRef, useState } from 'react';
import { decodePointColumns, THEME_DEFINITIONS, type HotspotTheme, type Incident, type IncidentSource, type PointColumnsFrame, type TimeWindow } from '../../shared/index.js';

/** What the density layers show: a theme, narrowed by family, categories, sources and a town (all optional). */
export interface DensityFilter {
  theme: HotspotTheme;
  family?: 'E' | 'C';
  /** Category codes (E0102, …): the points are those of any of them (within the theme's own). */
  categories?: string[];
  sources?: IncidentSource[];
  town?: string;
}

/** The query string of a window and filter for `GET /api/incidents/points`. */
export function pointsQueryString(window: TimeWindow, filter: DensityFilter): string {
  const q = new URLSearchParams({ window, theme: filter.theme });
  if (filter.family) q.set('family', filter.family);
  if (filter.categories && filter.categories.length > 0) q.set('categories', filter.categories.join(','));
  if (filter.sources && filter.sources.length > 0) q.set('sources', filter.sources.join(','));
  if (filter.town) q.set('town', filter.town);
  return q.toString();
}

/**
 * Whether an incident from the stream belongs to the filter's points. A theme about a place (near a
 * main road, a vacant lot) is judged by the server: its arrivals wait for the next load.
 */
export function passesDensityFilter(i: Pick<Incident, 'categoryCode' | 'source' | 'townCode'>, filter: DensityFilter): boolean {
  const theme = THEME_DEFINITIONS[filter.theme];
  if (theme.place) return false;
  return (
    (!theme.categories || theme.categories.includes(i.categoryCode)) &&
    (!filter.family || i.categoryCode[0] === filter.family) &&
    (!filter.categories || filter.categories.length === 0 || filter.categories.includes(i.categoryCode)) &&
    (!filter.sources || filter.sources.length === 0 || filter.sources.includes(i.source)) &&
    (!filter.town || i.townCode === filter.town)
  );
}

/** The incidents of a window as typed arrays, the form deck.gl takes without copying. */
export interface PointColumns {
  window: TimeWindow;
  /** The filter's key (pointsQueryString): appends from another filter are dropped. */
  key: string;
  count: number;
  /** lon, lat interleaved; may be longer than 2 × count (room to append). */
  positions: Float32Array;
  /** Index of each point's cell in the grid layer, from the server; -1 for points appended live. */
  cells: Int32Array;
  /** The window's start (epoch ms), and each point's seconds since it (ascending for the loaded ones). */
  sinceMs: number;
  t: Uint32Array;
  /** Grid codes of the points appended from the stream since the load (their cells by code). */
  liveGridCodes: string[];
}

/** Reload the whole window this often (drops what left it); arrivals in between are appended. */
const RELOAD_MS = 5 * 60_000;
/** Appends are handed to the layers at most this often: every change re-aggregates the heatmap. */
const APPEND_EVERY_MS = 2_000;

function fromFrame(window: TimeWindow, key: string, p: PointColumnsFrame): PointColumns {
  const positions = new Float32Array(p.count * 2 + 256);
  for (let i = 0; i < p.count; i++) {
    positions[2 * i] = p.lon[i]!;
    positions[2 * i + 1] = p.lat[i]!;
  }
  const cells = new Int32Array(p.count + 128).fill(-1);
  cells.set(p.cell);
  const t = new Uint32Array(p.count + 128);
  t.set(p.t);
  return { window, key, count: p.count, positions, cells, liveGridCodes: [], sinceMs: Date.parse(p.since), t };
}

/** A copy of `points` with `arrivals` appended, growing the buffers when full. */
export function appendPoints(points: PointColumns, arrivals: readonly Incident[]): PointColumns {
  const count = points.count + arrivals.length;
  let { positions, cells, t } = points;
  if (positions.length < count * 2) {
    positions = new Float32Array(count * 4);
    positions.set(points.positions.subarray(0, points.count * 2));
    cells = new Int32Array(count * 2).fill(-1);
    cells.set(points.cells.subarray(0, points.count));
    t = new Uint32Array(count * 2);
    t.set(points.t.subarray(0, points.count));
  }
  arrivals.forEach((i, k) => {
    positions[2 * (points.count + k)] = i.lon;
    positions[2 * (points.count + k) + 1] = i.lat;
    t[points.count + k] = Math.max(0, Math.round((Date.parse(i.reportedAt) - points.sinceMs) / 1000));
  });
  return { ...points, count, positions, cells, t, liveGridCodes: [...points.liveGridCodes, ...arrivals.map((i) => i.gridCode)] };
}

/**
 * The density data of a window and filter: loaded over HTTP as binary columns when either changes and
 * every few minutes, and kept current in between from the live stream through the returned `append`
 * (the arrivals the filter takes).
 */
export function useIncidentPoints(window: TimeWindow, filter: DensityFilter, enabled: boolean) {
  const [points, setPoints] = useState<PointColumns | null>(null);
  const pending = useRef<Incident[]>([]);
  const key = pointsQueryString(window, filter);
  const filterRef = useRef(filter);
  filterRef.current = filter;
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const load = async () => {
      const res = await fetch(`/api/incidents/points?${key}`, { headers: { accept: 'application/octet-stream' } });
      if (!res.ok || cancelled) return;
      const p = decodePointColumns(await res.arrayBuffer());
      pending.current = [];
      if (!cancelled) setPoints(fromFrame(window, key, p));
    };
    void load();
    const reload = setInterval(() => void load(), RELOAD_MS);
    const flush = setInterval(() => {
      if (pending.current.length === 0) return;
      const arrivals = pending.current;
      pending.current = [];
      setPoints((p) => (p && p.key === key ? appendPoints(p, arrivals) : p));
    }, APPEND_EVERY_MS);
    return () => {
      cancelled = true;
      clearInterval(reload);
      clearInterval(flush);
    };
  }, [window, key, enabled]);
  const append = useCallback((arrivals: readonly Incident[]) => {
    pending.current.push(...arrivals.filter((i) => passesDensityFilter(i, filterRef.current)));
  }, []);
  return { points: enabled && points?.key === key ? points : null, append };
}

/**
 * The points of rows [start, end) only, as views on the same buffers (nothing copied): a playback step.
 * Points appended from the stream are left out (a step is a slice of the loaded window).
 */
export function pointsInRows(points: PointColumns, [start, end]: [number, number]): PointColumns {
  const loaded = points.count - points.liveGridCodes.length;
  const b = Math.min(end, loaded);
  const a = Math.min(start, b);
  return {
    ...points,
    count: b - a,
    positions: points.positions.subarray(2 * a, 2 * b),
    cells: points.cells.subarray(a, b),
    t: points.t.subarray(a, b),
    liveGridCodes: [],
  };
}
