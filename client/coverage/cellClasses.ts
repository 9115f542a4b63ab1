import type { CoverageStore } from './coverageStore.js';

/**
 * The blind-spot score (盲区指数, server/coverage/blindSpots.ts) in four classes. The lowest is not
 * drawn: a map on which the whole city is coloured says nothing, and most cells score a little (a
 * few missing reports, a patrol slightly late). Above it: worth watching (a patrol late, or nobody
 * responsible), serious (unpatrolled for a day and unseen by any camera: on the default city with
 * the simulator about a fifth of the cells, the back streets the patrols skip), and severe (all that
 * and nobody responsible or far fewer reports than its like: about 1.5 %), where a leader sends
 * people first. The bounds follow the score's weights (0.3 patrol, 0.3 camera, 0.25 responsibility,
 * 0.15 reports), so that each class means the same reasons in any city.
 */
export const BLIND_SPOT_CLASSES = ['low', 'watch', 'high', 'severe'] as const;
/** The lower bounds of the last three classes, as scores in [0, 1]. */
export const BLIND_SPOT_BOUNDS = [0.3, 0.5, 0.7] as const;

/** The class (index into BLIND_SPOT_CLASSES) of a score byte (0–255 for 0–1, as the frames carry it). */
export function blindSpotClass(scoreByte: number): number {
  const score = scoreByte / 255;
  if (score < BLIND_SPOT_BOUNDS[0]) return 0;
  if (score < BLIND_SPOT_BOUNDS[1]) return 1;
  if (score < BLIND_SPOT_BOUNDS[2]) return 2;
  return 3;
}

/** Each cell's blind-spot class from the store, for CellClassColours. */
export function blindSpotClassOf(store: Pick<CoverageStore, 'score'>): (cell: number) => number {
  return (c) => blindSpotClass(store.score[c]!);
}

/**
 * The share of a cell a working camera sees (视频覆盖), in four classes: none (not drawn), a corner
 * (under 30 %), most of it, nearly all (70 % and more).
 */
export const CAMERA_SHARE_CLASSES = ['none', 'part', 'most', 'full'] as const;
/** The lower bounds of the 'most' and 'full' classes. */
export const CAMERA_SHARE_BOUNDS = [0.3, 0.7] as const;

/** The class (index into CAMERA_SHARE_CLASSES) of a share byte (0–255 for 0–1). */
export function cameraShareClass(shareByte: number): number {
  if (shareByte === 0) return 0;
  const share = shareByte / 255;
  if (share < CAMERA_SHARE_BOUNDS[0]) return 1;
  if (share < CAMERA_SHARE_BOUNDS[1]) return 2;
  return 3;
}

/** Each cell's camera-share class from the store, for CellClassColours. */
export function cameraShareClassOf(store: Pick<CoverageStore, 'cameraShare'>): (cell: number) => number {
  return (c) => cameraShareClass(store.cameraShare[c]!);
}

/** Cells in each class, for a legend before anything is painted (the painter keeps its own counts). */
export function countClasses(classOf: (cell: number) => number, cellCount: number, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let c = 0; c < cellCount; c++) counts[classOf(c)]! += 1;
  return counts;
}
