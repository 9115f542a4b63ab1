import { z } from 'zod';
import { Latitude, Longitude, SingleLineText } from './common.js';

/**
 * Responsibility (责任网格): who answers for each unit grid cell. Every responsibility grid (a patch
 * of cells, the grid layer's `responsibilityGridCode`) has its inspector (监督员, who patrols it),
 * its grid worker (网格员) and its grid head (网格长); its cells inherit them, unless an admin set a
 * cell on its own (a selection that split a grid). The units responsible for what lies in a cell are
 * derived from the catalog, the component inventory and the town, not stored.
 */
export const ResponsibilityRole = z.enum(['inspector', 'grid_worker', 'grid_head']);
export type ResponsibilityRole = z.infer<typeof ResponsibilityRole>;

/** Where an assignment is kept: on a whole responsibility grid (its cells inherit it), or on one cell. */
export const AssignmentScope = z.enum(['grid', 'cell']);
export type AssignmentScope = z.infer<typeof AssignmentScope>;

/** A person's id: lower-case letters, digits and dashes (`insp-0042`, `wkr-0007`, `head-0131`). */
export const PersonId = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes, at most 40');
export type PersonId = z.infer<typeof PersonId>;

/**
 * A person of the roster. `username` is the person's account, when they have one (an inspector's
 * login, whose phone reports positions as tracker `inspector:<username>`).
 */
export const ResponsibilityPerson = z.object({
  id: PersonId,
  name: SingleLineText.min(1).max(40),
  role: ResponsibilityRole,
  username: z.string().nullable(),
});
export type ResponsibilityPerson = z.infer<typeof ResponsibilityPerson>;

/** A person as a cell names them. */
export const PersonRef = z.object({ id: PersonId, name: z.string() });
export type PersonRef = z.infer<typeof PersonRef>;

/** `GET /api/responsibility/cells`: one cell, who answers for it and the units responsible for what lies in it. */
export const ResponsibilityCellView = z.object({
  gridCode: z.string(),
  responsibilityGridCode: z.string(),
  inspector: PersonRef.nullable(),
  gridWorker: PersonRef.nullable(),
  gridHead: PersonRef.nullable(),
  /**
   * The cell's own units: its town (属地, first) and the maintainers of the components inventoried in
   * it. The departments that answer for their event categories everywhere are `citywideUnits`.
   */
  units: z.array(z.string()),
});
export type ResponsibilityCellView = z.infer<typeof ResponsibilityCellView>;

export const ResponsibilityCellsAnswer = z.object({
  count: z.number().int().nonnegative(),
  /** Units responsible in every cell (departments with event categories): listed once, not per cell. */
  citywideUnits: z.array(z.string()),
  items: z.array(ResponsibilityCellView),
});
export type ResponsibilityCellsAnswer = z.infer<typeof ResponsibilityCellsAnswer>;

const TownCode = z.string().regex(/^\d{9}$/);
const CommunityCode = z.string().regex(/^\d{12}$/);
const GridCode = z.string().regex(/^\d{15}$/);
const ResponsibilityGridCode = SingleLineText.min(1).max(40);

/** `?town=&community=&grid=` (grid: a cell's 15-digit code or a responsibility grid's code); all optional, combined with and. */
export const ResponsibilityCellsQuery = z.strictObject({
  town: TownCode.optional(),
  community: CommunityCode.optional(),
  grid: ResponsibilityGridCode.optional(),
});
export type ResponsibilityCellsQuery = z.infer<typeof ResponsibilityCellsQuery>;

/** `GET /api/responsibility/people`: the roster with each person's load. */
export const ResponsibilityPersonView = ResponsibilityPerson.extend({
  /** The person's account: only for those who manage accounts (`user.manage`), left out for everyone else. */
  username: z.string().nullable().optional(),
  /** Responsibility grids and cells the person answers for now. */
  grids: z.number().int().nonnegative(),
  cells: z.number().int().nonnegative(),
});
export type ResponsibilityPersonView = z.infer<typeof ResponsibilityPersonView>;

export const ResponsibilityPeopleQuery = z.strictObject({ role: ResponsibilityRole.optional() });

/** `GET /api/responsibility/gaps?town=`: the cells with no inspector (blind spots of their own). */
export const ResponsibilityGap = z.object({
  gridCode: z.string(),
  responsibilityGridCode: z.string(),
  townCode: z.string(),
  communityCode: z.string(),
});
export type ResponsibilityGap = z.infer<typeof ResponsibilityGap>;

export const ResponsibilityGapsAnswer = z.object({
  count: z.number().int().nonnegative(),
  items: z.array(ResponsibilityGap),
  /** Cells (of the same selection) with no grid worker, and with no grid head. */
  withoutGridWorker: z.number().int().nonnegative(),
  withoutGridHead: z.number().int().nonnegative(),
});
export type ResponsibilityGapsAnswer = z.infer<typeof ResponsibilityGapsAnswer>;

export const ResponsibilityGapsQuery = z.strictObject({ town: TownCode.optional(), community: CommunityCode.optional() });

const Position = z.tuple([Longitude, Latitude]);
const closed = (ring: [number, number][]) => ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1];
const LinearRing = z.array(Position).min(4).max(5000).refine(closed, 'a ring must end where it starts');
/** A polygon drawn on the map (GeoJSON geometry, WGS-84). */
export const SelectionPolygon = z.union([
  z.strictObject({ type: z.literal('Polygon'), coordinates: z.array(LinearRing).min(1).max(20) }),
  z.strictObject({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(LinearRing).min(1).max(20)).min(1).max(20) }),
]);
export type SelectionPolygon = z.infer<typeof SelectionPolygon>;

const SELECTORS = ['responsibilityGridCodes', 'cells', 'town', 'community', 'polygon'] as const;
const ROLE_FIELDS = ['inspectorId', 'gridWorkerId', 'gridHeadId'] as const;

/**
 * One assignment of a bulk change: the cells it selects (the union of what its selectors name: whole
 * responsibility grids, cells by code, a town, a community, or the cells whose centroid lies in a
 * polygon) and who answers for them now, per role: a person's id, `null` for nobody, left out to keep.
 */
export const ResponsibilityAssignment = z
  .strictObject({
    responsibilityGridCodes: z.array(ResponsibilityGridCode).min(1).max(2000).optional(),
    cells: z.array(GridCode).min(1).max(10_000).optional(),
    town: TownCode.optional(),
    community: CommunityCode.optional(),
    polygon: SelectionPolygon.optional(),
    inspectorId: PersonId.nullable().optional(),
    gridWorkerId: PersonId.nullable().optional(),
    gridHeadId: PersonId.nullable().optional(),
  })
  .refine((a) => SELECTORS.some((k) => a[k] !== undefined), { message: `select cells by one of ${SELECTORS.join(', ')}` })
  .refine((a) => ROLE_FIELDS.some((k) => a[k] !== undefined), { message: `name at least one of ${ROLE_FIELDS.join(', ')} (null unassigns)` });
export type ResponsibilityAssignment = z.infer<typeof ResponsibilityAssignment>;

/** A person added to the roster or changed (name, account); a person's role does not change. */
export const PersonChange = ResponsibilityPerson.extend({ username: SingleLineText.min(1).max(64).nullable().optional() }).strict();
export type PersonChange = z.infer<typeof PersonChange>;

/** `PUT /api/responsibility`: people first, then the assignments in order; all or nothing. */
export const ResponsibilityChange = z
  .strictObject({
    people: z.array(PersonChange).min(1).max(2000).optional(),
    assign: z.array(ResponsibilityAssignment).min(1).max(200).optional(),
  })
  .refine((c) => c.people !== undefined || c.assign !== undefined, { message: 'name people or assignments' });
export type ResponsibilityChange = z.infer<typeof ResponsibilityChange>;

export const ResponsibilityChangeAnswer = z.object({
  /** Cells the assignments selected (each counted once), and those whose inspector, worker or head changed. */
  cellsSelected: z.number().int().nonnegative(),
  cellsChanged: z.number().int().nonnegative(),
  /** People added or changed. */
  people: z.number().int().nonnegative(),
});
export type ResponsibilityChangeAnswer = z.infer<typeof ResponsibilityChangeAnswer>;
