import { z } from 'zod';
import { CongestionLevel } from '../traffic/congestionLevels.js';
import { IsoTimestamp } from './common.js';

const Index = z.number().min(0).max(1);

/** One 5-minute slot of an area's congestion index: the slot's start. */
export const CongestionPoint = z.object({ at: IsoTimestamp, index: Index }).strict();
export type CongestionPoint = z.infer<typeof CongestionPoint>;

/** Roads at each level now: how many segments and how many kilometres. */
export const CongestionLevelTotals = z.record(CongestionLevel, z.object({ roads: z.number().int().nonnegative(), km: z.number().nonnegative() }).strict());
export type CongestionLevelTotals = z.infer<typeof CongestionLevelTotals>;

/**
 * An area's congestion: a town (roads whose midpoint lies in it) or the centre (the old town of
 * Hutang, data/city/centre.geojson). `today` is today's 5-minute slots so far (local time), `lastWeek`
 * the same weekday a week before, whole day, so a chart can show where today is heading.
 */
export const CongestionArea = z
  .object({
    code: z.string().min(1),
    name: z.object({ zh: z.string(), en: z.string() }).strict(),
    kind: z.enum(['town', 'centre']),
    roads: z.number().int().nonnegative(),
    index: Index,
    level: CongestionLevel,
    /** The index a week ago at this time of day (its slot), null when not recorded. */
    lastWeekNow: Index.nullable(),
    today: z.array(CongestionPoint),
    lastWeek: z.array(CongestionPoint),
  })
  .strict();
export type CongestionArea = z.infer<typeof CongestionArea>;

/** `GET /api/roads/congestion`. */
export const CongestionSummary = z
  .object({
    at: IsoTimestamp,
    /** The slot length of the series, minutes. */
    slotMinutes: z.number().int().positive(),
    levels: CongestionLevelTotals,
    areas: z.array(CongestionArea),
  })
  .strict();
export type CongestionSummary = z.infer<typeof CongestionSummary>;
