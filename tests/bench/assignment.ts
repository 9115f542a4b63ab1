/**
 * Benchmark: assigning points to unit grid cells. GridIndex against the two approaches it replaces
 * (flatbush + turf, and a plain turf scan), on one set of seeded random points over the cells' bbox,
 * with a check that all three agree. The machine is shared, so the ratios matter more than the rates.
 *
 *   npx tsx tests/bench/assignment.ts [cellCount]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as turf from '@turf/turf';
import Flatbush from 'flatbush';
import { GridIndex, type CellFeature, type GridIndexOptions } from '../../server/grid/index.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { seededRandom, voronoiGrid } from '../fixtures/syntheticGrid.js';

export interface MethodResult {
  method: string;
  pointsPerSecond: number;
  /** Points actually timed; a rate over fewer points than the others is an extrapolation. */
  sampled: number;
  elapsedMs: number;
}

export interface BenchResult {
  name: 'assignment';
  ok: boolean;
  /** Why ok is false: disagreements between methods. */
  failures: string[];
  results: MethodResult[];
  ratios: Record<string, number>;
  context: Record<string, unknown>;
}

export interface BenchAssignmentOptions {
  /** Points timed with GridIndex. */
  points?: number;
  /** Points timed with flatbush + turf. */
  flatbushSample?: number;
  /** Points timed with the turf scan over every cell. */
  naiveSample?: number;
  /** Timed repetitions of the GridIndex pass; the median is reported. */
  repeats?: number;
  seed?: number;
  index?: GridIndexOptions;
}

function randomPoints(n: number, bbox: readonly number[], seed: number): { lons: Float64Array; lats: Float64Array } {
  const rand = seededRandom(seed);
  const [x0, y0, x1, y1] = bbox as [number, number, number, number];
  const lons = new Float64Array(n);
  const lats = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lons[i] = x0 + rand() * (x1 - x0);
    lats[i] = y0 + rand() * (y1 - y0);
  }
  return { lons, lats };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs pass() once to warm the JIT, then `repeats` times timed; returns the median milliseconds. */
function timeMedian(repeats: number, pass: () => void): number {
  pass();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    pass();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export async function benchAssignment(cells: CellFeature[], opts: BenchAssignmentOptions = {}): Promise<BenchResult> {
  const points = opts.points ?? 1_000_000;
  const flatbushSample = Math.min(opts.flatbushSample ?? 100_000, points);
  const naiveSample = Math.min(opts.naiveSample ?? 1_000, flatbushSample);
  const repeats = opts.repeats ?? 5;
  const failures: string[] = [];

  const buildTimes: number[] = [];
  let index!: GridIndex;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    index = new GridIndex(cells, opts.index);
    buildTimes.push(performance.now() - t0);
  }
  const { lons, lats } = randomPoints(points, index.bbox, opts.seed ?? 20240601);

  const viaLocate = new Int32Array(points);
  const locateMs = timeMedian(repeats, () => {
    for (let i = 0; i < points; i++) viaLocate[i] = index.locate(lons[i]!, lats[i]!);
  });
  const viaLocateMany = new Int32Array(points);
  const locateManyMs = timeMedian(repeats, () => index.locateMany(lons, lats, viaLocateMany));
  for (let i = 0; i < points; i++) {
    if (viaLocateMany[i] !== viaLocate[i]) {
      failures.push(`locateMany disagrees with locate at point ${i}`);
      break;
    }
  }

  const bboxIndex = new Flatbush(cells.length);
  for (const cell of cells) {
    const [x0, y0, x1, y1] = turf.bbox(cell);
    bboxIndex.add(x0, y0, x1, y1);
  }
  bboxIndex.finish();
  const locateWithFlatbushTurf = (x: number, y: number): number => {
    let found = -1;
    for (const k of bboxIndex.search(x, y, x, y)) {
      if ((found === -1 || k < found) && turf.booleanPointInPolygon([x, y], cells[k]!)) found = k;
    }
    return found;
  };
  const viaFlatbush = new Int32Array(flatbushSample);
  const flatbushMs = timeMedian(1, () => {
    for (let i = 0; i < flatbushSample; i++) viaFlatbush[i] = locateWithFlatbushTurf(lons[i]!, lats[i]!);
  });

  const viaNaive = new Int32Array(naiveSample);
  const naiveMs = timeMedian(1, () => {
    for (let i = 0; i < naiveSample; i++) {
      let found = -1;
      for (let k = 0; k < cells.length && found === -1; k++) {
        if (turf.booleanPointInPolygon([lons[i]!, lats[i]!], cells[k]!)) found = k;
      }
      viaNaive[i] = found;
    }
  });

  const countMismatches = (a: Int32Array, b: Int32Array, n: number) => {
    let m = 0;
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) m++;
    return m;
  };
  const mismatchFlatbush = countMismatches(viaLocate, viaFlatbush, flatbushSample);
  const mismatchNaive = countMismatches(viaLocate, viaNaive, naiveSample);
  const mismatchTurfs = countMismatches(viaFlatbush, viaNaive, naiveSample);
  if (mismatchFlatbush) failures.push(`GridIndex and flatbush+turf disagree on ${mismatchFlatbush} of ${flatbushSample} points`);
  if (mismatchNaive) failures.push(`GridIndex and the turf scan disagree on ${mismatchNaive} of ${naiveSample} points`);
  if (mismatchTurfs) failures.push(`flatbush+turf and the turf scan disagree on ${mismatchTurfs} of ${naiveSample} points`);

  const rate = (n: number, ms: number) => (n / ms) * 1000;
  const results: MethodResult[] = [
    { method: 'GridIndex.locate', pointsPerSecond: rate(points, locateMs), sampled: points, elapsedMs: locateMs },
    { method: 'GridIndex.locateMany', pointsPerSecond: rate(points, locateManyMs), sampled: points, elapsedMs: locateManyMs },
    { method: 'flatbush + turf booleanPointInPolygon', pointsPerSecond: rate(flatbushSample, flatbushMs), sampled: flatbushSample, elapsedMs: flatbushMs },
    { method: 'turf scan over all cells', pointsPerSecond: rate(naiveSample, naiveMs), sampled: naiveSample, elapsedMs: naiveMs },
  ];
  const [locate, locateMany, flatbush, naive] = results.map((r) => r.pointsPerSecond) as [number, number, number, number];
  let inCity = 0;
  for (let i = 0; i < points; i++) if (viaLocate[i] !== -1) inCity++;
  return {
    name: 'assignment',
    ok: failures.length === 0,
    failures,
    results,
    ratios: {
      locateVsFlatbushTurf: locate / flatbush,
      locateVsTurfScan: locate / naive,
      flatbushTurfVsTurfScan: flatbush / naive,
      locateManyVsLocate: locateMany / locate,
    },
    context: {
      cells: cells.length,
      buildMs: median(buildTimes),
      shareOfPointsInACell: inCity / points,
      index: index.stats(),
    },
  };
}

export function printResult(result: BenchResult): void {
  const rows = result.results.map((r) => ({
    method: r.method,
    'points/s': Math.round(r.pointsPerSecond).toLocaleString('en-US'),
    sampled: r.sampled.toLocaleString('en-US'),
    'ms': r.elapsedMs.toFixed(1),
  }));
  console.table(rows);
  console.table(Object.fromEntries(Object.entries(result.ratios).map(([k, v]) => [k, { ratio: Number(v.toFixed(1)) }])));
  const { index, ...rest } = result.context;
  console.log(rest);
  console.log('index', index);
  console.log(result.ok ? 'all methods agree' : `FAILED:\n  ${result.failures.join('\n  ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cellCount = Number(process.argv[2] ?? 10_000);
  const t0 = performance.now();
  const cells = voronoiGrid({ cells: cellCount, seed: 1 });
  console.log(`synthetic grid: ${cells.length} Voronoi cells in ${(performance.now() - t0).toFixed(0)} ms`);
  const result = await benchAssignment(cells);
  printResult(result);
  const dir = join(PROJECT_ROOT, 'var', 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'assignment.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${join(dir, 'assignment.json')}`);
  if (!result.ok) process.exitCode = 1;
}
