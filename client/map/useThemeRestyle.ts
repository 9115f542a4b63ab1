import { useEffect, useRef, type RefObject } from 'react';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { buildCityStyle } from './cityStyle.js';
import { PALETTES, type Theme } from './palette.js';

/**
 * A map built with the city's own style in the look at hand is restyled when the look changes
 * afterwards (not on the first render: it was built in it). `basemapStyle`: a site's own style, which
 * keeps its look; `onRestyled`: what the page draws outside the style, to make again in the new look.
 */
export function useThemeRestyle(mapRef: RefObject<MapLibreMap | null>, theme: Theme, opts: { basemapStyle?: string | null; onRestyled?: () => void } = {}): void {
  const styledTheme = useRef(theme);
  const onRestyled = useRef(opts.onRestyled);
  onRestyled.current = opts.onRestyled;
  const basemapStyle = opts.basemapStyle ?? null;
  useEffect(() => {
    if (basemapStyle || styledTheme.current === theme) return;
    styledTheme.current = theme;
    mapRef.current?.setStyle(buildCityStyle(window.location.origin, PALETTES[theme]));
    onRestyled.current?.();
  }, [mapRef, theme, basemapStyle]);
}
