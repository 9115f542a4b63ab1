import { z } from 'zod';

/** A name in both UI languages: Simplified Chinese first, English second. */
export const LocalizedName = z.object({ zh: z.string().min(1), en: z.string().min(1) });
export type LocalizedName = z.infer<typeof LocalizedName>;

export const Longitude = z.number().finite().gte(-180).lte(180);
export const Latitude = z.number().finite().gte(-90).lte(90);

/** [west, south, east, north] in WGS-84 degrees. */
export const BBox = z.tuple([Longitude, Latitude, Longitude, Latitude]);
export type BBox = z.infer<typeof BBox>;

/** ISO 8601 timestamp with an explicit offset (Z or ±hh:mm); the wire never carries local times. */
export const IsoTimestamp = z.iso.datetime({ offset: true });

/** The body of every refused request: a machine-readable code and a message for people. */
export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;
