import { z } from 'zod';
import { LocalizedName } from './common.js';

/**
 * A unit responsible (责任单位) a case is dispatched to: a department of the catalog (the water
 * company, the traffic police, 环卫, 城管执法, …) or the town or street where the case lies (属地镇街,
 * for the categories the catalog gives to `jiedao`). Its crews are the roster's teams it sends.
 */
export const UnitKind = z.enum(['department', 'town']);
export type UnitKind = z.infer<typeof UnitKind>;

export const Unit = z.object({
  /** A department's code (`gongshui`), or a town's 9-digit code. */
  code: z.string(),
  kind: UnitKind,
  name: LocalizedName,
  /** The categories it handles (a town: the catalog's `jiedao` categories, within the town). */
  categories: z.array(z.string()),
  /** The roster's teams that are its crews; empty for a unit whose crews are not tracked. */
  teams: z.array(z.string()),
});
export type Unit = z.infer<typeof Unit>;

/** `GET /api/cases/:id/units`: a unit able to handle the case, and whether it has crews on the map. */
export const CaseUnit = Unit.extend({
  /** Its crews on duty now (any status but off duty or offline). */
  crewsOnDuty: z.number().int().nonnegative(),
});
export type CaseUnit = z.infer<typeof CaseUnit>;
