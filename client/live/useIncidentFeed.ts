import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { CaseOverdueMessage, ClientToServerEvents, Incident, IncidentEvent, IncidentPage, ServerToClientEvents, SessionEndedMessage } from '../../shared/index.js';
import { frameBatcher } from './frameBatch.js';
import type { IncidentColumns } from './incidentColumns.js';

export type LinkState = 'connecting' | 'replaying' | 'live' | 'offline';

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
export type FeedSessionEnd = SessionEndedMessage['code'] | 'unauthenticated';

/** What else a page may follow on the same socket. */
export interface FeedListeners {
  /** Every batch of events applied, in seq order (after the columns took them). */
  onEvents?: (events: IncidentEvent[]) => void;
  /** A case went past a deadline just now. */
  onOverdue?: (msg: CaseOverdueMessage) => void;
}

/** Thrown out of the loading when the server answers 401: the session is gone. */
class Unauthenticated extends Error {}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (res.status === 401) throw new Unauthenticated(url);
  return (await res.json()) as T;
}

/**
 * Keeps the newest incidents current: loads a first page over HTTP, then subscribes to the stream
 * from the highest seq it holds, and resubscribes from there after every reconnect, so that nothing
 * is missed and nothing arrives twice. When the session ends (the server says so, refuses the
 * handshake or answers 401) the feed stops and calls `onSessionEnded` once: the page signs out.
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
  const onSessionEndedRef = useRef(onSessionEnded);
  onSessionEndedRef.current = onSessionEnded;
  const [state, setState] = useState<IncidentFeed>({
    link: 'connecting',
    liveSince: null,
    lostAt: null,
    headSeq: 0,
    recent: [],
    columnsVersion: 0,
    received: 0,
  });
  const lastSeq = useRef(0);

  useEffect(() => {
    let cancelled = false;
    let socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
    let ended = false;
    const sessionEnded = (reason: FeedSessionEnd) => {
      if (ended || cancelled) return;
      ended = true;
      socket?.close();
      onSessionEndedRef.current?.(reason);
    };

    void (async () => {
      const page = await getJson<IncidentPage>(`/api/incidents?limit=${KEEP}`);
      const since = new Date(Date.now() - WINDOW_MS).toISOString();
      // Every incident of the window, page by page: a busy day can hold more than one page.
      for (let cursor: string | null = ''; cursor !== null; ) {
        const day: IncidentPage = await getJson<IncidentPage>(`/api/incidents?since=${since}&limit=5000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        if (cancelled) return;
        for (const i of day.items) columns.apply(i);
        cursor = day.nextCursor;
      }
      const health = await getJson<{ headSeq: number }>('/api/health');
      if (cancelled) return;
      lastSeq.current = health.headSeq;
      setState((s) => ({ ...s, recent: page.items, columnsVersion: columns.version, headSeq: health.headSeq }));

      socket = io({ transports: ['websocket'] });
      socket.on('connect', () => {
        setState((s) => ({ ...s, link: 'replaying' }));
        socket!.emit('subscribe', { sinceSeq: lastSeq.current });
      });
      socket.on('disconnect', () => setState((s) => ({ ...s, link: 'offline', lostAt: new Date() })));
      // The server ends a session by saying so and then closing the socket; a handshake without a
      // valid session is refused. Either way reconnecting cannot help.
      socket.on('session:ended', ({ code }) => sessionEnded(code));
      socket.on('connect_error', (err) => {
        if (err.message === 'unauthenticated') sessionEnded('unauthenticated');
      });
      socket.on('stream:live', ({ headSeq }) =>
        setState((s) => ({ ...s, link: 'live', liveSince: new Date(), lostAt: null, headSeq })),
      );
      // Events are taken in at once (so a resubscribe starts from the right seq) but applied to the
      // columns and the page once per frame.
      const applyBatch = frameBatcher<IncidentEvent>((batch) => {
        for (const e of batch) columns.apply(e.incident);
        const created = batch.filter((e) => e.kind === 'created').map((e) => e.incident);
        if (created.length > 0) onCreatedRef.current?.(created);
        listenersRef.current.onEvents?.(batch);
        columns.dropOlderThan(new Date(Date.now() - WINDOW_MS).toISOString());
        setState((s) => {
          const byId = new Map(s.recent.map((i) => [i.id, i]));
          for (const e of batch) byId.set(e.incident.id, e.incident);
          const recent = [...byId.values()].sort((a, b) => b.reportedAt.localeCompare(a.reportedAt)).slice(0, KEEP);
          return { ...s, recent, columnsVersion: columns.version, headSeq: lastSeq.current, received: s.received + batch.length };
        });
      }, () => cancelled);
      socket.on('case:overdue', (msg) => listenersRef.current.onOverdue?.(msg));
      socket.on('incident:events', ({ events }) => {
        const fresh = events.filter((e) => e.seq > lastSeq.current);
        if (fresh.length === 0) return;
        lastSeq.current = fresh[fresh.length - 1]!.seq;
        applyBatch(fresh);
      });
    })().catch((err: unknown) => {
      if (err instanceof Unauthenticated) sessionEnded('unauthenticated');
      else throw err;
    });

    return () => {
      cancelled = true;
      socket?.close();
    };
  }, [columns]);

  return state;
}
