import { MapLibreOverlay } from '@deck.gl/maplibre';
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { Map as MapLibreMap, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CityLayer, CityMeta, Incident } from '../../shared/index.js';
import { countByCell, gridChoroplethLayer } from '../layers/gridChoroplethLayer.js';
import { incidentHeatmapLayer } from '../layers/heatmapLayer.js';
import { countByHexagon, incidentHexagonLayer } from '../layers/hexagonLayer.js';
import type { PointColumns } from '../layers/useIncidentPoints.js';
import type { LayerVisibility } from './LayerPanel.js';
import { buildCityStyle } from './cityStyle.js';
import { PALETTES, type Theme } from './palette.js';

setWorkerUrl(workerUrl);

/** Colours of the two category families on the map: events warm, components cool. */
const FAMILY_COLOUR: Record<'C' | 'E', [number, number, number]> = { E: [255, 112, 67], C: [66, 165, 245] };

const LABEL_FONT = '"Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", sans-serif';

export interface MapViewProps {
  city: CityMeta;
  theme: Theme;
  incidents: readonly Incident[];
  language: 'zh-CN' | 'en';
  visible: LayerVisibility;
  points: PointColumns | null;
}

/**
 * The city map: MapLibre draws the basemap from the city's own layers, deck.gl draws data and labels
 * on top through one interleaved overlay. Exposes `window.__gridwatchMap` state for the browser tests.
 */
export function MapView({ city, theme, incidents, language, visible, points }: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const [gridCells, setGridCells] = useState<CityLayer<'grid'>['features'] | null>(null);
  useEffect(() => {
    if (!visible.grid || gridCells) return;
    void fetch('/api/layers/grid').then(async (r) => setGridCells(((await r.json()) as CityLayer<'grid'>).features));
  }, [visible.grid, gridCells]);
  const hexes = useMemo(() => (points && visible.hexagons ? countByHexagon(points) : null), [points, visible.hexagons]);
  const cellCounts = useMemo(() => (points && gridCells && visible.grid ? countByCell(points, gridCells.length) : null), [points, gridCells, visible.grid]);

  useEffect(() => {
    const [w, s, e, n] = city.bbox;
    const map = new MapLibreMap({
      container: container.current!,
      style: buildCityStyle(window.location.origin, PALETTES[theme]),
      bounds: [w, s, e, n],
      fitBoundsOptions: { padding: 20 },
      attributionControl: false,
      maxPitch: 0,
    });
    const overlay = new MapLibreOverlay({ interleaved: true, layers: [] });
    map.addControl(overlay);
    map.on('load', () => {
      // A hook for the browser tests: picking goes through deck.gl's real GPU picking of what is drawn.
      (window as unknown as { __gridwatchMap: unknown }).__gridwatchMap = {
        loaded: true,
        pickIncident(lon: number, lat: number): string | null {
          const p = map.project([lon, lat]);
          const picked = overlay.pickObject({ x: p.x, y: p.y, radius: 3, layerIds: ['incidents'] });
          return (picked?.object as Incident | undefined)?.id ?? null;
        },
      };
    });
    mapRef.current = map;
    overlayRef.current = overlay;
    return () => {
      map.remove();
      mapRef.current = null;
      overlayRef.current = null;
    };
    // The map is built once per city; theme changes swap the style below.
  }, [city]);

  useEffect(() => {
    mapRef.current?.setStyle(buildCityStyle(window.location.origin, PALETTES[theme]));
  }, [theme]);

  useEffect(() => {
    const palette = PALETTES[theme];
    const towns = city.towns;
    overlayRef.current?.setProps({
      layers: [
        visible.grid && gridCells && cellCounts && points && gridChoroplethLayer(gridCells, cellCounts, points.window),
        visible.hexagons && hexes && incidentHexagonLayer(hexes),
        visible.heatmap && points && incidentHeatmapLayer(points),
        new ScatterplotLayer<Incident>({
          visible: visible.incidents,
          id: 'incidents',
          data: incidents as Incident[],
          getPosition: (d) => [d.lon, d.lat],
          getFillColor: (d) => [...FAMILY_COLOUR[d.categoryCode[0] === 'C' ? 'C' : 'E'], 220],
          getLineColor: [255, 255, 255, 200],
          stroked: true,
          lineWidthMinPixels: 1,
          radiusUnits: 'pixels',
          getRadius: 5,
          pickable: true,
        }),
        new TextLayer<(typeof towns)[number] & { position: [number, number] }>({
          id: 'town-labels',
          data: towns.map((t) => ({ ...t, position: t.labelPoint })),
          getPosition: (d) => d.position,
          getText: (d) => (language === 'en' ? d.name.en : d.name.zh),
          updateTriggers: { getText: language },
          getSize: 20,
          fontFamily: LABEL_FONT,
          fontWeight: 600,
          characterSet: 'auto',
          getColor: palette.label,
          outlineWidth: 4,
          outlineColor: palette.labelHalo,
          fontSettings: { sdf: true },
        }),
      ],
    });
  }, [city, theme, incidents, language, visible, points, hexes, gridCells, cellCounts]);

  return <div ref={container} className="map" data-testid="map" />;
}

