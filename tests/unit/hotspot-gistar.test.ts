import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  getisOrdGiStar,
  getisOrdGiStarSlices,
  giStarConditionalPermutation,
  giStarConditionalPermutationInThread,
} from '../../server/hotspot/getisOrd.js';
import { normalTwoSidedP, normalUpperTail } from '../../server/hotspot/normal.js';
import { neighbourListsFromArrays, queenNeighbours, type NeighbourLists } from '../../server/hotspot/spatialWeights.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { clusteredCounts, latticeCells } from '../fixtures/hotspot/lattice.js';

interface GiStarCase {
  name: string;
  x: number[];
  neighbours: number[][];
  z: number[];
  p: number[];
  q: number[];
}
const reference = JSON.parse(readFileSync(join(PROJECT_ROOT, 'tests/fixtures/hotspot/gistar-reference.json'), 'utf8')) as { cases: GiStarCase[] };

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** A chain 0 – 1 – … – n−1, self not listed. */
function chain(n: number): NeighbourLists {
  return neighbourListsFromArrays(Array.from({ length: n }, (_, i) => [i - 1, i + 1].filter((j) => j >= 0 && j < n)));
}

describe('Gi* against spdep::localG with include.self() (tests/fixtures/hotspot/gistar-reference.json)', () => {
  it('has the cases the R script writes', () => {
    expect(reference.cases.map((c) => c.name)).toEqual(['queen-12x9', 'rook-12x9-ties', 'distance-band-island', 'queen-12x9-offset']);
  });

  for (const c of reference.cases) {
    it(`${c.name}: z within 1e-6 and p within 1e-8 of R`, () => {
      const { z, p } = getisOrdGiStar(Float64Array.from(c.x), neighbourListsFromArrays(c.neighbours));
      expect(maxAbsDifference(z, c.z)).toBeLessThan(1e-6);
      // Not tighter: with values near 1e6, R's own Σx − wᵢx̄ keeps only about 1e-9 of z.
      expect(maxAbsDifference(p, c.p)).toBeLessThan(1e-8);
      // Relative agreement where p is small too: that is where the 99 % class is decided.
      for (let i = 0; i < p.length; i++) expect(Math.abs(p[i]! - c.p[i]!)).toBeLessThanOrEqual(1e-7 * c.p[i]! + 1e-15);
    });
  }

  it('counts the cell itself once whether or not its list names it', () => {
    const c = reference.cases[0]!;
    const withoutSelf = neighbourListsFromArrays(c.neighbours.map((list, i) => list.filter((j) => j !== i)));
    const { z } = getisOrdGiStar(Float64Array.from(c.x), withoutSelf);
    expect(maxAbsDifference(z, c.z)).toBeLessThan(1e-6);
  });

  it('gives an island the score of its own value against the field, as spdep with zero.policy', () => {
    const c = reference.cases.find((k) => k.name === 'distance-band-island')!;
    const island = c.neighbours.findIndex((list, i) => list.length === 1 && list[0] === i);
    expect(island).toBeGreaterThanOrEqual(0);
    const { z } = getisOrdGiStar(Float64Array.from(c.x), neighbourListsFromArrays(c.neighbours));
    expect(z[island]).toBeCloseTo(c.z[island]!, 9);
  });
});

describe('Gi* properties', () => {
  it('is invariant to scaling the values by a positive constant', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 40 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (counts, scale) => {
          const values = Float64Array.from(counts);
          const weights = chain(values.length);
          const a = getisOrdGiStar(values, weights);
          const b = getisOrdGiStar(values.map((v) => v * scale), weights);
          for (let i = 0; i < a.z.length; i++) expect(b.z[i]).toBeCloseTo(a.z[i]!, 9);
        },
      ),
    );
  });

  it('is invariant to adding a constant to the values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 40 }), fc.integer({ min: -1000, max: 1000 }), (counts, shift) => {
        const values = Float64Array.from(counts);
        const weights = chain(values.length);
        const a = getisOrdGiStar(values, weights);
        const b = getisOrdGiStar(values.map((v) => v + shift), weights);
        for (let i = 0; i < a.z.length; i++) expect(b.z[i]).toBeCloseTo(a.z[i]!, 8);
      }),
    );
  });

  it('gives z = 0 and p = 1 (not NaN) for a constant field, at any level', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), (n, level) => {
        const { z, p } = getisOrdGiStar(new Float64Array(n).fill(level), chain(n));
        expect(Array.from(z)).toEqual(new Array(n).fill(0));
        expect(Array.from(p)).toEqual(new Array(n).fill(1));
      }),
    );
  });

  it('gives z = 0 to a cell whose neighbourhood is every cell (no variance), as the field’s mean', () => {
    const all = neighbourListsFromArrays([[1, 2], [0], [0]]);
    const { z, p } = getisOrdGiStar(Float64Array.from([1, 5, 9]), all);
    expect(z[0]).toBe(0);
    expect(p[0]).toBe(1);
    expect(Number.isFinite(z[1]!)).toBe(true);
  });

  it('does not change its input', () => {
    const c = reference.cases[0]!;
    const values = Float64Array.from(c.x);
    const weights = neighbourListsFromArrays(c.neighbours);
    const before = [Float64Array.from(values), Uint32Array.from(weights.neighbours)];
    getisOrdGiStar(values, weights);
    expect(values).toEqual(before[0]);
    expect(weights.neighbours).toEqual(before[1]);
  });

  it('refuses values that do not match the lists, NaN values and neighbours out of range', () => {
    expect(() => getisOrdGiStar(new Float64Array(3), chain(4))).toThrow(/3 values but neighbour lists for 4/);
    expect(() => getisOrdGiStar(Float64Array.from([1, NaN, 2]), chain(3))).toThrow(/cell 1/);
    expect(() => getisOrdGiStar(Float64Array.from([1, 2]), neighbourListsFromArrays([[5], []]))).toThrow(/out of range/);
  });

  it('computes one Gi* per slice', () => {
    const c = reference.cases[0]!;
    const weights = neighbourListsFromArrays(c.neighbours);
    const x = Float64Array.from(c.x);
    const slices = getisOrdGiStarSlices([x, x.map((v) => v * 2)], weights);
    expect(slices.z).toHaveLength(2);
    expect(maxAbsDifference(slices.z[1]!, c.z)).toBeLessThan(1e-6);
  });
});

describe('normal tail', () => {
  it('matches known values of the standard normal far into the tail', () => {
    // R: pnorm(c(0, 1.959963984540054, 3, 5, 8.5), lower.tail = FALSE)
    expect(normalUpperTail(0)).toBe(0.5);
    expect(normalUpperTail(1.959963984540054) / 0.025 - 1).toBeLessThan(1e-13);
    expect(Math.abs(normalUpperTail(3) / 0.0013498980316300946 - 1)).toBeLessThan(1e-13);
    expect(Math.abs(normalUpperTail(5) / 2.866515718791939e-7 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(normalUpperTail(8.5) / 9.47953482220332e-18 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(normalUpperTail(-1) - 0.8413447460685429)).toBeLessThan(1e-15);
    expect(normalTwoSidedP(-3)).toBeCloseTo(2 * 0.0013498980316300946, 15);
  });
});

describe('Gi* by conditional permutation', () => {
  const cols = 100;
  const rows = 80;
  const weights = queenNeighbours(latticeCells(cols, rows));
  const values = clusteredCounts(cols, rows, 11);

  it('agrees with the analytic p-values on a large clustered field', async () => {
    const analytic = getisOrdGiStar(values, weights);
    const { pseudoP, zSim } = await giStarConditionalPermutation(values, weights, { permutations: 999, seed: 3, threads: 2 });
    let agree = 0;
    let significant = 0;
    let sumZ = 0;
    let sumZSim = 0;
    let sumZZ = 0;
    let sumZSimZSim = 0;
    let sumZZSim = 0;
    let meanDifference = 0;
    let nearSignificant = 0;
    let strong = 0;
    let strongBeyond = 0;
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const twoSided = Math.min(1, 2 * pseudoP[i]!);
      if (analytic.p[i]! <= 0.05 === twoSided <= 0.05) agree++;
      if (analytic.p[i]! <= 0.01) significant++;
      // A strongly significant cell is beyond (almost) every permutation, except where its own large
      // value made it so: the conditional permutation keeps the cell's value and tests its neighbours.
      if (analytic.p[i]! < 1e-4) {
        strong++;
        if (pseudoP[i]! <= 0.005) strongBeyond++;
      }
      if (analytic.p[i]! > 0.5) expect(twoSided).toBeGreaterThan(0.1);
      // In the middle of the range the two differ by the discreteness of counts; where it matters they agree.
      if (analytic.p[i]! < 0.2) {
        meanDifference += Math.abs(twoSided - analytic.p[i]!);
        nearSignificant++;
      }
      sumZ += analytic.z[i]!;
      sumZSim += zSim[i]!;
      sumZZ += analytic.z[i]! ** 2;
      sumZSimZSim += zSim[i]! ** 2;
      sumZZSim += analytic.z[i]! * zSim[i]!;
    }
    const correlation = (n * sumZZSim - sumZ * sumZSim) / Math.sqrt((n * sumZZ - sumZ ** 2) * (n * sumZSimZSim - sumZSim ** 2));
    expect(significant).toBeGreaterThan(n / 20); // the field does have clusters
    expect(agree / n).toBeGreaterThan(0.97);
    expect(correlation).toBeGreaterThan(0.97);
    expect(meanDifference / nearSignificant).toBeLessThan(0.05);
    expect(strong).toBeGreaterThan(50);
    expect(strongBeyond / strong).toBeGreaterThan(0.95);
  });

  it('gives pseudo p-values uniform under no clustering (about 5 % below 0.05 two-sided)', () => {
    const flat = clusteredCounts(cols, rows, 12, { spots: 0 });
    const { pseudoP } = giStarConditionalPermutationInThread(flat, weights, { permutations: 199, seed: 9 });
    let below = 0;
    for (const p of pseudoP) if (2 * p <= 0.05) below++;
    expect(below / pseudoP.length).toBeGreaterThan(0.03);
    expect(below / pseudoP.length).toBeLessThan(0.07);
  });

  it('is the same for the same seed, whatever the number of threads, and differs for another seed', async () => {
    // Large enough for the worker threads to be used (small inputs run in this thread).
    const wide = queenNeighbours(latticeCells(250, 100));
    const wideValues = clusteredCounts(250, 100, 13, { spots: 20 });
    const inThread = giStarConditionalPermutationInThread(wideValues, wide, { permutations: 99, seed: 5 });
    const threaded = await giStarConditionalPermutation(wideValues, wide, { permutations: 99, seed: 5, threads: 3 });
    expect(threaded.pseudoP).toEqual(inThread.pseudoP);
    expect(threaded.zSim).toEqual(inThread.zSim);
    const oneWorker = await giStarConditionalPermutation(wideValues, wide, { permutations: 99, seed: 5, threads: 1 });
    expect(oneWorker.pseudoP).toEqual(inThread.pseudoP);
    const other = giStarConditionalPermutationInThread(wideValues, wide, { permutations: 99, seed: 6 });
    expect(other.pseudoP).not.toEqual(inThread.pseudoP);
  });

  it('gives p = 1 and z = 0 to a cell with no neighbours and to a constant field', () => {
    const lonely = giStarConditionalPermutationInThread(Float64Array.from([1, 2, 3]), neighbourListsFromArrays([[], [2], [1]]), { permutations: 19 });
    expect(lonely.pseudoP[0]).toBe(1);
    expect(lonely.zSim[0]).toBe(0);
    const constant = giStarConditionalPermutationInThread(new Float64Array(50).fill(4), chain(50), { permutations: 19 });
    expect(Array.from(constant.pseudoP)).toEqual(new Array(50).fill(1));
  });

  it('refuses a permutation count that is not a positive integer', () => {
    expect(() => giStarConditionalPermutationInThread(Float64Array.from([1, 2, 3]), chain(3), { permutations: 0 })).toThrow(/positive integer/);
  });
});

describe('npm run gistar (scripts/gistar.ts)', () => {
  const run = (file: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts', 'gistar.ts'), file], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  const dir = mkdtempSync(join(tmpdir(), 'gistar-'));
  const write = (name: string, body: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
    return file;
  };

  it('prints z, p, q and the class of each value, as R computes them', () => {
    const c = reference.cases[0]!;
    const out = run(write('in.json', { x: c.x, neighbours: c.neighbours }));
    expect(out.status).toBe(0);
    const result = JSON.parse(out.stdout) as { z: number[]; p: number[]; q: number[]; class: string[] };
    expect(maxAbsDifference(result.z, c.z)).toBeLessThan(1e-6);
    expect(maxAbsDifference(result.p, c.p)).toBeLessThan(1e-8);
    expect(maxAbsDifference(result.q, c.q)).toBeLessThan(1e-8);
    expect(result.class).toHaveLength(c.x.length);
  });

  it('refuses bad input with a message on stderr and exit code 2', () => {
    for (const [name, body, message] of [
      ['short.json', { x: [1, 2], neighbours: [[0]] }, /1 lists for 2 values/],
      ['range.json', { x: [1, 2], neighbours: [[0, 1], [1, 2]] }, /neighbours\.1\.1: index 2/],
      ['text.json', { x: ['a'], neighbours: [[0]] }, /x\.0/],
      ['extra.json', { x: [1], neighbours: [[0]], w: 1 }, /w/],
      ['broken.json', '{"x": [1', /not JSON/],
    ] as const) {
      const out = run(write(name, body));
      expect(out.status, name).toBe(2);
      expect(out.stdout).toBe('');
      expect(out.stderr).toMatch(message);
    }
    const missing = run(join(dir, 'missing.json'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read/);
  });
});

describe('Gi* permutation draws', () => {
  it('match a direct conditional permutation: the same pseudo p as summing the drawn neighbours one by one', () => {
    // A small field where cells are often drawn as their own neighbours' stand-ins, so the correction
    // for a draw that hits the cell itself is exercised.
    const values = Float64Array.from([5, 1, 9, 2, 7, 3, 8, 0, 6, 4]);
    const weights = neighbourListsFromArrays([[1, 2, 3], [0, 2], [0, 1, 3, 4], [0, 2, 4, 5], [2, 3, 5], [3, 4, 6], [5, 7], [6, 8, 9], [7, 9], [7, 8]]);
    const result = giStarConditionalPermutationInThread(values, weights, { permutations: 4999, seed: 2 });
    // Exact conditional distribution by enumeration: every k-subset of the other cells, equally likely.
    const subsets = (items: number[], k: number): number[][] =>
      k === 0 ? [[]] : items.flatMap((first, at) => subsets(items.slice(at + 1), k - 1).map((rest) => [first, ...rest]));
    for (let i = 0; i < values.length; i++) {
      const own = Array.from(weights.neighbours.subarray(weights.offsets[i], weights.offsets[i + 1]));
      const observed = own.reduce((s, j) => s + values[j]!, 0);
      const others = [...values.keys()].filter((j) => j !== i);
      const sums = subsets(others, own.length).map((set) => set.reduce((s, j) => s + values[j]!, 0));
      const exact = Math.min(sums.filter((s) => s >= observed).length, sums.filter((s) => s <= observed).length) / sums.length;
      // 4,999 permutations: the pseudo p is within a few standard errors of the exact one.
      expect(Math.abs(result.pseudoP[i]! - exact), `cell ${i}`).toBeLessThan(4 * Math.sqrt((exact * (1 - exact)) / 4999) + 2e-3);
    }
  });
});
