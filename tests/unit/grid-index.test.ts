import * as turf from '@turf/turf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GridIndex, type CellFeature } from '../../server/grid/index.js';
import { AWKWARD_LAYOUT, layoutMesh, meshGrid, seededRandom, voronoiGrid } from '../fixtures/syntheticGrid.js';

type Ring = readonly (readonly number[])[];

function ringsOf(cell: CellFeature): Ring[] {
  return cell.geometry.type === 'Polygon' ? cell.geometry.coordinates : cell.geometry.coordinates.flat();
}

function segmentKey(ax: number, ay: number, bx: number, by: number): string {
  return ax < bx || (ax === bx && ay < by) ? `${ax},${ay},${bx},${by}` : `${bx},${by},${ax},${ay}`;
}

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * Ground truth that does not share code with GridIndex: turf for containment, plain geometry for
 * "touches", and segment multiplicity for "on the outer boundary of the covered area" (a segment used
 * by one cell only has uncovered ground on its other side).
 */
class Oracle {
  private readonly segmentUses = new Map<string, number>();
  private readonly outerSegments: [number, number, number, number][] = [];

  constructor(readonly cells: CellFeature[]) {
    for (const cell of cells) {
      for (const ring of ringsOf(cell)) {
        for (let i = 0; i + 1 < ring.length; i++) {
          const key = segmentKey(ring[i]![0]!, ring[i]![1]!, ring[i + 1]![0]!, ring[i + 1]![1]!);
          this.segmentUses.set(key, (this.segmentUses.get(key) ?? 0) + 1);
        }
      }
    }
    for (const cell of cells) {
      for (const ring of ringsOf(cell)) {
        for (let i = 0; i + 1 < ring.length; i++) {
          const [a, b] = [ring[i]!, ring[i + 1]!];
          if (this.segmentUses.get(segmentKey(a[0]!, a[1]!, b[0]!, b[1]!)) === 1) {
            this.outerSegments.push([a[0]!, a[1]!, b[0]!, b[1]!]);
          }
        }
      }
    }
  }

  /** Within eps degrees of a segment that only one cell uses, i.e. of the covered area's outer boundary. */
  nearOuterBoundary(x: number, y: number, eps = 1e-11): boolean {
    for (const [ax, ay, bx, by] of this.outerSegments) {
      if (distanceToSegment(x, y, ax, ay, bx, by) <= eps) return true;
    }
    return false;
  }

  /** Cells turf puts the point in, boundary included. */
  containing(x: number, y: number): number[] {
    const hits: number[] = [];
    this.cells.forEach((cell, k) => {
      if (turf.booleanPointInPolygon([x, y], cell)) hits.push(k);
    });
    return hits;
  }

  /** Cells containing the point or passing within eps degrees of it. */
  touching(x: number, y: number, eps = 1e-9): Set<number> {
    const hits = new Set(this.containing(x, y));
    this.cells.forEach((cell, k) => {
      for (const ring of ringsOf(cell)) {
        for (let i = 0; i + 1 < ring.length; i++) {
          const [a, b] = [ring[i]!, ring[i + 1]!];
          if (distanceToSegment(x, y, a[0]!, a[1]!, b[0]!, b[1]!) <= eps) hits.add(k);
        }
      }
    });
    return hits;
  }
}

function cellsClaiming(index: GridIndex, x: number, y: number): number[] {
  const claims: number[] = [];
  for (let k = 0; k < index.cellCount; k++) if (index.cellContains(k, x, y)) claims.push(k);
  return claims;
}

interface Fixture {
  name: string;
  cells: CellFeature[];
  randomRuns: number;
  /** Share of buckets expected to be answered as "wholly inside one cell"; tiny fixtures have few. */
  minInsideShare: number;
}

const awkwardMesh = layoutMesh(AWKWARD_LAYOUT, { seed: 3, jitter: 0.2 });
const fixtures: Fixture[] = [
  { name: 'awkward cells (concave, holes, MultiPolygon)', cells: awkwardMesh.cells, randomRuns: 4000, minInsideShare: 0 },
  {
    name: 'jittered quad mesh with a lake',
    cells: meshGrid(24, 18, (i, j) => ((i - 11.5) ** 2 + (j - 8.5) ** 2 < 12 || (i < 3 && j > 14) ? null : `${i},${j}`), {
      seed: 8,
      jitter: 0.28,
    }),
    randomRuns: 3000,
    minInsideShare: 0.2,
  },
  { name: 'Voronoi cells inside an irregular outline with a lake', cells: voronoiGrid({ seed: 11, cells: 250 }), randomRuns: 2500, minInsideShare: 0.2 },
];

/** A point drawn from the cells' bbox grown by 10% on each side, so some fall outside the city. */
function pointAround(cells: CellFeature[]): fc.Arbitrary<[number, number]> {
  const [x0, y0, x1, y1] = turf.bbox(turf.featureCollection(cells));
  const mx = (x1 - x0) * 0.1;
  const my = (y1 - y0) * 0.1;
  return fc.tuple(
    fc.double({ min: x0 - mx, max: x1 + mx, noNaN: true }),
    fc.double({ min: y0 - my, max: y1 + my, noNaN: true }),
  );
}

/** A vertex of some cell (t = 0) or a point interpolated along one of its edges. */
function pointOnBoundary(cells: CellFeature[]) {
  return fc
    .record({
      cell: fc.nat(cells.length - 1),
      ring: fc.nat(),
      vertex: fc.nat(),
      t: fc.oneof(fc.constant(0), fc.constant(0.5), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })),
    })
    .map(({ cell, ring, vertex, t }) => {
      const rings = ringsOf(cells[cell]!);
      const r = rings[ring % rings.length]!;
      const i = vertex % (r.length - 1);
      const a = r[i]!;
      const b = r[i + 1]!;
      const x = t === 0 ? a[0]! : a[0]! + t * (b[0]! - a[0]!);
      const y = t === 0 ? a[1]! : a[1]! + t * (b[1]! - a[1]!);
      return { x, y };
    });
}

describe.each(fixtures)('GridIndex over $name', ({ cells, randomRuns, minInsideShare }) => {
  const index = new GridIndex(cells);
  const oracle = new Oracle(cells);

  it('agrees with brute-force turf for random points in and around the city', () => {
    let inside = 0;
    let outside = 0;
    fc.assert(
      fc.property(pointAround(cells), ([x, y]) => {
        const expected = oracle.containing(x, y);
        const got = index.locate(x, y);
        if (expected.length === 0) {
          outside++;
          expect(got).toBe(-1);
        } else {
          inside++;
          expect(expected).toContain(got);
        }
      }),
      { numRuns: randomRuns },
    );
    // Guards against a generator that silently stopped producing one of the two kinds of point.
    expect(inside).toBeGreaterThan(randomRuns * 0.15);
    expect(outside).toBeGreaterThan(randomRuns * 0.05);
  });

  it('puts vertices and edge points in exactly one touching cell, and never in none inside the city', () => {
    let shared = 0;
    fc.assert(
      fc.property(pointOnBoundary(cells), ({ x, y }) => {
        const got = index.locate(x, y);
        const touching = oracle.touching(x, y);
        const claims = cellsClaiming(index, x, y);
        // An interpolated point is only within rounding of its edge, so near the outer boundary it may
        // truly lie just outside the city.
        const onOuterBoundary = oracle.nearOuterBoundary(x, y);
        // locate must be the half-open rule's answer, whatever the buckets say.
        expect(got).toBe(claims.length === 0 ? -1 : claims[0]);
        if (onOuterBoundary) {
          expect(claims.length).toBeLessThanOrEqual(1);
          if (got !== -1) expect(touching).toContain(got);
        } else {
          shared++;
          expect(claims).toHaveLength(1);
          expect(touching).toContain(got);
        }
      }),
      { numRuns: 3000 },
    );
    expect(shared).toBeGreaterThan(300);
  });

  it('gives the same answers whatever the bucket size', () => {
    const variants = [1, 7, 60, 5000].map((bucketSizeM) => new GridIndex(cells, { bucketSizeM }));
    const probe = fc.oneof(
      pointAround(cells),
      pointOnBoundary(cells).map(({ x, y }): [number, number] => [x, y]),
    );
    fc.assert(
      fc.property(probe, ([x, y]) => {
        const expected = index.locate(x, y);
        for (const v of variants) expect(v.locate(x, y)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('locateMany matches locate, including points far outside and NaN', () => {
    const rand = seededRandom(99);
    const [x0, y0, x1, y1] = index.bbox;
    const n = 20_000;
    const lons = new Float64Array(n);
    const lats = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      lons[i] = x0 - (x1 - x0) * 0.2 + rand() * (x1 - x0) * 1.4;
      lats[i] = y0 - (y1 - y0) * 0.2 + rand() * (y1 - y0) * 1.4;
    }
    lons[0] = NaN;
    lats[1] = NaN;
    lons[2] = -180;
    lats[3] = 90;
    lons[4] = x1;
    lats[4] = y1;
    const out = new Int32Array(n).fill(-7);
    index.locateMany(lons, lats, out);
    for (let i = 0; i < n; i++) expect(out[i]).toBe(index.locate(lons[i]!, lats[i]!));
    expect(out.slice(0, 4)).toEqual(new Int32Array([-1, -1, -1, -1]));
    expect(new Set(out).size).toBeGreaterThan(cells.length / 2);
  });

  it('answers most buckets without any polygon test', () => {
    const s = index.stats();
    expect(s.cells).toBe(cells.length);
    expect(s.insideBuckets + s.outsideBuckets + s.boundaryBuckets).toBe(s.buckets);
    expect(s.insideBuckets).toBeGreaterThanOrEqual(s.buckets * minInsideShare);
    expect(s.meanCandidatesPerBoundaryBucket).toBeGreaterThanOrEqual(1);
    expect(s.meanCandidatesPerBoundaryBucket).toBeLessThan(4);
  });
});

describe('GridIndex on the awkward layout, quad by quad', () => {
  const index = new GridIndex(awkwardMesh.cells);
  const rows = AWKWARD_LAYOUT.length;
  const quads = AWKWARD_LAYOUT.flatMap((line, r) => [...line].map((ch, col) => ({ ch, col, row: rows - 1 - r })));

  function pointInQuad(col: number, row: number, s: number, t: number): [number, number] {
    const [p00, p10, p11, p01] = [
      awkwardMesh.vertexAt(col, row),
      awkwardMesh.vertexAt(col + 1, row),
      awkwardMesh.vertexAt(col + 1, row + 1),
      awkwardMesh.vertexAt(col, row + 1),
    ];
    const lerp = (k: 0 | 1) =>
      (1 - s) * (1 - t) * p00[k] + s * (1 - t) * p10[k] + s * t * p11[k] + (1 - s) * t * p01[k];
    return [lerp(0), lerp(1)];
  }

  it('finds the labelled cell inside every covered quad and no cell in lakes, holes and outside', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...quads),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        ({ ch, col, row }, s, t) => {
          const [x, y] = pointInQuad(col, row, s, t);
          const expected = ch === '.' || ch === '~' ? -1 : awkwardMesh.cellOfLabel.get(ch);
          expect(index.locate(x, y)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('builds the shapes the layout promises', () => {
    const geometryOf = (label: string) => awkwardMesh.cells[awkwardMesh.cellOfLabel.get(label)!]!.geometry;
    expect(geometryOf('M').type).toBe('MultiPolygon');
    for (const holed of ['A', 'B', 'E', 'F']) expect(geometryOf(holed).coordinates).toHaveLength(2);
    // C and G sit inside the holes of A and F: both must still be found at their quad centres.
    const [cx, cy] = pointInQuad(4, rows - 1 - 2, 0.5, 0.5);
    expect(index.locate(cx, cy)).toBe(awkwardMesh.cellOfLabel.get('C'));
    const [gx, gy] = pointInQuad(7, rows - 1 - 6, 0.5, 0.5);
    expect(index.locate(gx, gy)).toBe(awkwardMesh.cellOfLabel.get('G'));
  });
});

describe('GridIndex edge cases', () => {
  const square = (x0: number, y0: number, size: number): CellFeature['geometry'] => ({
    type: 'Polygon',
    coordinates: [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]],
  });
  const feature = (geometry: CellFeature['geometry']) => ({ geometry });

  it('finds nothing when there are no cells', () => {
    const index = new GridIndex([]);
    expect(index.locate(119.95, 31.7)).toBe(-1);
    expect(index.cellsIntersectingBBox(-180, -90, 180, 90)).toEqual([]);
    const out = new Int32Array(1);
    index.locateMany(new Float64Array([119.95]), new Float64Array([31.7]), out);
    expect(out[0]).toBe(-1);
  });

  it('splits two squares sharing an edge by the half-open rule, deterministically', () => {
    const [x0, x1, x2, y0, y1] = [119.95, 119.951, 119.952, 31.7, 31.701];
    const index = new GridIndex([
      feature({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] }),
      feature({ type: 'Polygon', coordinates: [[[x1, y1], [x1, y0], [x2, y0], [x2, y1], [x1, y1]]] }),
    ]);
    const ym = 31.7005;
    // A point on the shared edge belongs to the cell on its +x side, and so does the shared corner.
    expect(index.locate(x1, ym)).toBe(1);
    expect(index.locate(x1, y0)).toBe(1);
    expect(index.locate(119.9505, ym)).toBe(0);
    expect(index.locate(119.9515, ym)).toBe(1);
    expect(index.locate(119.953, ym)).toBe(-1);
    expect(index.locate(119.9515, 31.7011)).toBe(-1);
    // The south edge is half-open the other way: included, the north edge excluded.
    expect(index.locate(119.9505, y0)).toBe(0);
    expect(index.locate(119.9505, y1)).toBe(-1);
  });

  it('accepts rings without the closing vertex and MultiPolygons with holes', () => {
    const open = new GridIndex([feature({ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2]]] })]);
    expect(open.locate(1, 1)).toBe(0);
    expect(open.locate(3, 1)).toBe(-1);
    const donutAndIsland = new GridIndex([
      feature({
        type: 'MultiPolygon',
        coordinates: [
          [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [1, 3], [3, 3], [3, 1], [1, 1]]],
          [[[10, 10], [11, 10], [11, 11], [10, 11], [10, 10]]],
        ],
      }),
      feature(square(1.5, 1.5, 1)),
    ]);
    expect(donutAndIsland.locate(0.5, 0.5)).toBe(0);
    expect(donutAndIsland.locate(10.5, 10.5)).toBe(0);
    expect(donutAndIsland.locate(2, 2)).toBe(1);
    expect(donutAndIsland.locate(1.2, 1.2)).toBe(-1);
    expect(donutAndIsland.locate(7, 7)).toBe(-1);
  });

  it('rejects geometry it cannot index', () => {
    expect(() => new GridIndex([feature({ type: 'LineString', coordinates: [] } as never)])).toThrow(/Polygon/);
    expect(() => new GridIndex([feature({ type: 'Polygon', coordinates: [[[0, 0], [NaN, 0], [1, 1], [0, 0]]] })])).toThrow(
      /non-finite/,
    );
    const index = new GridIndex([feature(square(0, 0, 1))]);
    expect(() => index.cellContains(1, 0.5, 0.5)).toThrow(RangeError);
    expect(() => index.locateMany(new Float64Array(2), new Float64Array(1), new Int32Array(2))).toThrow(RangeError);
  });

  it('finds cells by bbox through the flatbush index', () => {
    const index = new GridIndex([feature(square(0, 0, 1)), feature(square(5, 5, 1)), feature(square(1, 0, 1))]);
    expect(index.cellsIntersectingBBox(0.5, 0.5, 0.6, 0.6).sort()).toEqual([0]);
    expect(index.cellsIntersectingBBox(0.5, 0.5, 1.5, 0.6).sort()).toEqual([0, 2]);
    expect(index.cellsIntersectingBBox(3, 3, 4, 4)).toEqual([]);
  });
});
