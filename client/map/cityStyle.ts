import type { StyleSpecification } from 'maplibre-gl';
import { LanduseClass, PoiKind, RoadClass } from '../../shared/index.js';
import type { MapPalette } from './palette.js';

/** Road widths in pixels at zoom 10 and 17, by class: legible from across a room, thin when zoomed out. */
const WIDTH: Record<RoadClass, [number, number]> = {
  expressway: [2.2, 16],
  arterial: [1.6, 13],
  secondary: [0.8, 9],
  local: [0.3, 5],
};

/**
 * A MapLibre style built only from the city's own layers (/api/layers/*): no remote tiles, glyphs,
 * sprites or fonts. Labels are drawn by deck.gl's TextLayer with the browser's CJK font, so the style
 * has no symbol layers and needs no glyph server.
 */
export function buildCityStyle(origin: string, p: MapPalette): StyleSpecification {
  const source = (name: string) => ({ type: 'geojson' as const, data: `${origin}/api/layers/${name}` });
  const byClass = <T extends string>(values: readonly T[], colour: (v: T) => string) =>
    ['match', ['get', 'class'], ...values.flatMap((v) => [v, colour(v)]), '#888'] as unknown as string;
  const width = (cls: RoadClass, scale = 1) =>
    ['interpolate', ['exponential', 1.6], ['zoom'], 10, WIDTH[cls][0] * scale, 17, WIDTH[cls][1] * scale] as unknown as number;
  const roadLayers = RoadClass.options.flatMap((cls) => [
    {
      id: `road-casing-${cls}`,
      type: 'line' as const,
      source: 'roads',
      filter: ['==', ['get', 'class'], cls],
      minzoom: cls === 'local' ? 13 : 0,
      layout: { 'line-cap': 'round' as const, 'line-join': 'round' as const },
      paint: { 'line-color': p.roadCasing, 'line-width': width(cls, 1.35) },
    },
  ]);
  const roadFills = [...RoadClass.options].reverse().map((cls) => ({
    id: `road-${cls}`,
    type: 'line' as const,
    source: 'roads',
    filter: ['==', ['get', 'class'], cls],
    layout: { 'line-cap': 'round' as const, 'line-join': 'round' as const },
    paint: { 'line-color': p.road[cls], 'line-width': width(cls) },
  }));
  return {
    version: 8,
    sources: {
      landuse: source('landuse'),
      water: source('water'),
      roads: source('roads'),
      towns: source('towns'),
      grid: source('grid'),
      pois: source('pois'),
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': p.background } },
      { id: 'landuse', type: 'fill', source: 'landuse', paint: { 'fill-color': byClass(LanduseClass.options, (c) => p.landuse[c]) } },
      { id: 'grid-lines', type: 'line', source: 'grid', minzoom: 15, paint: { 'line-color': p.grid, 'line-width': 0.6 } },
      { id: 'water', type: 'fill', source: 'water', paint: { 'fill-color': p.water } },
      ...roadLayers.reverse(),
      ...roadFills,
      {
        id: 'town-boundaries',
        type: 'line',
        source: 'towns',
        paint: { 'line-color': p.town, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1.5, 16, 3.5], 'line-dasharray': [3, 2] },
      },
      {
        id: 'pois',
        type: 'circle',
        source: 'pois',
        minzoom: 14,
        paint: {
          'circle-color': ['match', ['get', 'kind'], ...PoiKind.options.flatMap((k) => [k, p.poi[k]]), '#888'],
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 14, 3, 17, 6],
          'circle-stroke-color': p.roadCasing,
          'circle-stroke-width': 1,
        },
      },
    ] as StyleSpecification['layers'],
  };
}

/**
 * The basemap layer the density layers go beneath: a style's first label (symbol) layer, as in a
 * site's own style; in the style built here, whose labels are deck.gl text on top, the town
 * boundaries, so that boundaries and points of interest are drawn over the density colours.
 */
export function densityAnchorLayer(style: StyleSpecification | undefined): string | undefined {
  const layers = style?.layers ?? [];
  return (layers.find((l) => l.type === 'symbol') ?? layers.find((l) => l.id === 'town-boundaries'))?.id;
}
