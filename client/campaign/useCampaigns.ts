import { useCallback, useEffect, useRef, useState } from 'react';
import type { CampaignsAnswer } from '../../shared/index.js';
import { ApiError } from '../cases/caseApi.js';
import { fetchCampaigns } from './campaignApi.js';

/** The server recounts progress every few minutes (and at once after a change): a minute is fresh enough. */
const REFRESH_MS = 60_000;

/** Every campaign with its progress, read now, each minute and on `reload` (after a change); a 401 means the session is gone. */
export function useCampaigns(onUnauthenticated: () => void): { answer: CampaignsAnswer | null; error: string | null; reload: () => void } {
  const [revision, setRevision] = useState(0);
  const reload = useCallback(() => setRevision((r) => r + 1), []);
  const [answer, setAnswer] = useState<CampaignsAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const unauthenticated = useRef(onUnauthenticated);
  unauthenticated.current = onUnauthenticated;
  useEffect(() => {
    const abort = new AbortController();
    const load = () =>
      fetchCampaigns(abort.signal).then(
        (a) => {
          setAnswer(a);
          setError(null);
        },
        (err: unknown) => {
          if (abort.signal.aborted) return;
          if (err instanceof ApiError && err.status === 401) return unauthenticated.current();
          setError(err instanceof Error ? err.message : String(err));
        },
      );
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => {
      abort.abort();
      window.clearInterval(timer);
    };
  }, [revision]);
  return { answer, error, reload };
}
