import { GeoJsonLayer, PathLayer, ScatterplotLayer, SolidPolygonLayer } from '@deck.gl/layers';
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CityLayer, CityMeta } from '../../shared/index.js';
import { labelLayers } from '../layers/labelLayers.js';
import { createCityMap, fetchCityLayer } from '../map/cityMap.js';
import { buildCityStyle } from '../map/cityStyle.js';
import { PALETTES, type Theme } from '../map/palette.js';
import { useThemeRestyle } from '../map/useThemeRestyle.js';
import { closeRing, vertexNear, type DrawnArea, type Vertex } from './drawnArea.js';

type Rgba = [number, number, number, number];

/** The labels' font stack, defined once in style.css (--label-font). */
const labelFont = () => getComputedStyle(document.documentElement).getPropertyValue('--label-font').trim() || 'sans-serif';

/** The drawn area in the warm colour the responsibility editor draws with; chosen towns in the cool one. */
const LOOK: Record<Theme, { fill: Rgba; line: Rgba; bad: Rgba; vertex: Rgba; rim: Rgba; town: Rgba; townLine: Rgba }> = {
  dark: { fill: [255, 214, 0, 60], line: [255, 214, 0, 240], bad: [239, 68, 68, 255], vertex: [255, 214, 0, 255], rim: [7, 19, 31, 255], town: [63, 181, 255, 70], townLine: [63, 181, 255, 255] },
  light: { fill: [217, 119, 6, 50], line: [217, 119, 6, 240], bad: [220, 38, 38, 255], vertex: [217, 119, 6, 255], rim: [255, 255, 255, 255], town: [11, 111, 194, 60], townLine: [11, 111, 194, 255] },
};

/** A click this close to the last vertex is the second click of a double click; to the first, it closes the ring. */
const SAME_VERTEX_PX = 6;
/** How near a press must be to a vertex to drag it. */
const GRAB_PX = 9;

export interface CampaignAreaMapProps {
  city: CityMeta;
  theme: Theme;
  language: 'zh-CN' | 'en';
  /** The area being drawn, or null when the map only shows towns. */
  drawn: DrawnArea | null;
  /** Whether the drawn ring crosses itself: drawn in the warning colour. */
  crossed: boolean;
  /** The towns picked, filled on the map. */
  towns: readonly string[];
  onAdd: (lon: number, lat: number) => void;
  onFinish: () => void;
  onMove: (index: number, lon: number, lat: number) => void;
}

/**
 * The campaign form's map: the city's own basemap, the ring drawn so far with its vertices, filled
 * once finished, and the towns picked. A click adds a vertex, a click on the first vertex or a double
 * click finishes, a press on a vertex drags it; what each means is the form's. Exposes
 * `window.__campaignAreaMap` for the browser tests (pixels ↔ degrees as the map draws them).
 */
export function CampaignAreaMap(props: CampaignAreaMapProps) {
  const { city, theme, language, drawn, crossed, towns } = props;
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  // The listeners are set once: they read the props of the latest render through this.
  const now = useRef(props);
  now.current = props;
  const [zoom, setZoom] = useState(0);
  const [townShapes, setTownShapes] = useState<CityLayer<'towns'>['features'] | null>(null);

  useEffect(() => {
    const { map, overlay } = createCityMap(container.current!, { bbox: city.bbox, style: buildCityStyle(window.location.origin, PALETTES[now.current.theme]), padding: 10 });
    const followZoom = () => setZoom(Math.round(map.getZoom() * 4) / 4);
    followZoom();
    map.on('zoomend', followZoom);
    map.doubleClickZoom.disable();
    const projected = () => (now.current.drawn?.vertices ?? []).map((v) => map.project(v));
    let drag: { index: number; moved: boolean } | null = null;
    let swallowClick = false;

    map.on('mousedown', (e) => {
      // A drag that moved ends without a click from MapLibre: what it left must not eat the next one.
      swallowClick = false;
      if (!now.current.drawn) return;
      const index = vertexNear(projected(), e.point, GRAB_PX);
      if (index < 0) return;
      drag = { index, moved: false };
      map.dragPan.disable();
    });
    map.on('mousemove', (e) => {
      if (!drag) return;
      drag.moved = true;
      now.current.onMove(drag.index, e.lngLat.lng, e.lngLat.lat);
    });
    const endDrag = () => {
      if (!drag) return;
      swallowClick = drag.moved;
      drag = null;
      map.dragPan.enable();
    };
    map.on('mouseup', endDrag);
    map.getCanvasContainer().addEventListener('mouseleave', endDrag);

    let lastAdded: Vertex | null = null;
    map.on('click', (e) => {
      if (swallowClick) {
        swallowClick = false;
        return;
      }
      const a = now.current.drawn;
      if (!a || a.closed) return;
      const vs = a.vertices;
      const last = lastAdded ?? vs.at(-1);
      if (last) {
        const at = map.project(last);
        if (Math.hypot(at.x - e.point.x, at.y - e.point.y) < SAME_VERTEX_PX) return;
      }
      if (vs.length >= 3) {
        const first = map.project(vs[0]!);
        if (Math.hypot(first.x - e.point.x, first.y - e.point.y) < SAME_VERTEX_PX) return now.current.onFinish();
      }
      now.current.onAdd(e.lngLat.lng, e.lngLat.lat);
      // The second click of a double click may come before the form renders the vertex just added.
      lastAdded = [e.lngLat.lng, e.lngLat.lat];
      setTimeout(() => (lastAdded = null), 500);
    });
    map.on('dblclick', (e) => {
      e.preventDefault();
      const a = now.current.drawn;
      if (a && !a.closed) now.current.onFinish();
    });
    map.on('load', () => {
      // An edited area is brought into view; a new one starts from the whole city.
      const vs = now.current.drawn?.vertices ?? [];
      if (vs.length >= 2) {
        const lons = vs.map((v) => v[0]);
        const lats = vs.map((v) => v[1]);
        map.fitBounds([Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)], { padding: 40, duration: 0, maxZoom: 16 });
        followZoom();
      }
      (window as unknown as { __campaignAreaMap: unknown }).__campaignAreaMap = {
        loaded: true,
        /** Where a point is drawn, in pixels of the map's container. */
        project: ([lon, lat]: Vertex) => {
          const p = map.project([lon, lat]);
          return [p.x, p.y];
        },
        /** The place under a pixel of the map's container. */
        unproject: ([x, y]: [number, number]) => {
          const l = map.unproject([x, y]);
          return [l.lng, l.lat];
        },
        /** The drawn area of the map in the page (inside the container's border), to turn those pixels into page coordinates. */
        box: () => {
          const r = map.getCanvas().getBoundingClientRect();
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
      delete (window as unknown as { __campaignAreaMap?: unknown }).__campaignAreaMap;
    };
    // Built once per city; a change of look restyles it.
  }, [city]);

  useThemeRestyle(mapRef, theme);

  // The towns' shapes, fetched the first time a town is picked.
  const wantTowns = towns.length > 0;
  useEffect(() => {
    if (!wantTowns || townShapes) return;
    let live = true;
    fetchCityLayer('towns').then((f) => live && setTownShapes(f), () => undefined);
    return () => {
      live = false;
    };
  }, [wantTowns, townShapes]);
  const pickedTowns = useMemo(() => (townShapes ?? []).filter((f) => towns.includes(f.properties.code)), [townShapes, towns]);

  useEffect(() => {
    const look = LOOK[theme];
    const vertices = drawn?.vertices ?? [];
    const closed = drawn?.closed ?? false;
    const path = closed ? closeRing(vertices) : vertices;
    const line = crossed ? look.bad : look.line;
    overlayRef.current?.setProps({
      layers: [
        pickedTowns.length > 0 &&
          new GeoJsonLayer({
            id: 'campaign-area-towns',
            data: pickedTowns as never,
            filled: true,
            stroked: true,
            getFillColor: look.town,
            getLineColor: look.townLine,
            lineWidthUnits: 'pixels',
            getLineWidth: 2,
            updateTriggers: { getFillColor: theme, getLineColor: theme },
          }),
        closed &&
          !crossed &&
          new SolidPolygonLayer<Vertex[]>({
            id: 'campaign-area-fill',
            data: [path],
            getPolygon: (p) => p,
            getFillColor: look.fill,
            updateTriggers: { getFillColor: theme },
          }),
        path.length >= 2 &&
          new PathLayer<Vertex[]>({
            id: 'campaign-area-ring',
            data: [path],
            getPath: (p) => p,
            getColor: line,
            widthUnits: 'pixels',
            getWidth: 2,
            updateTriggers: { getColor: [theme, crossed] },
          }),
        vertices.length > 0 &&
          new ScatterplotLayer<Vertex>({
            id: 'campaign-area-vertices',
            data: vertices,
            getPosition: (p) => p,
            radiusUnits: 'pixels',
            getRadius: 5,
            getFillColor: look.vertex,
            stroked: true,
            getLineColor: look.rim,
            lineWidthUnits: 'pixels',
            getLineWidth: 2,
            updateTriggers: { getFillColor: theme, getLineColor: theme },
          }),
        ...labelLayers({ towns: city.towns, roads: null, pois: null, zoom, language, palette: PALETTES[theme], fontFamily: labelFont() }),
      ],
    });
  }, [city, theme, language, zoom, drawn, crossed, pickedTowns]);

  return <div ref={container} className={`map campaign-area-map${drawn && !drawn.closed ? ' drawing' : ''}`} data-testid="campaign-area-map" data-towns={pickedTowns.length} />;
}
