import { MapLibreOverlay } from '@deck.gl/maplibre';
import { Map as MapLibreMap, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
import type { CityLayer, LayerName } from '../../shared/index.js';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

// Vite does not emit MapLibre's worker by itself (shared/notes: stack.md).
setWorkerUrl(workerUrl);

/**
 * The city's map as every screen draws it: fitted to the city, north up and never tilted (road names
 * are laid along the roads for an unrotated map, and walls and consoles read best so), with a deck.gl
 * overlay interleaved in MapLibre's layers. The caller adds its layers and listeners, and removes
 * the map when it unmounts.
 */
export function createCityMap(
  container: HTMLElement,
  opts: { bbox: readonly [number, number, number, number]; style: string | StyleSpecification; padding?: number },
): { map: MapLibreMap; overlay: MapLibreOverlay } {
  const [w, s, e, n] = opts.bbox;
  const map = new MapLibreMap({
    container,
    style: opts.style,
    bounds: [w, s, e, n],
    fitBoundsOptions: { padding: opts.padding ?? 20 },
    attributionControl: false,
    maxPitch: 0,
    dragRotate: false,
    touchPitch: false,
  });
  map.touchZoomRotate.disableRotation();
  const overlay = new MapLibreOverlay({ interleaved: true, layers: [] });
  map.addControl(overlay);
  return { map, overlay };
}

/** One of the city's layers as GeoJSON features (`GET /api/layers/:name`). */
export async function fetchCityLayer<N extends LayerName>(name: N): Promise<CityLayer<N>['features']> {
  const r = await fetch(`/api/layers/${name}`);
  if (!r.ok) throw new Error(`layer ${name}: HTTP ${r.status}`);
  return ((await r.json()) as CityLayer<N>).features;
}
