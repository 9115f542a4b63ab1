import { useEffect, useRef, useState } from 'react';
import type { Site, SiteChange, SiteDetail, SitesAnswer, SiteWindow, TimeWindow } from '../../shared/index.js';
import { ApiError, request } from '../cases/caseApi.js';

/** The figures are recounted on the server every few minutes: reading more often shows nothing new. */
const REFRESH_MS = 180_000;

/** The sites' window for the dashboard's: a day is too short for a lot's few incidents, so 24 h reads a week. */
export function siteWindowOf(w: TimeWindow): SiteWindow {
  return w === '24h' ? '7d' : w;
}

/** `GET /api/vacant-lots/:id`: a site with its figures, its weeks and its status changes. */
export function fetchSite(id: string, window: SiteWindow): Promise<SiteDetail> {
  return request<SiteDetail>(`/api/vacant-lots/${encodeURIComponent(id)}?window=${window}`);
}

/** `PUT /api/vacant-lots/:id`: an admin's change of status, owner, name or treatment date. */
export function saveSite(id: string, change: SiteChange): Promise<Site> {
  return request<Site>(`/api/vacant-lots/${encodeURIComponent(id)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(change),
  });
}

/**
 * Every site with its figures over the window (`GET /api/vacant-lots`), while `on`; read again every
 * few minutes. Null until the first answer; a 401 calls `onUnauthenticated`.
 */
export function useSites(on: boolean, window: SiteWindow, onUnauthenticated: () => void): SitesAnswer | null {
  const [answer, setAnswer] = useState<SitesAnswer | null>(null);
  const onUnauthenticatedRef = useRef(onUnauthenticated);
  onUnauthenticatedRef.current = onUnauthenticated;
  useEffect(() => {
    if (!on) return;
    let live = true;
    const load = () =>
      request<SitesAnswer>(`/api/vacant-lots?window=${window}`)
        .then((a) => live && setAnswer(a))
        .catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 401) onUnauthenticatedRef.current();
        });
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [on, window]);
  return on ? answer : null;
}
