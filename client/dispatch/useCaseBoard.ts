import { useEffect, useMemo, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Incident, IncidentEvent, IncidentPage, ServerToClientEvents, Team } from '../../shared/index.js';
import { ApiError, getJson } from '../cases/caseApi.js';
import type { LinkState, FeedSessionEnd } from '../live/useIncidentFeed.js';
import { CaseBoard, OPEN_STATUSES, TeamBoard } from './caseBoard.js';
import { frameBatcher } from '../live/frameBatch.js';

/** More open cases than this are not loaded (newest first); the console says so. */
export const MAX_OPEN_CASES = 20_000;

export interface CaseBoardState {
  link: LinkState;
  lostAt: Date | null;
  /** Until the open cases have been loaded. */
  loading: boolean;
  /** More open cases exist than were loaded. */
  capped: boolean;
  /** Bumped whenever the board changes. */
  version: number;
  teams: TeamBoard | null;
  teamsVersion: number;
  /** Cases that went overdue while the page was open (`case:overdue`), newest last. */
  overdue: string[];
  /** The server's clock minus this one's, from `hello`; 0 until known. */
  clockOffsetMs: number;
}

/**
 * The dispatch console's live data: every open case (loaded page by page, then kept current by the
 * stream from the seq read before loading, so nothing falls in between: an event already reflected
 * in a loaded case is recognised by its seq and skipped) and every team (from `/api/teams`, moved by
 * `team:positions`). Stream messages are applied at most once per animation frame.
 */
export function useCaseBoard(
  priorityOf: (code: string) => number,
  onSessionEnded: (reason: FeedSessionEnd) => void,
): { board: CaseBoard; state: CaseBoardState; applyLocal: (i: Incident) => void } {
  const priorityRef = useRef(priorityOf);
  priorityRef.current = priorityOf;
  const endedRef = useRef(onSessionEnded);
  endedRef.current = onSessionEnded;
  const board = useMemo(() => new CaseBoard((code) => priorityRef.current(code)), []);
  const [state, setState] = useState<CaseBoardState>({
    link: 'connecting',
    lostAt: null,
    loading: true,
    capped: false,
    version: 0,
    teams: null,
    teamsVersion: 0,
    overdue: [],
    clockOffsetMs: 0,
  });

  useEffect(() => {
    let cancelled = false;
    let ended = false;
    let socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
    let teams: TeamBoard | null = null;
    const sessionEnded = (reason: FeedSessionEnd) => {
      if (ended || cancelled) return;
      ended = true;
      socket?.close();
      endedRef.current(reason);
    };

    let retry: ReturnType<typeof setTimeout> | undefined;
    const start = async () => {
      // The stream resumes from this seq: anything after it that a page below already shows is skipped.
      const { headSeq } = await getJson<{ headSeq: number }>('/api/health');
      const teamList = getJson<Team[]>('/api/teams');
      let loaded = 0;
      let capped = false;
      for (let cursor: string | null = ''; cursor !== null; ) {
        const page: IncidentPage = await getJson<IncidentPage>(
          `/api/incidents?status=${OPEN_STATUSES.join(',')}&limit=5000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        if (cancelled) return;
        for (const i of page.items) board.apply(i);
        loaded += page.items.length;
        cursor = page.nextCursor;
        if (cursor !== null && loaded >= MAX_OPEN_CASES) {
          capped = true;
          break;
        }
        setState((s) => ({ ...s, version: board.version }));
      }
      teams = new TeamBoard(await teamList);
      if (cancelled) return;
      setState((s) => ({ ...s, loading: false, capped, version: board.version, teams, teamsVersion: teams!.version }));

      let lastSeq = headSeq;
      socket = io({ transports: ['websocket'] });
      socket.on('hello', ({ serverTime }) => {
        const offset = Date.parse(serverTime) - Date.now();
        if (Number.isFinite(offset)) setState((s) => ({ ...s, clockOffsetMs: offset }));
      });
      socket.on('connect', () => {
        setState((s) => ({ ...s, link: 'replaying' }));
        socket!.emit('subscribe', { sinceSeq: lastSeq });
      });
      socket.on('disconnect', () => setState((s) => ({ ...s, link: 'offline', lostAt: new Date() })));
      socket.on('session:ended', ({ code }) => sessionEnded(code));
      socket.on('connect_error', (err) => {
        if (err.message === 'unauthenticated') sessionEnded('unauthenticated');
      });
      socket.on('stream:live', () => setState((s) => ({ ...s, link: 'live', lostAt: null })));

      const applyBatch = frameBatcher<IncidentEvent>((batch) => {
        let changed = false;
        for (const e of batch) changed = board.apply(e.incident) || changed;
        if (changed) setState((s) => ({ ...s, version: board.version }));
      }, () => cancelled);
      socket.on('incident:events', ({ events }) => {
        const fresh = events.filter((e) => e.seq > lastSeq);
        if (fresh.length === 0) return;
        lastSeq = fresh[fresh.length - 1]!.seq;
        applyBatch(fresh);
      });
      socket.on('team:positions', (msg) => {
        if (!teams) return;
        teams.applyPositions(msg);
        setState((s) => ({ ...s, teamsVersion: teams!.version }));
      });
      socket.on('case:overdue', ({ caseId }) => setState((s) => ({ ...s, overdue: [...s.overdue.filter((id) => id !== caseId), caseId].slice(-200) })));
    };
    const attempt = () =>
      start().catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) return sessionEnded('unauthenticated');
        if (cancelled) return;
        // The server is unreachable or failing: say so and load again in a while (applying a case
        // twice is harmless).
        setState((s) => ({ ...s, link: 'offline', lostAt: s.lostAt ?? new Date() }));
        retry = setTimeout(() => void attempt(), 5000);
      });
    void attempt();

    return () => {
      cancelled = true;
      clearTimeout(retry);
      socket?.close();
    };
  }, [board]);

  const applyLocal = useMemo(
    () => (i: Incident) => {
      if (board.apply(i)) setState((s) => ({ ...s, version: board.version }));
    },
    [board],
  );

  return { board, state, applyLocal };
}
