import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { CityLayer, GridCellProps } from '../../../shared/index.js';
import type { Lake, Lattice, LonLat } from './lattice.js';
import type { Community, Tile } from './layout.js';

export type CellFeature = CityLayer<'grid'>['features'][number];
type Area = CellFeature['geometry'];

/** A generated cell with where it sits in the lattice, for placing things on it later. */
export interface CellSite {
  feature: CellFeature;
  i: number;
  j: number;
  tile: Tile;
  community: Community;
  /** Cut by the lake shore, so not a plain quad. */
  clipped: boolean;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export function roundArea(g: Area): Area {
  if (g.type === 'Polygon') return { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(([x, y]) => [round6(x), round6(y)] as LonLat)) };
  return {
    type: 'MultiPolygon',
    coordinates: g.coordinates.map((p) => p.map((r) => r.map(([x, y]) => [round6(x), round6(y)] as LonLat))),
  };
}

/** Removes the lake from an area; undefined when nothing is left. */
export function minusLake(area: Area, lakePolygon: Feature<Polygon>): Area | undefined {
  const diff = turf.difference(turf.featureCollection([turf.feature(area as Polygon | MultiPolygon), lakePolygon]));
  return diff ? roundArea(diff.geometry as Area) : undefined;
}

/**
 * Builds the unit grid: one cell per lattice quad inside a community, minus the lake. Codes are the
 * community code plus a 3-digit sequence numbered west→east along a row, rows north→south.
 */
export function buildCells(
  l: Lattice,
  communities: Community[],
  tiles: Tile[],
  lake: Lake,
  lakePolygon: Feature<Polygon>,
): CellSite[] {
  const tileAt = new Map<string, Tile>();
  for (const t of tiles) tileAt.set(`${t.community}:${t.i0}:${t.j0}`, t);
  const sites: CellSite[] = [];
  communities.forEach((c, ci) => {
    let seq = 0;
    for (let j = c.j0; j < c.j1; j++) {
      for (let i = c.i0; i < c.i1; i++) {
        const corners = [l.xy(i, j), l.xy(i + 1, j), l.xy(i + 1, j + 1), l.xy(i, j + 1)];
        const wet = corners.filter(([x, y]) => lake.contains(x, y)).length;
        if (wet === 4) continue;
        const ring = [l.lonLat(i, j), l.lonLat(i, j + 1), l.lonLat(i + 1, j + 1), l.lonLat(i + 1, j), l.lonLat(i, j)];
        let geometry: Area = { type: 'Polygon', coordinates: [ring] };
        if (wet > 0) {
          const dry = minusLake(geometry, lakePolygon);
          if (!dry) continue;
          geometry = dry;
        }
        const tile = tileAt.get(`${ci}:${c.i0 + Math.floor((i - c.i0) / 3) * 3}:${c.j0 + Math.floor((j - c.j0) / 3) * 3}`)!;
        seq += 1;
        if (seq > 999) throw new Error(`community ${c.code} has more than 999 cells`);
        const properties: GridCellProps = {
          code: `${c.code}${String(seq).padStart(3, '0')}`,
          townCode: c.code.slice(0, 9),
          communityCode: c.code,
          responsibilityGridCode: tile.code,
          landuse: tile.landuse,
          areaM2: Math.round(turf.area(geometry) * 10) / 10,
        };
        sites.push({ feature: { type: 'Feature', geometry, properties }, i, j, tile, community: c, clipped: wet > 0 });
      }
    }
  });
  return sites;
}
