import { ScatterplotLayer } from '@deck.gl/layers';
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import { Marker, type Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { createCityMap } from '../map/cityMap.js';
import { useEffect, useRef, useState } from 'react';
import type { CityLayer, CityMeta, Place } from '../../shared/index.js';
import { labelLayers, type RoadLabelSets } from '../layers/labelLayers.js';
import { buildCityStyle } from '../map/cityStyle.js';
import { PALETTES, type Theme } from '../map/palette.js';
import { useThemeRestyle } from '../map/useThemeRestyle.js';
import { placeRoadLabels, ROAD_LABEL_SPACING } from '../map/roadLabels.js';
import { NEARBY_RADIUS_M, type NearbyCase } from './hotlineDesk.js';


/** The labels' font stack, defined once in style.css (--label-font). */
const labelFont = () => getComputedStyle(document.documentElement).getPropertyValue('--label-font').trim() || 'sans-serif';

/** Road names close together: the desk's map shows a street or two, and the picked road must be named on it. */
const DESK_ROAD_LABELS = { expressway: 0.8, arterial: 0.6, secondary: 0.6 };
/** The zoom a picked place is shown at: a street and its neighbours. */
const PLACE_ZOOM = 16;
/** Places shown whole rather than centred at street zoom. */
const SHOWN_WHOLE: ReadonlySet<Place['kind']> = new Set(['town', 'water']);

type Poi = CityLayer<'pois'>['features'][number];
type Rgba = [number, number, number, number];

const LOOK: Record<Theme, { ring: Rgba; ringFill: Rgba; dot: Rgba; dotRim: Rgba; pin: string }> = {
  dark: { ring: [255, 214, 0, 230], ringFill: [255, 214, 0, 28], dot: [255, 138, 76, 255], dotRim: [7, 19, 31, 255], pin: '#ff5a5f' },
  light: { ring: [217, 119, 6, 230], ringFill: [217, 119, 6, 24], dot: [220, 38, 38, 255], dotRim: [255, 255, 255, 255], pin: '#d92d20' },
};

export interface HotlineMapProps {
  city: CityMeta;
  theme: Theme;
  language: 'zh-CN' | 'en';
  /** The place picked last: the map centres on it whenever another is picked. */
  place: Place | null;
  /** The exact spot (the pin), moved by a click on the map or by dragging the pin. */
  point: [number, number] | null;
  /** Open cases of the category near the spot, drawn as dots. */
  nearby: readonly NearbyCase[];
  onPoint: (lon: number, lat: number) => void;
}

async function fetchLayer<N extends 'roads' | 'pois'>(name: N): Promise<CityLayer<N>['features']> {
  return ((await (await fetch(`/api/layers/${name}`)).json()) as CityLayer<N>).features;
}

/**
 * The desk's small map: the city basemap (the dashboard's style, road and POI names from deck.gl's
 * text layers), the spot as a draggable pin, the circle within which open cases count as nearby,
 * and those cases. A click on the map moves the pin there. Exposes `window.__gridwatchHotlineMap`
 * for the browser tests.
 */
export function HotlineMap({ city, theme, language, place, point, nearby, onPoint }: HotlineMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const markerRef = useRef<Marker | null>(null);
  const onPointRef = useRef(onPoint);
  onPointRef.current = onPoint;
  const [zoom, setZoom] = useState(0);
  const [roads, setRoads] = useState<RoadLabelSets | null>(null);
  const [pois, setPois] = useState<Poi[] | null>(null);

  useEffect(() => {
    void fetchLayer('roads').then((r) => setRoads({ overview: placeRoadLabels(r, ROAD_LABEL_SPACING.overview), detail: placeRoadLabels(r, DESK_ROAD_LABELS) }));
    void fetchLayer('pois').then(setPois);
  }, []);

  useEffect(() => {
    const { map, overlay } = createCityMap(container.current!, { bbox: city.bbox, style: buildCityStyle(window.location.origin, PALETTES[theme]), padding: 10 });
    const followZoom = () => setZoom(Math.round(map.getZoom() * 4) / 4);
    followZoom();
    map.on('zoomend', followZoom);
    map.on('click', (e) => onPointRef.current(e.lngLat.lng, e.lngLat.lat));
    map.on('load', () => {
      (window as unknown as { __gridwatchHotlineMap: unknown }).__gridwatchHotlineMap = {
        loaded: true,
        center: () => map.getCenter().toArray(),
        zoom: () => map.getZoom(),
        pin: () => markerRef.current?.getLngLat().toArray() ?? null,
        /** Where a point is drawn, in pixels of the map's container. */
        project: (lon: number, lat: number) => map.project([lon, lat]),
      };
    });
    mapRef.current = map;
    overlayRef.current = overlay;
    return () => {
      markerRef.current?.remove();
      markerRef.current = null;
      map.remove();
      mapRef.current = null;
      overlayRef.current = null;
    };
    // Built once per city; a theme change restyles below.
  }, [city]);

  useThemeRestyle(mapRef, theme, {
    // The pin's colour is its own element's: made again in the new look.
    onRestyled: () => {
      markerRef.current?.remove();
      markerRef.current = null;
    },
  });

  // The pin follows the spot; dragging it reports the new spot.
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    if (!point) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    let marker = markerRef.current;
    if (!marker) {
      marker = new Marker({ draggable: true, color: LOOK[theme].pin });
      marker.getElement().dataset.testid = 'hotline-pin';
      marker.on('dragend', () => {
        const at = markerRef.current?.getLngLat();
        if (at) onPointRef.current(at.lng, at.lat);
      });
      marker.setLngLat(point).addTo(map);
      markerRef.current = marker;
    } else {
      marker.setLngLat(point);
    }
  }, [point, theme]);

  // A newly picked place is brought to the middle of the map: a street at street zoom, a town whole.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !place) return;
    if (SHOWN_WHOLE.has(place.kind) && place.bbox) {
      const [w, s, e, n] = place.bbox;
      map.fitBounds([w, s, e, n], { padding: 20, duration: 0, maxZoom: PLACE_ZOOM });
    } else {
      map.jumpTo({ center: [place.lon, place.lat], zoom: Math.max(PLACE_ZOOM, map.getZoom()) });
    }
    setZoom(Math.round(map.getZoom() * 4) / 4);
  }, [place]);

  useEffect(() => {
    const look = LOOK[theme];
    const palette = PALETTES[theme];
    overlayRef.current?.setProps({
      layers: [
        point &&
          new ScatterplotLayer<[number, number]>({
            id: 'nearby-radius',
            data: [point],
            getPosition: (p) => p,
            getRadius: NEARBY_RADIUS_M,
            radiusUnits: 'meters',
            filled: true,
            getFillColor: look.ringFill,
            stroked: true,
            getLineColor: look.ring,
            lineWidthUnits: 'pixels',
            getLineWidth: 2,
            updateTriggers: { getFillColor: theme, getLineColor: theme },
          }),
        ...labelLayers({ towns: city.towns, roads, pois, zoom, language, palette, fontFamily: labelFont() }),
        new ScatterplotLayer<NearbyCase>({
          id: 'nearby-cases',
          data: [...nearby],
          getPosition: (c) => [c.incident.lon, c.incident.lat],
          getRadius: 7,
          radiusUnits: 'pixels',
          getFillColor: look.dot,
          stroked: true,
          getLineColor: look.dotRim,
          lineWidthUnits: 'pixels',
          getLineWidth: 2,
          updateTriggers: { getFillColor: theme, getLineColor: theme },
        }),
      ],
    });
  }, [city, theme, language, point, nearby, roads, pois, zoom]);

  return <div ref={container} className="map hotline-map" data-testid="hotline-map" />;
}
