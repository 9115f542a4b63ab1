import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { LayersList, PickingInfo } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { createCityMap } from './cityMap.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category, CityLayer, CityMeta } from '../../shared/index.js';
import { arrivalPulseLayer } from '../layers/arrivalPulseLayer.js';
import { COMPONENT_LAYER_DEFAULTS, componentLayer, type ComponentFeature } from '../layers/componentLayer.js';
import { countByCell, gridChoroplethLayer } from '../layers/gridChoroplethLayer.js';
import { incidentHeatmapLayer } from '../layers/heatmapLayer.js';
import { countByHexagon, incidentHexagonLayer } from '../layers/hexagonLayer.js';
import { incidentClusterCountLayer, incidentClusterLayer } from '../layers/incidentClusterLayer.js';
import { labelLayers, type RoadLabelSets } from '../layers/labelLayers.js';
import { liveIncidentLayer, liveIncidentObjectLayer } from '../layers/liveIncidentLayer.js';
import type { PointColumns } from '../layers/useIncidentPoints.js';
import type { ArrivalLog } from '../live/arrivals.js';
import { CLUSTER_BELOW_ZOOM, IncidentClusters, type IncidentCluster } from '../live/incidentClusters.js';
import type { IncidentColumns } from '../live/incidentColumns.js';
import type { LayerVisibility } from './LayerPanel.js';
import { buildCityStyle, densityAnchorLayer } from './cityStyle.js';
import { PALETTES, type Theme } from './palette.js';
import { placeRoadLabels, ROAD_LABEL_SPACING } from './roadLabels.js';
import { clusterTooltip, componentTooltip, incidentTooltip } from './tooltip.js';


/** The labels' font stack, defined once in style.css (--label-font) for the map and the tests. */
const labelFont = () => getComputedStyle(document.documentElement).getPropertyValue('--label-font').trim() || 'sans-serif';

export interface MapViewProps {
  city: CityMeta;
  theme: Theme;
  columns: IncidentColumns;
  columnsVersion: number;
  arrivals: ArrivalLog;
  arrivalsVersion: number;
  categories: ReadonlyMap<string, Category>;
  townName: (code: string) => string;
  language: 'zh-CN' | 'en';
  /** A site's own MapLibre style URL (BASEMAP_STYLE); null for the style built from the city's layers. */
  basemapStyle: string | null;
  visible: LayerVisibility;
  points: PointColumns | null;
}

/**
 * `?liveBaseline=objects` draws the live incidents the naive way, only so that `npm run bench` can
 * compare against it.
 */
const OBJECT_BASELINE = new URLSearchParams(window.location.search).get('liveBaseline') === 'objects';

type GridCell = CityLayer<'grid'>['features'][number];
type Poi = CityLayer<'pois'>['features'][number];

/** Tooltips legible at a glance: larger than deck.gl's default, in the page's CJK font. */
const TOOLTIP_STYLE = { fontSize: '15px', lineHeight: '1.5', padding: '8px 12px', borderRadius: '6px', fontFamily: 'inherit', whiteSpace: 'pre' };

interface View {
  zoom: number;
  bounds: [number, number, number, number];
}

async function fetchLayer<N extends 'grid' | 'roads' | 'pois' | 'components'>(name: N): Promise<CityLayer<N>['features']> {
  return ((await (await fetch(`/api/layers/${name}`)).json()) as CityLayer<N>).features;
}

/**
 * The city map: MapLibre draws the basemap from the city's own layers, deck.gl draws data and labels
 * on top through one interleaved overlay. Density layers sit under the basemap's first label layer
 * (`beforeId`), live incidents and labels on top. Exposes `window.__gridwatchMap` for the browser tests.
 */
export function MapView(props: MapViewProps) {
  const { city, theme, columns, columnsVersion, arrivals, arrivalsVersion, categories, townName, language, basemapStyle, visible, points } = props;
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const [view, setView] = useState<View | null>(null);
  const [densityAnchor, setDensityAnchor] = useState<string | undefined>(undefined);
  const [gridCells, setGridCells] = useState<GridCell[] | null>(null);
  const [roadLabels, setRoadLabels] = useState<RoadLabelSets | null>(null);
  const [pois, setPois] = useState<Poi[] | null>(null);
  const [components, setComponents] = useState<ComponentFeature[] | null>(null);
  /** The layers last handed to deck.gl, less the pulse, so that the pulse can animate alone. */
  const baseLayers = useRef<LayersList>([]);
  const clusters = useMemo(() => new IncidentClusters(columns), [columns]);

  useEffect(() => {
    if (basemapStyle) return; // a site's own style brings its own labels
    void fetchLayer('roads').then((roads) =>
      setRoadLabels({ overview: placeRoadLabels(roads, ROAD_LABEL_SPACING.overview), detail: placeRoadLabels(roads, ROAD_LABEL_SPACING.detail) }),
    );
    void fetchLayer('pois').then(setPois);
  }, [basemapStyle]);
  useEffect(() => {
    if (visible.grid && !gridCells) void fetchLayer('grid').then(setGridCells);
  }, [visible.grid, gridCells]);
  // The inventory is loaded when first needed: the layer is on and the map zoomed in nearly far enough.
  const nearComponentZoom = (view?.zoom ?? 0) >= COMPONENT_LAYER_DEFAULTS.minZoom.value - 1;
  useEffect(() => {
    if (visible.components && nearComponentZoom && !components) void fetchLayer('components').then(setComponents);
  }, [visible.components, nearComponentZoom, components]);
  const cellIndexByCode = useMemo(() => new Map((gridCells ?? []).map((c, i) => [c.properties.code, i])), [gridCells]);
  const hexes = useMemo(() => (points && visible.hexagons ? countByHexagon(points) : null), [points, visible.hexagons]);
  const cellCounts = useMemo(
    () => (points && gridCells && visible.grid ? countByCell(points, gridCells.length, cellIndexByCode) : null),
    [points, gridCells, visible.grid, cellIndexByCode],
  );

  useEffect(() => {
    const { map, overlay } = createCityMap(container.current!, { bbox: city.bbox, style: basemapStyle ?? buildCityStyle(window.location.origin, PALETTES[theme]) });
    const readView = () => {
      const b = map.getBounds();
      setView({ zoom: map.getZoom(), bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] });
    };
    map.on('moveend', readView);
    map.on('styledata', () => setDensityAnchor(densityAnchorLayer(map.getStyle())));
    map.on('load', () => {
      readView();
      // A hook for the browser tests: picking goes through deck.gl's real GPU picking of what is drawn.
      (window as unknown as { __gridwatchMap: unknown }).__gridwatchMap = {
        loaded: true,
        jumpTo(lon: number, lat: number, zoom: number) {
          map.jumpTo({ center: [lon, lat], zoom });
        },
        zoom: () => map.getZoom(),
        layerOrder: () => map.getLayersOrder(),
        /** The size of the cluster holding an incident at the current zoom, if that cluster is drawn; else null. */
        clusterHolding(id: string): number | null {
          const row = columns.rowOfId(id);
          const b = map.getBounds();
          const holding = clusters
            .clustersIn([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], map.getZoom())
            .find((c) => clusters.rowsOf(c).includes(row));
          if (row < 0 || !holding) return null;
          const p = map.project(holding.position);
          const picked = overlay.pickObject({ x: p.x, y: p.y, radius: 2, layerIds: ['incident-clusters'] });
          return picked ? (picked.object as IncidentCluster).count : null;
        },
        pulses: () => arrivals.pulsing(performance.now()).length,
        /** How many arrivals have pulsed since the page loaded (a pulse is over in 1.6 s; this stays). */
        arrivalsSeen: () => arrivals.version,
        /** The status of an incident as the live layer holds it, or null when it holds none (closed ones leave it). */
        incidentStatus: (id: string): string | null => columns.incidentAt(columns.rowOfId(id))?.status ?? null,
        /** deck.gl's own running totals (ms): attribute updates and setProps, for `npm run bench`. */
        deckStats() {
          const stats = (overlay as unknown as { _deck?: { stats: { get(n: string): { time: number } } } })._deck?.stats;
          return { updateAttributesMs: stats?.get('Update Attributes').time ?? 0, setPropsMs: stats?.get('setProps Time').time ?? 0 };
        },
        /** The code of the component drawn at a point, or null (none drawn there: zoomed out, or none). */
        pickComponent(lon: number, lat: number): string | null {
          const p = map.project([lon, lat]);
          const picked = overlay.pickObject({ x: p.x, y: p.y, radius: 2, layerIds: ['components'] });
          return picked ? (picked.object as ComponentFeature).properties.code : null;
        },
        pickIncident(lon: number, lat: number): string | null {
          const p = map.project([lon, lat]);
          const picked = overlay.pickObject({ x: p.x, y: p.y, radius: 3, layerIds: ['incidents', 'incident-clusters'] });
          if (!picked) return null;
          const row = picked.layer?.id === 'incidents' ? picked.index : (picked.object as IncidentCluster).row;
          return columns.incidentAt(row)?.id ?? null;
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

  // The map was built with the current theme; restyle only when the theme changes afterwards.
  const styledTheme = useRef(theme);
  useEffect(() => {
    if (basemapStyle || styledTheme.current === theme) return;
    styledTheme.current = theme;
    mapRef.current?.setStyle(buildCityStyle(window.location.origin, PALETTES[theme]));
  }, [theme, basemapStyle]);

  // While pulses run, swap only the pulse layer once per animation frame, outside React: every other
  // layer is handed back as the same instance, so deck.gl has nothing else to compare or update.
  useEffect(() => {
    if (!visible.incidents) return;
    let frame = 0;
    const tick = () => {
      const pulses = arrivals.pulsing(performance.now());
      overlayRef.current?.setProps({ layers: [...baseLayers.current, pulses.length > 0 && arrivalPulseLayer(pulses, performance.now())] });
      if (pulses.length > 0) frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [arrivals, arrivalsVersion, visible.incidents]);

  const clustered = view !== null && view.zoom < CLUSTER_BELOW_ZOOM;
  const clusterList = useMemo(
    () => (clustered && visible.incidents && view ? clusters.clustersIn(view.bounds, view.zoom) : []),
    // columnsVersion: the columns changed in place.
    [clustered, visible.incidents, view, clusters, columnsVersion],
  );

  useEffect(() => {
    const palette = PALETTES[theme];
    const font = labelFont();
    const dense = { beforeId: densityAnchor };
    const tooltipContext = { t, language, categoryOf: (c: string) => categories.get(c), townName, now: Date.now() };
    baseLayers.current = [
        visible.grid && gridCells && cellCounts && points && gridChoroplethLayer(gridCells, cellCounts, points.window, dense),
        visible.hexagons && hexes && incidentHexagonLayer(hexes, dense),
        visible.heatmap && points && incidentHeatmapLayer(points, dense),
        componentLayer({ data: components, zoom: view?.zoom ?? 0, theme, visible: visible.components }),
        (OBJECT_BASELINE ? liveIncidentObjectLayer : liveIncidentLayer)(columns, visible.incidents && !clustered),
        incidentClusterLayer(clusterList, visible.incidents && clustered),
        ...labelLayers({ towns: city.towns, roads: roadLabels, pois, zoom: view?.zoom ?? 0, language, palette, fontFamily: font }),
        incidentClusterCountLayer(clusterList, visible.incidents && clustered, font),
    ];
    const pulses = visible.incidents ? arrivals.pulsing(performance.now()) : [];
    overlayRef.current?.setProps({
      layers: [...baseLayers.current, pulses.length > 0 && arrivalPulseLayer(pulses, performance.now())],
      getTooltip: (info: PickingInfo) => {
        const text = tooltipText(info);
        return text ? { text, style: TOOLTIP_STYLE } : null;
      },
    });
    function tooltipText(info: PickingInfo): string | null {
      const id = info.layer?.id;
      if (id === 'incidents' || (id === 'incident-clusters' && (info.object as IncidentCluster).count === 1)) {
        const row = id === 'incidents' ? info.index : (info.object as IncidentCluster).row;
        const i = columns.incidentAt(row);
        return i ? incidentTooltip(i, tooltipContext) : null;
      }
      if (id === 'incident-clusters') {
        const c = info.object as IncidentCluster;
        return clusterTooltip(c.count, c.eventShare, t);
      }
      if (id === 'grid-choropleth' && gridCells && cellCounts) {
        const cell = gridCells[info.index]!.properties;
        return [t('tooltip.grid', { code: cell.code }), townName(cell.townCode), t('tooltip.cellCount', { count: cellCounts[info.index] ?? 0 })].join('\n');
      }
      if (id === 'components') {
        return componentTooltip((info.object as ComponentFeature).properties, tooltipContext);
      }
      if (id === 'incident-hexagons') {
        return t('tooltip.hexCount', { count: (info.object as { count: number }).count });
      }
      return null;
    }
  }, [city, theme, columns, columnsVersion, categories, townName, language, visible, points, hexes, gridCells, cellCounts,
    clustered, clusterList, roadLabels, pois, components, view, arrivals, densityAnchor, t]);

  return <div ref={container} className="map" data-testid="map" />;
}
