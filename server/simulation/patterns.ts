import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { IncidentSource } from '../../shared/index.js';
import { SHIPPED_DATA_DIR } from '../paths.js';

/**
 * The simulator's patterns as data (data/simulation/patterns.json): how often each category occurs,
 * what draws it (roads, markets, vacant lots, …), when in the day, and who reports it.
 */
export const AttractorKind = z.enum([
  'main_roads',
  'arterials',
  'roads',
  'markets',
  'schools',
  'construction',
  'material_yards',
  'vacant_lots',
  'fringe',
  'commercial',
  'residential',
  'parking',
  'cells',
]);
export type AttractorKind = z.infer<typeof AttractorKind>;

const HourlyProfile = z.array(z.number().nonnegative()).length(24);

const CategoryPattern = z.object({
  weight: z.number().positive(),
  attractors: z.array(z.object({ kind: AttractorKind, weight: z.number().positive() })).min(1),
  spreadM: z.number().nonnegative(),
  profile: z.string(),
  sources: z.partialRecord(IncidentSource, z.number().nonnegative()),
  templates: z.array(z.string()).min(1),
});
export type CategoryPattern = z.infer<typeof CategoryPattern>;

export const Patterns = z
  .object({
    incidentsPerDay: z.number().positive(),
    background: CategoryPattern,
    weekendSourceShift: z.partialRecord(IncidentSource, z.number().nonnegative()),
    profiles: z.record(z.string(), HourlyProfile),
    weekendFactor: z.record(z.string(), z.number().nonnegative()),
    categories: z.array(CategoryPattern.extend({ code: z.string() })),
  })
  .refine((p) => [p.background, ...p.categories].every((c) => c.profile in p.profiles), {
    message: 'every category must name a profile that exists',
  });
export type Patterns = z.infer<typeof Patterns>;

export function loadPatterns(): Patterns {
  return Patterns.parse(JSON.parse(readFileSync(join(SHIPPED_DATA_DIR, 'simulation', 'patterns.json'), 'utf8')));
}
