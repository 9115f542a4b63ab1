import { useEffect, useMemo, useRef, useState } from 'react';
import type { CameraList } from '../../shared/index.js';
import { CoverageFeed, fetchCoverageSnapshot } from './coverageFeed.js';
import { CoverageStore } from './coverageStore.js';

export interface Coverage {
  store: CoverageStore;
  feed: CoverageFeed;
  /** Bumped whenever the store's values change, so that the map repaints. */
  version: number;
}

/**
 * A page's coverage of the grid cells (client/coverage/coverageStore.ts), fed while `enabled`: the
 * page hands the live stream's `coverage:cells` frames to `feed.frame` and its connects to
 * `feed.connected`. Changes reach React at most once per animation frame.
 */
export function useCoverage(enabled: boolean, onUnauthenticated: () => void): Coverage {
  const onUnauthenticatedRef = useRef(onUnauthenticated);
  onUnauthenticatedRef.current = onUnauthenticated;
  const [version, setVersion] = useState(0);
  const { store, feed } = useMemo(() => {
    const store = new CoverageStore();
    let scheduled = false;
    const feed = new CoverageFeed(store, {
      fetchSnapshot: fetchCoverageSnapshot,
      onChange() {
        if (scheduled) return;
        scheduled = true;
        requestAnimationFrame(() => {
          scheduled = false;
          setVersion(store.version);
        });
      },
      onUnauthenticated: () => onUnauthenticatedRef.current(),
    });
    return { store, feed };
  }, []);
  useEffect(() => feed.setEnabled(enabled), [feed, enabled]);
  useEffect(() => () => feed.stop(), [feed]);
  return { store, feed, version };
}

/** How often the camera list is read again while it is shown (states change as heartbeats stop). */
const CAMERAS_REFRESH_MS = 30_000;

/**
 * `GET /api/cameras` while `enabled`, read again every 30 s and whenever `refresh` changes (a
 * reconnect), so that a camera gone silent shows so within half a minute.
 */
export function useCameras(enabled: boolean, refresh: unknown): CameraList | null {
  const [cameras, setCameras] = useState<CameraList | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    const load = () =>
      fetch('/api/cameras', { signal: abort.signal, cache: 'no-store' })
        .then(async (r) => {
          if (r.ok) setCameras((await r.json()) as CameraList);
        })
        .catch(() => {
          // offline or aborted: the next tick tries again
        });
    void load();
    const timer = setInterval(() => void load(), CAMERAS_REFRESH_MS);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, [enabled, refresh]);
  return cameras;
}
