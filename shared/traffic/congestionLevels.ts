import { z } from 'zod';

/**
 * Congestion levels of a road or an area from its congestion index: free-flow travel time ÷ current
 * travel time, which for one road is its current speed ÷ its free-flow speed (1 empty road, 0.5 it
 * takes twice as long).
 *
 * The bands follow practice in Chinese traffic evaluation: GB/T 33171-2016 (城市交通运行状况评价规范)
 * grades a segment in five bands by its speed against its class's free-flow speed, and the city
 * traffic operation indices (交通运行指数, 0–10: 畅通 / 基本畅通 / 轻度 / 中度 / 严重拥堵) and the
 * map providers' delay index (延时指数: about 1.5 and 2.0 between smooth, slow and jammed) band the
 * same ratio. We show four levels, as traffic maps do, by folding 畅通 and 基本畅通 into `free`:
 *
 * | level     | index (speed ÷ free-flow) | travel-time ÷ free-flow | 交通运行指数 |
 * |-----------|---------------------------|-------------------------|--------------|
 * | free      | ≥ 0.7                     | ≤ 1.43                  | 0–4          |
 * | slow      | 0.5 – 0.7                 | 1.43 – 2                | 4–6 轻度     |
 * | congested | 0.3 – 0.5                 | 2 – 3.3                 | 6–8 中度     |
 * | severe    | < 0.3                     | > 3.3                   | 8–10 严重    |
 *
 * The boundaries are ours (a round reading of those bands for arterial roads, from memory of the
 * standard, not checked against its text): one table, read by the server's levels, the map's
 * colours and the legend.
 */
export const CongestionLevel = z.enum(['free', 'slow', 'congested', 'severe']);
export type CongestionLevel = z.infer<typeof CongestionLevel>;
export const CONGESTION_LEVELS = CongestionLevel.options;

/** The lowest index of each level but the last, from free down: an index at a bound is in the freer level. */
export const CONGESTION_BOUNDS: readonly number[] = [0.7, 0.5, 0.3];

/** The level of a congestion index (NaN: free, there is nothing to measure). */
export function congestionLevelIndex(index: number): number {
  let k = 0;
  while (k < CONGESTION_BOUNDS.length && index < CONGESTION_BOUNDS[k]!) k++;
  return k;
}

export function congestionLevelOf(index: number): CongestionLevel {
  return CONGESTION_LEVELS[congestionLevelIndex(index)]!;
}

/**
 * The level of each ratio byte of a `roads:speeds` frame (0–255 for 0–1), as a 256-entry table, so
 * the map classes a road with one lookup and agrees with the server on a road at a bound.
 */
export const LEVEL_OF_RATIO_BYTE: Uint8Array = Uint8Array.from({ length: 256 }, (_, b) => congestionLevelIndex(b / 255));
