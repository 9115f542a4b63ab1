import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { City, CityLayer, CityLayerSet, CityMeta, LayerName, TownProps } from '../../../shared/index.js';
import { SeededRandom } from '../../seededRandom.js';
import { buildCells, minusLake, roundArea, type CellFeature } from './cells.js';
import { placeComponents } from './components.js';
import { buildLattice, latticeRing, makeLake } from './lattice.js';
import { planBlocks, planCommunities, planRoadLines, planTiles } from './layout.js';
import { placeThings } from './places.js';
import { buildRoads } from './roads.js';
import type { CitySpec } from './spec.js';
import { buildWater, lakePolygon } from './water.js';

/** Bump when the output for a given seed changes, so that caches of the old city are not reused. */
export const GENERATOR_VERSION = '7';

type Area = CellFeature['geometry'];

function unionOf(areas: Area[]): Area | undefined {
  if (areas.length === 1) return areas[0];
  const u = turf.union(turf.featureCollection(areas.map((a) => turf.feature(a as Polygon | MultiPolygon)) as Feature<Polygon | MultiPolygon>[]));
  return u ? roundArea(u.geometry as Area) : undefined;
}

/** The centre of mass when it lies inside the town (it does for compact towns), else a point on it. */
function labelPointOf(f: Feature<Polygon | MultiPolygon> | CityLayer<'towns'>['features'][number]): [number, number] {
  const feature = f as Feature<Polygon | MultiPolygon>;
  const c = turf.centerOfMass(feature);
  const p = turf.booleanPointInPolygon(c, feature) ? c : turf.pointOnFeature(feature);
  const [lon, lat] = p.geometry.coordinates as [number, number];
  return [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
}

/**
 * Generates the default city from its spec and a seed: pure and deterministic, so the same seed
 * gives the same city byte for byte. Each step takes its own PRNG stream, so changing one part of
 * the generator does not reshuffle the others.
 */
export function generateCity(spec: CitySpec, seed: number): City {
  const rng = (part: string) => SeededRandom.derive(seed, part);
  const lattice = buildLattice(spec, rng('lattice'));
  const lake = makeLake(spec, rng('lake'));
  const lakeFeature = lakePolygon(spec, lake);
  const roadLines = planRoadLines(spec, lattice, rng('roads'));
  const blocks = planBlocks(spec, lattice, roadLines, lake, rng('blocks'));
  const communities = planCommunities(spec, blocks, roadLines, rng('communities'));
  const tiles = planTiles(spec, lattice, communities, rng('landuse'));
  const sites = buildCells(lattice, communities, tiles, lake, lakeFeature);
  const cellKeys = new Set(sites.map((s) => s.i * 100_000 + s.j));
  const hasCell = (i: number, j: number) => cellKeys.has(i * 100_000 + j);
  const hutang = spec.towns[0]!.seedM;
  const roads = buildRoads(lattice, roadLines, hasCell, lake, [hutang[0], hutang[1]]);
  const vertexInCity = (i: number, j: number) => hasCell(i - 1, j - 1) || hasCell(i, j - 1) || hasCell(i - 1, j) || hasCell(i, j);
  const water = buildWater(spec, lattice, roadLines, lakeFeature, vertexInCity);
  const places = placeThings(spec, lattice, sites, roadLines, rng('places'));
  // Places may have turned parcels public or green: the cells follow their parcel.
  for (const s of sites) s.feature.properties.landuse = s.tile.landuse;
  const components = placeComponents(spec, lattice, sites, roads, places, rng('components'));

  const dryArea = (ring: ReturnType<typeof latticeRing>): Area | undefined => {
    const area: Area = { type: 'Polygon', coordinates: [ring] };
    return minusLake(area, lakeFeature);
  };
  const communityFeatures: CityLayer<'communities'>['features'] = [];
  for (const c of communities) {
    const geometry = dryArea(latticeRing(lattice, c.i0, c.j0, c.i1, c.j1));
    if (geometry) communityFeatures.push({ type: 'Feature', geometry, properties: { code: c.code, townCode: c.code.slice(0, 9), name: c.name } });
  }
  const townFeatures: CityLayer<'towns'>['features'] = [];
  spec.towns.forEach((t, k) => {
    const parts = blocks.filter((b) => b.kept && b.townIndex === k).map((b) => dryArea(latticeRing(lattice, b.i0, b.j0, b.i1, b.j1)));
    const geometry = unionOf(parts.filter((p): p is Area => p !== undefined));
    if (!geometry) return;
    const properties: TownProps = { code: t.code, name: t.name, kind: t.kind };
    townFeatures.push({ type: 'Feature', geometry: roundArea(geometry), properties });
  });
  const landuse: CityLayer<'landuse'>['features'] = [];
  for (const t of tiles) {
    const geometry = dryArea(latticeRing(lattice, t.i0, t.j0, t.i1, t.j1));
    if (geometry) landuse.push({ type: 'Feature', geometry, properties: { id: `lu-${t.code}`, class: t.landuse } });
  }

  const layers: CityLayerSet = {
    towns: { type: 'FeatureCollection', features: townFeatures },
    communities: { type: 'FeatureCollection', features: communityFeatures },
    grid: { type: 'FeatureCollection', features: sites.map((s) => s.feature) },
    roads: { type: 'FeatureCollection', features: roads },
    water: { type: 'FeatureCollection', features: water },
    landuse: { type: 'FeatureCollection', features: landuse },
    pois: { type: 'FeatureCollection', features: places.pois },
    'vacant-lots': { type: 'FeatureCollection', features: places.vacantLots },
    cameras: { type: 'FeatureCollection', features: places.cameras },
    'team-bases': { type: 'FeatureCollection', features: places.teamBases },
    components: { type: 'FeatureCollection', features: components },
  };
  const [w, s, e, n] = turf.bbox(layers.grid);
  const meta: CityMeta = {
    name: spec.name,
    districtCode: spec.districtCode,
    seed,
    generatorVersion: GENERATOR_VERSION,
    center: spec.center,
    bbox: [w, s, e, n],
    towns: townFeatures.map((f) => ({ ...f.properties, labelPoint: labelPointOf(f) })),
    layers: (Object.keys(layers) as LayerName[]).map((name) => ({ name, featureCount: layers[name].features.length })),
  };
  return { meta, layers };
}
