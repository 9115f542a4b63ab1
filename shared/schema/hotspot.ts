import { z } from 'zod';
import { PointsQuery } from '../hotspot/themes.js';

/** Gi* classes at 90/95/99 % after the FDR correction (server/hotspot/falseDiscovery.ts). */
export const HotspotClassName = z.enum(['hot_99', 'hot_95', 'hot_90', 'not_significant', 'cold_90', 'cold_95', 'cold_99']);
export type HotspotClassName = z.infer<typeof HotspotClassName>;

/**
 * `GET /api/hotspots`: the incidents a theme and filters take over a window, counted per unit grid
 * cell or per H3 cell (resolution 8), scored with Getis-Ord Gi* over queen contiguity or a distance
 * band, the p-values corrected for the number of cells (Benjamini-Hochberg FDR). `all` lists every
 * cell; by default only the significant ones (the map draws nothing else).
 */
export const HotspotQuery = PointsQuery.extend({
  weights: z.enum(['queen', 'band']).default('queen'),
  /** The distance band in metres, for `weights=band`. */
  bandM: z.coerce.number().int().min(100).max(2000).default(300),
  res: z.enum(['cell', 'h3-8']).default('cell'),
  all: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** A span of its own in place of the window (a playback step): both, `since` before `until`, at most 91 days. */
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
})
  .strict()
  .refine((q) => (q.since === undefined) === (q.until === undefined), { message: 'give both since and until, or neither', path: ['until'] })
  .refine((q) => q.since === undefined || (Date.parse(q.until!) > Date.parse(q.since) && Date.parse(q.until!) - Date.parse(q.since) <= 91 * 86_400_000), {
    message: 'until must follow since, by at most 91 days',
    path: ['until'],
  });
export type HotspotQuery = z.infer<typeof HotspotQuery>;

export const HotspotCell = z.object({
  /** The unit grid cell's code (res=cell) … */
  gridCode: z.string().optional(),
  /** … its index in the grid layer … */
  cell: z.number().int().optional(),
  /** … or the H3 cell (res=h3-8). */
  h3: z.string().optional(),
  count: z.number().int().nonnegative(),
  z: z.number(),
  p: z.number(),
  /** The FDR-adjusted p. */
  q: z.number(),
  class: HotspotClassName,
});
export type HotspotCell = z.infer<typeof HotspotCell>;

export const HotspotAnswer = z.object({
  window: z.string(),
  theme: z.string(),
  weights: z.string(),
  res: z.string(),
  /** Incidents counted, and cells scored. */
  incidents: z.number().int(),
  cellsScored: z.number().int(),
  /** Cells in each class. */
  classes: z.record(HotspotClassName, z.number().int()),
  cells: z.array(HotspotCell),
});
export type HotspotAnswer = z.infer<typeof HotspotAnswer>;

export const EmergingHotspotClassName = z.enum([
  'new_hot', 'consecutive_hot', 'intensifying_hot', 'persistent_hot', 'diminishing_hot', 'sporadic_hot', 'oscillating_hot', 'historical_hot',
  'new_cold', 'consecutive_cold', 'intensifying_cold', 'persistent_cold', 'diminishing_cold', 'sporadic_cold', 'oscillating_cold', 'historical_cold',
  'no_pattern',
]);

/** `GET /api/hotspots/emerging`: the space-time cube of weekly slices, a class per cell (ArcGIS's Emerging Hot Spot Analysis). */
export const EmergingQuery = z
  .object({
    weeks: z.coerce.number().int().min(4).max(52).default(12),
    theme: PointsQuery.shape.theme,
    all: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  })
  .strict();
export type EmergingQuery = z.infer<typeof EmergingQuery>;

export const EmergingAnswer = z.object({
  weeks: z.number().int(),
  theme: z.string(),
  /** The slices' starts, oldest first. */
  slices: z.array(z.string()),
  classes: z.record(z.string(), z.number().int()),
  cells: z.array(z.object({ gridCode: z.string(), cell: z.number().int(), class: z.string(), trendZ: z.number(), trendP: z.number() })),
});
export type EmergingAnswer = z.infer<typeof EmergingAnswer>;
