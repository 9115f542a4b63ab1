import type { Category, City } from '../../shared/index.js';

/** What the simulator needs to know about the city it simulates. */
export interface SimContext {
  city: City;
  categories: readonly Category[];
  /** True where the incident service will accept a report (inside some unit grid cell). */
  isInsideCity(lon: number, lat: number): boolean;
}
