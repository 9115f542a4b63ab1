/**
 * Benchmark: incremental patrol coverage over the default city, and the size of a `coverage:cells`
 * frame.
 *
 * - Trackers drive the city's road graph at 30–50 km/h and report a fix every 5 s; the fixes are
 *   made first, then fed to PatrolCoverage.update one by one, as the trackers service would, on
 *   this one thread (the segment walk included). Goal: at least 100,000 updates a second.
 * - Baselines in the same run, on the same fixes: locating the fixes alone (fast, but misses the
 *   cells between fixes: the figure says how many), flatbush + turf.booleanIntersects of each
 *   segment against the cells whose bbox it meets, and turf.booleanIntersects of each segment
 *   against every cell (the naive scan). Turf's intersects counts touching boundaries, so along a
 *   road on a cell edge it counts both sides: the figure says how many more cells it counts.
 * - The frame: 1,000 cells that changed in the run, binary against a JSON array of
 *   `{gridCode, lastPatrolAt, cameraShare, score}`. Goal: at least 5× smaller.
 *
 *   npx tsx tests/bench/run.ts coverage
 */
import { gzipSync } from 'node:zlib';
import * as turf from '@turf/turf';
import { encodeCellFrame, decodeCellFrame, unitToByte, type City } from '../../shared/index.js';
import { ChangedCells, PatrolCoverage } from '../../server/coverage/patrolCoverage.js';
import { buildRoadGraph, type RoadGraph } from '../../server/dispatch/roadGraph.js';
import { GridIndex } from '../../server/grid/gridIndex.js';
import { SeededRandom } from '../../server/seededRandom.js';

export interface CoverageMethod {
  method: string;
  updatesPerSecond: number;
  /** Fixes actually timed; a rate over fewer is an extrapolation. */
  sampled: number;
  elapsedMs: number;
  /** Mean cells counted per walked segment (plausible segments only). */
  cellsPerSegment: number;
}

export interface CoverageBenchResult {
  name: 'coverage';
  ok: boolean;
  failures: string[];
  results: CoverageMethod[];
  ratios: Record<string, number>;
  patrol: {
    trackers: number;
    fixes: number;
    fixEverySeconds: number;
    simulatedMinutes: number;
    cellsPatrolled: number;
    cellsPatrolledLocateOnly: number;
    /** Of the (segment, cell) visits the engine finds, the share in no fix's cell: what locating fixes alone misses. */
    visitsMissedByLocateOnly: number;
    /** Segments where turf counts cells the engine does not (boundary touches: both sides of a road). */
    segmentsWhereTurfCountsMore: number;
    /** Segments where the engine counts a cell turf does not touch (a track on the edge, by rounding off it). */
    segmentsWhereTurfCountsLess: number;
    /** The farthest such a cell lies from its segment, in metres (at most the edge tolerance). */
    turfUntouchedMaxMetres: number;
    cpuSecondsPerMillionUpdates: number;
    engineBuildMs: number;
    heapMiB: number;
  };
  frame: {
    cells: number;
    binaryBytes: number;
    jsonBytes: number;
    binaryGzipBytes: number;
    jsonGzipBytes: number;
    encodeMicros: number;
    decodeMicros: number;
    roundTrips: boolean;
  };
}

export interface BenchCoverageOptions {
  trackers?: number;
  /** Simulated minutes of fixes. */
  minutes?: number;
  fixEverySeconds?: number;
  /** Fixes timed with flatbush + turf. */
  turfSample?: number;
  /** Fixes timed with the turf scan over every cell. */
  naiveSample?: number;
  repeats?: number;
  seed?: number;
}

interface Fixes {
  ids: string[];
  tracker: Int32Array;
  lon: Float64Array;
  lat: Float64Array;
  at: Float64Array;
  count: number;
}

const START = Date.parse('2026-11-23T09:00:00+08:00');

/**
 * Trackers wandering the road graph: each starts at a random node of the main part, takes a random
 * edge at every node (not straight back where it has a choice), at its own speed of 30–50 km/h.
 * Fixes come tick by tick, all trackers in each tick, as a gateway would send them.
 */
function simulateFixes(g: RoadGraph, trackers: number, ticks: number, everyS: number, rng: SeededRandom): Fixes {
  const main: number[] = [];
  for (let n = 0; n < g.nodeCount; n++) if (g.connected[n] === 1) main.push(n);
  const from = new Int32Array(trackers);
  const edge = new Int32Array(trackers);
  const along = new Float64Array(trackers);
  const speed = new Float64Array(trackers);
  const { offsets, targets, metres } = g.forward;
  const pickEdge = (node: number, cameFrom: number): number => {
    const lo = offsets[node]!;
    const hi = offsets[node + 1]!;
    if (hi === lo) return -1;
    let e = lo + rng.int(0, hi - lo - 1);
    if (targets[e] === cameFrom && hi - lo > 1) e = lo + ((e - lo + 1 + rng.int(0, hi - lo - 2)) % (hi - lo));
    return e;
  };
  for (let i = 0; i < trackers; i++) {
    from[i] = main[rng.int(0, main.length - 1)]!;
    edge[i] = pickEdge(from[i]!, -1);
    speed[i] = rng.range(30, 50) / 3.6;
  }
  const n = trackers * ticks;
  const out: Fixes = {
    ids: Array.from({ length: trackers }, (_, i) => `team-${i + 1}`),
    tracker: new Int32Array(n),
    lon: new Float64Array(n),
    lat: new Float64Array(n),
    at: new Float64Array(n),
    count: n,
  };
  let f = 0;
  for (let tick = 0; tick < ticks; tick++) {
    for (let i = 0; i < trackers; i++) {
      if (tick > 0) {
        along[i] = along[i]! + speed[i]! * everyS;
        while (edge[i]! >= 0 && along[i]! >= metres[edge[i]!]!) {
          along[i] = along[i]! - metres[edge[i]!]!;
          const node = targets[edge[i]!]!;
          const next = pickEdge(node, from[i]!);
          from[i] = node;
          edge[i] = next;
        }
      }
      const e = edge[i]!;
      const a = from[i]!;
      let lon = g.lon[a]!;
      let lat = g.lat[a]!;
      if (e >= 0) {
        const b = targets[e]!;
        const t = Math.min(1, along[i]! / metres[e]!);
        lon += t * (g.lon[b]! - lon);
        lat += t * (g.lat[b]! - lat);
      }
      out.tracker[f] = i;
      out.lon[f] = lon;
      out.lat[f] = lat;
      // A little jitter in the send times, as phones have; order within a tick stays by tracker.
      out.at[f++] = START + tick * everyS * 1000 + Math.round(rng.range(0, 200));
    }
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function benchCoverage(city: City, opts: BenchCoverageOptions = {}): CoverageBenchResult {
  const trackers = opts.trackers ?? 2000;
  const minutes = opts.minutes ?? 10;
  const everyS = opts.fixEverySeconds ?? 5;
  const repeats = opts.repeats ?? 3;
  const failures: string[] = [];
  const cells = city.layers.grid.features;
  const rng = new SeededRandom(opts.seed ?? 20261123);
  const fixes = simulateFixes(buildRoadGraph(city.layers.roads.features), trackers, Math.round((minutes * 60) / everyS), everyS, rng);
  const index = new GridIndex(cells);
  const { ids, tracker, lon, lat, at } = fixes;
  const n = fixes.count;

  // The engine, fresh each repeat so that every pass starts from the same state.
  let engine!: PatrolCoverage;
  const buildTimes: number[] = [];
  const times: number[] = [];
  const cpu: number[] = [];
  const changed = new ChangedCells(cells.length);
  for (let r = 0; r <= repeats; r++) {
    const b0 = performance.now();
    engine = new PatrolCoverage(cells, {}, index);
    buildTimes.push(performance.now() - b0);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let f = 0; f < n; f++) engine.update(ids[tracker[f]!]!, lon[f]!, lat[f]!, at[f]!);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    // The first pass warms the JIT.
    if (r > 0) {
      times.push(ms);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  const engineMs = median(times);
  const stats = engine.stats();
  if (stats.implausible > 0) failures.push(`${stats.implausible} simulated segments were taken for jumps`);

  // Cells per segment, and the cells between fixes, which locating the fixes alone misses (untimed):
  // the engine's cells of a segment other than those its two fixes are in, classified as points by
  // the same rules.
  const lastFix = new Int32Array(trackers).fill(-1);
  const walker = engine.walker;
  let walkedSegments = 0;
  let engineVisits = 0;
  let betweenFixes = 0;
  const pointCell = (x: number, y: number) => (walker.walk(x, y, x, y) > 0 ? walker.cells[0]! : -1);
  for (let f = 0; f < n; f++) {
    const p = lastFix[tracker[f]!]!;
    lastFix[tracker[f]!] = f;
    if (p < 0) continue;
    walkedSegments++;
    const k = walker.walk(lon[p]!, lat[p]!, lon[f]!, lat[f]!);
    const mine = walker.cells.slice(0, k);
    engineVisits += k;
    const a = pointCell(lon[p]!, lat[p]!);
    const b = pointCell(lon[f]!, lat[f]!);
    for (const c of mine) if (c !== a && c !== b) betweenFixes++;
  }

  // Locating the fixes alone: the same state updates, no segment walk.
  const locateTimes: number[] = [];
  let locatePatrolled = 0;
  for (let r = 0; r <= repeats; r++) {
    const lastAt = new Float64Array(cells.length).fill(NaN);
    const lastBy = new Int32Array(cells.length).fill(-1);
    const idOf = new Map<string, number>();
    const t0 = performance.now();
    for (let f = 0; f < n; f++) {
      const id = ids[tracker[f]!]!;
      let i = idOf.get(id);
      if (i === undefined) idOf.set(id, (i = idOf.size));
      const c = index.locate(lon[f]!, lat[f]!);
      if (c >= 0 && !(at[f]! <= lastAt[c]!)) {
        lastAt[c] = at[f]!;
        lastBy[c] = i;
      }
    }
    if (r > 0) locateTimes.push(performance.now() - t0);
    locatePatrolled = lastAt.reduce((s, v) => s + (Number.isNaN(v) ? 0 : 1), 0);
  }
  const locateMs = median(locateTimes);

  // flatbush + turf: every cell whose bbox meets the segment's, tested with booleanIntersects.
  const turfSample = Math.min(opts.turfSample ?? 20_000, n);
  const polygons = cells.map((c) => turf.feature(c.geometry));
  let turfMore = 0;
  let turfLess = 0;
  let turfVisits = 0;
  let turfSegments = 0;
  let turfLessMaxM = 0;
  const prevOf = new Int32Array(trackers).fill(-1);
  // Start the sample after the first tick, so that every fix has a segment.
  const first = trackers;
  const turfCells: number[][] = [];
  const t1 = performance.now();
  for (let f = 0; f < first + turfSample && f < n; f++) {
    const p = prevOf[tracker[f]!]!;
    prevOf[tracker[f]!] = f;
    if (f < first || p < 0) continue;
    const line = turf.lineString([
      [lon[p]!, lat[p]!],
      [lon[f]!, lat[f]!],
    ]);
    const hits: number[] = [];
    for (const k of index.cellsIntersectingBBox(Math.min(lon[p]!, lon[f]!), Math.min(lat[p]!, lat[f]!), Math.max(lon[p]!, lon[f]!), Math.max(lat[p]!, lat[f]!))) {
      if (turf.booleanIntersects(line, polygons[k]!)) hits.push(k);
    }
    turfCells.push(hits);
  }
  const turfMs = performance.now() - t1;
  {
    // Compare with the engine's cells for the same segments (untimed). Where the engine counts a cell
    // turf does not touch, measure how far the segment passes from it: the track lies on the cell's
    // edge to within float rounding, and turf's exact test falls either side of it.
    prevOf.fill(-1);
    let s = 0;
    for (let f = 0; f < first + turfSample && f < n; f++) {
      const p = prevOf[tracker[f]!]!;
      prevOf[tracker[f]!] = f;
      if (f < first || p < 0) continue;
      const hits = new Set(turfCells[s++]!);
      const k = walker.walk(lon[p]!, lat[p]!, lon[f]!, lat[f]!);
      const mine = new Set(walker.cells.subarray(0, k));
      turfVisits += hits.size;
      turfSegments++;
      if ([...hits].some((c) => !mine.has(c))) turfMore++;
      const untouched = [...mine].filter((c) => !hits.has(c));
      if (untouched.length > 0) turfLess++;
      for (const c of untouched) turfLessMaxM = Math.max(turfLessMaxM, metresFromSegmentToCell(cells[c]!.geometry, lon[p]!, lat[p]!, lon[f]!, lat[f]!));
    }
  }
  if (turfLessMaxM > walker.edgeToleranceM) failures.push(`the engine counts a cell ${turfLessMaxM.toFixed(2)} m from a segment`);

  // The naive scan: every cell's polygon against each segment.
  const naiveSample = Math.min(opts.naiveSample ?? 30, n - first);
  const t2 = performance.now();
  for (let f = first; f < first + naiveSample; f++) {
    const p = f - trackers;
    const line = turf.lineString([
      [lon[p]!, lat[p]!],
      [lon[f]!, lat[f]!],
    ]);
    let hits = 0;
    for (let k = 0; k < polygons.length; k++) if (turf.booleanIntersects(line, polygons[k]!)) hits++;
    if (hits < 1) failures.push(`the turf scan found no cell for fix ${f}`);
  }
  const naiveMs = performance.now() - t2;

  const rate = (count: number, ms: number) => (count / ms) * 1000;
  const results: CoverageMethod[] = [
    { method: 'PatrolCoverage.update (segment walk)', updatesPerSecond: rate(n, engineMs), sampled: n, elapsedMs: engineMs, cellsPerSegment: engineVisits / walkedSegments },
    { method: 'locate the fixes only (misses cells)', updatesPerSecond: rate(n, locateMs), sampled: n, elapsedMs: locateMs, cellsPerSegment: NaN },
    { method: 'flatbush + turf booleanIntersects', updatesPerSecond: rate(turfSegments, turfMs), sampled: turfSegments, elapsedMs: turfMs, cellsPerSegment: turfVisits / turfSegments },
    { method: 'turf booleanIntersects, every cell', updatesPerSecond: rate(naiveSample, naiveMs), sampled: naiveSample, elapsedMs: naiveMs, cellsPerSegment: NaN },
  ];
  const [engineRate, locateRate, turfRate, naiveRate] = results.map((r) => r.updatesPerSecond) as [number, number, number, number];
  if (engineRate < 100_000) failures.push(`${Math.round(engineRate)} updates/s is under the goal of 100,000`);

  // The frame: 1,000 cells that changed in a stretch of the run.
  const frameEngine = new PatrolCoverage(cells, {}, index);
  for (let f = 0; f < n && changed.size < 1000; f++) changed.add(frameEngine.update(ids[tracker[f]!]!, lon[f]!, lat[f]!, at[f]!));
  const frameCells = changed.take().subarray(0, 1000);
  const m = frameCells.length;
  const snap = frameEngine.snapshot();
  const lastPatrolAt = Float64Array.from(frameCells, (c) => snap.lastPatrolAt[c]!);
  const passes = Uint16Array.from(frameCells, (c) => snap.windowPasses[c]!);
  // Camera shares and scores are another module's; plausible values stand in for them here.
  const frng = new SeededRandom(7);
  const share = Array.from({ length: m }, () => (frng.chance(0.6) ? 0 : Math.round(frng.float() * 1000) / 1000));
  const score = Array.from({ length: m }, () => Math.round(frng.float() * 1000) / 1000);
  const frame = {
    seq: frameEngine.version,
    epochMs: Math.max(...lastPatrolAt.filter((x) => !Number.isNaN(x))),
    snapshot: false,
    cells: frameCells,
    lastPatrolAt,
    passes,
    cameraShare: Uint8Array.from(share, unitToByte),
    score: Uint8Array.from(score, unitToByte),
  };
  const encodeTimes: number[] = [];
  const decodeTimes: number[] = [];
  let buf = encodeCellFrame(frame);
  for (let r = 0; r < 50; r++) {
    const e0 = performance.now();
    buf = encodeCellFrame(frame);
    encodeTimes.push(performance.now() - e0);
    const d0 = performance.now();
    decodeCellFrame(buf);
    decodeTimes.push(performance.now() - d0);
  }
  const back = decodeCellFrame(buf);
  const roundTrips =
    back.cells.every((c, i) => c === frameCells[i]) &&
    back.lastPatrolAt!.every((t, i) => t === Math.floor(lastPatrolAt[i]! / 1000) * 1000) &&
    back.passes!.every((p, i) => p === passes[i]);
  if (!roundTrips) failures.push('the frame does not round-trip');
  const json = JSON.stringify(
    Array.from(frameCells, (c, i) => ({
      gridCode: cells[c]!.properties.code,
      lastPatrolAt: new Date(lastPatrolAt[i]!).toISOString(),
      cameraShare: share[i],
      score: score[i],
    })),
  );
  const jsonBytes = Buffer.byteLength(json);
  const frameRatio = jsonBytes / buf.byteLength;
  if (m < 1000) failures.push(`only ${m} cells changed for the frame`);
  if (frameRatio < 5) failures.push(`the frame is only ${frameRatio.toFixed(1)}× smaller than JSON`);

  return {
    name: 'coverage',
    ok: failures.length === 0,
    failures,
    results,
    ratios: {
      engineVsTurfBBox: engineRate / turfRate,
      engineVsTurfScan: engineRate / naiveRate,
      locateOnlyVsEngine: locateRate / engineRate,
      jsonVsFrameBytes: frameRatio,
    },
    patrol: {
      trackers,
      fixes: n,
      fixEverySeconds: everyS,
      simulatedMinutes: minutes,
      cellsPatrolled: snapPatrolled(engine),
      cellsPatrolledLocateOnly: locatePatrolled,
      visitsMissedByLocateOnly: betweenFixes / engineVisits,
      segmentsWhereTurfCountsMore: turfMore / turfSegments,
      segmentsWhereTurfCountsLess: turfLess / turfSegments,
      turfUntouchedMaxMetres: turfLessMaxM,
      cpuSecondsPerMillionUpdates: (median(cpu) / 1000 / n) * 1e6,
      engineBuildMs: median(buildTimes),
      heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
    },
    frame: {
      cells: m,
      binaryBytes: buf.byteLength,
      jsonBytes,
      binaryGzipBytes: gzipSync(Buffer.from(buf)).byteLength,
      jsonGzipBytes: gzipSync(json).byteLength,
      encodeMicros: median(encodeTimes) * 1000,
      decodeMicros: median(decodeTimes) * 1000,
      roundTrips,
    },
  };
}

/** Metres between a segment and a cell's boundary (0 where they cross), in a local frame. */
function metresFromSegmentToCell(g: City['layers']['grid']['features'][number]['geometry'], alon: number, alat: number, blon: number, blat: number): number {
  const kx = 111_320 * Math.cos((alat * Math.PI) / 180);
  const ky = 110_574;
  const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
  const pointToSegment = (px: number, py: number, ax: number, ay: number, bx: number, by: number) => {
    const dx = bx - ax;
    const dy = by - ay;
    const u = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
    return Math.hypot(px - ax - u * dx, py - ay - u * dy);
  };
  const cross = (ox: number, oy: number, ax: number, ay: number, bx: number, by: number) => (ax - ox) * (by - oy) - (ay - oy) * (bx - ox);
  const [ax, ay, bx, by] = [alon * kx, alat * ky, blon * kx, blat * ky];
  let best = Infinity;
  for (const r of rings) {
    for (let i = 0; i + 1 < r.length; i++) {
      const [cx, cy, dx, dy] = [r[i]![0]! * kx, r[i]![1]! * ky, r[i + 1]![0]! * kx, r[i + 1]![1]! * ky];
      if (cross(ax, ay, bx, by, cx, cy) * cross(ax, ay, bx, by, dx, dy) < 0 && cross(cx, cy, dx, dy, ax, ay) * cross(cx, cy, dx, dy, bx, by) < 0) return 0;
      best = Math.min(best, pointToSegment(ax, ay, cx, cy, dx, dy), pointToSegment(bx, by, cx, cy, dx, dy), pointToSegment(cx, cy, ax, ay, bx, by), pointToSegment(dx, dy, ax, ay, bx, by));
    }
  }
  return best;
}

function snapPatrolled(engine: PatrolCoverage): number {
  let k = 0;
  for (let c = 0; c < engine.cellCount; c++) if (!Number.isNaN(engine.lastPatrolAt(c))) k++;
  return k;
}

export function printCoverage(r: CoverageBenchResult): void {
  const fmt = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : '–');
  console.table(
    r.results.map((m) => ({
      method: m.method,
      'updates/s': fmt(m.updatesPerSecond),
      timed: m.sampled,
      'cells/segment': Number.isFinite(m.cellsPerSegment) ? m.cellsPerSegment.toFixed(2) : '–',
    })),
  );
  const p = r.patrol;
  console.log(
    `${p.trackers} trackers at 30–50 km/h, a fix every ${p.fixEverySeconds} s for ${p.simulatedMinutes} min: ${p.fixes.toLocaleString('en')} fixes; ` +
      `${p.cellsPatrolled} cells patrolled; ${(p.visitsMissedByLocateOnly * 100).toFixed(1)}% of the engine's cell visits lie between fixes, in no fix's cell, and locating fixes alone misses them ` +
      `(it reports ${p.cellsPatrolledLocateOnly} cells all the same: fixes on a road that follows a cell edge fall either side of it by rounding, so it counts both sides); ` +
      `${p.cpuSecondsPerMillionUpdates.toFixed(2)} CPU s per million updates; engine built in ${fmt(p.engineBuildMs)} ms`,
  );
  console.log(
    `turf counts cells the engine does not on ${(p.segmentsWhereTurfCountsMore * 100).toFixed(1)}% of segments (it counts touching: both sides of a road on a cell edge, every cell at a junction); ` +
      `the engine counts a cell turf does not touch on ${(p.segmentsWhereTurfCountsLess * 100).toFixed(1)}% (the edge's owner, the track on the edge but rounded off it; at most ${p.turfUntouchedMaxMetres.toExponential(1)} m away)`,
  );
  console.log(
    `engine / flatbush+turf: ${r.ratios.engineVsTurfBBox!.toFixed(0)}×, engine / turf scan: ${r.ratios.engineVsTurfScan!.toFixed(0)}×, locate-only / engine: ${r.ratios.locateOnlyVsEngine!.toFixed(2)}×`,
  );
  const f = r.frame;
  console.log(
    `coverage:cells frame for ${f.cells} cells: ${f.binaryBytes.toLocaleString('en')} B (gzip ${f.binaryGzipBytes.toLocaleString('en')}) vs JSON ${f.jsonBytes.toLocaleString('en')} B (gzip ${f.jsonGzipBytes.toLocaleString('en')}): ` +
      `${r.ratios.jsonVsFrameBytes!.toFixed(1)}× smaller (${(f.jsonGzipBytes / f.binaryGzipBytes).toFixed(1)}× gzipped); encode ${f.encodeMicros.toFixed(0)} µs, decode ${f.decodeMicros.toFixed(0)} µs`,
  );
  console.log(r.ok ? 'goals met: ≥ 100,000 updates/s, frame ≥ 5× smaller' : `not ok: ${r.failures.join('; ')}`);
}
