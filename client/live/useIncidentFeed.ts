import { useMemo, useRef, useState } from 'react';
import type { CameraAlertMessage, CaseOverdueMessage, CoverageAlertMessage, Incident, IncidentEvent, IncidentPage } from '../../shared/index.js';
import { request } from '../cases/caseApi.js';
import { frameBatcher } from './frameBatch.js';
import type { IncidentColumns } from './incidentColumns.js';
import type { LinkState, SessionEnd } from './liveStream.js';
import { useLiveStream } from './useLiveStream.js';

export type { LinkState };

export interface IncidentFeed {
  link: LinkState;
  /** When the link was last known to be live, for "stale since" on a broken link. */
  liveSince: Date | null;
  lostAt: Date | null;
  headSeq: number;
  recent: Incident[];
  /** Bumped whenever the live columns change, so that the map redraws. */
  columnsVersion: number;
  received: number;
}

const WINDOW_MS = 24 * 3_600_000;

const KEEP = 30;

/** Why the feed stopped for good: the server ended the session, or refused it (a 401, a refused handshake). */
export type FeedSessionEnd = SessionEnd;

/** What else a page may follow on the same socket. */
export interface FeedListeners {
  /** Every batch of events applied, in seq order (after the columns took them). */
  onEvents?: (events: IncidentEvent[]) => void;
  /** A case went past a deadline just now. */
  onOverdue?: (msg: CaseOverdueMessage) => void;
  /** The feed loaded everything again after a resync: events in between were not sent. */
  onReload?: () => void;
  /** The socket connected or reconnected (what came without a seq meanwhile was missed). */
  onConnect?: () => void;
  /** A `coverage:cells` frame (client/coverage/ orders them). */
  onCoverageCells?: (frame: ArrayBuffer) => void;
  /** A town's patrol alert raised or cleared. */
  onCoverageAlert?: (msg: CoverageAlertMessage) => void;
  /** Cameras out of the coverage or back. */
  onCameraAlert?: (msg: CameraAlertMessage) => void;
  /** A `roads:speeds` frame (client/traffic/ orders them). */
  onRoadSpeeds?: (frame: ArrayBuffer) => void;
}

/** The newest `KEEP` of `held` and `incoming`, each incident in its newest state (by seq). */
function newest(held: Incident[], incoming: Iterable<Incident>): Incident[] {
  const byId = new Map(held.map((i) => [i.id, i]));
  for (const i of incoming) {
    const h = byId.get(i.id);
    if (!h || h.seq < i.seq) byId.set(i.id, i);
  }
  return [...byId.values()].sort((a, b) => b.reportedAt.localeCompare(a.reportedAt)).slice(0, KEEP);
}

/**
 * Keeps the newest incidents current through the live stream (liveStream.ts): the day's incidents
 * and the newest few as its snapshot, then every event after the seq it was read at, applied to the
 * columns once per animation frame. When the session ends the feed stops and calls `onSessionEnded`
 * once: the page signs out.
 */
export function useIncidentFeed(
  columns: IncidentColumns,
  onCreated?: (incidents: Incident[]) => void,
  onSessionEnded?: (reason: FeedSessionEnd) => void,
  listeners: FeedListeners = {},
): IncidentFeed {
  const listenersRef = useRef(listeners);
  listenersRef.current = listeners;
  const onCreatedRef = useRef(onCreated);
  onCreatedRef.current = onCreated;
  const [state, setState] = useState({ headSeq: 0, recent: [] as Incident[], columnsVersion: 0, received: 0 });

  // Events are taken in at once (so a resubscribe starts from the right seq) but applied to the
  // columns and the page once per frame.
  const applyBatch = useMemo(
    () =>
      frameBatcher<IncidentEvent>((batch) => {
        const created: Incident[] = [];
        // An event the snapshot already showed (or a newer state of) changes nothing, and is no arrival.
        for (const e of batch) if (columns.apply(e.incident) && e.kind === 'created') created.push(e.incident);
        const seq = batch[batch.length - 1]!.seq;
        columns.settle(seq);
        if (created.length > 0) onCreatedRef.current?.(created);
        listenersRef.current.onEvents?.(batch);
        columns.dropOlderThan(new Date(Date.now() - WINDOW_MS).toISOString());
        setState((s) => ({
          recent: newest(s.recent, batch.map((e) => e.incident)),
          columnsVersion: columns.version,
          headSeq: seq,
          received: s.received + batch.length,
        }));
      }),
    [columns],
  );

  const link = useLiveStream(
    {
      snapshot: {
        async load(seq, reload, signal) {
          const get = <T>(url: string) => request<T>(url, { signal });
          const page = await get<IncidentPage>(`/api/incidents?limit=${KEEP}`);
          const since = new Date(Date.now() - WINDOW_MS).toISOString();
          // Every incident of the window, page by page: a busy day can hold more than one page.
          const day: Incident[] = [];
          for (let cursor: string | null = ''; cursor !== null; ) {
            const next: IncidentPage = await get<IncidentPage>(`/api/incidents?since=${since}&limit=5000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
            day.push(...next.items);
            cursor = next.nextCursor;
          }
          if (signal.aborted) return;
          // What was still waiting for a frame is older than this snapshot.
          applyBatch.drop();
          columns.replaceAll(day, seq);
          setState((s) => ({ ...s, recent: newest([], page.items), columnsVersion: columns.version, headSeq: seq }));
          if (reload) listenersRef.current.onReload?.();
        },
      },
      onEvents: applyBatch,
      on: {
        'case:overdue': (msg) => listenersRef.current.onOverdue?.(msg),
        'coverage:cells': (frame) => listenersRef.current.onCoverageCells?.(frame),
        'coverage:alert': (msg) => listenersRef.current.onCoverageAlert?.(msg),
        'camera:alert': (msg) => listenersRef.current.onCameraAlert?.(msg),
        'roads:speeds': (frame) => listenersRef.current.onRoadSpeeds?.(frame),
      },
      onConnect: () => listenersRef.current.onConnect?.(),
      onSessionEnded: (reason) => onSessionEnded?.(reason),
    },
    [columns, applyBatch],
  );

  return { link: link.state, liveSince: link.liveSince, lostAt: link.lostAt, ...state };
}
