import type { CoverageStore } from './coverageStore.js';


/**
 * How long ago a cell was last patrolled, in four classes a leader reads at a glance: patrolled in
 * the last 2 hours, 2–8 hours ago (this shift), 8–24 hours ago (today), and more than a day ago or
 * never: a blind spot (盲区).
 */
export const PATROL_AGE_CLASSES = ['recent', 'shift', 'day', 'blind'] as const;
export type PatrolAgeClass = (typeof PATROL_AGE_CLASSES)[number];
/** The upper bounds of the first three classes, in hours. */
export const PATROL_AGE_BOUNDS_H = [2, 8, 24] as const;

const HOUR = 3_600_000;

/** The class (index into PATROL_AGE_CLASSES) of a last patrol at `lastPatrolAt` (NaN never) seen at `now`. */
export function patrolAgeClass(lastPatrolAt: number, now: number): number {
  if (Number.isNaN(lastPatrolAt)) return 3;
  const age = now - lastPatrolAt;
  if (age < PATROL_AGE_BOUNDS_H[0] * HOUR) return 0;
  if (age < PATROL_AGE_BOUNDS_H[1] * HOUR) return 1;
  if (age < PATROL_AGE_BOUNDS_H[2] * HOUR) return 2;
  return 3;
}

/** Each cell's patrol-age class from the store, as of `now` (the server's clock), for CellClassColours. */
export function patrolAgeClassOf(store: Pick<CoverageStore, 'lastPatrolAt'>, now: number): (cell: number) => number {
  return (c) => patrolAgeClass(store.lastPatrolAt[c]!, now);
}
