import { GeoJsonLayer } from '@deck.gl/layers';
import type { CityLayer } from '../../shared/index.js';
import { rampColour, type DensityPlacement } from './densityRamp.js';
import type { PointColumns } from './useIncidentPoints.js';

type Cell = CityLayer<'grid'>['features'][number];

/**
 * Incidents per unit grid cell. The server placed each loaded incident in its cell (by index); those
 * appended from the stream carry their grid code, looked up in `cellIndexByCode`.
 */
export function countByCell(points: PointColumns, cellCount: number, cellIndexByCode: ReadonlyMap<string, number>): Int32Array {
  const counts = new Int32Array(cellCount);
  const loaded = points.count - points.liveGridCodes.length;
  for (let i = 0; i < loaded; i++) {
    const c = points.cells[i]!;
    if (c >= 0 && c < cellCount) counts[c]! += 1;
  }
  for (const code of points.liveGridCodes) {
    const c = cellIndexByCode.get(code);
    if (c !== undefined) counts[c]! += 1;
  }
  return counts;
}

export function gridChoroplethLayer(cells: Cell[], counts: Int32Array, window: string, placement: DensityPlacement = {}) {
  let max = 0;
  for (const c of counts) max = Math.max(max, c);
  return new GeoJsonLayer<Cell['properties']>({
    ...placement,
    id: 'grid-choropleth',
    data: cells as never,
    filled: true,
    stroked: false,
    getFillColor: (_f, { index }) => rampColour(counts[index] ?? 0, max, 190),
    pickable: true,
    updateTriggers: { getFillColor: [window, max, counts] },
  });
}
