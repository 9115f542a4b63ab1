import { useCallback, useEffect, useRef, useState } from 'react';
import type { CaseOverdueMessage, CaseSummary, IncidentEvent } from '../../shared/index.js';
import { applyEventsToSummary } from '../live/caseCounts.js';

/** A full refresh now and then: overdue grows with time, and a new day starts at midnight. */
const REFRESH_MS = 60_000;
/** Events kept to re-apply over a summary fetched while they arrived. */
const KEEP_EVENTS = 2_000;

export interface CaseSummaryFeed {
  summary: CaseSummary | null;
  /** Feed these from the live stream (useIncidentFeed's listeners). */
  onEvents(events: IncidentEvent[]): void;
  onOverdue(msg: CaseOverdueMessage): void;
  /** Reads the summary again now (the stream was resynced: its events in between were not sent). */
  refresh(): void;
  /** Cases that went overdue in the last minute, for a flash on the board. */
  recentOverdue: number;
}

/**
 * The board's counters: `GET /api/cases/summary`, then the stream's events on top of it, refreshed
 * every minute and at once when a case goes overdue. Events that arrive while a summary is on its
 * way are kept and re-applied over it (only those after its headSeq count), so no step is lost or
 * counted twice.
 */
export function useCaseSummary(onUnauthenticated: () => void): CaseSummaryFeed {
  const [summary, setSummary] = useState<CaseSummary | null>(null);
  const [recentOverdue, setRecentOverdue] = useState(0);
  const recent = useRef<IncidentEvent[]>([]);
  const unauthenticated = useRef(onUnauthenticated);
  unauthenticated.current = onUnauthenticated;
  const refreshTimer = useRef<number | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      const r = await fetch('/api/cases/summary');
      if (r.status === 401) return unauthenticated.current();
      if (!r.ok) return;
      const fresh = (await r.json()) as CaseSummary;
      setSummary(applyEventsToSummary(fresh, recent.current));
    } catch {
      // Offline: the link state says so; the next refresh tries again.
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => {
      window.clearInterval(timer);
      window.clearTimeout(refreshTimer.current);
    };
  }, [load]);

  const onEvents = useCallback((events: IncidentEvent[]) => {
    recent.current = [...recent.current, ...events].slice(-KEEP_EVENTS);
    setSummary((s) => (s ? applyEventsToSummary(s, events) : s));
  }, []);

  const onOverdue = useCallback(() => {
    setRecentOverdue((n) => n + 1);
    window.setTimeout(() => setRecentOverdue((n) => Math.max(0, n - 1)), 60_000);
    // Several cases often pass their deadline together: one refresh for all of them.
    window.clearTimeout(refreshTimer.current);
    refreshTimer.current = window.setTimeout(() => void load(), 500);
  }, [load]);

  const refresh = useCallback(() => void load(), [load]);

  return { summary, onEvents, onOverdue, refresh, recentOverdue };
}
