import { useEffect, useRef, useState } from 'react';
import type { TrackerPosition } from '../../shared/index.js';
import { ApiError } from '../cases/caseApi.js';
import type { Position } from '../phone/hooks.js';
import { postPositions } from './inspectApi.js';

/**
 * While the inspector is on duty (巡查中), the phone reports where it is every 30 s as the tracker
 * `inspector:<username>` (`POST /api/trackers/positions`), for the coverage of the grids. Fixes taken
 * without network wait on the phone (at most an hour's) and go in one batch, each with its time.
 * Going off duty sends a last fix marked `off_duty`.
 */

export const DUTY_FIX_MS = 30_000;
/** An hour of fixes at one every 30 s. */
export const MAX_BUFFERED_FIXES = 120;

export const inspectorTracker = (username: string) => `inspector:${username}`;

/** One more fix to send; the oldest go first when the phone has kept too many. */
export function withFix(buffer: readonly TrackerPosition[], fix: TrackerPosition, max = MAX_BUFFERED_FIXES): TrackerPosition[] {
  return [...buffer, fix].slice(-max);
}

export interface DutyState {
  /** When a fix last reached the server. */
  lastSentAt: string | null;
  /** Fixes waiting to be sent. */
  waiting: number;
}

/**
 * Reports the phone's position while `onDuty`. A server without the trackers endpoint (404) is
 * left alone for the rest of the page's life; a fix the server refuses for good (outside the city)
 * is dropped; a 401 ends the session.
 */
export function useDutyReporting(opts: { username: string; onDuty: boolean; position: Position; online: boolean; onUnauthenticated: () => void }): DutyState {
  const { username, onDuty, online } = opts;
  const position = useRef(opts.position);
  position.current = opts.position;
  const onUnauthenticated = useRef(opts.onUnauthenticated);
  onUnauthenticated.current = opts.onUnauthenticated;
  const buffer = useRef<TrackerPosition[]>([]);
  const unsupported = useRef(false);
  const sending = useRef(false);
  /** Left (signed out): a refused last fix says nothing about the session any more. */
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);
  const [state, setState] = useState<DutyState>({ lastSentAt: null, waiting: 0 });

  const flush = useRef(async () => {
    if (sending.current || unsupported.current || buffer.current.length === 0 || !navigator.onLine) return;
    sending.current = true;
    const batch = buffer.current;
    try {
      await postPositions({ positions: batch });
      buffer.current = buffer.current.slice(batch.length);
      setState({ lastSentAt: new Date().toISOString(), waiting: buffer.current.length });
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
      if (e.status === 401) {
        if (alive.current) onUnauthenticated.current();
      }
      else if (e.status === 404) {
        // No trackers on this server (yet): nothing to report to.
        unsupported.current = true;
        buffer.current = [];
      } else if (!e.retriable) buffer.current = buffer.current.slice(batch.length);
      setState((s) => ({ ...s, waiting: buffer.current.length }));
    } finally {
      sending.current = false;
    }
  });

  const take = useRef((status?: TrackerPosition['status']) => {
    const p = position.current;
    if (p.state !== 'ok' || unsupported.current) return;
    const fix: TrackerPosition = { trackerId: inspectorTracker(username), lon: p.lon, lat: p.lat, at: new Date().toISOString(), ...(status ? { status } : {}) };
    buffer.current = withFix(buffer.current, fix);
    setState((s) => ({ ...s, waiting: buffer.current.length }));
  });

  useEffect(() => {
    if (!onDuty) return;
    take.current();
    void flush.current();
    const timer = setInterval(() => {
      take.current();
      void flush.current();
    }, DUTY_FIX_MS);
    return () => {
      clearInterval(timer);
      // Off duty (or the page is left): a last fix says so.
      take.current('off_duty');
      void flush.current();
    };
  }, [onDuty]);

  // Back online: what waited goes now.
  useEffect(() => {
    if (online) void flush.current();
  }, [online]);

  // The first fix of a shift may come after the toggle.
  const located = opts.position.state === 'ok';
  useEffect(() => {
    if (onDuty && located && buffer.current.length === 0 && state.lastSentAt === null) {
      take.current();
      void flush.current();
    }
  }, [onDuty, located, state.lastSentAt]);

  return state;
}
