import type { BBox } from '../../shared/index.js';

/** About 2 km at the default city's latitude (31.7° N): the margin around the city's extent. */
export const NEAR_CITY_DEGREES = 0.02;

/**
 * Whether a point lies in the city's extent or within about 2 km of it: a crew or an inspector may
 * stand just across the boundary (a lake shore between cells, a road along the district's edge), but
 * a fix further out is a broken GPS, a device in the depot of another city, or someone testing.
 */
export function isNearCity(bbox: BBox, lon: number, lat: number): boolean {
  const [w, s, e, n] = bbox;
  return lon >= w - NEAR_CITY_DEGREES && lon <= e + NEAR_CITY_DEGREES && lat >= s - NEAR_CITY_DEGREES && lat <= n + NEAR_CITY_DEGREES;
}
