import type { Map as MapLibreMap } from 'maplibre-gl';

/** A box over the map (the legend), in pixels from the map's top-left corner. */
export interface ScreenBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** How far inside the map's edges something must lie to count as comfortably in view. */
const MARGIN = 40;
/** Room kept between what is framed and a box over the map. */
const BOX_GAP = 8;
/** Below this many pixels of usable map the margins give way: a small map still shows the case. */
const MIN_USABLE = 80;

function margins(width: number, height: number, covered: readonly ScreenBox[]) {
  // The legend spans the bottom-left corner: what is framed goes above it (a band along the bottom
  // costs less of the map than a column down the side).
  const bottomCover = covered.reduce((most, b) => Math.max(most, height - b.top + BOX_GAP), 0);
  let side = MARGIN;
  let bottom = Math.max(MARGIN, bottomCover);
  if (width - 2 * side < MIN_USABLE) side = Math.max(0, (width - MIN_USABLE) / 2);
  if (height - side - bottom < MIN_USABLE) bottom = Math.max(side, height - side - MIN_USABLE);
  return { top: side, right: side, left: side, bottom };
}

/** Whether every point is inside the map, clear of its edges and of the boxes over it. */
export function comfortablyInView(map: MapLibreMap, points: readonly [number, number][], covered: readonly ScreenBox[]): boolean {
  const { clientWidth: width, clientHeight: height } = map.getContainer();
  const m = Math.min(MARGIN, margins(width, height, []).left);
  for (const p of points) {
    const { x, y } = map.project(p);
    if (x < m || y < m || x > width - m || y > height - m) return false;
    for (const b of covered) {
      if (x > b.left - BOX_GAP && x < b.right + BOX_GAP && y > b.top - BOX_GAP && y < b.bottom + BOX_GAP) return false;
    }
  }
  return true;
}

/**
 * Brings `points` (a case, with its candidates' routes) into view unless they already are well in
 * view: a map that moves under the dispatcher's mouse for no reason is worse than one that stays.
 * Pans at the current zoom when that suffices, and zooms out only as far as needed to fit; it never
 * zooms in, which is the dispatcher's choice. Returns whether the map was moved.
 */
export function keepInView(map: MapLibreMap, points: readonly [number, number][], covered: readonly ScreenBox[]): boolean {
  const { clientWidth: width, clientHeight: height } = map.getContainer();
  // A map not laid out (hidden, or squeezed to nothing) has no view to keep anything in.
  if (width < MIN_USABLE || height < MIN_USABLE) return false;
  if (points.length === 0 || comfortablyInView(map, points, covered)) return false;
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lon, lat] of points) {
    w = Math.min(w, lon);
    s = Math.min(s, lat);
    e = Math.max(e, lon);
    n = Math.max(n, lat);
  }
  const camera = map.cameraForBounds(
    [
      [w, s],
      [e, n],
    ],
    { padding: margins(width, height, covered), maxZoom: map.getZoom() },
  );
  if (!camera?.center) return false;
  const reduceMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  map.easeTo({ center: camera.center, zoom: camera.zoom ?? map.getZoom(), duration: reduceMotion ? 0 : 600 });
  return true;
}
