/**
 * Benjamini–Hochberg false discovery rate, and the hot/cold spot class of each cell from it.
 *
 * Testing every cell of a 10,000-cell grid at p < 0.05 marks about 500 cells by chance alone; ArcGIS
 * "Hot Spot Analysis (Getis-Ord Gi*)" with "Apply False Discovery Rate (FDR) Correction" guards
 * against that by lowering the p threshold of each confidence level with the BH procedure
 * (https://pro.arcgis.com/en/pro-app/latest/tool-reference/spatial-statistics/hot-spot-analysis.htm).
 * Comparing BH-adjusted p-values (q) with 0.10, 0.05 and 0.01 is the same decision.
 */

/**
 * BH-adjusted p-values, as R's `p.adjust(p, "BH")`: qᵢ = min over ranks r ≥ rank(pᵢ) of (m / r) p₍ᵣ₎,
 * capped at 1. NaN p-values stay NaN and are not counted in m, as R does with NA.
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const q = new Float64Array(p.length).fill(NaN);
  const { order, sorted } = ascendingOrder(p);
  const m = order.length;
  // Equal p-values share one q, that of the highest rank among them, as in R: the running minimum
  // gives it, since (m / rank)·p only grows towards the lower ranks.
  let running = Infinity;
  for (let r = m - 1; r >= 0; r--) {
    running = Math.min(running, (m / (r + 1)) * sorted[r]!);
    q[order[r]!] = Math.min(1, running);
  }
  return q;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The non-NaN p-values in ascending order, and the index of each. A comparator sort of 100,000
 * indices takes ~20 ms, the whole Gi* + FDR budget. Instead: for p ≥ 0 the high 32 bits of a double
 * (sign, exponent and 20 bits of mantissa) order as the numbers do, so two radix passes of 16 bits
 * sort the indices by them, and one insertion pass on the exact values orders the few that agree to
 * 20 bits. Negative or infinite input falls back to the comparator.
 */
function ascendingOrder(p: ArrayLike<number>): { order: Uint32Array; sorted: Float64Array } {
  let m = 0;
  let plain = !LITTLE_ENDIAN;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    if (Number.isNaN(pi)) continue;
    m++;
    if (!(pi >= 0) || pi === Infinity) plain = true;
  }
  let order = new Uint32Array(m);
  const sorted = new Float64Array(m);
  let k = 0;
  for (let i = 0; i < p.length; i++) {
    if (Number.isNaN(p[i]!)) continue;
    // + 0 turns −0 into +0, whose sign bit would sort it last.
    sorted[k] = p[i]! + 0;
    order[k++] = i;
  }
  if (plain) {
    order.sort((a, b) => p[a]! - p[b]!);
    for (let r = 0; r < m; r++) sorted[r] = p[order[r]!]!;
    return { order, sorted };
  }
  const words = new Uint32Array(sorted.buffer);
  let keys = new Uint32Array(m);
  for (let r = 0; r < m; r++) keys[r] = words[2 * r + 1]!;
  let nextKeys = new Uint32Array(m);
  let nextOrder = new Uint32Array(m);
  const counts = new Uint32Array(65536);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let r = 0; r < m; r++) counts[(keys[r]! >>> shift) & 0xffff]!++;
    let position = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d]!;
      counts[d] = position;
      position += c;
    }
    for (let r = 0; r < m; r++) {
      const at = counts[(keys[r]! >>> shift) & 0xffff]!++;
      nextKeys[at] = keys[r]!;
      nextOrder[at] = order[r]!;
    }
    [keys, nextKeys] = [nextKeys, keys];
    [order, nextOrder] = [nextOrder, order];
  }
  for (let r = 0; r < m; r++) sorted[r] = p[order[r]!]! + 0;
  for (let r = 1; r < m; r++) {
    const value = sorted[r]!;
    if (!(sorted[r - 1]! > value)) continue;
    const index = order[r]!;
    let s = r - 1;
    while (s >= 0 && sorted[s]! > value) {
      sorted[s + 1] = sorted[s]!;
      order[s + 1] = order[s]!;
      s--;
    }
    sorted[s + 1] = value;
    order[s + 1] = index;
  }
  return { order, sorted };
}

/** Class names, indexed by the codes `hotspotClasses` returns: hot at 99/95/90 %, none, cold at 90/95/99 %. */
export const HOTSPOT_CLASSES = ['hot_99', 'hot_95', 'hot_90', 'not_significant', 'cold_90', 'cold_95', 'cold_99'] as const;
export type HotspotClass = (typeof HOTSPOT_CLASSES)[number];
export const NOT_SIGNIFICANT = HOTSPOT_CLASSES.indexOf('not_significant');

/**
 * The class code of each cell (an index into HOTSPOT_CLASSES). The sign comes from the Gi* z (hot when
 * z > 0); the confidence level from the FDR-adjusted p (`q`, from `benjaminiHochberg`): 99 % when
 * q ≤ 0.01, 95 % when q ≤ 0.05, 90 % when q ≤ 0.10. Passing raw p-values instead of q gives ArcGIS's
 * classes without FDR correction. A NaN z or q is not significant.
 */
export function hotspotClasses(z: ArrayLike<number>, q: ArrayLike<number>): Uint8Array {
  if (z.length !== q.length) throw new Error(`hotspotClasses: ${z.length} z-scores but ${q.length} q-values`);
  const out = new Uint8Array(z.length).fill(NOT_SIGNIFICANT);
  for (let i = 0; i < z.length; i++) {
    const zi = z[i]!;
    const qi = q[i]!;
    // Written so that NaN fails both tests.
    if (!(zi > 0 || zi < 0) || !(qi <= 0.1)) continue;
    const level = qi <= 0.01 ? 0 : qi <= 0.05 ? 1 : 2;
    out[i] = zi > 0 ? level : HOTSPOT_CLASSES.length - 1 - level;
  }
  return out;
}

/** The class names of the codes, for JSON and for tests. */
export function hotspotClassNames(codes: Uint8Array): HotspotClass[] {
  return Array.from(codes, (c) => HOTSPOT_CLASSES[c]!);
}
