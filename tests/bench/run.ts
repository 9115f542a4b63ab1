/**
 * `npm run bench`: every benchmark in one run, each as a ratio against a naive baseline measured in
 * the same run (the machine is shared and noisy, so absolute figures drift between runs; ratios much
 * less). Prints tables and writes var/bench/<benchmark>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { readConfig } from '../../server/config.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { benchAssignment, printResult } from './assignment.js';
import { measureBundle } from './bundle.js';
import { benchBrowserLive } from './browserLive.js';
import { benchConsole, consoleTable } from './console.js';
import { benchIngest } from './ingest.js';
import { benchReplay } from './replay.js';
import { benchDispatch } from './dispatch.js';
import { benchCoverage, printCoverage } from './coverage.js';
import { benchPoints } from './points.js';
import { benchH3 } from './h3.js';
import { benchHotspot, printHotspot } from './hotspot.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { teamsFromBases } from '../../server/team/teamRoster.js';

const outDir = join(PROJECT_ROOT, 'var', 'bench');
mkdirSync(outDir, { recursive: true });
function save(name: string, result: unknown): void {
  writeFileSync(join(outDir, `${name}.json`), JSON.stringify(result, null, 2) + '\n');
  console.log(`→ ${join('var', 'bench', `${name}.json`)}\n`);
}

const only = process.argv[2];
let failed = false;

if (!only || only === 'assignment') {
  const config = readConfig({});
  const { city } = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: config.citySeed });
  console.log(`== assignment: point → unit grid cell, default city (${city.layers.grid.features.length} cells)`);
  const result = await benchAssignment(city.layers.grid.features);
  printResult(result);
  save('assignment', result);
  failed ||= !result.ok;
}

if (!only || only === 'dispatch') {
  const config = readConfig({});
  const { city } = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: config.citySeed });
  console.log('== dispatch: rank 2,000 teams for a case by travel time at rush-hour road speeds, route included');
  const result = benchDispatch(city, teamsFromBases(city.layers['team-bases'].features, loadCatalog().categories));
  console.table([
    { method: 'early-stopping search from the case', cases: result.cases, 'p50 ms': result.queryMs.p50, 'p99 ms': result.queryMs.p99, 'max ms': result.queryMs.max, 'mean ms': result.queryMs.mean },
    { method: '  the same, CPU time', cases: result.cases * result.rounds, 'p50 ms': result.queryCpuMs.p50, 'p99 ms': result.queryCpuMs.p99 },
    { method: 'one full search from the case (search only)', cases: result.cases, 'p50 ms': result.fullSearchMs.p50, 'p99 ms': result.fullSearchMs.p99 },
    { method: 'one search per able team (naive)', cases: result.naiveCases, 'mean ms': result.naiveMsPerCase },
  ]);
  console.log(`graph ${result.nodes} nodes / ${result.edges} edges, ${result.teams} teams (${result.ableTeams} able per case on average); per case the search settles ${result.settledPerCase} nodes and snaps ${result.snappedPerCase} teams`);
  console.log(`one search per team / early-stopping search: ${result.ratio}× time per case; same ranking: ${result.sameAsNaive}; p99 < 5 ms: wall ${result.queryMs.p99 < 5}, CPU ${result.queryCpuMs.p99 < 5}`);
  save('dispatch', { name: 'dispatch', ...result });
  failed ||= !result.ok;
}

if (!only || only === 'coverage') {
  const config = readConfig({});
  const { city } = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: config.citySeed });
  console.log('== coverage: patrol coverage from 2,000 trackers on the roads (segment walk included), and the coverage:cells frame');
  const result = benchCoverage(city);
  printCoverage(result);
  save('coverage', result);
  failed ||= !result.ok;
}

if (!only || only === 'ingest') {
  console.log('== ingest: sustained POSTs with 20 subscribed socket clients');
  const naive = await benchIngest({ maxBatch: 1, label: 'one transaction per report' });
  const grouped = await benchIngest({ maxBatch: 2000, label: 'group commit' });
  const rows = [naive, grouped].map((r) => ({
    method: r.method,
    'acked/s': r.perSecond,
    acknowledged: r.acknowledged,
    refused: r.refused,
    'p50 ms': r.latencyMs.p50,
    'p99 ms': r.latencyMs.p99,
    'max ms': r.latencyMs.max,
    'all clients got all': r.deliveredToAllClients,
  }));
  console.table(rows);
  const ratio = grouped.perSecond / naive.perSecond;
  console.log(`group commit / one transaction per report: ${ratio.toFixed(2)}× throughput`);
  save('ingest', { name: 'ingest', results: [naive, grouped], ratios: { groupCommitVsPerReport: ratio } });
  failed ||= !grouped.deliveredToAllClients || grouped.refused > 0;
}

if (!only || only === 'replay') {
  console.log('== replay: live clients while another client replays the whole log (30 days of history, 20 reports/s)');
  const result = await benchReplay();
  console.table(
    result.phases.map((p) => ({
      phase: p.phase,
      s: p.seconds,
      'live p50 ms': p.liveMs.p50,
      'live p99 ms': p.liveMs.p99,
      'live max ms': p.liveMs.max,
      'health p99 ms': p.healthMs.p99,
      'health max ms': p.healthMs.max,
      'server CPU s': p.serverCpuSeconds,
    })),
  );
  const r = result.phases[1]!.replay!;
  console.log(`${r.replays} replays of the whole log (head ${result.headSeq}): ${r.events} events in ${r.seconds} s, ${r.eventsPerSecond}/s, in order: ${r.inOrder}; server CPU ${r.serverCpuMsPer1000Events} ms per 1,000 events replayed`);
  console.log(`replay / idle: live p99 ${result.ratios.liveP99}×, health p99 ${result.ratios.healthP99}×; goal met (p99 ≤ 2× idle, max ≤ idle max + 100 ms): ${result.ok}`);
  save('replay', result);
  failed ||= !result.ok;
}

if (!only || only === 'bundle') {
  console.log('== bundle: JavaScript shipped to the browser (npm run build first)');
  const { execFileSync } = await import('node:child_process');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  const result = measureBundle(join(PROJECT_ROOT, 'dist', 'client'));
  const kb = (n: number) => `${(n / 1024).toFixed(0)} kB`;
  console.table([
    { chunk: 'initial load', raw: kb(result.initial.raw), gzip: kb(result.initial.gzip) },
    ...result.lazy.map((l) => ({ chunk: l.file, raw: kb(l.raw), gzip: kb(l.gzip) })),
  ]);
  console.table(
    result.screens.map((x) => ({ screen: x.screen, files: x.files, raw: kb(x.raw), gzip: kb(x.gzip), 'whole app ÷ screen (gzip)': `${x.allOverScreenGzip.toFixed(1)}×` })),
  );
  console.log(`whole app (the unsplit baseline): ${kb(result.all.raw)} raw, ${kb(result.all.gzip)} gzip`);
  save('bundle', result);
}

if (!only || only === 'browser-live') {
  console.log('== browser-live: main-thread cost of a burst of 1,000 incident events in the dashboard');
  const results = await benchBrowserLive(1000);
  if (!results) console.log('no Chromium: skipped');
  else {
    console.table(results);
    // Results come in pairs (column store, naive baseline), one pair per map load.
    // Attribute time is what the column store changes; page main-thread time also holds rendering
    // (software WebGL here) and React, shared by both and noisy, so it is reported beside it.
    const ratios: Record<string, { attributes: number; mainThread: number }> = {};
    for (let k = 0; k + 1 < results.length; k += 2) {
      const [columns, objects] = [results[k]!, results[k + 1]!];
      const attributes = objects.attributeMsPerEvent / columns.attributeMsPerEvent;
      const mainThread = objects.mainThreadMsPerEvent / columns.mainThreadMsPerEvent;
      ratios[columns.method] = { attributes: Number(attributes.toFixed(2)), mainThread: Number(mainThread.toFixed(2)) };
      console.log(`naive objects / ${columns.method}: ${attributes.toFixed(2)}× attribute-update time, ${mainThread.toFixed(2)}× page main-thread time per event`);
    }
    save('browser-live', { name: 'browser-live', results, ratios });
  }
}

if (!only || only === 'console') {
  console.log('== console: the dispatch console (/dispatch) with 2,400 open cases and 512 teams reporting every second');
  const { existsSync } = await import('node:fs');
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'client', 'index.html'))) {
    const { execFileSync } = await import('node:child_process');
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  }
  const result = await benchConsole();
  if (!result) console.log('no Chromium: skipped');
  else {
    console.table(consoleTable(result));
    console.log(`${result.openCases} open cases, ${result.teams} teams, team:positions every ${result.teamPositionsMs} ms (set up in ${result.setupSeconds} s)`);
    console.log(`every row rendered (naive) / windowed queue: ${Object.entries(result.ratios).map(([k, v]) => `${k} ${v}×`).join(', ')}`);
    console.log(`screenshots: ${result.screenshots.join(', ')}`);
    save('console', result);
  }
}

if (!only || only === 'hotspot') {
  const config = readConfig({});
  const { city } = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: config.citySeed });
  console.log(`== hotspot: Gi*, FDR, permutations and emerging hot spots (default city: ${city.layers.grid.features.length} cells; lattice 400 × 250)`);
  const result = await benchHotspot(city.layers.grid.features);
  printHotspot(result);
  save('hotspot', result);
  failed ||= !result.ok;
}


if (!only || only === 'points') {
  console.log('== points: the density layers\' 90 days over HTTP, binary columns against JSON (median of 7, goal ≥ 4× smaller and faster)');
  const rows = await benchPoints();
  console.table(rows.map((r) => ({ theme: r.theme, frame: r.mode, points: r.count, 'JSON bytes': r.jsonBytes, 'binary bytes': r.binaryBytes, 'JSON ms': r.jsonMs.toFixed(1), 'binary ms': r.binaryMs.toFixed(1), 'size ×': r.sizeRatio.toFixed(1), 'time ×': r.timeRatio.toFixed(1) })));
  save('points', rows);
  failed ||= rows.some((r) => r.sizeRatio < 4 || r.timeRatio < 4);
}

if (!only || only === 'evaluation') {
  const { benchEvaluation, printEvaluation } = await import('./evaluation.js');
  console.log('== evaluation: a month of 综合评价 at every level over the 90-day history, facts held in memory against folding the log per request');
  const result = await benchEvaluation();
  printEvaluation(result);
  save('evaluation', result);
}

if (!only || only === 'h3') {
  const config = readConfig({});
  const { city } = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: config.citySeed });
  console.log('== h3: 1,000,000 incidents counted per H3 cell (resolution 8) from their stored indices, against locating each again (median of 5, goal < 100 ms)');
  const r = benchH3(city);
  console.log(`${r.points.toLocaleString('en')} points into ${r.hexagons} hexagons: stored indices ${r.storedMs.toFixed(1)} ms, locating again ${r.locateMs.toFixed(1)} ms (${r.ratio.toFixed(1)}×)`);
  save('h3', r);
  failed ||= !r.ok;
}

if (failed) process.exitCode = 1;
