import { useCallback, useEffect, useRef, useState } from 'react';
import type { Incident, IncidentPoints, TimeWindow } from '../../shared/index.js';

/** The incidents of a window as typed arrays, the form deck.gl takes without copying. */
export interface PointColumns {
  window: TimeWindow;
  count: number;
  /** lon, lat interleaved; may be longer than 2 × count (room to append). */
  positions: Float32Array;
  /** Index of each point's cell in the grid layer, from the server; -1 for points appended live. */
  cells: Int32Array;
  /** Grid codes of the points appended from the stream since the load (their cells by code). */
  liveGridCodes: string[];
}

/** Reload the whole window this often (drops what left it); arrivals in between are appended. */
const RELOAD_MS = 5 * 60_000;
/** Appends are handed to the layers at most this often: every change re-aggregates the heatmap. */
const APPEND_EVERY_MS = 2_000;

function fromResponse(window: TimeWindow, p: IncidentPoints): PointColumns {
  const positions = new Float32Array(p.count * 2 + 256);
  for (let i = 0; i < p.count; i++) {
    positions[2 * i] = p.lon[i]!;
    positions[2 * i + 1] = p.lat[i]!;
  }
  const cells = new Int32Array(p.count + 128).fill(-1);
  cells.set(p.cell);
  return { window, count: p.count, positions, cells, liveGridCodes: [] };
}

/** A copy of `points` with `arrivals` appended, growing the buffers when full. */
export function appendPoints(points: PointColumns, arrivals: readonly Incident[]): PointColumns {
  const count = points.count + arrivals.length;
  let { positions, cells } = points;
  if (positions.length < count * 2) {
    positions = new Float32Array(count * 4);
    positions.set(points.positions.subarray(0, points.count * 2));
    cells = new Int32Array(count * 2).fill(-1);
    cells.set(points.cells.subarray(0, points.count));
  }
  arrivals.forEach((i, k) => {
    positions[2 * (points.count + k)] = i.lon;
    positions[2 * (points.count + k) + 1] = i.lat;
  });
  return { ...points, count, positions, cells, liveGridCodes: [...points.liveGridCodes, ...arrivals.map((i) => i.gridCode)] };
}

/**
 * The density data of a window: loaded over HTTP when the window changes and every few minutes, and
 * kept current in between from the live stream through the returned `append`.
 */
export function useIncidentPoints(window: TimeWindow, enabled: boolean) {
  const [points, setPoints] = useState<PointColumns | null>(null);
  const pending = useRef<Incident[]>([]);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const load = async () => {
      const res = await fetch(`/api/incidents/points?window=${window}`);
      if (!res.ok || cancelled) return;
      const p = (await res.json()) as IncidentPoints;
      pending.current = [];
      if (!cancelled) setPoints(fromResponse(window, p));
    };
    void load();
    const reload = setInterval(() => void load(), RELOAD_MS);
    const flush = setInterval(() => {
      if (pending.current.length === 0) return;
      const arrivals = pending.current;
      pending.current = [];
      setPoints((p) => (p && p.window === window ? appendPoints(p, arrivals) : p));
    }, APPEND_EVERY_MS);
    return () => {
      cancelled = true;
      clearInterval(reload);
      clearInterval(flush);
    };
  }, [window, enabled]);
  const append = useCallback((arrivals: readonly Incident[]) => {
    pending.current.push(...arrivals);
  }, []);
  return { points: enabled ? points : null, append };
}
