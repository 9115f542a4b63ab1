import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SHIPPED_DATA_DIR } from '../paths.js';

const Position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const Ring = z.array(Position).min(4).refine((r) => r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1], { message: 'a ring must be closed' });

/** The city centre's polygon, as `data/city/centre.geojson` holds it (one feature). */
export const CentreFile = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z
      .array(
        z.object({
          type: z.literal('Feature'),
          properties: z.object({ code: z.string().min(1).max(32), name: z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict(), note: z.string().optional() }).strict(),
          geometry: z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) }).strict(),
        }),
      )
      .length(1),
  })
  .strict();
export type CentreFeature = z.infer<typeof CentreFile>['features'][number];

/**
 * The centre whose congestion a leader watches (the old town of Hutang in the default city): a
 * shipped file rather than a town, because a town's index dilutes the few jammed central streets
 * with its outskirts. A file that does not parse stops the start.
 */
export function loadCentre(path: string = join(SHIPPED_DATA_DIR, 'city', 'centre.geojson')): CentreFeature {
  const parsed = CentreFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.features[0]!;
}
