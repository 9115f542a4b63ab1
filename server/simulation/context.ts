import type { Category, City } from '../../shared/index.js';

/** What the simulator needs to know about the city it simulates. */
export interface SimContext {
  city: City;
  categories: readonly Category[];
  /** True where the incident service will accept a report (inside some unit grid cell). */
  isInsideCity(lon: number, lat: number): boolean;
  /** The code of the town holding a point inside the city (its cases of the town's own categories go to it). */
  townAt(lon: number, lat: number): string | undefined;
}
