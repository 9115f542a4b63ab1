import type { City } from '../../shared/index.js';
import type { Patterns } from './patterns.js';

/** What the simulator needs from the rest of the server. */
export interface SimContext {
  city: City;
  /** The catalog's codes: the simulator never emits any other. */
  categoryCodes: readonly string[];
  /** True where the incident service will accept a report (inside some unit grid cell). */
  isInsideCity: (lon: number, lat: number) => boolean;
  /** Chinese names for the generic description templates of categories without their own. */
  categoryNames?: Readonly<Record<string, string>>;
  /**
   * Working days by local day number (days since 1970-01-01, China time), e.g. the work calendar's,
   * so that holidays look like weekends. Defaults to Monday–Friday.
   */
  isWorkingDay?: (localDay: number) => boolean;
  /** Defaults to data/sim/patterns.json. */
  patterns?: Patterns;
}
