import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { DENSITY_RAMP } from './densityRamp.js';
import type { PointColumns } from './useIncidentPoints.js';
import type { DensityPlacement } from './densityRamp.js';

/** Kernel density of the window's incidents, fed binary positions so nothing is copied per point. */
export function incidentHeatmapLayer(points: PointColumns, placement: DensityPlacement = {}) {
  return new HeatmapLayer({
    ...placement,
    id: 'incident-heatmap',
    data: { length: points.count, attributes: { getPosition: { value: points.positions, size: 2 } } },
    getWeight: 1,
    radiusPixels: 28,
    intensity: 1.2,
    threshold: 0.04,
    colorRange: DENSITY_RAMP,
    aggregation: 'SUM',
  });
}
