import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { latLngToCell } from 'h3-js';
import { densityBreaks, densityClass, densityClassColour, type DensityPlacement } from './densityRamp.js';
import type { PointColumns } from './useIncidentPoints.js';

interface HexCount {
  hex: string;
  count: number;
}

/** Counts per H3 cell (resolution 8, about 0.7 km²). */
export function countByHexagon(points: PointColumns, resolution = 8): HexCount[] {
  const counts = new Map<string, number>();
  for (let i = 0; i < points.count; i++) {
    const hex = latLngToCell(points.positions[2 * i + 1]!, points.positions[2 * i]!, resolution);
    counts.set(hex, (counts.get(hex) ?? 0) + 1);
  }
  return [...counts].map(([hex, count]) => ({ hex, count }));
}

export function incidentHexagonLayer(hexes: HexCount[], placement: DensityPlacement = {}) {
  // By rank among the hexagons that hold any incident: the city's hexagons are nearly all occupied.
  const breaks = densityBreaks(hexes.map((h) => h.count));
  return new H3HexagonLayer<HexCount>({
    ...placement,
    id: 'incident-hexagons',
    data: hexes,
    getHexagon: (d) => d.hex,
    getFillColor: (d) => densityClassColour(densityClass(d.count, breaks), 190),
    extruded: false,
    stroked: true,
    getLineColor: [255, 255, 255, 60],
    lineWidthMinPixels: 0.5,
    pickable: true,
    updateTriggers: { getFillColor: breaks.join() },
  });
}
