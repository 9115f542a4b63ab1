import { useCallback, useEffect, useState } from 'react';
import type { CameraAlertMessage, CameraList, CoverageAlertMessage } from '../../shared/index.js';

/** How long a town's "back on schedule" line stays after its alert clears. */
export const CLEARED_SHOWN_MS = 10 * 60_000;

/** A town's patrol alert as a page shows it: standing (raised), or cleared a moment ago. */
export interface ShownPatrolAlert extends CoverageAlertMessage {
  /** When this page learnt it (epoch ms): cleared lines go after CLEARED_SHOWN_MS. */
  seenAt: number;
}

/**
 * The alerts a page shows after `msg`: a raised town replaces its earlier line; a cleared one turns
 * its line into "back on schedule" (kept for a while, then dropped); standing alerts first, each town
 * once, the most behind (largest share of cells overdue) first.
 */
export function applyPatrolAlert(shown: readonly ShownPatrolAlert[], msg: CoverageAlertMessage, now: number): ShownPatrolAlert[] {
  const rest = shown.filter((a) => a.townCode !== msg.townCode && (a.state === 'raised' || now - a.seenAt < CLEARED_SHOWN_MS));
  return sortPatrolAlerts([...rest, { ...msg, seenAt: now }]);
}

/** The standing alerts as the server lists them on (re)connect: they replace what was shown (cleared lines stay). */
export function standingPatrolAlerts(shown: readonly ShownPatrolAlert[], standing: readonly CoverageAlertMessage[], now: number): ShownPatrolAlert[] {
  const raised = new Set(standing.map((a) => a.townCode));
  const cleared = shown.filter((a) => a.state === 'cleared' && !raised.has(a.townCode) && now - a.seenAt < CLEARED_SHOWN_MS);
  return sortPatrolAlerts([...standing.map((a) => ({ ...a, seenAt: now })), ...cleared]);
}

function sortPatrolAlerts(list: ShownPatrolAlert[]): ShownPatrolAlert[] {
  const rank = (a: ShownPatrolAlert) => (a.state === 'raised' ? a.overdueCells / a.cells : -1);
  return list.sort((a, b) => rank(b) - rank(a) || (a.townCode < b.townCode ? -1 : 1));
}

/**
 * The towns' patrol alerts for a page: read from `GET /api/coverage/alerts` while `enabled` and again
 * whenever `connects` changes (a reconnect: changes sent meanwhile were missed), then moved by
 * `onAlert` with each `coverage:alert` the page's socket hears.
 */
export function usePatrolAlerts(enabled: boolean, connects: number): { alerts: ShownPatrolAlert[]; onAlert: (msg: CoverageAlertMessage) => void } {
  const [alerts, setAlerts] = useState<ShownPatrolAlert[]>([]);
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    fetch('/api/coverage/alerts', { signal: abort.signal, cache: 'no-store' })
      .then(async (r) => {
        if (r.ok) {
          const standing = (await r.json()) as CoverageAlertMessage[];
          setAlerts((shown) => standingPatrolAlerts(shown, standing, Date.now()));
        }
      })
      .catch(() => {
        // offline or aborted: the next connect reads them again
      });
    return () => abort.abort();
  }, [enabled, connects]);
  const onAlert = useCallback((msg: CoverageAlertMessage) => setAlerts((shown) => applyPatrolAlert(shown, msg, Date.now())), []);
  return { alerts: enabled ? alerts : [], onAlert };
}

/** The cameras' state as the alerts show it: how many are silent, and those that went silent last. */
export interface CameraAlertState {
  silent: number;
  cameras: number;
  /** The cameras of the last change that went silent (the newest first), at most a few. */
  lastDown: string[];
  at: string | null;
}

/** The state after a `camera:alert`: the counts it carries, and its silent cameras in front. */
export function applyCameraAlert(state: CameraAlertState, msg: CameraAlertMessage): CameraAlertState {
  const back = new Set(msg.up);
  return {
    silent: msg.silent,
    cameras: msg.cameras,
    lastDown: [...msg.down, ...state.lastDown.filter((id) => !back.has(id) && !msg.down.includes(id))].slice(0, 5),
    at: msg.down.length > 0 ? msg.at : state.at,
  };
}

/**
 * The cameras out of the coverage, for a page's alerts: counted from `GET /api/cameras` on every
 * connect, then moved by each `camera:alert` the socket hears.
 */
export function useCameraAlerts(enabled: boolean, connects: number): { cameras: CameraAlertState | null; onAlert: (msg: CameraAlertMessage) => void } {
  const [state, setState] = useState<CameraAlertState | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    fetch('/api/cameras', { signal: abort.signal, cache: 'no-store' })
      .then(async (r) => {
        if (!r.ok) return;
        const list = (await r.json()) as CameraList;
        setState((s) => ({ silent: list.silent, cameras: list.live + list.silent, lastDown: s?.lastDown ?? [], at: s?.at ?? null }));
      })
      .catch(() => undefined);
    return () => abort.abort();
  }, [enabled, connects]);
  const onAlert = useCallback((msg: CameraAlertMessage) => setState((s) => applyCameraAlert(s ?? { silent: 0, cameras: 0, lastDown: [], at: null }, msg)), []);
  return { cameras: enabled ? state : null, onAlert };
}
