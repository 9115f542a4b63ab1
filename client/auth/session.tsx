import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { SessionEndedMessage, SessionUser } from '../../shared/index.js';
import { fetchCurrentUser, signOutOfServer } from './authApi.js';

export type SessionState = 'loading' | 'signed-out' | 'signed-in';

/**
 * Why the server ended a session (`session:ended`), or `unauthenticated` when it refused the session
 * outright (the socket handshake, an API call). Absent when the user signed out on this page.
 */
export type SignOutReason = SessionEndedMessage['code'] | 'unauthenticated';

export interface Session {
  state: SessionState;
  /** The signed-in user; null unless `state` is `signed-in`. */
  user: SessionUser | null;
  /** Why the page was last signed out by the server, for the login page to say; null otherwise. */
  reason: SignOutReason | null;
  /** While loading: the server did not answer yet and the page keeps asking. */
  unreachable: boolean;
  /** After the server accepted a sign-in (it has set the cookie). */
  signIn(user: SessionUser): void;
  /**
   * Back to the login page. Without a reason the user chose to: the server is asked to end the
   * session. With one, the server has already ended it.
   */
  signOut(reason?: SignOutReason): void;
}

interface Snapshot {
  state: SessionState;
  user: SessionUser | null;
  reason: SignOutReason | null;
}

const SessionContext = createContext<Session | null>(null);

/** Waits between asking an unreachable server again: 1 s, 2 s, 4 s, … at most 15 s. */
const retryDelay = (attempt: number) => Math.min(15_000, 1000 * 2 ** attempt);

/**
 * Holds who is signed in on this page: asks the server (`GET /api/auth/me`) on start, and keeps
 * asking while it does not answer, so that a wall display which started before the server comes up
 * by itself.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [snapshot, setSnapshot] = useState<Snapshot>({ state: 'loading', user: null, reason: null });
  const [unreachable, setUnreachable] = useState(false);
  const current = useRef<SessionState>('loading');
  /** Bumped by every sign-in and sign-out, so that a late answer to the start-up check is dropped. */
  const generation = useRef(0);

  const change = useCallback((next: Snapshot) => {
    generation.current++;
    current.current = next.state;
    setSnapshot(next);
    setUnreachable(false);
  }, []);

  useEffect(() => {
    const started = generation.current;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async (attempt: number) => {
      if (stopped || generation.current !== started) return;
      const answer = await fetchCurrentUser();
      if (stopped || generation.current !== started) return;
      if (answer.kind === 'signed-in') change({ state: 'signed-in', user: answer.user, reason: null });
      else if (answer.kind === 'signed-out') change({ state: 'signed-out', user: null, reason: null });
      else {
        setUnreachable(true);
        timer = setTimeout(() => void check(attempt + 1), retryDelay(attempt));
      }
    };
    void check(0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [change]);

  const signIn = useCallback((user: SessionUser) => change({ state: 'signed-in', user, reason: null }), [change]);

  const signOut = useCallback(
    (reason?: SignOutReason) => {
      // Several parts of the page may notice the same end (the socket, an API call): the first wins.
      if (current.current === 'signed-out') return;
      change({ state: 'signed-out', user: null, reason: reason ?? null });
      if (!reason) void signOutOfServer();
    },
    [change],
  );

  const session = useMemo<Session>(() => ({ ...snapshot, unreachable, signIn, signOut }), [snapshot, unreachable, signIn, signOut]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside <SessionProvider>');
  return session;
}
