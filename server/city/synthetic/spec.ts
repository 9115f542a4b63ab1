import { z } from 'zod';
import { LocalizedName, TownKind } from '../../../shared/index.js';

/**
 * The inputs of the default city generator: names and shape, as data (data/city/wujin-district.json),
 * and the catalog's component categories, by which the component inventory is coded and owned.
 */
const Metres = z.tuple([z.number(), z.number()]);

/** A component category of the catalog, as the inventory needs it: its code parts and its unit. */
export const ComponentCategorySpec = z.object({
  code: z.string().regex(/^C\d{4}$/),
  classCode: z.string().regex(/^\d{2}$/),
  subclassCode: z.string().regex(/^\d{2}$/),
  department: z.string().min(1),
});
export type ComponentCategorySpec = z.infer<typeof ComponentCategorySpec>;

export const CitySpec = z.object({
  name: LocalizedName,
  districtCode: z.string().regex(/^\d{6}$/),
  center: z.tuple([z.number(), z.number()]),
  extentM: Metres,
  cellSizeM: z.number().positive(),
  warp: z.object({ amplitudeM: z.number().nonnegative(), wavelengthM: Metres, jitterM: z.number().nonnegative() }),
  arterialSpacingCells: z.tuple([z.number().int().min(4), z.number().int().min(4)]),
  localSpacingCells: z.number().int().min(2),
  towns: z
    .array(
      z.object({
        code: z.string().regex(/^\d{9}$/),
        name: LocalizedName,
        kind: TownKind,
        seedM: Metres,
        stem: z.string(),
        industrial: z.boolean().optional(),
      }),
    )
    .min(1),
  lake: z.object({ name: LocalizedName, centerM: Metres, radiiM: Metres }),
  rivers: z.array(
    z.object({
      name: LocalizedName,
      axis: z.enum(['row', 'col']),
      at: z.number().min(0).max(1),
      widthM: z.number().positive(),
      kind: z.enum(['river', 'canal']),
    }),
  ),
  expressway: z.object({ name: LocalizedName, axis: z.enum(['row', 'col']), at: z.number().min(0).max(1) }),
  roadNames: z.object({ col: z.array(LocalizedName), row: z.array(LocalizedName) }),
  communityStems: z.array(z.string()).min(1),
  /** Parts of generated community names, used once the stems run out. */
  communityNameParts: z.object({ first: z.array(z.string()).min(1), second: z.array(z.string()).min(1) }),
  places: z.object({
    markets: z.number().int().nonnegative(),
    schools: z.number().int().nonnegative(),
    hospitals: z.number().int().nonnegative(),
    constructionSites: z.number().int().nonnegative(),
    materialYards: z.number().int().nonnegative(),
    transit: z.number().int().nonnegative(),
    vacantLots: z.number().int().nonnegative(),
    parks: z.number().int().nonnegative(),
  }),
  /** From the catalog (loadCitySpec adds them): the categories the component inventory may hold. */
  components: z.array(ComponentCategorySpec),
});
export type CitySpec = z.infer<typeof CitySpec>;
