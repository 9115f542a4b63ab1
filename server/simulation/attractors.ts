import type { City, LanduseClass, PoiKind, RoadClass } from '../../shared/index.js';
import type { SeededRandom } from '../seededRandom.js';
import type { AttractorKind } from './patterns.js';

/** A place where a problem occurs, with the names a report would mention. */
export interface Spot {
  lon: number;
  lat: number;
  road: string | null;
  place: string;
}

export type Sampler = (rng: SeededRandom) => Spot;

/** Draws index i with probability proportional to weights[i], by bisection over cumulative sums. */
function cumulativePicker(weights: number[]): (rng: SeededRandom) => number {
  const cum = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => (cum[i] = total += w));
  return (rng) => {
    const r = rng.float() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/**
 * A random point between a polygon's vertex centre and one of its vertices: inside for the convex-ish
 * cells and lots of the default city, and cheap; the caller re-checks against the grid anyway.
 */
function pointInRing(ring: number[][], rng: SeededRandom, reach: number): [number, number] {
  const n = ring.length - 1;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < n; i++) {
    cx += ring[i]![0]! / n;
    cy += ring[i]![1]! / n;
  }
  const a = ring[rng.int(0, n - 1)]!;
  const t = rng.float() * reach;
  return [cx + t * (a[0]! - cx), cy + t * (a[1]! - cy)];
}

/**
 * Builds one sampler per attractor kind from the city's layers. Kinds the city has nothing for
 * (no markets, say) are left out, and the simulator falls back to the category's other attractors.
 */
export function buildAttractors(city: City): Partial<Record<AttractorKind, Sampler>> {
  const lat0 = city.meta.center[1];
  const mLon = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const mLat = 110_574;
  const communityName = new Map(city.layers.communities.features.map((f) => [f.properties.code, f.properties.name.zh]));
  const townName = new Map(city.meta.towns.map((t) => [t.code, t.name.zh]));

  const roadSampler = (classes: RoadClass[]): Sampler | undefined => {
    const segs = city.layers.roads.features.filter((f) => classes.includes(f.properties.class));
    if (segs.length === 0) return undefined;
    const lengths = segs.map((f) => {
      let len = 0;
      const c = f.geometry.coordinates;
      for (let i = 1; i < c.length; i++) len += Math.hypot((c[i]![0] - c[i - 1]![0]) * mLon, (c[i]![1] - c[i - 1]![1]) * mLat);
      return len;
    });
    const pick = cumulativePicker(lengths);
    return (rng) => {
      const f = segs[pick(rng)]!;
      const c = f.geometry.coordinates;
      const k = rng.int(0, c.length - 2);
      const t = rng.float();
      const lon = c[k]![0] + t * (c[k + 1]![0] - c[k]![0]);
      const lat = c[k]![1] + t * (c[k + 1]![1] - c[k]![1]);
      return { lon, lat, road: f.properties.name?.zh ?? null, place: f.properties.name?.zh ?? '道路' };
    };
  };

  const poiSampler = (kinds: PoiKind[]): Sampler | undefined => {
    const pois = city.layers.pois.features.filter((f) => kinds.includes(f.properties.kind));
    if (pois.length === 0) return undefined;
    return (rng) => {
      const p = rng.pick(pois);
      return { lon: p.geometry.coordinates[0], lat: p.geometry.coordinates[1], road: null, place: p.properties.name.zh };
    };
  };

  const cellSampler = (landuses: LanduseClass[] | null): Sampler | undefined => {
    const cells = city.layers.grid.features.filter((f) => !landuses || landuses.includes(f.properties.landuse));
    if (cells.length === 0) return undefined;
    return (rng) => {
      const cell = rng.pick(cells);
      const ring = cell.geometry.type === 'Polygon' ? cell.geometry.coordinates[0]! : cell.geometry.coordinates[0]![0]!;
      const [lon, lat] = pointInRing(ring, rng, 0.8);
      return {
        lon,
        lat,
        road: null,
        place: communityName.get(cell.properties.communityCode) ?? townName.get(cell.properties.townCode) ?? '',
      };
    };
  };

  const lots = city.layers['vacant-lots'].features;
  const vacantLots: Sampler | undefined =
    lots.length === 0
      ? undefined
      : (rng) => {
          const lot = rng.pick(lots);
          const ring = lot.geometry.type === 'Polygon' ? lot.geometry.coordinates[0]! : lot.geometry.coordinates[0]![0]!;
          const [lon, lat] = pointInRing(ring, rng, 0.9);
          return {
            lon,
            lat,
            road: null,
            place: `${townName.get(lot.properties.townCode) ?? ''}${lot.properties.id.replace('lot-', '')}号闲置地块`,
          };
        };

  const samplers: Partial<Record<AttractorKind, Sampler | undefined>> = {
    main_roads: roadSampler(['arterial', 'secondary']),
    arterials: roadSampler(['arterial']),
    roads: roadSampler(['arterial', 'secondary', 'local']),
    markets: poiSampler(['market']),
    schools: poiSampler(['school']),
    construction: poiSampler(['construction_site', 'material_yard']),
    material_yards: poiSampler(['material_yard']),
    vacant_lots: vacantLots,
    fringe: cellSampler(['farmland']),
    commercial: cellSampler(['commercial']),
    residential: cellSampler(['residential', 'commercial']),
    parking: poiSampler(['market', 'hospital', 'transit']),
    cells: cellSampler(null),
  };
  return Object.fromEntries(Object.entries(samplers).filter(([, s]) => s !== undefined)) as Partial<Record<AttractorKind, Sampler>>;
}

/** Moves a spot by a Gaussian offset of `spreadM` metres, so hotspots form without being single points. */
export function spread(spot: Spot, spreadM: number, rng: SeededRandom, lat0: number): Spot {
  const mLon = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  return {
    ...spot,
    lon: spot.lon + (rng.gaussian() * spreadM) / mLon,
    lat: spot.lat + (rng.gaussian() * spreadM) / 110_574,
  };
}

/**
 * For each component category (部件) with inventoried components in the street (not `removed`), a
 * sampler of its components: a report of a broken manhole cover is made where a manhole cover is,
 * so a component case lies at the component the inventory knows (and goes to its maintainer).
 */
export function componentSamplers(city: City): Map<string, Sampler> {
  const communityName = new Map(city.layers.communities.features.map((f) => [f.properties.code, f.properties.name.zh]));
  const byCategory = new Map<string, City['layers']['components']['features']>();
  for (const f of city.layers.components.features) {
    if (f.properties.state === 'removed') continue;
    const list = byCategory.get(f.properties.categoryCode) ?? [];
    list.push(f);
    byCategory.set(f.properties.categoryCode, list);
  }
  return new Map(
    [...byCategory].map(([code, list]): [string, Sampler] => [
      code,
      (rng) => {
        const f = rng.pick(list);
        const [lon, lat] = f.geometry.coordinates;
        return { lon, lat, road: null, place: communityName.get(f.properties.gridCode.slice(0, 12)) ?? '' };
      },
    ]),
  );
}
