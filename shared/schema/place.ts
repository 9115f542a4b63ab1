import { z } from 'zod';
import { BBox, Latitude, LocalizedName, Longitude, SingleLineText } from './common.js';

/**
 * Place search (`GET /api/places`): the city's own names — roads, points of interest, communities,
 * towns, water, team bases, vacant lots — and unit grid cells by their code, searched on the server
 * without any outside service. What a 12345 operator types to find where a caller is.
 */
export const PlaceKind = z.enum(['road', 'poi', 'community', 'town', 'water', 'team_base', 'vacant_lot', 'grid']);
export type PlaceKind = z.infer<typeof PlaceKind>;

export const Place = z.object({
  kind: PlaceKind,
  /** Stable within a city: `road:<zh name>`, `poi:<id>`, `grid:<code>`, … (a list's React key). */
  id: z.string(),
  name: LocalizedName,
  /** A town's, community's or cell's code, a vacant lot's id. */
  code: z.string().optional(),
  /** The town it lies in, where it lies in one. */
  townCode: z.string().optional(),
  /** Where it lies, for telling two alike names apart: the town, and for a cell its community. */
  context: LocalizedName.optional(),
  /** A point of it: a road's middle (on the road), a point inside an area, a point's own position. */
  lon: Longitude,
  lat: Latitude,
  /** Its extent, for a road or an area. */
  bbox: BBox.optional(),
});
export type Place = z.infer<typeof Place>;

/** The most places one search answers, and how many unless asked. */
export const PLACE_LIMIT_MAX = 50;
export const PLACE_LIMIT_DEFAULT = 10;

/** Query string of `GET /api/places`: `q` is what was typed (trimmed; 1–100 characters). */
export const PlaceQuery = z
  .object({
    q: SingleLineText.trim().min(1).max(100),
    limit: z.coerce.number().int().min(1).max(PLACE_LIMIT_MAX).default(PLACE_LIMIT_DEFAULT),
  })
  .strict();
export type PlaceQuery = z.infer<typeof PlaceQuery>;

/** The answer: the best matches first. */
export const PlaceResults = z.object({ items: z.array(Place) });
export type PlaceResults = z.infer<typeof PlaceResults>;
