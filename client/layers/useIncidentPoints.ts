import { useEffect, useState } from 'react';
import type { IncidentPoints, TimeWindow } from '../../shared/index.js';

/** The incidents of a window as typed arrays, the form deck.gl takes without copying. */
export interface PointColumns {
  window: TimeWindow;
  count: number;
  /** lon, lat interleaved. */
  positions: Float32Array;
  cells: Int32Array;
}

/** Loads the density data of a window; reloads when the window changes and every `refreshMs`. */
export function useIncidentPoints(window: TimeWindow, enabled: boolean, refreshMs = 60_000): PointColumns | null {
  const [columns, setColumns] = useState<PointColumns | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    const load = async () => {
      const res = await fetch(`/api/incidents/points?window=${window}`);
      if (!res.ok || cancelled) return;
      const p = (await res.json()) as IncidentPoints;
      const positions = new Float32Array(p.count * 2);
      for (let i = 0; i < p.count; i++) {
        positions[2 * i] = p.lon[i]!;
        positions[2 * i + 1] = p.lat[i]!;
      }
      if (!cancelled) setColumns({ window, count: p.count, positions, cells: Int32Array.from(p.cell) });
    };
    void load();
    const timer = setInterval(() => void load(), refreshMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [window, enabled, refreshMs]);
  return columns;
}
