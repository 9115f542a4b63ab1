import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, useState } from 'react';
import type { CityLayer, CityMeta, SiteWithStats } from '../../shared/index.js';
import { labelLayers, type RoadLabelSets } from '../layers/labelLayers.js';
import { siteLayers } from '../layers/siteLayer.js';
import { createCityMap } from '../map/cityMap.js';
import { buildCityStyle } from '../map/cityStyle.js';
import { PALETTES, type Theme } from '../map/palette.js';
import { placeRoadLabels, ROAD_LABEL_SPACING } from '../map/roadLabels.js';
import { useThemeRestyle } from '../map/useThemeRestyle.js';

/** The labels' font stack, defined once in style.css (--label-font). */
const labelFont = () => getComputedStyle(document.documentElement).getPropertyValue('--label-font').trim() || 'sans-serif';
/** Road names close together: the map shows the site and the streets around it. */
const NEAR_ROAD_LABELS = { expressway: 0.8, arterial: 0.6, secondary: 0.6 };
/** Metres of ground around the site: its buffer and the street beyond. */
const MARGIN_M = 180;

type Poi = CityLayer<'pois'>['features'][number];

async function fetchLayer<N extends 'roads' | 'pois'>(name: N): Promise<CityLayer<N>['features']> {
  return ((await (await fetch(`/api/layers/${name}`, { cache: 'default' })).json()) as CityLayer<N>).features;
}

/** The site's bounding box grown by MARGIN_M. */
function boundsAround(site: SiteWithStats): [number, number, number, number] {
  const rings = site.geometry.type === 'Polygon' ? site.geometry.coordinates : site.geometry.coordinates.flat();
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of rings) for (const [x, y] of ring) [w, s, e, n] = [Math.min(w, x), Math.min(s, y), Math.max(e, x), Math.max(n, y)];
  const dLat = MARGIN_M / 110_574;
  const dLon = MARGIN_M / (111_320 * Math.cos((((s + n) / 2) * Math.PI) / 180));
  return [w - dLon, s - dLat, e + dLon, n + dLat];
}

/**
 * A site page's small map: the city basemap around the site, the site drawn as on the dashboard (its
 * rate class, outlined by status), road and place names. Exposes `window.__gridwatchSiteMap` for the
 * browser tests.
 */
export function SiteMap({ city, site, rateClass, theme, language }: { city: CityMeta; site: SiteWithStats; rateClass: number; theme: Theme; language: 'zh-CN' | 'en' }) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const [zoom, setZoom] = useState(16);
  const [roads, setRoads] = useState<RoadLabelSets | null>(null);
  const [pois, setPois] = useState<Poi[] | null>(null);

  useEffect(() => {
    void fetchLayer('roads').then((r) => setRoads({ overview: placeRoadLabels(r, ROAD_LABEL_SPACING.overview), detail: placeRoadLabels(r, NEAR_ROAD_LABELS) }));
    void fetchLayer('pois').then(setPois);
  }, []);

  useEffect(() => {
    const { map, overlay } = createCityMap(container.current!, { bbox: boundsAround(site), style: buildCityStyle(window.location.origin, PALETTES[theme]), padding: 10 });
    const followZoom = () => setZoom(Math.round(map.getZoom() * 4) / 4);
    followZoom();
    map.on('zoomend', followZoom);
    map.on('load', () => {
      (window as unknown as { __gridwatchSiteMap: unknown }).__gridwatchSiteMap = {
        loaded: true,
        zoom: () => map.getZoom(),
        /** The id of the site drawn at a point, or null. */
        pickSite(lon: number, lat: number): string | null {
          const p = map.project([lon, lat]);
          const picked = overlay.pickObject({ x: p.x, y: p.y, radius: 1, layerIds: ['sites'] });
          return picked ? (picked.object as { properties: { site: { id: string } } }).properties.site.id : null;
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
    // Built once per site; a theme change restyles below.
  }, [site.id]);

  useThemeRestyle(mapRef, theme);

  useEffect(() => {
    overlayRef.current?.setProps({
      layers: [
        ...siteLayers({ sites: [site], theme, zoom, visible: true, rateClassOf: () => rateClass }),
        ...labelLayers({ towns: city.towns, roads, pois, zoom, language, palette: PALETTES[theme], fontFamily: labelFont() }),
      ],
    });
  }, [city, site, rateClass, theme, language, roads, pois, zoom]);

  return <div ref={container} className="map site-map" data-testid="site-map" />;
}
