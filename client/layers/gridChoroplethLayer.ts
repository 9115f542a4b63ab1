import { GeoJsonLayer } from '@deck.gl/layers';
import type { CityLayer } from '../../shared/index.js';
import { densityClass, densityClassColour, type DensityPlacement } from './densityRamp.js';
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

/** Incidents per unit grid cell, in density classes by percentile of the cells' counts (densityRamp.ts). */
export function gridChoroplethLayer(cells: Cell[], counts: Int32Array, breaks: readonly number[], placement: DensityPlacement = {}) {
  return new GeoJsonLayer<Cell['properties']>({
    ...placement,
    id: 'grid-choropleth',
    data: cells as never,
    filled: true,
    stroked: false,
    getFillColor: (_f, { index }) => densityClassColour(densityClass(counts[index] ?? 0, breaks), 230),
    pickable: true,
    updateTriggers: { getFillColor: [breaks.join(), counts] },
  });
}
