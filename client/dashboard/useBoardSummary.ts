import { useCallback, useEffect, useRef, useState } from 'react';
import type { BoardSummary } from '../../shared/index.js';

/** Rates and overdue move with the clock as well as with events: read again this often regardless. */
const REFRESH_MS = 30_000;
/**
 * Events ask at most once per this long: the simulator or a busy desk sends events every second, and
 * each read scans the day's cases.
 */
const SETTLE_MS = 5_000;

export interface BoardSummaryFeed {
  summary: BoardSummary | null;
  /** Something changed on the live stream: read the figures again soon. */
  changed(): void;
}

/**
 * The leader's tiles: `GET /api/board/summary`, every 30 s and shortly after live events. The server
 * computes every figure (rates over deadlines need the whole store), so events only trigger a read.
 */
export function useBoardSummary(onUnauthenticated: () => void): BoardSummaryFeed {
  const [summary, setSummary] = useState<BoardSummary | null>(null);
  const unauthenticated = useRef(onUnauthenticated);
  unauthenticated.current = onUnauthenticated;
  const settle = useRef<number | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      const r = await fetch('/api/board/summary');
      if (r.status === 401) return unauthenticated.current();
      if (r.ok) setSummary((await r.json()) as BoardSummary);
    } catch {
      // Offline: the link state says so; the next refresh tries again.
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => {
      window.clearInterval(timer);
      window.clearTimeout(settle.current);
    };
  }, [load]);

  const changed = useCallback(() => {
    if (settle.current !== undefined) return;
    settle.current = window.setTimeout(() => {
      settle.current = undefined;
      void load();
    }, SETTLE_MS);
  }, [load]);

  return { summary, changed };
}
