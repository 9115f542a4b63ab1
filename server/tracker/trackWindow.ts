import { Refusal } from '../refusal.js';

/** A track without a window is the last 2 hours. */
export const DEFAULT_TRACK_WINDOW_MS = 2 * 3_600_000;
/** At most a week at once. */
export const MAX_TRACK_WINDOW_MS = 7 * 86_400_000;
/** A week at one point a minute is 10,080; a moving tracker writes more. */
export const MAX_TRACK_POINTS = 20_000;

/**
 * The window `[since, until)` of a track request (`?since&until`, ISO timestamps already checked):
 * by default the last 2 hours up to now; 400 `invalid_window` unless since comes before until, at
 * most 7 days apart. One rule for teams' tracks and every tracker's.
 */
export function trackWindow(q: { since?: string; until?: string }, now: number): { since: number; until: number } {
  const until = q.until ? Date.parse(q.until) : now;
  const since = q.since ? Date.parse(q.since) : until - DEFAULT_TRACK_WINDOW_MS;
  if (!(since < until) || until - since > MAX_TRACK_WINDOW_MS) {
    throw new Refusal(400, 'invalid_window', 'since must come before until, at most 7 days apart.', { since: q.since, until: q.until });
  }
  return { since, until };
}
