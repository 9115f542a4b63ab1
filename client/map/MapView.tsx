import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { LayersList, PickingInfo } from '@deck.gl/core';
import type { Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { createCityMap } from './cityMap.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraList, Category, CityLayer, CityMeta, SiteWithStats } from '../../shared/index.js';
import { arrivalPulseLayer } from '../layers/arrivalPulseLayer.js';
import { COMPONENT_LAYER_DEFAULTS, componentLayer, type ComponentFeature } from '../layers/componentLayer.js';
import { countByCell, gridChoroplethLayer } from '../layers/gridChoroplethLayer.js';
import { densityBreaks } from '../layers/densityRamp.js';
import { hotspotHexagonLayer, hotspotLayer } from '../layers/hotspotLayer.js';
import type { CellHotspots } from '../hotspot/useHotspots.js';
import { cameraLayers, type CameraFeature } from '../layers/cameraLayer.js';
import type { CoverageStore } from '../coverage/coverageStore.js';
import type { CoverageFeed } from '../coverage/coverageFeed.js';
import { buildCellGeometry } from '../coverage/cellClassColours.js';
import { COVERAGE_MAPS, CoverageLayers, coverageMapOfLayer, type CoverageMap } from './coverageLayers.js';
import { focusBounds, focusOutlineLayer, type MapFocus } from './mapFocus.js';
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
import type { CongestionOverlay } from '../traffic/useCongestion.js';
import { buildCityStyle, densityAnchorLayer } from './cityStyle.js';
import { PALETTES, type Theme } from './palette.js';
import { useThemeRestyle } from './useThemeRestyle.js';
import { placeRoadLabels, ROAD_LABEL_SPACING } from './roadLabels.js';
import { cameraTooltip, clusterTooltip, componentTooltip, coverageCellTooltip, incidentTooltip } from './tooltip.js';
import { siteLayers, type DrawnSite } from '../layers/siteLayer.js';
import { siteTooltip } from '../site/siteFormat.js';


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
  /** The coverage of the cells (client/coverage/), its version, and the minute of the clock it is painted at. */
  coverage: { store: CoverageStore; feed: CoverageFeed; version: number; minute: number };
  /** `GET /api/cameras`, while the cameras layer is on. */
  cameras: CameraList | null;
  /** The hotspots of the density filter's theme (Gi* or emerging), while that layer is on. */
  hotspots?: CellHotspots | null;
  /** A cell or town to bring into view and outline (a row of the blind-spot ranking clicked). */
  focus?: MapFocus | null;
  /** The roads coloured by congestion level (client/traffic/useCongestion.ts). */
  congestion?: CongestionOverlay;
  /** Vacant lots and material yards with their figures (`GET /api/vacant-lots`), while their layer is on. */
  sites?: readonly SiteWithStats[] | null;
  /** An incident (or a cluster of one) clicked on the map: the dashboard opens its case. */
  onIncident?: (id: string) => void;
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
  const { city, theme, columns, columnsVersion, arrivals, arrivalsVersion, categories, townName, language, basemapStyle, visible, points, coverage, cameras, focus = null, hotspots = null } = props;
  const { t } = useTranslation();
  const onIncidentRef = useRef(props.onIncident);
  onIncidentRef.current = props.onIncident;
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
  const needGrid = visible.grid || visible.patrol || visible.blindSpots || visible.cameras || visible.hotspots || focus !== null;
  useEffect(() => {
    if (needGrid && !gridCells) void fetchLayer('grid').then(setGridCells);
  }, [needGrid, gridCells]);
  // The grid as binary polygons, and its colours by time since patrol, blind-spot score and camera
  // share, built once per grid.
  const coverageLayers = useMemo(() => (gridCells ? new CoverageLayers(buildCellGeometry(gridCells)) : null), [gridCells]);
  const coverageLayersRef = useRef(coverageLayers);
  coverageLayersRef.current = coverageLayers;
  const coverageRef = useRef(coverage);
  coverageRef.current = coverage;
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

  // The density classes' breaks over every cell of the city (the empty ones count: they are the bottom).
  const cellBreaks = useMemo(() => (cellCounts ? densityBreaks(cellCounts) : null), [cellCounts]);

  useEffect(() => {
    const { map, overlay } = createCityMap(container.current!, { bbox: city.bbox, style: basemapStyle ?? buildCityStyle(window.location.origin, PALETTES[theme]) });
    const readView = () => {
      const b = map.getBounds();
      setView({ zoom: map.getZoom(), bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] });
    };
    map.on('moveend', readView);
    map.on('styledata', () => setDensityAnchor(densityAnchorLayer(map.getStyle())));
    // A click on an incident (or a cluster of one) opens its case. Picked on the map's own click, as
    // the tooltip and the tests' hooks pick: the interleaved overlay's tap never reached onClick here.
    map.on('click', (e) => {
      if (!onIncidentRef.current) return;
      const picked = overlay.pickObject({ x: e.point.x, y: e.point.y, radius: 3, layerIds: ['incidents', 'incident-clusters'] });
      if (!picked || (picked.layer?.id === 'incident-clusters' && (picked.object as IncidentCluster).count !== 1)) return;
      const i = columns.incidentAt(picked.layer?.id === 'incidents' ? picked.index : (picked.object as IncidentCluster).row);
      if (i) onIncidentRef.current(i.id);
    });
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
        /** The grid cell index under a point as the time-since-patrol layer draws it, or null (none drawn there). */
        pickPatrolCell: (lon: number, lat: number) => pickCell(lon, lat, 'patrol-age'),
        /** The same for a coverage map's layer ('patrol-age', 'blind-spots', 'camera-share'). */
        pickCell,
        /** Where a point is on the screen (CSS pixels in the map's box). */
        project: (lon: number, lat: number) => map.project([lon, lat]),
        /** The map's bounds now: [west, south, east, north]. */
        bounds: () => map.getBounds().toArray().flat(),
        /**
         * How often each attribute of the time-since-patrol layer has been written to the GPU since
         * the first call (counting starts then): a frame must write the colours, never the geometry.
         */
        patrolAttributeWrites(): Record<string, number> | null {
          type Counted = { setData(...a: unknown[]): unknown; updateSubBuffer(...a: unknown[]): unknown; writes?: number };
          const deck = (overlay as unknown as { _deck?: { layerManager?: { getLayers(o: { layerIds: string[] }): { getAttributeManager(): { attributes: Record<string, Counted> } | null }[] } } })._deck;
          const attributes = deck?.layerManager?.getLayers({ layerIds: ['patrol-age'] })[0]?.getAttributeManager()?.attributes;
          if (!attributes) return null;
          for (const a of Object.values(attributes)) {
            if (a.writes !== undefined) continue;
            a.writes = 0;
            for (const m of ['setData', 'updateSubBuffer'] as const) {
              const original = a[m].bind(a);
              a[m] = (...args: unknown[]) => {
                // A constant (getElevation, getLineColor) is a uniform value, not a buffer write.
                if (!(args[0] as { constant?: boolean } | undefined)?.constant) a.writes! += 1;
                return original(...args);
              };
            }
          }
          return Object.fromEntries(Object.entries(attributes).map(([name, a]) => [name, a.writes!]));
        },
        /** The id of the camera whose sector is drawn at a point, or null. */
        pickCamera(lon: number, lat: number): string | null {
          const p = map.project([lon, lat]);
          const picked = overlay.pickObject({ x: p.x, y: p.y, radius: 1, layerIds: ['camera-sectors'] });
          return picked ? (picked.object as CameraFeature).properties.id : null;
        },
        /** The id of the vacant lot or material yard drawn at a point (polygon or dot), or null. */
        pickSite(lon: number, lat: number): string | null {
          const p = map.project([lon, lat]);
          const picked = overlay.pickObject({ x: p.x, y: p.y, radius: 2, layerIds: ['sites', 'site-dots'] });
          if (!picked) return null;
          return picked.layer?.id === 'sites' ? (picked.object as { properties: DrawnSite }).properties.site.id : (picked.object as DrawnSite).site.id;
        },
        pickIncident(lon: number, lat: number): string | null {
          const p = map.project([lon, lat]);
          const picked = overlay.pickObject({ x: p.x, y: p.y, radius: 3, layerIds: ['incidents', 'incident-clusters'] });
          if (!picked) return null;
          const row = picked.layer?.id === 'incidents' ? picked.index : (picked.object as IncidentCluster).row;
          return columns.incidentAt(row)?.id ?? null;
        },
      };
      /** The tests' hooks name a coverage map, or read the patrol map when given anything else. */
      const mapOrPatrol = (which: unknown): CoverageMap => (COVERAGE_MAPS.includes(which as CoverageMap) ? (which as CoverageMap) : 'patrol');
      function pickCell(lon: number, lat: number, layerId: string): number | null {
        const p = map.project([lon, lat]);
        const picked = overlay.pickObject({ x: p.x, y: p.y, radius: 1, layerIds: [layerId] });
        const layers = coverageLayersRef.current;
        return picked && layers ? layers.geometry.rowCell[picked.index]! : null;
      }
      // The coverage as the page holds it, for the browser tests and the figures.
      (window as unknown as { __gridwatchCoverage: unknown }).__gridwatchCoverage = {
        seq: () => coverageRef.current.store.seq,
        counts: () => ({ ...coverageRef.current.store.counts }),
        cellCount: () => coverageRef.current.store.cellCount,
        lastPatrolAt: (cell: number) => coverageRef.current.store.lastPatrolAt[cell] ?? null,
        passes: (cell: number) => coverageRef.current.store.passes[cell] ?? null,
        cameraShare: (cell: number) => coverageRef.current.store.cameraShare[cell] ?? null,
        score: (cell: number) => (coverageRef.current.store.hasScore ? (coverageRef.current.store.score[cell] ?? null) : null),
        /** The class painted for a cell on a coverage map (patrol: 0 < 2 h … 3 blind), null before it is painted. */
        paintedClass: (cell: number, which?: CoverageMap) => {
          const k = coverageLayersRef.current?.colours[mapOrPatrol(which)].classes[cell];
          return k === undefined || k === 255 ? null : k;
        },
        /** The RGBA painted on the first vertex of a cell. */
        paintedColour: (cell: number, which?: CoverageMap) => {
          const c = coverageLayersRef.current?.colours[mapOrPatrol(which)];
          if (!c) return null;
          const v = c.geometry.cellVertexStart[cell]!;
          return Array.from(c.colours.subarray(4 * v, 4 * v + 4));
        },
        classCounts: (which?: CoverageMap) => coverageLayersRef.current?.colours[mapOrPatrol(which)].classCounts.slice() ?? null,
        /** Frame decode + apply (feed) and repaint (colours) times, ms. */
        timing: () => ({ feed: { ...coverageRef.current.feed.timing }, paint: { ...(coverageLayersRef.current?.colours.patrol.timing ?? {}) } }),
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

  useThemeRestyle(mapRef, theme, { basemapStyle });

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
    // Repaint the cells whose coverage changed (all of them for a new palette, grid or minute) before
    // the layers take the colours.
    const { store } = coverage;
    const shownMaps = { patrol: visible.patrol, blindSpots: visible.blindSpots, cameraShare: visible.cameras };
    coverageLayers?.paint(store, theme, coverage.minute, shownMaps);
    baseLayers.current = [
        ...(coverageLayers?.layers(shownMaps, dense) ?? []),
        visible.grid && gridCells && cellCounts && cellBreaks && gridChoroplethLayer(gridCells, cellCounts, cellBreaks, dense),
        visible.hexagons && hexes && incidentHexagonLayer(hexes, dense),
        visible.heatmap && points && incidentHeatmapLayer(points, dense),
        ...cameraLayers({ cameras, theme, visible: visible.cameras, placement: dense }),
        ...(props.congestion?.layers({ theme, visible: visible.congestion, area: visible.congestionArea, placement: dense }) ?? []),
        ...siteLayers({ sites: props.sites ?? null, theme, zoom: view?.zoom ?? 0, visible: visible.sites, placement: dense }),
        visible.hotspots && hotspots && hotspots.mode !== 'gistarHex' && gridCells && hotspotLayer(gridCells, hotspots.classOfCell, dense),
        visible.hotspots && hotspots && hotspots.mode === 'gistarHex' && hotspotHexagonLayer(hotspots.classOfHex, dense),
        focus && gridCells && focusOutlineLayer(focus, gridCells, palette),
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
      if (coverageMapOfLayer(id) && coverageLayers) {
        const c = coverageLayers.geometry.rowCell[info.index]!;
        const cell = gridCells?.[c]?.properties;
        if (!cell) return null;
        return coverageCellTooltip(
          cell,
          { lastPatrolAt: store.lastPatrolAt[c]!, passes: store.passes[c]!, cameraShare: store.cameraShare[c]!, score: store.hasScore ? store.score[c]! : null },
          { ...tooltipContext, now: store.serverNow() },
        );
      }
      if (id === 'hotspot-hexagons' && hotspots) {
        const [hex, cls] = info.object as [string, string];
        return [t('tooltip.hexagon', { hex }), t(`hotspotClass.${cls}`)].join('\n');
      }
      if (id === 'hotspots' && gridCells && hotspots) {
        const cell = (info.object as { properties: { cell: number } }).properties.cell;
        const p = gridCells[cell]!.properties;
        return [t('tooltip.grid', { code: p.code }), townName(p.townCode), t(`hotspotClass.${hotspots.classOfCell.get(cell)}`)].join('\n');
      }
      if (id === 'congestion') return props.congestion?.tooltip(info.index, t, language) ?? null;
      if (id === 'camera-sectors') {
        return cameraTooltip((info.object as CameraFeature).properties, tooltipContext);
      }
      if (id === 'components') {
        return componentTooltip((info.object as ComponentFeature).properties, tooltipContext);
      }
      if (id === 'sites' || id === 'site-dots') {
        const d = id === 'sites' ? (info.object as { properties: DrawnSite }).properties : (info.object as DrawnSite);
        return siteTooltip(d.site, t, language, { rank: d.rankInKind, of: d.ofKind });
      }
      if (id === 'incident-hexagons') {
        return t('tooltip.hexCount', { count: (info.object as { count: number }).count });
      }
      return null;
    }
  }, [city, theme, columns, columnsVersion, categories, townName, language, visible, points, hexes, gridCells, cellCounts,
    clustered, clusterList, roadLabels, pois, components, view, arrivals, densityAnchor, t, coverage, coverageLayers, cameras, focus, cellBreaks, props.congestion, props.sites, hotspots]);

  // A row of the blind-spot ranking clicked: bring its cell or town into view (the outline is a layer above).
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !focus || !gridCells) return;
    const bounds = focusBounds(focus, gridCells);
    if (bounds) map.fitBounds(bounds, { padding: 80, maxZoom: focus.kind === 'cell' ? 16 : 14, duration: 600 });
  }, [focus, gridCells]);

  return <div ref={container} className="map" data-testid="map" />;
}
