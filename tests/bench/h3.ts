import { latLngToCell } from 'h3-js';
import type { City } from '../../shared/index.js';
import { countByH3Cell } from '../../server/hotspot/hotspotService.js';
import { cellCentroids } from '../../server/hotspot/spatialWeights.js';
import { SeededRandom } from '../../server/seededRandom.js';

/**
 * H3 aggregation (the hexagon hotspots, `res=h3-8`) of 1,000,000 incidents from the H3 indices stored
 * with them at ingest, against locating each point again (what storing the index saves). Points are
 * drawn at the centres of random unit grid cells of the default city, jittered within ±50 m. Median
 * of 5 runs each; goal: under 100 ms.
 */
export interface H3BenchResult {
  points: number;
  hexagons: number;
  storedMs: number;
  locateMs: number;
  ratio: number;
  ok: boolean;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function benchH3(city: City, n = 1_000_000): H3BenchResult {
  const rng = new SeededRandom(20261206);
  const centres = cellCentroids(city.layers.grid.features);
  const cells = centres.length / 2;
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rng.float() * cells);
    lon[i] = centres[2 * c]! + (rng.float() - 0.5) * 0.001;
    lat[i] = centres[2 * c + 1]! + (rng.float() - 0.5) * 0.0009;
  }
  // As the store answers them: one object per incident with its stored index.
  const stored = Array.from({ length: n }, (_, i) => ({ h3: latLngToCell(lat[i]!, lon[i]!, 8) }));
  const cityCells = [...new Set(Array.from({ length: cells }, (_, c) => latLngToCell(centres[2 * c + 1]!, centres[2 * c]!, 8)))].sort();
  const storedRuns: number[] = [];
  const locateRuns: number[] = [];
  let hexagons = 0;
  for (let r = 0; r < 5; r++) {
    let t0 = performance.now();
    hexagons = countByH3Cell(stored, cityCells).keys.length;
    storedRuns.push(performance.now() - t0);
    t0 = performance.now();
    countByH3Cell({ *[Symbol.iterator]() { for (let i = 0; i < n; i++) yield { h3: latLngToCell(lat[i]!, lon[i]!, 8) }; } }, cityCells);
    locateRuns.push(performance.now() - t0);
  }
  const storedMs = median(storedRuns);
  const locateMs = median(locateRuns);
  return { points: n, hexagons, storedMs, locateMs, ratio: locateMs / storedMs, ok: storedMs < 100 };
}
