import { z } from 'zod';
import { IsoTimestamp, Latitude, LocalizedName, Longitude } from './common.js';

export const TeamStatus = z.enum(['available', 'en_route', 'on_site', 'off_duty', 'offline']);
export type TeamStatus = z.infer<typeof TeamStatus>;

export const TeamPosition = z.object({ lon: Longitude, lat: Latitude, at: IsoTimestamp });
export type TeamPosition = z.infer<typeof TeamPosition>;

/** A field team (城管执法中队, 环卫班组, 市政养护队, …) that handles cases of some categories. */
export const Team = z.object({
  id: z.string(),
  name: LocalizedName,
  department: z.string(),
  baseId: z.string(),
  townCode: z.string(),
  categories: z.array(z.string()),
  members: z.number().int().positive(),
  status: TeamStatus,
  position: TeamPosition.nullable(),
});
export type Team = z.infer<typeof Team>;
