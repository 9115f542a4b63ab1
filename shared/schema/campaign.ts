import { z } from 'zod';
import { HotspotTheme } from '../hotspot/themes.js';
import { IncidentSource } from './incident.js';
import { IsoTimestamp, LocalizedName, MultiLineText, SingleLineText } from './common.js';

/**
 * 专项整治: a campaign a leader sets on one problem of one area, with a target, a baseline, a deadline
 * and the unit that answers for it; its progress is measured from the cases and the road speeds.
 */

export const CampaignId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes, at most 64');

const Position = z.tuple([z.number().finite().gte(-180).lte(180), z.number().finite().gte(-90).lte(90)]);
const Ring = z
  .array(Position)
  .min(4)
  .max(2000)
  .refine((r) => r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1], 'a ring must end where it starts');

/**
 * Where a campaign applies: the whole district, some towns, the city centre the congestion index is
 * measured on (data/city/centre.geojson), or a polygon drawn for it (a market street, an industrial park).
 */
export const CampaignArea = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('district') }).strict(),
  z.object({ kind: z.literal('towns'), towns: z.array(z.string().regex(/^\d{9}$/)).min(1).max(50) }).strict(),
  z.object({ kind: z.literal('centre') }).strict(),
  z.object({ kind: z.literal('polygon'), polygon: z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1).max(20) }).strict() }).strict(),
]);
export type CampaignArea = z.infer<typeof CampaignArea>;

/** What the campaign is about: a theme's cases (its categories and place), categories, or both (the theme narrowed), in an area. */
export const CampaignScope = z
  .object({
    theme: HotspotTheme.nullable(),
    categories: z.array(z.string().regex(/^[CE]\d{4}$/, 'a category code such as E0102')).max(100),
    area: CampaignArea,
  })
  .strict();
export type CampaignScope = z.infer<typeof CampaignScope>;

/**
 * What is measured, each week and now:
 * - `case_count`: cases of the scope reported per 7 days;
 * - `source_share`: the share of the scope's reports that came from these sources (公众举报占比 with
 *   the 12345 hotline and the citizens' app: high means the inspectors miss problems);
 * - `open_cases`: cases of the scope registered and not yet closed, at a moment;
 * - `congestion_index`: the area's congestion index in the peak hours (free-flow ÷ current travel
 *   time, 1 = free flowing), averaged over 7 days. Only for the centre or towns.
 */
export const CampaignMeasure = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('case_count') }).strict(),
  z.object({ kind: z.literal('source_share'), sources: z.array(IncidentSource).min(1).max(5) }).strict(),
  z.object({ kind: z.literal('open_cases') }).strict(),
  z.object({ kind: z.literal('congestion_index') }).strict(),
]);
export type CampaignMeasure = z.infer<typeof CampaignMeasure>;
export type CampaignMeasureKind = CampaignMeasure['kind'];

/**
 * The target: the measure goes `down` (or `up`) to an absolute `value` (no open case: 0), or by a
 * `change` against the baseline (−0.5: down by half). Exactly one of the two.
 */
export const CampaignTarget = z
  .object({
    measure: CampaignMeasure,
    direction: z.enum(['down', 'up']),
    value: z.number().finite().min(0).nullable(),
    change: z.number().finite().min(-1).max(10).nullable(),
  })
  .strict()
  .refine((t) => (t.value === null) !== (t.change === null), 'give either an absolute value or a change against the baseline');
export type CampaignTarget = z.infer<typeof CampaignTarget>;

/** The span the baseline is measured over (for open cases: the count at its end). */
export const CampaignBaselineSpan = z
  .object({ since: IsoTimestamp, until: IsoTimestamp })
  .strict()
  .refine((b) => Date.parse(b.since) < Date.parse(b.until), 'the baseline ends after it starts');
export type CampaignBaselineSpan = z.infer<typeof CampaignBaselineSpan>;

export const CampaignStatus = z.enum(['active', 'closed']);
export type CampaignStatus = z.infer<typeof CampaignStatus>;

export const Campaign = z.object({
  id: CampaignId,
  name: LocalizedName,
  description: z.string(),
  scope: CampaignScope,
  target: CampaignTarget,
  baseline: CampaignBaselineSpan,
  startAt: IsoTimestamp,
  deadlineAt: IsoTimestamp,
  /** The unit responsible (责任单位): a department's code or a town's (GET /api/units). */
  unitCode: z.string(),
  status: CampaignStatus,
  /** When it was closed; progress is judged as of then (or of the deadline, whichever is first). */
  closedAt: IsoTimestamp.nullable(),
  createdAt: IsoTimestamp,
  createdBy: z.string(),
  updatedAt: IsoTimestamp,
  updatedBy: z.string(),
});
export type Campaign = z.infer<typeof Campaign>;

/**
 * on_track: at or better than the straight path from the baseline at the start to the target at the
 * deadline; behind: worse; met: the target reached (as of now, or at the deadline); missed: the
 * deadline passed without it; no_data: nothing to measure yet (no baseline, or no current value).
 */
export const CampaignState = z.enum(['on_track', 'behind', 'met', 'missed', 'no_data']);
export type CampaignState = z.infer<typeof CampaignState>;

export const CampaignProgress = z.object({
  /** The moment judged: now, or the deadline or the close when earlier. */
  asOf: IsoTimestamp,
  baseline: z.number().nullable(),
  /** The value to reach: the absolute one, or the baseline moved by the change. */
  target: z.number().nullable(),
  /** The measure over the 7 days before `asOf` (open cases: at `asOf`). */
  current: z.number().nullable(),
  /** The value the straight path expects at `asOf`. */
  expected: z.number().nullable(),
  /** How much of the way from baseline to target is done, 0–1. */
  fraction: z.number().min(0).max(1).nullable(),
  state: CampaignState,
});
export type CampaignProgress = z.infer<typeof CampaignProgress>;

/** One week of the series from the start: its value and what the straight path expects at its end. */
export const CampaignWeek = z.object({
  start: IsoTimestamp,
  end: IsoTimestamp,
  /** Case counts of a week cut short (the running one) are scaled to 7 days. */
  partial: z.boolean(),
  value: z.number().nullable(),
  expected: z.number().nullable(),
});
export type CampaignWeek = z.infer<typeof CampaignWeek>;

export const CampaignWithProgress = Campaign.extend({ progress: CampaignProgress });
export type CampaignWithProgress = z.infer<typeof CampaignWithProgress>;

/** `GET /api/campaigns`. */
export const CampaignsAnswer = z.object({ computedAt: IsoTimestamp, items: z.array(CampaignWithProgress) });
export type CampaignsAnswer = z.infer<typeof CampaignsAnswer>;

/** `GET /api/campaigns/:id`: with the weekly series from the start. */
export const CampaignDetail = CampaignWithProgress.extend({ series: z.array(CampaignWeek) });
export type CampaignDetail = z.infer<typeof CampaignDetail>;

const Name = z.object({ zh: SingleLineText.trim().min(1).max(60), en: SingleLineText.trim().min(1).max(80) }).strict();

/** `POST /api/campaigns`: a new campaign (the id is made from the time when left out). */
export const NewCampaign = z
  .object({
    id: CampaignId.optional(),
    name: Name,
    description: MultiLineText.max(2000).default(''),
    scope: CampaignScope,
    target: CampaignTarget,
    baseline: CampaignBaselineSpan,
    startAt: IsoTimestamp,
    deadlineAt: IsoTimestamp,
    unitCode: SingleLineText.min(1).max(64),
  })
  .strict();
export type NewCampaign = z.infer<typeof NewCampaign>;

/** `PATCH /api/campaigns/:id`: what changes, at least one field; `status: 'closed'` closes it. */
export const CampaignChange = z
  .object({
    name: Name.optional(),
    description: MultiLineText.max(2000).optional(),
    scope: CampaignScope.optional(),
    target: CampaignTarget.optional(),
    baseline: CampaignBaselineSpan.optional(),
    startAt: IsoTimestamp.optional(),
    deadlineAt: IsoTimestamp.optional(),
    unitCode: SingleLineText.min(1).max(64).optional(),
    status: CampaignStatus.optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, 'nothing to change');
export type CampaignChange = z.infer<typeof CampaignChange>;
