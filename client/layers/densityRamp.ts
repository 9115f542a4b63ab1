/** The sequential ramp of every density layer (heatmap, hexagons, grid choropleth) and its legend. */
export const DENSITY_RAMP: [number, number, number][] = [
  [255, 255, 178],
  [254, 217, 118],
  [254, 178, 76],
  [253, 141, 60],
  [240, 59, 32],
  [189, 0, 38],
];

/**
 * The density classes, by the place of a count among all the areas' counts of the window (percentile
 * breaks), not by its share of the largest: on a city where half the incidents lie in a twelfth of the
 * cells, a ramp scaled to the maximum paints nearly everything the same low colour and a ramp scaled
 * by square root paints everything warm. By rank, the bottom half of the areas stays unpainted and
 * each class above it holds a known share of them: the top tenth is the three strongest colours.
 */
export const DENSITY_PERCENTILES = [0.5, 0.75, 0.9, 0.95, 0.99] as const;

/** The counts at the percentile breaks of the areas' counts (ascending; ties give equal breaks). */
export function densityBreaks(counts: ArrayLike<number>, areas = counts.length): number[] {
  const sorted = Float64Array.from({ length: areas }, (_, i) => (i < counts.length ? counts[i]! : 0)).sort();
  return DENSITY_PERCENTILES.map((q) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!));
}

/**
 * The class of a count: 0 for the bottom half (not drawn) and for none, then 1–5 above each break.
 * A count equal to a break stays below it, so a city of ties does not light up.
 */
export function densityClass(count: number, breaks: readonly number[]): number {
  if (count <= 0) return 0;
  let k = 0;
  while (k < breaks.length && count > breaks[k]!) k++;
  return k;
}

/**
 * The opacity of each class (0 unused): the two classes of the upper half below the top tenth stay
 * faint, so that the eye lands on the top tenth, drawn strong.
 */
const CLASS_OPACITY = [0, 0.2, 0.35, 0.7, 0.85, 1];

/** The fill of a density class: the ramp from its second colour, faint below the top tenth. */
export function densityClassColour(k: number, alpha = 220): [number, number, number, number] {
  if (k <= 0) return [0, 0, 0, 0];
  const c = DENSITY_RAMP[Math.min(DENSITY_RAMP.length - 1, k)]!;
  return [c[0], c[1], c[2], Math.round(alpha * CLASS_OPACITY[Math.min(k, CLASS_OPACITY.length - 1)]!)];
}

/**
 * Where a density layer goes in the interleaved map: under the basemap layer `beforeId`, so that what
 * lies above it (boundaries, points of interest, every label) stays readable over the colour.
 */
export interface DensityPlacement {
  beforeId?: string;
}
