import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { IncidentSource, LanduseClass, PoiKind, RoadClass } from '../../shared/index.js';
import { SHIPPED_DATA_DIR } from '../paths.js';

/**
 * The simulator's knowledge of the city as data (data/sim/patterns.json), so that a city can retune
 * what happens where and when without touching code.
 */

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

/** [local time, level] points of a piecewise-linear daily curve that wraps round midnight. */
const Curve = z
  .array(z.tuple([HHMM, z.number().nonnegative()]))
  .min(1)
  .refine((pts) => pts.every((p, i) => i === 0 || p[0] > pts[i - 1]![0]), { message: 'curve times must increase' });
export type Curve = z.infer<typeof Curve>;

/** A daily curve for working days and one for rest days (weekends, public holidays). */
export const DayCurves = z.object({
  working: Curve,
  /** Defaults to the working-day curve. */
  rest: Curve.optional(),
  /** Multiplies the rest-day curve; 0.1 makes a school-day-only pattern. */
  restFactor: z.number().nonnegative().default(1),
});
export type DayCurves = z.infer<typeof DayCurves>;

export const Attractor = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('roads'), classes: z.array(RoadClass).min(1) }),
  z.object({ kind: z.literal('pois'), poiKinds: z.array(PoiKind).min(1) }),
  z.object({ kind: z.literal('landuse'), classes: z.array(LanduseClass).min(1) }),
  z.object({ kind: z.literal('vacant_lots') }),
  /** Farmland cells and the outer band of the city, where dumping goes unseen. */
  z.object({ kind: z.literal('fringe') }),
  /** Anywhere: unit grid cells weighted by area. */
  z.object({ kind: z.literal('cells') }),
]);
export type Attractor = z.infer<typeof Attractor>;

/** One way a category occurs: where (attractor, spread) and when (a named rhythm). */
const Mode = z.object({
  share: z.number().positive(),
  attractor: Attractor,
  /** Standard deviation of the Gaussian offset from the attractor point, per axis, in metres. */
  spreadM: z.number().nonnegative(),
  rhythm: z.string(),
});
export type Mode = z.infer<typeof Mode>;

const SourceShares = z.partialRecord(IncidentSource, z.number().nonnegative());

export const Urgency = z.enum(['urgent', 'normal', 'slow']);
export type Urgency = z.infer<typeof Urgency>;

const CategoryPattern = z.object({
  /** Share of the daily volume, relative to the other categories' weights. */
  weight: z.number().positive(),
  modes: z.array(Mode).min(1),
  sources: SourceShares,
  urgency: Urgency.default('normal'),
  /** Placeholders: {road} {side} {place} {n} (1–9) {nn} (10–99) {name}. */
  templates: z.array(z.string().min(1)).min(1),
});
export type CategoryPattern = z.infer<typeof CategoryPattern>;

const Range = z.tuple([z.number().nonnegative(), z.number().nonnegative()]).refine(([a, b]) => a <= b, { message: 'range must be [min, max]' });

const Lifecycle = z.object({
  /** Chance that intake refuses a report, by source (public reports are checked on site first). */
  rejectShare: SourceShares,
  suspendShare: z.number().min(0).max(1),
  /** Chance that re-inspection sends a handled case back once. */
  reworkShare: z.number().min(0).max(1),
  /** Delay before each step, in minutes. */
  stepMinutes: z.object({
    rejected: Range,
    accepted: Range,
    registered: Range,
    dispatched: Range,
    handling: Range,
    verified: Range,
    closed: Range,
    suspended: Range,
  }),
  /** Median handling time (handling → handled), in hours, log-normal with sigma handlingSigma. */
  handlingHours: z.record(Urgency, z.number().positive()),
  handlingSigma: z.number().nonnegative(),
  /** Working periods of the departments and inspectors, local time; urgent cases ignore them. */
  workingPeriods: z.array(z.tuple([HHMM, HHMM])).min(1),
});
export type Lifecycle = z.infer<typeof Lifecycle>;

export const Patterns = z
  .object({
    /** Mean reports per day over a week at SIM_SPEED 1. */
    incidentsPerDay: z.number().positive(),
    /** Weight of each catalog code that `categories` does not mention. */
    defaultWeight: z.number().nonnegative(),
    defaultPattern: CategoryPattern.omit({ weight: true }),
    /** When problems occur, by name. */
    rhythms: z.record(z.string(), DayCurves),
    /** When each channel is out looking (inspectors patrol in working hours, the public calls at any time). */
    sourceActivity: z.record(IncidentSource, DayCurves),
    lifecycle: Lifecycle,
    categories: z.record(z.string().regex(/^[CE]\d{4}$/), CategoryPattern),
  })
  .superRefine((p, ctx) => {
    const all = [['defaultPattern', p.defaultPattern] as const, ...Object.entries(p.categories)];
    for (const [code, c] of all) {
      for (const m of c.modes) {
        if (!(m.rhythm in p.rhythms)) ctx.addIssue({ code: 'custom', message: `${code}: unknown rhythm ${m.rhythm}`, path: ['categories', code] });
      }
      if (!Object.values(c.sources).some((w) => (w ?? 0) > 0)) {
        ctx.addIssue({ code: 'custom', message: `${code}: no source with a positive share`, path: ['categories', code] });
      }
    }
  });
export type Patterns = z.infer<typeof Patterns>;

export const DEFAULT_PATTERNS_FILE = join(SHIPPED_DATA_DIR, 'sim', 'patterns.json');

export function loadPatterns(file: string = DEFAULT_PATTERNS_FILE): Patterns {
  return Patterns.parse(JSON.parse(readFileSync(file, 'utf8')));
}
