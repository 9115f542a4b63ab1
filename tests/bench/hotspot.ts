/**
 * Benchmark: the hotspot statistics (server/hotspot/), each against a naive baseline in the same run.
 * Ratios are of medians; goals are judged on the best run, since the 2-core machine is shared.
 *
 * - Queen neighbours of the default city's ~10,000 cells: vertex hash against comparing every pair of
 *   cells (bounding boxes first, then vertices).
 * - Analytic Gi* + Benjamini–Hochberg over the city's cells and over a 400 × 250 lattice (100,000
 *   cells, queen): typed arrays and CSR lists against the same statistic written over neighbour
 *   objects keyed by cell code (what a straight port of GeoJSON-property code gives). Goal at 100,000
 *   cells: under 20 ms.
 * - 999 conditional permutations over the 100,000 cells: worker threads against the same kernel in
 *   one thread, and against independent draws per cell summed one by one (timed on a sample of
 *   cells, extrapolated). Goal: under 5 s.
 * - Emerging hot spots for the city's cells × 52 weeks (Gi* per week, FDR per week, Mann–Kendall,
 *   classes): against per-cell object series. Goal: under 1 s.
 *
 *   npm run bench hotspot
 */
import { availableParallelism } from 'node:os';
import type { AreaFeature } from '../../server/grid/cellRings.js';
import { emergingHotspotClasses } from '../../server/hotspot/emergingHotspots.js';
import { benjaminiHochberg, hotspotClasses } from '../../server/hotspot/falseDiscovery.js';
import { getisOrdGiStar, getisOrdGiStarSlices, giStarConditionalPermutation, giStarConditionalPermutationInThread } from '../../server/hotspot/getisOrd.js';
import { queenNeighbours, type NeighbourLists } from '../../server/hotspot/spatialWeights.js';
import { SeededRandom } from '../../server/seededRandom.js';
import { clusteredCounts, latticeCells } from '../fixtures/hotspot/lattice.js';

export interface HotspotRow {
  task: string;
  method: string;
  cells: number;
  /** Median wall milliseconds of the timed runs (or the extrapolation, see `note`). */
  ms: number;
  /** Fastest timed run: the machine is shared, and the goals are judged on this. */
  bestMs: number;
  runs: number;
  note?: string;
}

export interface HotspotBenchResult {
  name: 'hotspot';
  ok: boolean;
  failures: string[];
  threads: number;
  results: HotspotRow[];
  /** naive ÷ fast, per task. */
  ratios: Record<string, number>;
  goals: Record<string, { ms: number; goalMs: number; met: boolean }>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Timing {
  median: number;
  best: number;
}

/** One warm-up run, then `runs` timed; never below zero. */
function time(runs: number, pass: () => void): Timing {
  pass();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    pass();
    times.push(Math.max(0, performance.now() - t0));
  }
  return { median: median(times), best: Math.min(...times) };
}

async function timeAsync(runs: number, pass: () => Promise<void>): Promise<Timing> {
  await pass();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await pass();
    times.push(Math.max(0, performance.now() - t0));
  }
  return { median: median(times), best: Math.min(...times) };
}

const round = (ms: number) => Number(ms.toFixed(ms < 10 ? 2 : 1));

// ---- Naive baselines -------------------------------------------------------------------------------

function naiveQueen(cells: readonly AreaFeature[]): number[][] {
  const vertices = cells.map((c) => {
    const g = c.geometry;
    return (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()).flat().map((p) => [p[0]!, p[1]!]);
  });
  const boxes = vertices.map((vs) => [Math.min(...vs.map((v) => v[0]!)), Math.min(...vs.map((v) => v[1]!)), Math.max(...vs.map((v) => v[0]!)), Math.max(...vs.map((v) => v[1]!))]);
  const lists: number[][] = cells.map(() => []);
  for (let i = 0; i < cells.length; i++) {
    for (let j = i + 1; j < cells.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      if (a[0]! > b[2]! + 1e-7 || b[0]! > a[2]! + 1e-7 || a[1]! > b[3]! + 1e-7 || b[1]! > a[3]! + 1e-7) continue;
      if (vertices[i]!.some((p) => vertices[j]!.some((q) => Math.abs(p[0]! - q[0]!) <= 1e-7 && Math.abs(p[1]! - q[1]!) <= 1e-7))) {
        lists[i]!.push(j);
        lists[j]!.push(i);
      }
    }
  }
  return lists;
}

interface NaiveCell {
  code: string;
  value: number;
  neighbours: string[];
}

function naiveCellsOf(values: Float64Array, weights: NeighbourLists): NaiveCell[] {
  return Array.from(values, (value, i) => ({
    code: `cell-${i}`,
    value,
    neighbours: Array.from(weights.neighbours.subarray(weights.offsets[i], weights.offsets[i + 1]), (j) => `cell-${j}`),
  }));
}

/** Abramowitz & Stegun 7.1.26: the textbook erf a straight port would reach for. */
function erfTextbook(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return Math.sign(x) * y;
}

function naiveGiStarFdr(cells: NaiveCell[]): { code: string; z: number; p: number; q: number; cls: string }[] {
  const byCode = new Map(cells.map((c) => [c.code, c]));
  const n = cells.length;
  const mean = cells.reduce((s, c) => s + c.value, 0) / n;
  const s2 = cells.reduce((s, c) => s + (c.value - mean) ** 2, 0) / n;
  const rows = cells.map((c) => {
    const members = [c.code, ...c.neighbours.filter((code) => code !== c.code)];
    const sum = members.reduce((s, code) => s + byCode.get(code)!.value, 0);
    const w = members.length;
    const z = (sum - w * mean) / Math.sqrt((s2 * (n * w - w * w)) / (n - 1));
    return { code: c.code, z, p: 1 - erfTextbook(Math.abs(z) / Math.SQRT2), q: 1, cls: '' };
  });
  const sorted = [...rows].sort((a, b) => b.p - a.p);
  let running = 1;
  sorted.forEach((row, r) => {
    running = Math.min(running, (n / (n - r)) * row.p);
    row.q = running;
  });
  for (const row of rows) {
    const level = row.q <= 0.01 ? '99' : row.q <= 0.05 ? '95' : row.q <= 0.1 ? '90' : '';
    row.cls = level ? `${row.z > 0 ? 'hot' : 'cold'}_${level}` : 'not_significant';
  }
  return rows;
}

function naivePermutations(values: Float64Array, weights: NeighbourLists, permutations: number, cellsTimed: number): void {
  const random = new SeededRandom(1);
  const n = values.length;
  const x = Array.from(values);
  for (let i = 0; i < cellsTimed; i++) {
    const nbrs = Array.from(weights.neighbours.subarray(weights.offsets[i], weights.offsets[i + 1])).filter((j) => j !== i);
    const observed = nbrs.reduce((s, j) => s + x[j]!, 0);
    const sims: number[] = [];
    for (let p = 0; p < permutations; p++) {
      const picked = new Set<number>();
      while (picked.size < nbrs.length) {
        const j = random.int(0, n - 1);
        if (j !== i) picked.add(j);
      }
      sims.push([...picked].reduce((s, j) => s + x[j]!, 0));
    }
    const larger = sims.filter((s) => s >= observed).length;
    void Math.min(larger, permutations - larger);
  }
}

function naiveMannKendall(series: number[]): { s: number; p: number } {
  let s = 0;
  for (let i = 0; i < series.length; i++) for (let j = i + 1; j < series.length; j++) s += Math.sign(series[j]! - series[i]!);
  const ties = new Map<number, number>();
  for (const v of series) ties.set(v, (ties.get(v) ?? 0) + 1);
  const n = series.length;
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = s === 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(varS);
  return { s, p: 1 - erfTextbook(Math.abs(z) / Math.SQRT2) };
}

function naiveEmerging(weekly: NaiveCell[][]): string[] {
  const perWeek = weekly.map((cells) => naiveGiStarFdr(cells));
  const codes = weekly[0]!.map((c) => c.code);
  return codes.map((_, i) => {
    const history = perWeek.map((rows) => ({ z: rows[i]!.z, hot: rows[i]!.q <= 0.05 && rows[i]!.z > 0, cold: rows[i]!.q <= 0.05 && rows[i]!.z < 0 }));
    const hot = history.filter((h) => h.hot).length;
    const last = history[history.length - 1]!;
    if (!last.hot) return hot >= 0.9 * history.length ? 'historical_hot' : 'no_pattern';
    if (hot >= 0.9 * history.length) {
      const trend = naiveMannKendall(history.map((h) => h.z));
      return trend.p <= 0.05 ? (trend.s > 0 ? 'intensifying_hot' : 'diminishing_hot') : 'persistent_hot';
    }
    return hot === 1 ? 'new_hot' : history.some((h) => h.cold) ? 'oscillating_hot' : 'sporadic_hot';
  });
}

// ---- The bench -------------------------------------------------------------------------------------

export async function benchHotspot(cityCells: readonly AreaFeature[]): Promise<HotspotBenchResult> {
  const results: HotspotRow[] = [];
  const ratios: Record<string, number> = {};
  const goals: HotspotBenchResult['goals'] = {};
  const failures: string[] = [];
  const threads = availableParallelism();
  const row = (task: string, method: string, cells: number, t: Timing, runs: number, note?: string): HotspotRow => ({
    task,
    method,
    cells,
    ms: round(t.median),
    bestMs: round(t.best),
    runs,
    ...(note ? { note } : {}),
  });
  const pair = (task: string, fast: HotspotRow, naive: HotspotRow) => {
    results.push(fast, naive);
    ratios[task] = Number((naive.ms / Math.max(fast.ms, 1e-3)).toFixed(1));
  };
  const goal = (task: string, t: Timing, goalMs: number) => {
    goals[task] = { ms: round(t.best), goalMs, met: t.best < goalMs };
    if (t.best >= goalMs) failures.push(`${task}: best ${round(t.best)} ms, goal < ${goalMs} ms`);
  };

  // Queen neighbours of the city.
  const cityN = cityCells.length;
  const queen = time(5, () => void queenNeighbours(cityCells));
  const naiveQueenTime = time(1, () => void naiveQueen(cityCells));
  pair('queen neighbours, city', row('queen neighbours, city', 'vertex hash', cityN, queen, 5), row('queen neighbours, city', 'naive: every pair of cells', cityN, naiveQueenTime, 1));
  goal('queen neighbours, city', queen, 1000);

  // Analytic Gi* + FDR + classes, city and lattice.
  const cityWeights = queenNeighbours(cityCells);
  const cityValues = new Float64Array(cityN);
  {
    const random = new SeededRandom(7);
    for (let i = 0; i < cityN; i++) cityValues[i] = Math.floor(random.range(0, 6) + (i % 400 < 40 ? 6 : 0));
  }
  const lattice = latticeCells(400, 250);
  const latticeWeights = queenNeighbours(lattice);
  const latticeValues = clusteredCounts(400, 250, 17, { spots: 120 });
  const analytic = (values: Float64Array, weights: NeighbourLists) => {
    const { z, p } = getisOrdGiStar(values, weights);
    hotspotClasses(z, benjaminiHochberg(p));
  };
  for (const [label, values, weights] of [
    ['Gi* + FDR, city', cityValues, cityWeights],
    ['Gi* + FDR, 100k lattice', latticeValues, latticeWeights],
  ] as const) {
    const fast = time(21, () => analytic(values, weights));
    const naiveCells = naiveCellsOf(values, weights);
    const naive = time(3, () => void naiveGiStarFdr(naiveCells));
    pair(label, row(label, 'typed arrays, CSR', values.length, fast, 21), row(label, 'naive: neighbour objects by code', values.length, naive, 3));
    if (values.length >= 100_000) goal(label, fast, 20);
  }

  // 999 conditional permutations over the lattice.
  const permutations = 999;
  const permLabel = '999 permutations, 100k lattice';
  const threaded = await timeAsync(3, async () => void (await giStarConditionalPermutation(latticeValues, latticeWeights, { permutations, threads })));
  const inThread = time(3, () => void giStarConditionalPermutationInThread(latticeValues, latticeWeights, { permutations }));
  const sampled = 500;
  const naiveSample = time(1, () => naivePermutations(latticeValues, latticeWeights, permutations, sampled));
  const extrapolated = { median: (naiveSample.median * latticeValues.length) / sampled, best: (naiveSample.best * latticeValues.length) / sampled };
  results.push(row(permLabel, `shared draws, ${threads} worker threads`, latticeValues.length, threaded, 3, 'the event loop stays free'));
  pair(
    permLabel,
    row(permLabel, 'shared draws, this thread', latticeValues.length, inThread, 3),
    row(permLabel, 'naive: own draws per cell, summed', latticeValues.length, extrapolated, 1, `timed on ${sampled} cells, extrapolated`),
  );
  ratios[`${permLabel}: this thread ÷ worker threads`] = Number((inThread.median / Math.max(threaded.median, 1e-3)).toFixed(2));
  goal(permLabel, threaded, 5000);

  // Emerging hot spots, city × 52 weeks.
  const weeks = 52;
  const weekly: Float64Array[] = [];
  {
    const random = new SeededRandom(52);
    for (let w = 0; w < weeks; w++) {
      const slice = new Float64Array(cityN);
      // A slowly growing cluster in the first 500 cells, and noise elsewhere.
      for (let i = 0; i < cityN; i++) slice[i] = Math.floor(random.range(0, 5) + (i < 500 ? (w / weeks) * 8 : 0));
      weekly.push(slice);
    }
  }
  const emLabel = 'emerging hot spots, city × 52 weeks';
  const emerging = time(5, () => {
    const gi = getisOrdGiStarSlices(weekly, cityWeights);
    emergingHotspotClasses(gi.z, gi.p.map((p) => benjaminiHochberg(p)));
  });
  const gi = getisOrdGiStarSlices(weekly, cityWeights);
  const q = gi.p.map((p) => benjaminiHochberg(p));
  const classify = time(5, () => void emergingHotspotClasses(gi.z, q));
  const naiveWeekly = weekly.map((values) => naiveCellsOf(values, cityWeights));
  const naive = time(1, () => void naiveEmerging(naiveWeekly));
  results.push(row(emLabel, 'classes only (Gi* given)', cityN, classify, 5));
  pair(emLabel, row(emLabel, 'Gi* + FDR per week + Mann–Kendall + classes', cityN, emerging, 5), row(emLabel, 'naive: object series per cell', cityN, naive, 1));
  goal(emLabel, emerging, 1000);

  return { name: 'hotspot', ok: failures.length === 0, failures, threads, results, ratios, goals };
}

export function printHotspot(result: HotspotBenchResult): void {
  console.table(result.results.map((r) => ({ task: r.task, method: r.method, cells: r.cells, 'median ms': r.ms, 'best ms': r.bestMs, runs: r.runs, note: r.note ?? '' })));
  for (const [task, ratio] of Object.entries(result.ratios)) console.log(`${task}${task.includes('÷') ? '' : ': naive ÷ fast'} = ${ratio}× (medians)`);
  for (const [task, g] of Object.entries(result.goals)) console.log(`goal ${task}: best ${g.ms} ms < ${g.goalMs} ms: ${g.met}`);
  if (result.failures.length > 0) console.log(`missed: ${result.failures.join('; ')}`);
}
