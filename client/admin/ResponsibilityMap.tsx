import { GeoJsonLayer, PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CityMeta } from '../../shared/index.js';
import { labelLayers } from '../layers/labelLayers.js';
import { createCityMap } from '../map/cityMap.js';
import { buildCityStyle } from '../map/cityStyle.js';
import { PALETTES, type Theme } from '../map/palette.js';
import { useThemeRestyle } from '../map/useThemeRestyle.js';
import type { GridCell } from './responsibilitySelection.js';

type Rgba = [number, number, number, number];
type Lngs = [number, number];

/** The labels' font stack, defined once in style.css (--label-font). */
const labelFont = () => getComputedStyle(document.documentElement).getPropertyValue('--label-font').trim() || 'sans-serif';

/**
 * Overlay colours per theme. Gaps (no inspector) are the warm colour an admin looks for; the pick is
 * the cool one, translucent so that a gap inside it still shows through.
 */
const LOOK: Record<Theme, { gap: Rgba; gapLine: Rgba; pick: Rgba; pickLine: Rgba; picked: Rgba; draw: Rgba; vertex: Rgba; vertexRim: Rgba }> = {
  dark: {
    gap: [239, 68, 68, 150],
    gapLine: [255, 120, 120, 200],
    pick: [63, 181, 255, 110],
    pickLine: [63, 181, 255, 255],
    picked: [255, 214, 0, 255],
    draw: [255, 214, 0, 240],
    vertex: [255, 214, 0, 255],
    vertexRim: [7, 19, 31, 255],
  },
  light: {
    gap: [220, 38, 38, 120],
    gapLine: [185, 28, 28, 200],
    pick: [11, 111, 194, 90],
    pickLine: [11, 111, 194, 255],
    picked: [217, 119, 6, 255],
    draw: [217, 119, 6, 240],
    vertex: [217, 119, 6, 255],
    vertexRim: [255, 255, 255, 255],
  },
};

/** Two clicks closer than this (pixels) are one vertex: the two clicks of a double click that closes the polygon. */
const SAME_VERTEX_PX = 6;

export interface ResponsibilityMapProps {
  city: CityMeta;
  theme: Theme;
  language: 'zh-CN' | 'en';
  /** The grid layer's cells, null while they load. */
  cells: readonly GridCell[] | null;
  /** The picked cells (indices into `cells`), as the server will select them. */
  selected: readonly number[];
  /** The cells with no inspector (indices). */
  gaps: readonly number[];
  /** The cell whose holders the side panel shows, or -1. */
  inspected: number;
  /** A polygon being drawn (or drawn): its vertices, whether it is finished, whether clicks add vertices. */
  vertices: readonly Lngs[];
  closed: boolean;
  drawing: boolean;
  /** Brought into view when it changes: the town or community just picked. */
  focus: [number, number, number, number] | null;
  onClick: (lon: number, lat: number) => void;
  /** A double click while drawing: finish the polygon. */
  onFinish: () => void;
}

/**
 * The editor's map: the city basemap (the dashboard's style), the cells without an inspector filled
 * red, the picked cells in blue, the inspected cell outlined and the polygon being drawn with its
 * vertices. A click reports where it was; what it means (a vertex, a cell) is the page's. Exposes
 * `window.__responsibilityMap` for the browser tests.
 */
export function ResponsibilityMap(props: ResponsibilityMapProps) {
  const { city, theme, language, cells, selected, gaps, inspected, vertices, closed, drawing, focus } = props;
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const clickRef = useRef(props.onClick);
  clickRef.current = props.onClick;
  const finishRef = useRef(props.onFinish);
  finishRef.current = props.onFinish;
  // What the listeners, set once, need to know now.
  const drawRef = useRef({ drawing, closed, last: vertices.at(-1) ?? null });
  drawRef.current = { drawing, closed, last: vertices.at(-1) ?? null };
  const [zoom, setZoom] = useState(0);

  useEffect(() => {
    const { map, overlay } = createCityMap(container.current!, { bbox: city.bbox, style: buildCityStyle(window.location.origin, PALETTES[theme]) });
    const followZoom = () => setZoom(Math.round(map.getZoom() * 4) / 4);
    followZoom();
    map.on('zoomend', followZoom);
    map.on('click', (e) => {
      const { drawing: isDrawing, closed: isClosed, last } = drawRef.current;
      if (isDrawing && !isClosed && last) {
        const at = map.project(last);
        if (Math.hypot(at.x - e.point.x, at.y - e.point.y) < SAME_VERTEX_PX) return;
      }
      clickRef.current(e.lngLat.lng, e.lngLat.lat);
      // The page adds it as a vertex; the second click of a double click may come before it renders.
      if (isDrawing && !isClosed) drawRef.current = { ...drawRef.current, last: [e.lngLat.lng, e.lngLat.lat] };
    });
    map.on('dblclick', (e) => {
      if (!drawRef.current.drawing) return;
      e.preventDefault();
      finishRef.current();
    });
    map.on('load', () => {
      (window as unknown as { __responsibilityMap: unknown }).__responsibilityMap = {
        loaded: true,
        zoom: () => map.getZoom(),
        /** Where a point is drawn, in pixels of the map's container. */
        project: ([lon, lat]: Lngs) => {
          const p = map.project([lon, lat]);
          return [p.x, p.y];
        },
        /** The map's container in the page, to turn those pixels into page coordinates. */
        box: () => {
          const r = map.getContainer().getBoundingClientRect();
          return { left: r.left, top: r.top, width: r.width, height: r.height };
        },
      };
    });
    mapRef.current = map;
    overlayRef.current = overlay;
    return () => {
      map.remove();
      mapRef.current = null;
      overlayRef.current = null;
      delete (window as unknown as { __responsibilityMap?: unknown }).__responsibilityMap;
    };
    // Built once per city; a theme change restyles below.
  }, [city]);

  useThemeRestyle(mapRef, theme);

  // While drawing, a double click finishes the polygon rather than zooming in.
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    if (drawing) map.doubleClickZoom.disable();
    else map.doubleClickZoom.enable();
  }, [drawing]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !focus) return;
    const [w, s, e, n] = focus;
    map.fitBounds([w, s, e, n], { padding: 40, duration: 0, maxZoom: 16 });
    setZoom(Math.round(map.getZoom() * 4) / 4);
  }, [focus]);

  const gapFeatures = useMemo(() => (cells ? gaps.map((i) => cells[i]!) : []), [cells, gaps]);
  const selectedFeatures = useMemo(() => (cells ? selected.map((i) => cells[i]!) : []), [cells, selected]);
  const inspectedFeature = cells && inspected >= 0 ? cells[inspected]! : null;

  useEffect(() => {
    const look = LOOK[theme];
    const ring: Lngs[] = closed && vertices.length >= 3 ? [...vertices, vertices[0]!] : [...vertices];
    overlayRef.current?.setProps({
      layers: [
        // The pick's fill under the gaps and its outlines over them: a gap inside the pick stays red.
        new GeoJsonLayer({
          id: 'responsibility-selection',
          data: selectedFeatures as never,
          filled: true,
          stroked: false,
          getFillColor: look.pick,
          updateTriggers: { getFillColor: theme },
        }),
        new GeoJsonLayer({
          id: 'responsibility-gaps',
          data: gapFeatures as never,
          filled: true,
          stroked: true,
          getFillColor: look.gap,
          getLineColor: look.gapLine,
          lineWidthUnits: 'pixels',
          getLineWidth: 0.5,
          updateTriggers: { getFillColor: theme, getLineColor: theme },
        }),
        new GeoJsonLayer({
          id: 'responsibility-selection-outline',
          data: selectedFeatures as never,
          filled: false,
          stroked: true,
          getLineColor: look.pickLine,
          lineWidthUnits: 'pixels',
          getLineWidth: 1,
          updateTriggers: { getLineColor: theme },
        }),
        inspectedFeature &&
          new GeoJsonLayer({
            id: 'responsibility-inspected',
            data: [inspectedFeature] as never,
            filled: false,
            stroked: true,
            getLineColor: look.picked,
            lineWidthUnits: 'pixels',
            getLineWidth: 3,
            updateTriggers: { getLineColor: theme },
          }),
        ring.length >= 2 &&
          new PathLayer<Lngs[]>({
            id: 'responsibility-polygon',
            data: [ring],
            getPath: (p) => p,
            getColor: look.draw,
            widthUnits: 'pixels',
            getWidth: 2,
            updateTriggers: { getColor: theme },
          }),
        vertices.length > 0 &&
          new ScatterplotLayer<Lngs>({
            id: 'responsibility-vertices',
            data: [...vertices],
            getPosition: (p) => p,
            radiusUnits: 'pixels',
            getRadius: 5,
            getFillColor: look.vertex,
            stroked: true,
            getLineColor: look.vertexRim,
            lineWidthUnits: 'pixels',
            getLineWidth: 2,
            updateTriggers: { getFillColor: theme, getLineColor: theme },
          }),
        ...labelLayers({ towns: city.towns, roads: null, pois: null, zoom, language, palette: PALETTES[theme], fontFamily: labelFont() }),
      ],
    });
  }, [city, theme, language, zoom, gapFeatures, selectedFeatures, inspectedFeature, vertices, closed]);

  return <div ref={container} className={`map responsibility-map${drawing ? ' drawing' : ''}`} data-testid="responsibility-map" />;
}
