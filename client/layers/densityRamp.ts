/** The sequential ramp of every density layer (heatmap, hexagons, grid choropleth) and its legend. */
export const DENSITY_RAMP: [number, number, number][] = [
  [255, 255, 178],
  [254, 217, 118],
  [254, 178, 76],
  [253, 141, 60],
  [240, 59, 32],
  [189, 0, 38],
];

/** Colour of a count on a ramp scaled to the largest count (square-root, so sparse areas still show). */
export function rampColour(count: number, max: number, alpha = 200): [number, number, number, number] {
  if (count <= 0 || max <= 0) return [0, 0, 0, 0];
  const t = Math.sqrt(count / max);
  const c = DENSITY_RAMP[Math.min(DENSITY_RAMP.length - 1, Math.floor(t * DENSITY_RAMP.length))]!;
  return [c[0], c[1], c[2], alpha];
}

/**
 * Where a density layer goes in the interleaved map: under the basemap layer `beforeId`, so that what
 * lies above it (boundaries, points of interest, every label) stays readable over the colour.
 */
export interface DensityPlacement {
  beforeId?: string;
}
