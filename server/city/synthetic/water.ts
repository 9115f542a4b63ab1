import * as turf from '@turf/turf';
import type { Feature, Polygon } from 'geojson';
import type { CityLayer } from '../../../shared/index.js';
import { roundArea } from './cells.js';
import type { Lake, Lattice, LonLat } from './lattice.js';
import { makeProjection } from './lattice.js';
import type { RoadLine } from './layout.js';
import type { CitySpec } from './spec.js';

export type WaterFeature = CityLayer<'water'>['features'][number];

export function lakePolygon(spec: CitySpec, lake: Lake): Feature<Polygon> {
  const project = makeProjection(spec.center);
  return turf.polygon([lake.ringMetres().map(([x, y]) => project.toLonLat(x, y))]);
}

/**
 * Rivers and canals follow lattice lines that carry no road, so that they run between cells'
 * rows of houses like real canals do; drawn as polygons of their width.
 */
export function buildWater(
  spec: CitySpec,
  l: Lattice,
  roads: RoadLine[],
  lakeFeature: Feature<Polygon>,
  vertexInCity: (i: number, j: number) => boolean,
): WaterFeature[] {
  const out: WaterFeature[] = [
    { type: 'Feature', geometry: roundArea(lakeFeature.geometry as WaterFeature['geometry']), properties: { id: 'lake-1', kind: 'lake', name: spec.lake.name } },
  ];
  spec.rivers.forEach((r, k) => {
    const n = r.axis === 'col' ? l.cols : l.rows;
    let index = Math.round(r.at * n);
    while (roads.some((x) => x.axis === r.axis && x.index === index)) index++;
    const ij = (m: number): [number, number] => (r.axis === 'col' ? [index, m] : [m, index]);
    const len = r.axis === 'col' ? l.rows : l.cols;
    // The longest run of the line inside the city.
    let best: LonLat[] = [];
    let cur: LonLat[] = [];
    for (let m = 0; m <= len; m++) {
      if (vertexInCity(...ij(m))) cur.push(l.lonLat(...ij(m)));
      else {
        if (cur.length > best.length) best = cur;
        cur = [];
      }
    }
    if (cur.length > best.length) best = cur;
    if (best.length < 2) return;
    const buffered = turf.buffer(turf.lineString(best), r.widthM / 2, { units: 'meters', steps: 2 });
    if (!buffered) return;
    out.push({
      type: 'Feature',
      geometry: roundArea(buffered.geometry as WaterFeature['geometry']),
      properties: { id: `${r.kind}-${k + 1}`, kind: r.kind, name: r.name },
    });
  });
  return out;
}
