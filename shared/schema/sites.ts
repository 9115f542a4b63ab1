import { z } from 'zod';
import { IsoTimestamp, LocalizedName, SingleLineText } from './common.js';

/**
 * The registry of vacant lots (闲置地块, where dumping and weeds gather) and material yards
 * (堆物堆料 and construction waste): the sites a leader reviews, each with its owner, its status and
 * the incidents reported on it and around it.
 */
export const SiteKind = z.enum(['vacant_lot', 'material_yard']);
export type SiteKind = z.infer<typeof SiteKind>;

/** idle 闲置 · fenced 已围挡 · greened 已绿化 · under_construction 在建 · returned_to_use 已利用. */
export const SiteStatus = z.enum(['idle', 'fenced', 'greened', 'under_construction', 'returned_to_use']);
export type SiteStatus = z.infer<typeof SiteStatus>;

/** The windows a site's figures are counted over (a day is too short for a lot's few incidents). */
export const SiteWindow = z.enum(['7d', '30d', '90d']);
export type SiteWindow = z.infer<typeof SiteWindow>;

/** A site's id: letters, digits and dashes (`lot-12`, `yard-poi-88`). */
export const SiteId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, dashes and underscores, at most 64');

const Position = z.tuple([z.number().finite().gte(-180).lte(180), z.number().finite().gte(-90).lte(90)]);
/** A closed ring: at least four positions, the last equal to the first. */
const Ring = z
  .array(Position)
  .min(4)
  .max(2000)
  .refine((r) => r[0]![0] === r[r.length - 1]![0] && r[0]![1] === r[r.length - 1]![1], 'a ring must end where it starts');
export const SiteGeometry = z.union([
  z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1).max(50) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1).max(50)).min(1).max(50) }),
]);
export type SiteGeometry = z.infer<typeof SiteGeometry>;

export const Site = z.object({
  id: SiteId,
  kind: SiteKind,
  name: LocalizedName,
  geometry: SiteGeometry,
  /** Who holds the land or runs the yard (权属单位); null when nobody has recorded one. */
  owner: z.string().nullable(),
  /** Measured from the polygon by the server, never taken from an import. */
  areaM2: z.number().nonnegative(),
  status: SiteStatus,
  /** When its status last changed from idle (治理日期); null while it never has. */
  treatedAt: IsoTimestamp.nullable(),
  townCode: z.string(),
  updatedAt: IsoTimestamp,
  updatedBy: z.string(),
});
export type Site = z.infer<typeof Site>;

/**
 * A site's figures over a window: incidents inside its polygon and inside the polygon grown by the
 * buffer (the buffer's incidents include the inside's), the latter by category code; the rate per
 * hectare of the grown polygon, its rank among the sites listed (1 = highest rate), the same count
 * over the window before, and, once treated, incidents per 30 days in the 90 days before and after
 * the treatment date.
 */
export const SiteStats = z.object({
  inside: z.number().int().nonnegative(),
  withinBuffer: z.number().int().nonnegative(),
  byCategory: z.record(z.string(), z.number().int().nonnegative()),
  /** Hectares of the polygon grown by the buffer: the rate's denominator. */
  bufferedHa: z.number().nonnegative(),
  ratePerHa: z.number().nonnegative(),
  rank: z.number().int().positive(),
  /** Incidents within the buffer over the window of the same length just before. */
  previous: z.number().int().nonnegative(),
  /** (this − previous) / previous; null when the previous window had none. */
  change: z.number().nullable(),
  /** Null until the site has a treatment date. */
  beforeAfter: z
    .object({
      /** Incidents per 30 days within the buffer in the 90 days before the treatment date. */
      beforePer30d: z.number().nonnegative(),
      /** The same after it: null while no day has passed since. */
      afterPer30d: z.number().nonnegative().nullable(),
      /** Days counted after (at most 90: fewer for a recent treatment). */
      afterDays: z.number().nonnegative(),
    })
    .nullable(),
});
export type SiteStats = z.infer<typeof SiteStats>;

export const SiteWithStats = Site.extend({ stats: SiteStats });
export type SiteWithStats = z.infer<typeof SiteWithStats>;

/** `GET /api/vacant-lots?kind=&window=&buffer=`. */
export const SitesQuery = z
  .object({
    kind: SiteKind.optional(),
    window: SiteWindow.default('30d'),
    buffer: z.coerce.number().int().min(0).max(500).default(50),
  })
  .strict();
export type SitesQuery = z.infer<typeof SitesQuery>;

export const SitesAnswer = z.object({
  window: SiteWindow,
  bufferM: z.number(),
  since: IsoTimestamp,
  until: IsoTimestamp,
  /** When the figures were counted (they are kept a few minutes). */
  computedAt: IsoTimestamp,
  items: z.array(SiteWithStats),
});
export type SitesAnswer = z.infer<typeof SitesAnswer>;

/** One week of a site's history: incidents within the buffer by category class (E01, C02, …). */
export const SiteWeek = z.object({
  start: IsoTimestamp,
  total: z.number().int().nonnegative(),
  byClass: z.record(z.string(), z.number().int().nonnegative()),
});
export type SiteWeek = z.infer<typeof SiteWeek>;

/** A change of status as the audit log recorded it. */
export const SiteStatusChange = z.object({
  at: IsoTimestamp,
  by: z.string(),
  from: SiteStatus,
  to: SiteStatus,
});
export type SiteStatusChange = z.infer<typeof SiteStatusChange>;

/** `GET /api/vacant-lots/:id?window=&buffer=`: a site, its figures, 26 weeks of history and its status changes. */
export const SiteDetail = SiteWithStats.extend({
  /** How many sites of its kind the rank is among. */
  rankAmong: z.number().int().positive(),
  weeks: z.array(SiteWeek),
  statusChanges: z.array(SiteStatusChange),
});
export type SiteDetail = z.infer<typeof SiteDetail>;

export const SiteDetailQuery = SitesQuery.omit({ kind: true });

/** `PUT /api/vacant-lots/:id`: what an admin may change; at least one field. */
export const SiteChange = z
  .object({
    status: SiteStatus.optional(),
    owner: SingleLineText.trim().min(1).max(80).nullable().optional(),
    name: z.object({ zh: SingleLineText.trim().min(1).max(60), en: SingleLineText.trim().min(1).max(80) }).optional(),
    treatedAt: IsoTimestamp.nullable().optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, 'nothing to change');
export type SiteChange = z.infer<typeof SiteChange>;

/** One site of an import; townCode is found from the grid when left out. */
export const SiteImportFeature = z
  .object({
    type: z.literal('Feature'),
    id: z.union([z.string(), z.number()]).optional(),
    geometry: SiteGeometry,
    properties: z
      .object({
        id: SiteId,
        kind: SiteKind,
        name: z.object({ zh: SingleLineText.trim().min(1).max(60), en: SingleLineText.trim().min(1).max(80) }),
        owner: SingleLineText.trim().min(1).max(80).nullable().optional(),
        status: SiteStatus.optional(),
        treatedAt: IsoTimestamp.nullable().optional(),
        townCode: z.string().regex(/^\d{9}$/).optional(),
      })
      .strict(),
  })
  .strict();
export type SiteImportFeature = z.infer<typeof SiteImportFeature>;

/** `POST /api/vacant-lots/import`: sites upserted by id, all or none. */
export const SiteImport = z
  .object({ type: z.literal('FeatureCollection'), features: z.array(SiteImportFeature).min(1).max(2000) })
  .strict();
export type SiteImport = z.infer<typeof SiteImport>;

export const SiteImportAnswer = z.object({ created: z.number().int(), updated: z.number().int() });
export type SiteImportAnswer = z.infer<typeof SiteImportAnswer>;
