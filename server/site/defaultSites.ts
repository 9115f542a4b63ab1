import * as turf from '@turf/turf';
import type { City, SiteGeometry } from '../../shared/index.js';
import type { StoredSite } from '../store/store.js';

/** Sides of a material yard's rectangle, metres: the yards of a district town are a few hundred to a few thousand m². */
const YARD_SIDE_MIN_M = 30;
const YARD_SIDE_MAX_M = 80;
/** The seeding's author, as updated_by and in the audit log. */
export const SEEDED_BY = 'system:default-city';

/**
 * The registry's first content, from the default city: every vacant lot of its `vacant-lots` layer
 * (named after its town and number, as the simulator's reports name it), and every material-yard POI
 * given a polygon: a rectangle centred on the POI, its sides 30–80 m drawn from a hash of the POI's id
 * (deterministic: the same city seeds the same yards), its long side parallel to the nearest road
 * segment, as yards line the road that serves them. All start idle, with no owner on record: the
 * generator knows neither, and an admin or an import says.
 */
export function defaultSites(city: City, at: number): StoredSite[] {
  const towns = new Map(city.meta.towns.map((t) => [t.code, t.name]));
  const sites: StoredSite[] = [];
  for (const lot of city.layers['vacant-lots'].features) {
    const p = lot.properties;
    const n = p.id.replace(/^lot-/, '');
    const town = towns.get(p.townCode);
    sites.push({
      id: p.id,
      kind: 'vacant_lot',
      name: { zh: `${town?.zh ?? ''}${n}号闲置地块`, en: `${town?.en ?? 'Wujin'} Vacant Lot ${n}` },
      geometry: lot.geometry,
      owner: null,
      areaM2: p.areaM2,
      status: 'idle',
      treatedAt: null,
      townCode: p.townCode,
      updatedAt: at,
      updatedBy: SEEDED_BY,
    });
  }
  const roads = roadSegments(city);
  for (const poi of city.layers.pois.features) {
    if (poi.properties.kind !== 'material_yard') continue;
    const [lon, lat] = poi.geometry.coordinates;
    const h = hashOf(poi.properties.id);
    const long = YARD_SIDE_MIN_M + (h % (YARD_SIDE_MAX_M - YARD_SIDE_MIN_M + 1));
    const short = YARD_SIDE_MIN_M + ((h >>> 8) % (long - YARD_SIDE_MIN_M + 1));
    const geometry = rectangle(lon, lat, long, short, bearingOfNearest(roads, lon, lat));
    sites.push({
      id: `yard-${poi.properties.id}`,
      kind: 'material_yard',
      name: poi.properties.name,
      geometry,
      owner: null,
      areaM2: Math.round(turf.area(geometry)),
      status: 'idle',
      treatedAt: null,
      townCode: poi.properties.townCode,
      updatedAt: at,
      updatedBy: SEEDED_BY,
    });
  }
  return sites;
}

/** Metres per degree at a latitude: flat-earth, plenty over a yard's few dozen metres. */
function metresPerDegree(lat: number): [number, number] {
  return [111_320 * Math.cos((lat * Math.PI) / 180), 110_574];
}

type Segment = [number, number, number, number];

function roadSegments(city: City): Segment[] {
  const out: Segment[] = [];
  for (const r of city.layers.roads.features) {
    const c = r.geometry.coordinates;
    for (let i = 1; i < c.length; i++) out.push([c[i - 1]![0], c[i - 1]![1], c[i]![0], c[i]![1]]);
  }
  return out;
}

/** The direction (radians from east, counter-clockwise, in metres) of the road segment nearest a point; 0 when there is none. */
function bearingOfNearest(segments: readonly Segment[], lon: number, lat: number): number {
  const [mx, my] = metresPerDegree(lat);
  let best = Infinity;
  let angle = 0;
  for (const [x1, y1, x2, y2] of segments) {
    const ax = (x1 - lon) * mx;
    const ay = (y1 - lat) * my;
    const dx = (x2 - x1) * mx;
    const dy = (y2 - y1) * my;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
    const d = Math.hypot(ax + t * dx, ay + t * dy);
    if (d < best) {
      best = d;
      angle = Math.atan2(dy, dx);
    }
  }
  return angle;
}

function rectangle(lon: number, lat: number, long: number, short: number, angle: number): SiteGeometry {
  const [mx, my] = metresPerDegree(lat);
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  const corner = (a: number, b: number): [number, number] => {
    const x = (a * long) / 2 * ux - (b * short) / 2 * uy;
    const y = (a * long) / 2 * uy + (b * short) / 2 * ux;
    return [round6(lon + x / mx), round6(lat + y / my)];
  };
  const ring = [corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1)];
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] };
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** FNV-1a, 32 bits: stable across runs and platforms. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
