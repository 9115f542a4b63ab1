import { TIME_WINDOW_MS, type TimeWindow } from '../../shared/index.js';

/**
 * Time playback (时间回放): the window cut into steps a leader can step or play through — hours of a
 * day, days of a week or a month, weeks of a quarter — each drawing only its own incidents, so that
 * the density, the hexagons and the hotspots move through the window.
 */
export const PLAYBACK_STEP_MS: Record<TimeWindow, number> = {
  '24h': 3_600_000,
  '7d': 86_400_000,
  '30d': 86_400_000,
  '90d': 7 * 86_400_000,
};

export interface PlaybackStep {
  index: number;
  /** [from, until), epoch ms. */
  from: number;
  until: number;
}

/** The city's local time (UTC+8): steps begin on its hours and midnights, so that a day is a calendar day. */
const LOCAL_OFFSET_MS = 8 * 3_600_000;

/**
 * The steps of a window that starts at `sinceMs`, oldest first: on the hour for hours, at local
 * midnight for days and weeks (a week from the window's first midnight), so that the first and last
 * may be cut short by the window's ends.
 */
export function playbackSteps(window: TimeWindow, sinceMs: number): PlaybackStep[] {
  const step = PLAYBACK_STEP_MS[window];
  const end = sinceMs + TIME_WINDOW_MS[window];
  const unit = Math.min(step, 86_400_000);
  // The last boundary at or before the window's start, in local time.
  const first = Math.floor((sinceMs + LOCAL_OFFSET_MS) / unit) * unit - LOCAL_OFFSET_MS;
  const out: PlaybackStep[] = [];
  for (let from = first, i = 0; from < end; from += step, i++) out.push({ index: i, from: Math.max(from, sinceMs), until: Math.min(end, from + step) });
  return out;
}

/**
 * The rows of points in a step, as the range [start, end): the server sends a window's points oldest
 * first, so a step's points lie together (`t` seconds since the window's start, ascending).
 */
export function rowsInStep(t: ArrayLike<number>, count: number, sinceMs: number, step: PlaybackStep): [number, number] {
  const lower = (ms: number) => {
    const s = (ms - sinceMs) / 1000;
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t[mid]! < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return [lower(step.from), lower(step.until)];
}
