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

/**
 * The component (部件) a component case is about: the nearest inventoried component of the case's
 * category within 30 m of it (not a removed one), the unit that maintains it, and how far it stands.
 */
export const CaseComponent = z.object({
  /** Its 16-digit inventory code. */
  code: z.string().regex(/^\d{16}$/),
  /** The unit that owns and maintains it (a unit's code). */
  ownerUnit: z.string(),
  /** From the case, rounded to 0.1 m. */
  distanceMeters: z.number().nonnegative(),
});
export type CaseComponent = z.infer<typeof CaseComponent>;

/**
 * `GET /api/cases/:id/units`: a unit able to handle the case, and whether it has crews on the map.
 * For a component case lying at a component of its category, the component's maintainer comes first
 * and carries the component; every other unit (and every unit of an event case, or of a component
 * case with no component near) carries `component: null`.
 */
export const CaseUnit = Unit.extend({
  /** Its crews on duty now (any status but off duty or offline). */
  crewsOnDuty: z.number().int().nonnegative(),
  /** The component of this unit's that the case is about, or null. */
  component: CaseComponent.nullable(),
});
export type CaseUnit = z.infer<typeof CaseUnit>;
