import { useEffect } from 'react';
import type { InspectTask } from '../../shared/index.js';
import type { Position } from '../phone/hooks.js';
import { useTaskList } from '../phone/useTaskList.js';
import { fetchTasks } from './inspectApi.js';

/** How often the queue is read again while the page shows. */
export const TASKS_POLL_MS = 30_000;

/**
 * The on-duty inspectors' shared queue (`GET /api/inspect/tasks`), nearest to the phone first: read
 * when the page opens, when the phone first knows where it is, when it is back online or on screen,
 * every 30 s, and soon after one of its own actions; the last list read is kept on the device and
 * shown (marked stale) while the server cannot be reached.
 */
export function useInspectTasks(username: string, position: Position, online: boolean, onUnauthenticated: () => void) {
  const { tasks, refresh, refreshSoon } = useTaskList<InspectTask>({
    cacheKey: `gridwatch.inspect.tasks.${username}`,
    read: async () => (await fetchTasks(position.state === 'ok' ? { lon: position.lon, lat: position.lat } : null)).tasks,
    onUnauthenticated,
  });

  const located = position.state === 'ok';
  useEffect(() => {
    if (online) void refresh();
  }, [online, located, refresh]);
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, TASKS_POLL_MS);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      clearInterval(timer);
    };
  }, [refresh]);

  return { tasks, refresh, refreshSoon };
}
