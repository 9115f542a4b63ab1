import { join } from 'node:path';
import { cellToLatLng, gridDisk, latLngToCell } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { City } from '../../shared/index.js';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { readConfig } from '../../server/config.js';
import type { AreaFeature } from '../../server/grid/cellRings.js';
import {
  cellCentroids,
  distanceBandNeighbours,
  h3Neighbours,
  includeSelf,
  neighbourListsFromArrays,
  neighbourListsToArrays,
  neighboursAreSymmetric,
  queenNeighbours,
} from '../../server/hotspot/spatialWeights.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { latticeCells } from '../fixtures/hotspot/lattice.js';

/*
 * The hand-made grid, in units of 0.001°, row 0 the southernmost. A–F are squares; G is a
 * MultiPolygon of two squares, one east of F and one detached to the east, beside I; H is a triangle
 * whose only vertex on the grid is the corner (2, 2) of E and F; J touches nothing.
 *
 *                 H
 *   2 +----+----+-/\-+----+                       +----+ (10, 3) J
 *     | D  | E  | F  | G  |        +----+----+
 *   1 +----+----+----+----+        | G  | I  |
 *     | A  | B  | C  |             +----+----+ (y = 0.5)
 *   0 +----+----+----+
 *     0    1    2    3    4        6    7    8
 */
const UNIT = 0.001;
const pt = (x: number, y: number) => [120 + x * UNIT, 31.7 + y * UNIT];
const squareRing = (x: number, y: number) => [pt(x, y), pt(x + 1, y), pt(x + 1, y + 1), pt(x, y + 1), pt(x, y)];
const square = (x: number, y: number): AreaFeature => ({ geometry: { type: 'Polygon', coordinates: [squareRing(x, y)] } });
const NAMES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'] as const;
const SMALL: AreaFeature[] = [
  square(0, 0),
  square(1, 0),
  square(2, 0),
  square(0, 1),
  square(1, 1),
  square(2, 1),
  { geometry: { type: 'MultiPolygon', coordinates: [[squareRing(3, 1)], [squareRing(6, 0.5)]] } },
  { geometry: { type: 'Polygon', coordinates: [[pt(1.5, 2.6), pt(2, 2), pt(2.5, 2.6), pt(1.5, 2.6)]] } },
  square(7, 0.5),
  square(10, 3),
];

function named(lists: number[][]): Record<string, string> {
  return Object.fromEntries(lists.map((list, i) => [NAMES[i], list.map((j) => NAMES[j]).join('')]));
}

describe('queen contiguity', () => {
  it('links cells that share a vertex or an edge, across the parts of a MultiPolygon', () => {
    expect(named(neighbourListsToArrays(queenNeighbours(SMALL)))).toEqual({
      A: 'BDE',
      B: 'ACDEF',
      C: 'BEFG',
      D: 'ABE',
      E: 'ABCDFH',
      F: 'BCEGH',
      G: 'CFI',
      H: 'EF',
      I: 'G',
      J: '',
    });
  });

  it('treats vertices a rounding error apart as one (snap), and farther ones as distinct', () => {
    const nudged = (dx: number): AreaFeature => ({
      geometry: { type: 'Polygon', coordinates: [[pt(1 + dx, 0), pt(2, 0), pt(2, 1), pt(1 + dx, 1), pt(1 + dx, 0)]] },
    });
    expect(neighbourListsToArrays(queenNeighbours([square(0, 0), nudged(1e-8 / UNIT)]))).toEqual([[1], [0]]);
    expect(neighbourListsToArrays(queenNeighbours([square(0, 0), nudged(1e-5 / UNIT)]))).toEqual([[], []]);
    expect(neighbourListsToArrays(queenNeighbours([square(0, 0), nudged(1e-5 / UNIT)], { snap: 2e-5 }))).toEqual([[1], [0]]);
  });

  it('gives a lattice 3 neighbours at the corners, 5 on the sides and 8 inside', () => {
    const lists = neighbourListsToArrays(queenNeighbours(latticeCells(5, 4)));
    expect(lists[0]).toEqual([1, 5, 6]);
    expect(lists[2]!.length).toBe(5);
    expect(lists[7]).toEqual([1, 2, 3, 6, 8, 11, 12, 13]);
  });

  it('refuses a geometry that is not an area', () => {
    expect(() => queenNeighbours([{ geometry: { type: 'Point', coordinates: [0, 0] } } as unknown as AreaFeature])).toThrow(/Polygon or MultiPolygon/);
  });
});

describe('queen contiguity of the default city', () => {
  let city: City;
  beforeAll(() => {
    city = loadDefaultCity({ cacheDir: join(PROJECT_ROOT, 'var', 'test-cache'), seed: readConfig({}).citySeed }).city;
  });

  it('is symmetric, and every cell has 3 to 8 neighbours, 8 inside the city', () => {
    const cells = city.layers.grid.features;
    const weights = queenNeighbours(cells);
    expect(neighboursAreSymmetric(weights)).toBe(true);
    const degrees = Array.from({ length: cells.length }, (_, i) => weights.offsets[i + 1]! - weights.offsets[i]!);
    expect(Math.min(...degrees)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...degrees)).toBeLessThanOrEqual(8);
    // Fewer than 8 only on the edge of the city: cells with a vertex on an edge that no other cell
    // shares (the city's outline is ragged, so a bounding box would not do).
    const key = (p: readonly number[]) => `${p[0]},${p[1]}`;
    const outerRing = (i: number) => (cells[i]!.geometry as { coordinates: number[][][] }).coordinates[0]!;
    const edgeUses = new Map<string, number>();
    for (let i = 0; i < cells.length; i++) {
      const ring = outerRing(i);
      for (let k = 0; k + 1 < ring.length; k++) {
        const [a, b] = [key(ring[k]!), key(ring[k + 1]!)].sort();
        edgeUses.set(`${a}|${b}`, (edgeUses.get(`${a}|${b}`) ?? 0) + 1);
      }
    }
    const outline = new Set([...edgeUses].filter(([, uses]) => uses === 1).flatMap(([edge]) => edge.split('|')));
    const inner = degrees.filter((_, i) => !outerRing(i).some((p) => outline.has(key(p))));
    expect(inner.length).toBeGreaterThan(cells.length * 0.9);
    expect(new Set(inner)).toEqual(new Set([8]));
  });

  it('builds the lists of 10,000 cells well under a second', () => {
    const cells = city.layers.grid.features;
    queenNeighbours(cells);
    const t0 = performance.now();
    queenNeighbours(cells);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('distance band', () => {
  it('links centroids within the distance by great-circle metres, both ways, like a brute-force search', () => {
    const cells = latticeCells(12, 9);
    const centroids = cellCentroids(cells);
    const metres = 250;
    const lists = neighbourListsToArrays(distanceBandNeighbours(centroids, metres));
    const n = cells.length;
    const haversine = (i: number, j: number) => {
      const rad = Math.PI / 180;
      const [lon1, lat1, lon2, lat2] = [centroids[2 * i]! * rad, centroids[2 * i + 1]! * rad, centroids[2 * j]! * rad, centroids[2 * j + 1]! * rad];
      const a = Math.sin((lat2 - lat1) / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin((lon2 - lon1) / 2) ** 2;
      return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
    };
    for (let i = 0; i < n; i++) {
      const expected = [];
      for (let j = 0; j < n; j++) if (j !== i && haversine(i, j) <= metres) expected.push(j);
      expect(lists[i]).toEqual(expected);
    }
    expect(neighboursAreSymmetric(neighbourListsFromArrays(lists))).toBe(true);
    // Cells are about 95 m × 111 m: within 250 m an inner cell reaches two columns and two rows.
    expect(lists[4 * 12 + 5]!.length).toBeGreaterThanOrEqual(8);
  });

  it('leaves a far cell alone, and refuses a negative distance', () => {
    const centroids = Float64Array.from([120, 31.7, 120.001, 31.7, 121, 31.7]);
    expect(neighbourListsToArrays(distanceBandNeighbours(centroids, 200))).toEqual([[1], [0], []]);
    expect(() => distanceBandNeighbours(centroids, -1)).toThrow(/≥ 0/);
  });

  it('takes the mean of the outer ring, without the closing repeat, as the centroid', () => {
    const c = cellCentroids([square(0, 0)]);
    expect(c[0]).toBeCloseTo(120 + 0.5 * UNIT, 12);
    expect(c[1]).toBeCloseTo(31.7 + 0.5 * UNIT, 12);
  });
});

describe('H3 neighbours', () => {
  it('links cells of the ring around each cell, only among the cells given', () => {
    const centre = latLngToCell(31.75, 119.95, 9);
    const disk = gridDisk(centre, 2);
    const lists = neighbourListsToArrays(h3Neighbours(disk));
    const at = disk.indexOf(centre);
    expect(lists[at]!.map((j) => disk[j]).sort()).toEqual(gridDisk(centre, 1).filter((h) => h !== centre).sort());
    // Cells on the outer ring of the disk have fewer than 6 neighbours present.
    const degrees = lists.map((l) => l.length);
    expect(Math.max(...degrees)).toBe(6);
    expect(Math.min(...degrees)).toBeLessThan(6);
    expect(neighboursAreSymmetric(h3Neighbours(disk))).toBe(true);
    expect(cellToLatLng(centre)[0]).toBeCloseTo(31.75, 2);
  });

  it('refuses repeated cells and mixed resolutions', () => {
    const h = latLngToCell(31.75, 119.95, 9);
    expect(() => h3Neighbours([h, h])).toThrow(/twice/);
    expect(() => h3Neighbours([h, latLngToCell(31.75, 119.95, 8)])).toThrow(/resolution/);
  });
});

describe('lists', () => {
  it('adds each cell to its own list in order (include.self), once', () => {
    const lists = neighbourListsFromArrays([[1, 3], [0], [], [0]]);
    expect(neighbourListsToArrays(includeSelf(lists))).toEqual([[0, 1, 3], [0, 1], [2], [0, 3]]);
    expect(neighbourListsToArrays(includeSelf(includeSelf(lists)))).toEqual([[0, 1, 3], [0, 1], [2], [0, 3]]);
  });

  it('tells symmetric lists from others', () => {
    expect(neighboursAreSymmetric(neighbourListsFromArrays([[1], [0]]))).toBe(true);
    expect(neighboursAreSymmetric(neighbourListsFromArrays([[1], []]))).toBe(false);
  });
});
