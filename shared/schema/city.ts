import { z } from 'zod';
import { BBox, LocalizedName } from './common.js';

/**
 * The city is data: a set of GeoJSON layers plus metadata. The default city is generated from a seed;
 * a real city imports its own layers into the same shape. Coordinates are WGS-84 [lon, lat].
 */
const Position = z.tuple([z.number().finite(), z.number().finite()]);
const Ring = z.array(Position).min(4);
const PolygonGeometry = z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) });
const MultiPolygonGeometry = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(Ring).min(1)).min(1),
});
const AreaGeometry = z.union([PolygonGeometry, MultiPolygonGeometry]);
const LineGeometry = z.object({ type: z.literal('LineString'), coordinates: z.array(Position).min(2) });
const PointGeometry = z.object({ type: z.literal('Point'), coordinates: Position });

function featureCollection<G extends z.ZodTypeAny, P extends z.ZodTypeAny>(geometry: G, properties: P) {
  return z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(z.object({ type: z.literal('Feature'), geometry, properties })),
  });
}

export const TownKind = z.enum(['town', 'subdistrict', 'zone']);
/** A town or street (镇 / 街道): code is the 6-digit district code + 3 digits. */
export const TownProps = z.object({
  code: z.string().regex(/^\d{9}$/),
  name: LocalizedName,
  kind: TownKind,
});
export type TownProps = z.infer<typeof TownProps>;

/** A community (社区 / 村): code is the town code + 3 digits. */
export const CommunityProps = z.object({
  code: z.string().regex(/^\d{12}$/),
  townCode: z.string().regex(/^\d{9}$/),
  name: LocalizedName,
});
export type CommunityProps = z.infer<typeof CommunityProps>;

export const LanduseClass = z.enum(['residential', 'commercial', 'industrial', 'green', 'farmland', 'public']);
export type LanduseClass = z.infer<typeof LanduseClass>;

/**
 * A unit grid cell (万米单元网格). code = community code + 3-digit sequence numbered west→east,
 * north→south inside the community. The responsibility grid (责任网格) is the set of cells one
 * inspector patrols.
 */
export const GridCellProps = z.object({
  code: z.string().regex(/^\d{15}$/),
  townCode: z.string().regex(/^\d{9}$/),
  communityCode: z.string().regex(/^\d{12}$/),
  responsibilityGridCode: z.string(),
  landuse: LanduseClass,
  areaM2: z.number().positive(),
});
export type GridCellProps = z.infer<typeof GridCellProps>;

export const RoadClass = z.enum(['expressway', 'arterial', 'secondary', 'local']);
export type RoadClass = z.infer<typeof RoadClass>;

/**
 * A road segment. Segments meet at intersections on exactly equal coordinates, so a routing graph can
 * be built by joining equal vertices. `oneway` means traffic flows only in the drawing direction.
 */
export const RoadProps = z.object({
  id: z.string(),
  name: LocalizedName.nullable(),
  class: RoadClass,
  speedKph: z.number().positive(),
  lanes: z.number().int().positive(),
  oneway: z.boolean(),
});
export type RoadProps = z.infer<typeof RoadProps>;

export const WaterKind = z.enum(['lake', 'river', 'canal']);
export const WaterProps = z.object({ id: z.string(), kind: WaterKind, name: LocalizedName.nullable() });
export type WaterProps = z.infer<typeof WaterProps>;

export const LanduseProps = z.object({ id: z.string(), class: LanduseClass });
export type LanduseProps = z.infer<typeof LanduseProps>;

export const PoiKind = z.enum([
  'market',
  'school',
  'hospital',
  'construction_site',
  'material_yard',
  'park',
  'government',
  'transit',
]);
export type PoiKind = z.infer<typeof PoiKind>;
export const PoiProps = z.object({ id: z.string(), kind: PoiKind, name: LocalizedName, townCode: z.string() });
export type PoiProps = z.infer<typeof PoiProps>;

export const VacantLotProps = z.object({ id: z.string(), areaM2: z.number().positive(), townCode: z.string() });
export type VacantLotProps = z.infer<typeof VacantLotProps>;

export const CameraProps = z.object({
  id: z.string(),
  kind: z.enum(['fixed', 'ptz']),
  /** Degrees clockwise from north. */
  headingDeg: z.number().gte(0).lt(360),
  fovDeg: z.number().positive().lte(360),
  rangeM: z.number().positive(),
});
export type CameraProps = z.infer<typeof CameraProps>;

export const TeamBaseProps = z.object({
  id: z.string(),
  name: LocalizedName,
  department: z.string(),
  townCode: z.string(),
});
export type TeamBaseProps = z.infer<typeof TeamBaseProps>;

export const ComponentState = z.enum(['intact', 'damaged', 'missing', 'removed']);
export type ComponentState = z.infer<typeof ComponentState>;
/**
 * A component (部件) of the inventory (部件普查): a thing in the street that its owner or maintainer
 * unit answers for. `code` is 16 digits: the 6-digit district code, the 2-digit class and 2-digit
 * sub-class of its category (`categoryCode` C + class + sub-class, as in the catalog) and a 6-digit
 * serial. `ownerUnit` is the code of the unit responsible for it (a department code such as
 * `gongshui`, or a town's 9-digit code). `removed` components stay in the inventory, no longer in the street.
 */
export const ComponentProps = z.object({
  code: z.string().regex(/^\d{16}$/),
  categoryCode: z.string().regex(/^C\d{4}$/),
  state: ComponentState,
  ownerUnit: z.string().min(1),
  townCode: z.string().regex(/^\d{9}$/),
  gridCode: z.string().regex(/^\d{15}$/),
});
export type ComponentProps = z.infer<typeof ComponentProps>;

export const CityLayers = {
  towns: featureCollection(AreaGeometry, TownProps),
  communities: featureCollection(AreaGeometry, CommunityProps),
  grid: featureCollection(AreaGeometry, GridCellProps),
  roads: featureCollection(LineGeometry, RoadProps),
  water: featureCollection(AreaGeometry, WaterProps),
  landuse: featureCollection(AreaGeometry, LanduseProps),
  pois: featureCollection(PointGeometry, PoiProps),
  'vacant-lots': featureCollection(AreaGeometry, VacantLotProps),
  cameras: featureCollection(PointGeometry, CameraProps),
  'team-bases': featureCollection(PointGeometry, TeamBaseProps),
  components: featureCollection(PointGeometry, ComponentProps),
} as const;

export const LAYER_NAMES = Object.keys(CityLayers) as (keyof typeof CityLayers)[];
export const LayerName = z.enum(LAYER_NAMES as [keyof typeof CityLayers, ...(keyof typeof CityLayers)[]]);
export type LayerName = z.infer<typeof LayerName>;

export type CityLayer<N extends LayerName> = z.infer<(typeof CityLayers)[N]>;
export type CityLayerSet = { [N in LayerName]: CityLayer<N> };

export const CityMeta = z.object({
  name: LocalizedName,
  districtCode: z.string().regex(/^\d{6}$/),
  seed: z.number().int(),
  generatorVersion: z.string(),
  center: z.tuple([z.number(), z.number()]),
  bbox: BBox,
  /** The towns, each with a point inside it where its name is drawn. */
  towns: z.array(TownProps.extend({ labelPoint: z.tuple([z.number(), z.number()]) })),
  layers: z.array(z.object({ name: LayerName, featureCount: z.number().int().nonnegative() })),
});
export type CityMeta = z.infer<typeof CityMeta>;

export interface City {
  meta: CityMeta;
  layers: CityLayerSet;
}
