import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { GeoJsonLayer } from '@deck.gl/layers';
import type { CityLayer } from '../../shared/index.js';
import type { DensityPlacement } from './densityRamp.js';

type Cell = CityLayer<'grid'>['features'][number];
type Rgba = [number, number, number, number];

/**
 * Gi* classes as hot-and-cold maps are drawn in the field (ArcGIS's Hot Spot Analysis): reds for hot
 * spots, blues for cold ones, deeper at higher confidence; cells not significant are not drawn.
 */
export const GI_STAR_COLOURS: Record<string, Rgba> = {
  hot_99: [215, 25, 28, 230],
  hot_95: [240, 90, 60, 200],
  hot_90: [253, 174, 97, 170],
  cold_90: [171, 217, 233, 150],
  cold_95: [116, 173, 209, 180],
  cold_99: [44, 123, 182, 210],
};
export const GI_STAR_LEGEND = ['hot_99', 'hot_95', 'hot_90', 'cold_90', 'cold_95', 'cold_99'] as const;

/**
 * The emerging-hotspot classes (ArcGIS's Emerging Hot Spot Analysis): new and consecutive ones stand
 * out in their own colours (what a leader must look at this week); intensifying and persistent are the
 * deep reds; diminishing, sporadic, oscillating and historical fade; cold ones in blues.
 */
export const EMERGING_COLOURS: Record<string, Rgba> = {
  new_hot: [255, 0, 200, 230],
  consecutive_hot: [255, 90, 220, 200],
  intensifying_hot: [200, 0, 30, 230],
  persistent_hot: [240, 60, 40, 190],
  diminishing_hot: [250, 150, 110, 160],
  sporadic_hot: [250, 200, 120, 150],
  oscillating_hot: [220, 170, 200, 150],
  historical_hot: [170, 140, 130, 130],
  new_cold: [0, 200, 255, 200],
  consecutive_cold: [60, 170, 255, 180],
  intensifying_cold: [20, 80, 200, 210],
  persistent_cold: [60, 120, 200, 170],
  diminishing_cold: [140, 180, 220, 140],
  sporadic_cold: [170, 200, 230, 130],
  oscillating_cold: [190, 200, 230, 130],
  historical_cold: [150, 160, 180, 120],
};
export const EMERGING_LEGEND = ['new_hot', 'consecutive_hot', 'intensifying_hot', 'persistent_hot', 'diminishing_hot', 'sporadic_hot', 'oscillating_hot', 'historical_hot', 'new_cold', 'persistent_cold'] as const;

/** The colour of a class on either map (none for a class not drawn). */
export function hotspotColour(cls: string): Rgba {
  return GI_STAR_COLOURS[cls] ?? EMERGING_COLOURS[cls] ?? [0, 0, 0, 0];
}

/** The H3 hexagons (resolution 8) that have a Gi* class, coloured by it. */
export function hotspotHexagonLayer(classOfHex: ReadonlyMap<string, string>, placement: DensityPlacement = {}) {
  return new H3HexagonLayer<[string, string]>({
    ...placement,
    id: 'hotspot-hexagons',
    data: [...classOfHex],
    getHexagon: (d) => d[0],
    getFillColor: (d) => hotspotColour(d[1]),
    getLineColor: (d) => [...hotspotColour(d[1]).slice(0, 3), 255] as Rgba,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    extruded: false,
    stroked: true,
    pickable: true,
    updateTriggers: { getFillColor: [classOfHex], getLineColor: [classOfHex] },
  });
}

/** The cells that have a class, coloured by it, above the density layers. */
export function hotspotLayer(cells: readonly Cell[], classOfCell: ReadonlyMap<number, string>, placement: DensityPlacement = {}) {
  const data = [...classOfCell.keys()].filter((i) => cells[i]).map((i) => ({ cell: i, feature: cells[i]! }));
  return new GeoJsonLayer({
    ...placement,
    id: 'hotspots',
    data: data.map((d) => ({ ...d.feature, properties: { ...d.feature.properties, cell: d.cell } })) as never,
    filled: true,
    stroked: true,
    getFillColor: (f: { properties: { cell: number } }) => hotspotColour(classOfCell.get(f.properties.cell)!),
    getLineColor: (f: { properties: { cell: number } }) => {
      const [r, g, b] = hotspotColour(classOfCell.get(f.properties.cell)!);
      return [r, g, b, 255];
    },
    lineWidthUnits: 'pixels',
    getLineWidth: 0.5,
    pickable: true,
    updateTriggers: { getFillColor: [classOfCell], getLineColor: [classOfCell] },
  });
}
