/**
 * Emerging hot spots: how each cell's Gi* has behaved over a run of weekly slices (a space-time cube),
 * in the classes of ArcGIS "Emerging Hot Spot Analysis", whose definitions are quoted below from
 * "How Emerging Hot Spot Analysis works":
 * https://pro.arcgis.com/en/pro-app/latest/tool-reference/space-time-pattern-mining/learnmoreemerging.htm
 * The trend in the intensity of clustering is the Mann–Kendall test on the cell's Gi* z-scores, as there.
 */
import { normalTwoSidedP } from './normal.js';

export interface MannKendall {
  /** Σ over pairs i < j of sign(xⱼ − xᵢ). */
  s: number;
  /** Variance of S under no trend, corrected for ties: [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18. */
  varS: number;
  /** (S − sign S) / √varS: the normal approximation with continuity correction. */
  z: number;
  /** Two-sided normal p-value of z. */
  p: number;
  /** Kendall's τ-b between the series and time, S / √((n₀ − n₁) n₀), as R's `cor.test(x, seq_along(x), method = "kendall")`. */
  tau: number;
}

/**
 * Mann–Kendall trend test of a series in time order (Mann 1945; Kendall 1975), ties corrected. The
 * series must hold finite numbers; a series shorter than 2, or constant, has no trend (S = 0, p = 1).
 */
export function mannKendall(series: ArrayLike<number>): MannKendall {
  return mannKendallInto(series, series.length, new Float64Array(series.length));
}

/** `mannKendall` over the first n values, with a scratch array for the tie count (no allocation per cell). */
function mannKendallInto(series: ArrayLike<number>, n: number, scratch: Float64Array): MannKendall {
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = series[i]!;
    for (let j = i + 1; j < n; j++) {
      const d = series[j]! - xi;
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  }
  for (let i = 0; i < n; i++) scratch[i] = series[i]!;
  const sorted = scratch.subarray(0, n).sort();
  let tieTerm = 0;
  let tiedPairs = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const t = j - i;
    tieTerm += t * (t - 1) * (2 * t + 5);
    tiedPairs += (t * (t - 1)) / 2;
    i = j;
  }
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const pairs = (n * (n - 1)) / 2;
  if (!(varS > 0)) return { s, varS, z: 0, p: 1, tau: 0 };
  const z = s === 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(varS);
  const denominator = Math.sqrt((pairs - tiedPairs) * pairs);
  return { s, varS, z, p: normalTwoSidedP(z), tau: denominator > 0 ? s / denominator : 0 };
}

/** Class names, indexed by the codes `emergingHotspotClasses` returns. */
export const EMERGING_HOTSPOT_CLASSES = [
  'no_pattern',
  'new_hot',
  'consecutive_hot',
  'intensifying_hot',
  'persistent_hot',
  'diminishing_hot',
  'sporadic_hot',
  'oscillating_hot',
  'historical_hot',
  'new_cold',
  'consecutive_cold',
  'intensifying_cold',
  'persistent_cold',
  'diminishing_cold',
  'sporadic_cold',
  'oscillating_cold',
  'historical_cold',
] as const;
export type EmergingHotspotClass = (typeof EMERGING_HOTSPOT_CLASSES)[number];

const NO_PATTERN = 0;
// Hot codes are 1…8 in the order above; the cold code of the same pattern is 8 more.
const NEW = 1;
const CONSECUTIVE = 2;
const INTENSIFYING = 3;
const PERSISTENT = 4;
const DIMINISHING = 5;
const SPORADIC = 6;
const OSCILLATING = 7;
const HISTORICAL = 8;
const COLD = 8;

export interface EmergingHotspotOptions {
  /**
   * A slice is a significant hot (cold) spot when its p (pass FDR q-values to correct for the number
   * of cells, as ArcGIS does) is ≤ this and its z > 0 (< 0).
   * @default 0.05
   */
  alpha?: number;
  /** Significance of the Mann–Kendall trend that makes a spot intensifying or diminishing. @default 0.05 */
  trendAlpha?: number;
  /** The share of slices that makes a spot persistent, intensifying, diminishing or historical. @default 0.9 */
  share?: number;
}

/**
 * The emerging-hotspot class code of each cell (an index into EMERGING_HOTSPOT_CLASSES), from its Gi*
 * z and p in each slice, oldest first: `zBySlice[t][cell]`. ArcGIS's definitions, for hot spots (cold
 * spots mirror them):
 * - new: "statistically significant hot spot for the final time step and has never been a
 *   statistically significant hot spot before";
 * - consecutive: "a single uninterrupted run of at least two statistically significant hot spot bins
 *   in the final time-step intervals … never been a statistically significant hot spot prior to the
 *   final hot spot run and less than 90 percent of all bins are statistically significant hot spots";
 * - intensifying: "hot spot for 90 percent of the time-step intervals, including the final time step.
 *   In addition, the intensity of clustering of high counts in each time step is increasing overall
 *   and that increase is statistically significant";
 * - persistent: "hot spot for 90 percent of the time-step intervals with no discernible trend";
 * - diminishing: as intensifying, the intensity "decreasing overall and that decrease is
 *   statistically significant";
 * - sporadic: "hot spot for the final time-step interval with a history of also being an on-again and
 *   off-again hot spot. Less than 90 percent … hot spots and none … have been statistically
 *   significant cold spots";
 * - oscillating: "hot spot for the final time-step interval that has a history of also being a
 *   statistically significant cold spot during a prior time step. Less than 90 percent … hot spots";
 * - historical: "The most recent time period is not hot, but at least 90 percent of the time-step
 *   intervals have been statistically significant hot spots";
 * - no pattern: none of these.
 * The checks run in this order, so each cell gets exactly one class: a final slice neither hot nor
 * cold → historical or no pattern; ≥ 90 % → intensifying, diminishing or persistent; else new,
 * consecutive, oscillating, sporadic.
 */
export function emergingHotspotClasses(
  zBySlice: readonly Float64Array[],
  pBySlice: readonly ArrayLike<number>[],
  options: EmergingHotspotOptions = {},
): Uint8Array {
  const alpha = options.alpha ?? 0.05;
  const trendAlpha = options.trendAlpha ?? 0.05;
  const share = options.share ?? 0.9;
  const slices = zBySlice.length;
  if (pBySlice.length !== slices) throw new Error(`emergingHotspotClasses: ${slices} z slices but ${pBySlice.length} p slices`);
  const n = slices > 0 ? zBySlice[0]!.length : 0;
  for (let t = 0; t < slices; t++) {
    if (zBySlice[t]!.length !== n || pBySlice[t]!.length !== n) throw new Error(`emergingHotspotClasses: slice ${t} does not have ${n} cells`);
  }
  // "90 percent of the time-step intervals": 47 of 52 weeks (46.8 rounded up).
  const needed = Math.ceil(share * slices - 1e-9);
  const classes = new Uint8Array(n);
  const series = new Float64Array(slices);
  const scratch = new Float64Array(slices);
  const sign = new Int8Array(slices);
  for (let i = 0; i < n; i++) {
    let hot = 0;
    let cold = 0;
    for (let t = 0; t < slices; t++) {
      const z = zBySlice[t]![i]!;
      series[t] = z;
      const significant = pBySlice[t]![i]! <= alpha;
      sign[t] = significant && z > 0 ? 1 : significant && z < 0 ? -1 : 0;
      if (sign[t] === 1) hot++;
      else if (sign[t] === -1) cold++;
    }
    if (slices === 0) continue;
    const last = sign[slices - 1]!;
    if (last === 0) {
      classes[i] = hot >= needed ? HISTORICAL : cold >= needed ? HISTORICAL + COLD : NO_PATTERN;
      continue;
    }
    const same = last === 1 ? hot : cold;
    const opposite = last === 1 ? cold : hot;
    const offset = last === 1 ? 0 : COLD;
    if (same >= needed) {
      const trend = mannKendallInto(series, slices, scratch);
      const direction = trend.p <= trendAlpha ? Math.sign(trend.s) : 0;
      // Intensifying: z rising for a hot spot, falling (more negative) for a cold one.
      classes[i] = offset + (direction === 0 ? PERSISTENT : direction === last ? INTENSIFYING : DIMINISHING);
      continue;
    }
    let run = 0;
    while (run < slices && sign[slices - 1 - run] === last) run++;
    if (same === 1) classes[i] = offset + NEW;
    else if (run === same) classes[i] = offset + CONSECUTIVE;
    else if (opposite > 0) classes[i] = offset + OSCILLATING;
    else classes[i] = offset + SPORADIC;
  }
  return classes;
}

/** The class names of the codes, for JSON and for tests. */
export function emergingHotspotClassNames(codes: Uint8Array): EmergingHotspotClass[] {
  return Array.from(codes, (c) => EMERGING_HOTSPOT_CLASSES[c]!);
}

/** The Mann–Kendall trend of each cell's Gi* z over the slices (τ, z and p per cell), for the map's legend. */
export function giStarTrends(zBySlice: readonly Float64Array[]): { tau: Float64Array; z: Float64Array; p: Float64Array } {
  const slices = zBySlice.length;
  const n = slices > 0 ? zBySlice[0]!.length : 0;
  const tau = new Float64Array(n);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const series = new Float64Array(slices);
  const scratch = new Float64Array(slices);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < slices; t++) series[t] = zBySlice[t]![i]!;
    const trend = mannKendallInto(series, slices, scratch);
    tau[i] = trend.tau;
    z[i] = trend.z;
    p[i] = trend.p;
  }
  return { tau, z, p };
}
