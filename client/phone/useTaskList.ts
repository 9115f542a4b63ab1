import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { ApiError } from '../cases/caseApi.js';

export interface TaskList<T> {
  list: T[];
  syncedAt: string | null;
  /** The last read failed: what is shown is what the device kept. */
  stale: boolean;
}

function readCache<T>(key: string): TaskList<T> {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? 'null') as { list: T[]; syncedAt: string } | null;
    // Shown at once, and marked stale only if reading the list now fails.
    if (saved && Array.isArray(saved.list)) return { list: saved.list, syncedAt: saved.syncedAt, stale: false };
  } catch {
    // damaged: ignore
  }
  return { list: [], syncedAt: null, stale: false };
}

export interface TaskListOptions<T> {
  /** Where the device keeps the last list read, for a phone that opens without network. */
  cacheKey: string;
  /** Reads the list from the server; the latest one passed is used. */
  read: () => Promise<T[]>;
  onUnauthenticated: () => void;
  /** What to show of a fresh answer, given what is shown now; the answer itself where absent. */
  merge?: (shown: T[], fetched: T[]) => T[];
}

/**
 * A phone page's task list, kept on the device for when the server cannot be reached. `refresh`
 * reads it now, `refreshSoon` a moment later: several reasons to read often come together (a burst of
 * events, an action sent), and once is enough.
 */
export function useTaskList<T>({ cacheKey, read, onUnauthenticated, merge }: TaskListOptions<T>): {
  tasks: TaskList<T>;
  setTasks: Dispatch<SetStateAction<TaskList<T>>>;
  refresh: () => Promise<void>;
  refreshSoon: () => void;
} {
  const [tasks, setTasks] = useState<TaskList<T>>(() => readCache<T>(cacheKey));
  // Called from timers and events: always the caller's latest.
  const latest = useRef({ read, onUnauthenticated, merge });
  latest.current = { read, onUnauthenticated, merge };

  const reading = useRef(false);
  /** Asked again while a read was under way: read once more after it, it may have missed a change. */
  const again = useRef(false);
  const refresh = useCallback(async (): Promise<void> => {
    if (reading.current) {
      again.current = true;
      return;
    }
    reading.current = true;
    again.current = false;
    try {
      const fetched = await latest.current.read();
      const syncedAt = new Date().toISOString();
      const merge = latest.current.merge;
      setTasks((s) => ({ list: merge ? merge(s.list, fetched) : fetched, syncedAt, stale: false }));
      try {
        localStorage.setItem(cacheKey, JSON.stringify({ list: fetched, syncedAt }));
      } catch {
        // storage full: the list still shows
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) latest.current.onUnauthenticated();
      else setTasks((s) => ({ ...s, stale: true }));
    } finally {
      reading.current = false;
    }
    if (again.current) return refresh();
  }, [cacheKey]);

  const soon = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const refreshSoon = useCallback(() => {
    clearTimeout(soon.current);
    soon.current = setTimeout(() => void refresh(), 400);
  }, [refresh]);
  useEffect(() => () => clearTimeout(soon.current), []);

  return { tasks, setTasks, refresh, refreshSoon };
}
