import { MapLibreOverlay } from '@deck.gl/maplibre';
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { Map as MapLibreMap, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Category, CityLayer, CityMeta, Incident } from '../../shared/index.js';
import type { IncidentColumns } from '../live/incidentColumns.js';
import { countByCell, gridChoroplethLayer } from '../layers/gridChoroplethLayer.js';
import { incidentHeatmapLayer } from '../layers/heatmapLayer.js';
import { countByHexagon, incidentHexagonLayer } from '../layers/hexagonLayer.js';
import type { PointColumns } from '../layers/useIncidentPoints.js';
import type { LayerVisibility } from './LayerPanel.js';
import { buildCityStyle } from './cityStyle.js';
import { PALETTES, type Theme } from './palette.js';

setWorkerUrl(workerUrl);


/** The labels' font stack, defined once in style.css (--label-font) for the map and the tests. */
const labelFont = () => getComputedStyle(document.documentElement).getPropertyValue('--label-font').trim() || 'sans-serif';

export interface MapViewProps {
  city: CityMeta;
  theme: Theme;
  columns: IncidentColumns;
  columnsVersion: number;
  categories: ReadonlyMap<string, Category>;
  townName: (code: string) => string;
  language: 'zh-CN' | 'en';
  /** A site's own MapLibre style URL (BASEMAP_STYLE); null for the style built from the city's layers. */
  basemapStyle: string | null;
  visible: LayerVisibility;
  points: PointColumns | null;
}

/**
 * `?liveBaseline=objects` draws the live incidents the naive way (a fresh array of objects with
 * accessor functions on every change), only so that `npm run bench` can compare against it.
 */
const OBJECT_BASELINE = new URLSearchParams(window.location.search).get('liveBaseline') === 'objects';

/**
 * The city map: MapLibre draws the basemap from the city's own layers, deck.gl draws data and labels
 * on top through one interleaved overlay. Exposes `window.__gridwatchMap` state for the browser tests.
 */
export function MapView({ city, theme, columns, columnsVersion, categories, townName, language, basemapStyle, visible, points }: MapViewProps) {
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
      style: basemapStyle ?? buildCityStyle(window.location.origin, PALETTES[theme]),
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
          return picked ? (columns.incidentAt(picked.index)?.id ?? null) : null;
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
  }, [city, basemapStyle]);

  useEffect(() => {
    if (!basemapStyle) mapRef.current?.setStyle(buildCityStyle(window.location.origin, PALETTES[theme]));
  }, [theme, basemapStyle]);

  useEffect(() => {
    const palette = PALETTES[theme];
    const towns = city.towns;
    overlayRef.current?.setProps({
      layers: [
        visible.grid && gridCells && cellCounts && points && gridChoroplethLayer(gridCells, cellCounts, points.window),
        visible.hexagons && hexes && incidentHexagonLayer(hexes),
        visible.heatmap && points && incidentHeatmapLayer(points),
        // Stable id, binary columns: a new event rewrites one row and re-uploads the buffers, no objects rebuilt.
        OBJECT_BASELINE
          ? new ScatterplotLayer<Incident>({ ...incidentStyle(visible.incidents), ...objectBaseline(columns) })
          : new ScatterplotLayer({ ...incidentStyle(visible.incidents), data: columns.layerData() }),
        new TextLayer<(typeof towns)[number] & { position: [number, number] }>({
          id: 'town-labels',
          data: towns.map((t) => ({ ...t, position: t.labelPoint })),
          getPosition: (d) => d.position,
          getText: (d) => (language === 'en' ? d.name.en : d.name.zh),
          updateTriggers: { getText: language },
          getSize: 20,
          fontFamily: labelFont(),
          fontWeight: 600,
          characterSet: 'auto',
          getColor: palette.label,
          outlineWidth: 4,
          outlineColor: palette.labelHalo,
          fontSettings: { sdf: true },
        }),
      ],
      getTooltip: ({ layer, index }) => {
        if (layer?.id !== 'incidents') return null;
        const i = columns.incidentAt(index);
        if (!i) return null;
        const c = categories.get(i.categoryCode);
        const minutes = Math.max(0, Math.round((Date.now() - Date.parse(i.reportedAt)) / 60_000));
        const en = language === 'en';
        return {
          text: [
            (en ? c?.name.en : c?.name.zh) ?? i.categoryCode,
            `${en ? 'Grid' : '网格'} ${i.gridCode}`,
            townName(i.townCode),
            `${i.source} · ${minutes < 60 ? `${minutes} ${en ? 'min' : '分钟'}` : `${Math.round(minutes / 60)} ${en ? 'h' : '小时'}`}`,
          ].join('\n'),
        };
      },
    });
    // columnsVersion is the signal that the columns changed in place.
  }, [city, theme, columns, columnsVersion, categories, townName, language, visible, points, hexes, gridCells, cellCounts]);

  return <div ref={container} className="map" data-testid="map" />;
}


function incidentStyle(visible: boolean) {
  return {
    id: 'incidents',
    visible,
    getLineColor: [255, 255, 255, 200] as [number, number, number, number],
    stroked: true,
    lineWidthMinPixels: 1,
    radiusUnits: 'pixels' as const,
    pickable: true,
  };
}

function objectBaseline(columns: IncidentColumns) {
  const data = Array.from({ length: columns.length }, (_, row) => columns.incidentAt(row)!);
  return {
    data,
    getPosition: (d: Incident) => [d.lon, d.lat] as [number, number],
    getFillColor: (_d: unknown, { index }: { index: number }) => Array.from(columns.colours.subarray(4 * index, 4 * index + 4)) as [number, number, number, number],
    getRadius: (_d: unknown, { index }: { index: number }) => columns.radii[index]!,
  };
}
