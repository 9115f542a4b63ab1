import { distance } from '@turf/turf';
import type { TeamStatus } from '../../shared/index.js';

/** How densely a track is kept: what is a new point and what is GPS jitter. */
export interface TrackSampling {
  /** A move shorter than this is GPS jitter, not a new point. */
  minMetres: number;
  /** A standing tracker still gets a point this often, so a gap in its track means it was not reporting. */
  maxGapMs: number;
}

export const DEFAULT_SAMPLING: TrackSampling = { minMetres: 15, maxGapMs: 60_000 };

/** A fix of any tracker's: where (WGS-84), when (epoch ms), and a team's status (none for an inspector). */
export interface Fix {
  at: number;
  lon: number;
  lat: number;
  status?: TeamStatus | null;
}

/**
 * Whether `next` is worth a track point after `prev`, the tracker's last kept point: it is the first,
 * it moved at least `minMetres`, its status changed, or `maxGapMs` has passed. One rule for the fleet's
 * ticks (team/teamTrack.ts) and for reported fixes (`fixesWorthKeeping`), so a team's track reads the
 * same whichever way its points came.
 */
export function worthKeeping(prev: Fix | undefined, next: Fix, sampling: TrackSampling = DEFAULT_SAMPLING): boolean {
  return (
    !prev ||
    (prev.status ?? null) !== (next.status ?? null) ||
    next.at - prev.at >= sampling.maxGapMs ||
    distance([prev.lon, prev.lat], [next.lon, next.lat], { units: 'meters' }) >= sampling.minMetres
  );
}

/**
 * Which of one tracker's reported fixes are worth keeping, and its last kept point afterwards. Pure.
 *
 * Fixes are taken oldest first. Those after `last` continue its track: each is judged against the
 * point kept before it, and the newest kept becomes the new `last`. Those at or before `last` arrived
 * late (a phone sending what it buffered offline, a gateway's retry) and fill in history: they are
 * judged among themselves, from nothing, and leave `last` as it is, so that a late batch never makes
 * the live track look as if the tracker had gone back in time.
 */
export function fixesWorthKeeping<F extends Fix>(
  fixes: readonly F[],
  last: F | undefined,
  sampling: TrackSampling = DEFAULT_SAMPLING,
): { kept: F[]; last: F | undefined } {
  const sorted = [...fixes].sort((a, b) => a.at - b.at);
  const kept: F[] = [];
  let lateKept: F | undefined;
  let fresh = last;
  for (const f of sorted) {
    if (last && f.at <= last.at) {
      if (worthKeeping(lateKept, f, sampling)) kept.push((lateKept = f));
    } else if (worthKeeping(fresh, f, sampling)) {
      kept.push((fresh = f));
    }
  }
  return { kept, last: fresh };
}
