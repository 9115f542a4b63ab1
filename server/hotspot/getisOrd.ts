/**
 * Getis–Ord Gi*: for each cell, is the sum of the values in its neighbourhood (itself included) larger
 * or smaller than chance would make it? Binary weights, the cell itself always counted once.
 *
 * The analytic z is the one R's `spdep::localG` gives for `include.self()` neighbour lists with style
 * "B" (Getis & Ord 1992; Ord & Getis 1995): with x̄ the mean and s² = Σ(x − x̄)²/n over all n cells, and
 * wᵢ the size of cell i's neighbourhood (itself included),
 *
 *   zᵢ = (Σⱼ∈N(i) xⱼ − wᵢ x̄) / √( s² (n wᵢ − wᵢ²) / (n − 1) ).
 *
 * It is computed in one pass over the CSR lists: O(n + edges), no per-cell allocation.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { SeededRandom } from '../seededRandom.js';
import { normalTwoSidedP } from './normal.js';
import { cellCountOf, type NeighbourLists } from './spatialWeights.js';

export interface GiStar {
  /** Gi* as a standard normal score: positive where high values cluster (hot), negative where low ones do. */
  z: Float64Array;
  /** Two-sided normal p-value of z. */
  p: Float64Array;
}

function checkInput(values: Float64Array, weights: NeighbourLists): number {
  const n = values.length;
  if (cellCountOf(weights) !== n) throw new Error(`Gi*: ${n} values but neighbour lists for ${cellCountOf(weights)} cells`);
  // One sum finds a NaN or an infinity anywhere; the loop that names the cell runs only then.
  let total = 0;
  for (let i = 0; i < n; i++) total += values[i]!;
  if (!Number.isFinite(total)) {
    for (let i = 0; i < n; i++) if (!Number.isFinite(values[i]!)) throw new Error(`Gi*: value of cell ${i} is not a finite number`);
    throw new Error('Gi*: the values are too large to add up');
  }
  const { neighbours } = weights;
  let largest = 0;
  for (let e = 0; e < neighbours.length; e++) largest = Math.max(largest, neighbours[e]!);
  if (neighbours.length > 0 && largest >= n) throw new Error(`Gi*: neighbour index ${largest} is out of range (n = ${n})`);
  return n;
}

/**
 * Analytic Gi* z-scores and two-sided p-values. Where the statistic has no variance — every value
 * equal, or a neighbourhood that holds every cell — spdep answers NaN; here z = 0 and p = 1 instead,
 * since such a cell is no evidence of clustering, and a NaN would travel on into the FDR and the map.
 */
export function getisOrdGiStar(values: Float64Array, weights: NeighbourLists): GiStar {
  const n = checkInput(values, weights);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  if (n === 0) return { z, p };
  let total = 0;
  for (let i = 0; i < n; i++) total += values[i]!;
  const mean = total / n;
  // Two passes: Σx² − n x̄² cancels catastrophically for counts with a large common offset.
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  const s2 = squares / n;
  const { offsets, neighbours } = weights;
  let start = offsets[0]!;
  for (let i = 0; i < n; i++) {
    const end = offsets[i + 1]!;
    let sum = values[i]!;
    let w = 1 + end - start;
    for (let e = start; e < end; e++) {
      const j = neighbours[e]!;
      if (j === i) w--;
      else sum += values[j]!;
    }
    start = end;
    const variance = (s2 * (n * w - w * w)) / (n - 1);
    // Relative to the scale of the values, so rounding in s² of a constant field is not read as signal.
    if (!(variance > 1e-24 * (mean * mean + 1) * w * w)) {
      z[i] = 0;
      p[i] = 1;
      continue;
    }
    const zi = (sum - w * mean) / Math.sqrt(variance);
    z[i] = zi;
    p[i] = normalTwoSidedP(zi);
  }
  return { z, p };
}

/** Gi* for each time slice (a week of counts per cell) over the same neighbour lists. */
export function getisOrdGiStarSlices(valuesBySlice: readonly Float64Array[], weights: NeighbourLists): { z: Float64Array[]; p: Float64Array[] } {
  const results = valuesBySlice.map((values) => getisOrdGiStar(values, weights));
  return { z: results.map((r) => r.z), p: results.map((r) => r.p) };
}

export interface GiStarPermutationOptions {
  /** @default 999 */
  permutations?: number;
  /** Seed of the random draws: the same seed, values and lists give the same pseudo p-values. @default 1 */
  seed?: number;
  /** Worker threads to spread the cells over; 0 runs in this thread (as do inputs under 20,000 cells). @default availableParallelism() */
  threads?: number;
}

export interface GiStarPermutation {
  /**
   * Folded pseudo p-value, PySAL's `p_sim`: (min(#{Gᵢ* perm ≥ observed}, #{≤ observed}) + 1) / (permutations + 1),
   * one-sided in the direction the observed value lies; about half the analytic two-sided p.
   */
  pseudoP: Float64Array;
  /** (observed − mean of the permutations) / their standard deviation (PySAL `z_sim`); 0 where they do not vary. */
  zSim: Float64Array;
}

/**
 * The draws every cell shares, as PySAL's `crand` does: for each permutation, `maxDegree` distinct
 * indices r into [0, n − 1), of which cell i reads r as cell r, except r = i, read as cell n − 1 (a
 * one-to-one map onto the cells other than i). Each cell's pseudo p is then an exact conditional
 * permutation test; only the tests of different cells are not independent of each other.
 *
 * Since the draws do not depend on the cell, the sums of their first k values are tabulated once
 * (`prefix`, by k then permutation), and a cell of degree k reads 999 sums instead of adding 999 · k
 * values; the few draws that hit the cell itself (`hits`, about permutations · maxDegree / n per cell)
 * are corrected one by one.
 */
interface SharedDraws {
  maxDegree: number;
  permutations: number;
  /** prefix[k · permutations + p]: Σ over the first k draws of permutation p of x[r]. */
  prefix: Float64Array;
  /** Draws equal to each cell, in CSR form: hitStart (n + 1), then the permutation and the position. */
  hitStart: Uint32Array;
  hitPermutation: Uint32Array;
  hitPosition: Uint32Array;
}

/**
 * Conditional permutation of one range of cells: cell i keeps its own value and its neighbours'
 * places are filled with values drawn without replacement from the other n − 1 cells.
 *
 * It must stay self-contained (no imports, no inner functions, no closures): it is sent to the
 * worker threads as source text.
 */
function permuteCells(
  x: Float64Array,
  offsets: Uint32Array,
  neighbours: Uint32Array,
  prefix: Float64Array,
  hitStart: Uint32Array,
  hitPermutation: Uint32Array,
  hitPosition: Uint32Array,
  permutations: number,
  start: number,
  end: number,
  pseudoP: Float64Array,
  zSim: Float64Array,
): void {
  const sims = new Float64Array(permutations);
  const lastValue = x[x.length - 1]!;
  for (let i = start; i < end; i++) {
    let observed = 0;
    let k = 0;
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) {
      const j = neighbours[e]!;
      if (j !== i) {
        observed += x[j]!;
        k++;
      }
    }
    sims.set(prefix.subarray(k * permutations, (k + 1) * permutations));
    const swap = lastValue - x[i]!;
    for (let h = hitStart[i]!; h < hitStart[i + 1]!; h++) if (hitPosition[h]! < k) sims[hitPermutation[h]!]! += swap;
    let atLeast = 0;
    let atMost = 0;
    let sum = 0;
    let sumSquares = 0;
    // The observed sum is compared up to rounding: the same multiset of values summed in another
    // order must count as a tie, or integer counts would seem to beat themselves.
    const tolerance = 1e-9 * (Math.abs(observed) + 1);
    for (let p = 0; p < permutations; p++) {
      const s = sims[p]!;
      if (s >= observed - tolerance) atLeast++;
      if (s <= observed + tolerance) atMost++;
      sum += s;
      sumSquares += s * s;
    }
    pseudoP[i] = (Math.min(atLeast, atMost) + 1) / (permutations + 1);
    const mean = sum / permutations;
    const variance = sumSquares / permutations - mean * mean;
    zSim[i] = variance > 1e-12 * (mean * mean + 1) ? (observed - mean) / Math.sqrt(variance) : 0;
  }
}

function maxDegreeOf(weights: NeighbourLists): number {
  const { offsets, neighbours } = weights;
  let max = 0;
  for (let i = 0; i + 1 < offsets.length; i++) {
    let k = 0;
    for (let e = offsets[i]!; e < offsets[i + 1]!; e++) if (neighbours[e] !== i) k++;
    if (max < k) max = k;
  }
  return max;
}

/** maxDegree distinct draws from [0, n − 1) per permutation (Floyd's algorithm, O(k) each), tabulated. */
function drawShared(values: Float64Array, maxDegree: number, permutations: number, seed: number): SharedDraws {
  const n = values.length;
  const random = SeededRandom.derive(seed, 'gi-star-permutations');
  const ids = new Uint32Array(permutations * maxDegree);
  const chosen = new Set<number>();
  const others = n - 1;
  for (let p = 0; p < permutations; p++) {
    chosen.clear();
    const base = p * maxDegree;
    let m = base;
    for (let j = others - maxDegree; j < others; j++) {
      const t = random.int(0, j);
      const pick = chosen.has(t) ? j : t;
      chosen.add(pick);
      ids[m++] = pick;
    }
    // Floyd's picks come out in a biased order; cells use prefixes of the list, so shuffle it.
    for (let a = maxDegree - 1; a > 0; a--) {
      const b = random.int(0, a);
      const tmp = ids[base + a]!;
      ids[base + a] = ids[base + b]!;
      ids[base + b] = tmp;
    }
  }
  const prefix = new Float64Array((maxDegree + 1) * permutations);
  for (let p = 0; p < permutations; p++) {
    let s = 0;
    for (let m = 0; m < maxDegree; m++) {
      s += values[ids[p * maxDegree + m]!]!;
      prefix[(m + 1) * permutations + p] = s;
    }
  }
  const hitStart = new Uint32Array(n + 1);
  for (const r of ids) hitStart[r + 1]!++;
  for (let i = 0; i < n; i++) hitStart[i + 1]! += hitStart[i]!;
  const fill = hitStart.slice(0, n);
  const hitPermutation = new Uint32Array(ids.length);
  const hitPosition = new Uint32Array(ids.length);
  for (let e = 0; e < ids.length; e++) {
    const at = fill[ids[e]!]!++;
    hitPermutation[at] = Math.floor(e / maxDegree);
    hitPosition[at] = e % maxDegree;
  }
  return { maxDegree, permutations, prefix, hitStart, hitPermutation, hitPosition };
}

function prepare(values: Float64Array, weights: NeighbourLists, options: GiStarPermutationOptions): SharedDraws {
  const n = checkInput(values, weights);
  const permutations = options.permutations ?? 999;
  if (!Number.isInteger(permutations) || permutations < 1) throw new Error(`Gi* permutations must be a positive integer, got ${permutations}`);
  const maxDegree = maxDegreeOf(weights);
  if (n > 0 && maxDegree > n - 1) throw new Error('Gi*: a cell has more neighbours than there are other cells (repeated neighbour?)');
  return drawShared(values, maxDegree, permutations, options.seed ?? 1);
}

/** Conditional permutation inference for Gi*, in this thread (see `giStarConditionalPermutation`). */
export function giStarConditionalPermutationInThread(values: Float64Array, weights: NeighbourLists, options: GiStarPermutationOptions = {}): GiStarPermutation {
  const draws = prepare(values, weights, options);
  const n = values.length;
  const pseudoP = new Float64Array(n);
  const zSim = new Float64Array(n);
  const { prefix, hitStart, hitPermutation, hitPosition, permutations } = draws;
  permuteCells(values, weights.offsets, weights.neighbours, prefix, hitStart, hitPermutation, hitPosition, permutations, 0, n, pseudoP, zSim);
  return { pseudoP, zSim };
}

function shared<T extends Float64Array | Uint32Array>(array: T): T {
  const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(array.byteLength));
  copy.set(array as never);
  return copy;
}

// `__name` stands in for the helper a bundler that keeps function names may have put into the source.
const WORKER_SOURCE = `
const { parentPort, workerData: d } = require('node:worker_threads');
const __name = (f) => f;
const permuteCells = (${permuteCells.toString()});
permuteCells(d.x, d.offsets, d.neighbours, d.prefix, d.hitStart, d.hitPermutation, d.hitPosition, d.permutations, d.start, d.end, d.pseudoP, d.zSim);
parentPort.postMessage('done');
`;

/**
 * Conditional permutation inference for Gi* (999 permutations by default, as spdep `localG_perm` and
 * PySAL `G_Local(star = True)`), the cells split over worker threads that read the inputs from shared
 * memory and write their results into it. The draws are made once, from the seed, before the split, so
 * the result does not depend on the number of threads.
 *
 * At 100,000 cells the work is about ¼ s of one core: the workers are there less for speed (on a busy
 * 2-core machine one thread is faster, `npm run bench hotspot` shows both) than to leave the server's
 * event loop free meanwhile. Below 20,000 cells (a few tens of ms) it runs in this thread.
 */
export async function giStarConditionalPermutation(values: Float64Array, weights: NeighbourLists, options: GiStarPermutationOptions = {}): Promise<GiStarPermutation> {
  const threads = Math.max(0, Math.floor(options.threads ?? availableParallelism()));
  const n = values.length;
  if (threads === 0 || n < 20_000) return giStarConditionalPermutationInThread(values, weights, options);
  const draws = prepare(values, weights, options);
  const data = {
    x: shared(values),
    offsets: shared(weights.offsets),
    neighbours: shared(weights.neighbours),
    prefix: shared(draws.prefix),
    hitStart: shared(draws.hitStart),
    hitPermutation: shared(draws.hitPermutation),
    hitPosition: shared(draws.hitPosition),
    permutations: draws.permutations,
    pseudoP: new Float64Array(new SharedArrayBuffer(n * 8)),
    zSim: new Float64Array(new SharedArrayBuffer(n * 8)),
  };
  const chunk = Math.ceil(n / threads);
  const runs: Promise<void>[] = [];
  for (let start = 0; start < n; start += chunk) {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...data, start, end: Math.min(n, start + chunk) } });
    runs.push(
      new Promise<void>((resolve, reject) => {
        worker.once('message', () => resolve());
        worker.once('error', reject);
        worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`Gi* permutation worker exited with code ${code}`))));
      }),
    );
  }
  await Promise.all(runs);
  return { pseudoP: Float64Array.from(data.pseudoP), zSim: Float64Array.from(data.zSim) };
}
