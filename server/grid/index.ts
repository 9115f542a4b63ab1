import type { CityLayer } from '../../shared/schema/city.js';

export { GridIndex, type GridIndexOptions, type GridIndexStats } from './gridIndex.js';
export type { AreaFeature, AreaGeometry } from './cellRings.js';

/** A unit grid cell as it appears in the city's grid layer. */
export type CellFeature = CityLayer<'grid'>['features'][number];
