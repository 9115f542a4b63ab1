import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useRef, type RefObject } from 'react';
import type { CityMeta } from '../../shared/index.js';
import { createCityMap } from './cityMap.js';
import { buildCityStyle } from './cityStyle.js';
import { PALETTES, type Theme } from './palette.js';
import { useThemeRestyle } from './useThemeRestyle.js';

/**
 * The city's own map with its deck.gl overlay in `container`, built once per city in the look at hand,
 * restyled when the look changes, removed with the component. Pages that only draw layers over the
 * whole city take it whole; those with their own map events build theirs with createCityMap.
 */
export function useCityMap(
  container: RefObject<HTMLDivElement | null>,
  city: CityMeta,
  theme: Theme,
  padding = 10,
): { mapRef: RefObject<MapLibreMap | null>; overlayRef: RefObject<MapLibreOverlay | null> } {
  const mapRef = useRef<MapLibreMap | null>(null);
  const overlayRef = useRef<MapLibreOverlay | null>(null);
  const built = useRef({ theme, padding });
  built.current = { theme, padding };
  useEffect(() => {
    const { theme: look, padding: pad } = built.current;
    const { map, overlay } = createCityMap(container.current!, { bbox: city.bbox, style: buildCityStyle(window.location.origin, PALETTES[look]), padding: pad });
    mapRef.current = map;
    overlayRef.current = overlay;
    return () => {
      map.remove();
      mapRef.current = null;
      overlayRef.current = null;
    };
    // Built once per city; a change of look restyles it (useThemeRestyle).
  }, [container, city]);
  useThemeRestyle(mapRef, theme);
  return { mapRef, overlayRef };
}
