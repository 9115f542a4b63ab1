import { useMemo, useRef, useState } from 'react';
import type { CameraAlertMessage, CoverageAlertMessage, Incident, IncidentEvent, IncidentPage, Team } from '../../shared/index.js';
import { request } from '../cases/caseApi.js';
import type { LinkState, SessionEnd } from '../live/liveStream.js';
import { useLiveStream } from '../live/useLiveStream.js';
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

type BoardData = Omit<CaseBoardState, 'link' | 'lostAt'>;

/**
 * The dispatch console's live data, through the live stream (liveStream.ts): every open case (its
 * snapshot, loaded page by page, then kept current by the stream from the seq read before loading,
 * so nothing falls in between: an event already reflected in a loaded case is recognised by its seq
 * and skipped) and every team (from `/api/teams`, moved by `team:positions`). Stream messages are
 * applied at most once per animation frame.
 */
export function useCaseBoard(
  priorityOf: (code: string) => number,
  onSessionEnded: (reason: SessionEnd) => void,
  /** Follows more of the same socket: its connects, and the towns' patrol alerts. */
  listeners: { onConnect?: () => void; onCoverageAlert?: (msg: CoverageAlertMessage) => void; onCameraAlert?: (msg: CameraAlertMessage) => void } = {},
): { board: CaseBoard; state: CaseBoardState; applyLocal: (i: Incident) => void } {
  const priorityRef = useRef(priorityOf);
  priorityRef.current = priorityOf;
  const listenersRef = useRef(listeners);
  listenersRef.current = listeners;
  const board = useMemo(() => new CaseBoard((code) => priorityRef.current(code)), []);
  const teamsRef = useRef<TeamBoard | null>(null);
  const [data, setData] = useState<BoardData>({
    loading: true,
    capped: false,
    version: 0,
    teams: null,
    teamsVersion: 0,
    overdue: [],
    clockOffsetMs: 0,
  });

  const applyBatch = useMemo(
    () =>
      frameBatcher<IncidentEvent>((batch) => {
        let changed = false;
        for (const e of batch) changed = board.apply(e.incident) || changed;
        board.settle(batch[batch.length - 1]!.seq);
        if (changed) setData((s) => ({ ...s, version: board.version }));
      }),
    [board],
  );

  const link = useLiveStream(
    {
      snapshot: {
        async load(seq, reload, signal) {
          const get = <T>(url: string) => request<T>(url, { signal });
          const teamList = get<Team[]>('/api/teams');
          teamList.catch(() => undefined); // awaited below; a failure is handled there
          const cases: Incident[] = [];
          let capped = false;
          for (let cursor: string | null = ''; cursor !== null; ) {
            const page: IncidentPage = await get<IncidentPage>(
              `/api/incidents?status=${OPEN_STATUSES.join(',')}&limit=5000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
            );
            if (signal.aborted) return;
            // The first time, the queue fills as the pages come; after a resync the board is replaced at once.
            if (!reload) for (const i of page.items) board.apply(i);
            else cases.push(...page.items);
            cursor = page.nextCursor;
            if (cursor !== null && (reload ? cases.length : board.size) >= MAX_OPEN_CASES) {
              capped = true;
              break;
            }
            if (!reload) setData((s) => ({ ...s, version: board.version }));
          }
          const teams = new TeamBoard(await teamList);
          if (signal.aborted) return;
          applyBatch.drop();
          if (reload) board.replaceAll(cases, seq);
          else board.settle(seq);
          teamsRef.current = teams;
          setData((s) => ({ ...s, loading: false, capped, version: board.version, teams, teamsVersion: teams.version }));
        },
      },
      onHello: ({ serverTime }) => {
        const offset = Date.parse(serverTime) - Date.now();
        if (Number.isFinite(offset)) setData((s) => ({ ...s, clockOffsetMs: offset }));
      },
      onEvents: applyBatch,
      on: {
        'team:positions': (msg) => {
          const teams = teamsRef.current;
          if (!teams) return;
          teams.applyPositions(msg);
          setData((s) => ({ ...s, teamsVersion: teams.version }));
        },
        'case:overdue': ({ caseId }) => setData((s) => ({ ...s, overdue: [...s.overdue.filter((id) => id !== caseId), caseId].slice(-200) })),
        'coverage:alert': (msg) => listenersRef.current.onCoverageAlert?.(msg),
        'camera:alert': (msg) => listenersRef.current.onCameraAlert?.(msg),
      },
      onConnect: () => listenersRef.current.onConnect?.(),
      onSessionEnded,
    },
    [board, applyBatch],
  );

  const applyLocal = useMemo(
    () => (i: Incident) => {
      if (board.apply(i)) setData((s) => ({ ...s, version: board.version }));
    },
    [board],
  );

  const state = useMemo<CaseBoardState>(() => ({ ...data, link: link.state, lostAt: link.lostAt }), [data, link]);
  return { board, state, applyLocal };
}
