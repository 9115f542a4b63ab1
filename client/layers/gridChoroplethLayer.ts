import { GeoJsonLayer } from '@deck.gl/layers';
import type { CityLayer } from '../../shared/index.js';
import { rampColour } from './densityRamp.js';
import type { PointColumns } from './useIncidentPoints.js';

type Cell = CityLayer<'grid'>['features'][number];

/** Incidents per unit grid cell; the server already placed each incident in its cell. */
export function countByCell(points: PointColumns, cellCount: number): Int32Array {
  const counts = new Int32Array(cellCount);
  for (const c of points.cells) if (c >= 0 && c < cellCount) counts[c]! += 1;
  return counts;
}

export function gridChoroplethLayer(cells: Cell[], counts: Int32Array, window: string) {
  let max = 0;
  for (const c of counts) max = Math.max(max, c);
  return new GeoJsonLayer<Cell['properties']>({
    id: 'grid-choropleth',
    data: cells as never,
    filled: true,
    stroked: false,
    getFillColor: (_f, { index }) => rampColour(counts[index] ?? 0, max, 190),
    pickable: true,
    updateTriggers: { getFillColor: [window, max, counts] },
  });
}
