import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, HOTSPOT_CLASSES, hotspotClasses, hotspotClassNames } from '../../server/hotspot/falseDiscovery.js';
import { getisOrdGiStar } from '../../server/hotspot/getisOrd.js';
import { neighbourListsFromArrays } from '../../server/hotspot/spatialWeights.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { SeededRandom } from '../../server/seededRandom.js';

const reference = JSON.parse(readFileSync(join(PROJECT_ROOT, 'tests/fixtures/hotspot/gistar-reference.json'), 'utf8')) as {
  cases: { name: string; x: number[]; neighbours: number[][]; p: number[]; q: number[] }[];
};

describe('Benjamini–Hochberg q-values', () => {
  it('matches a hand-computed example', () => {
    // m = 5. Sorted p: 0.001, 0.008, 0.039, 0.041, 0.6; (m/rank)·p: 0.005, 0.02, 0.065, 0.05125, 0.6;
    // running minimum from the largest rank down: 0.005, 0.02, 0.05125, 0.05125, 0.6.
    const q = benjaminiHochberg([0.041, 0.001, 0.6, 0.039, 0.008]);
    const expected = [0.05125, 0.005, 0.6, 0.05125, 0.02];
    expected.forEach((e, i) => expect(q[i]).toBeCloseTo(e, 15));
  });

  it('gives equal p-values equal q-values and caps q at 1', () => {
    expect(Array.from(benjaminiHochberg([0.02, 0.02, 0.02, 0.9]))).toEqual([0.02 * (4 / 3), 0.02 * (4 / 3), 0.02 * (4 / 3), 0.9]);
    expect(Array.from(benjaminiHochberg([1, 1, 0.99]))).toEqual([1, 1, 1]);
    expect(Array.from(benjaminiHochberg([]))).toEqual([]);
  });

  it('leaves NaN as NaN and does not count it, as R does with NA', () => {
    const q = benjaminiHochberg([0.01, NaN, 0.04]);
    expect(q[0]).toBeCloseTo(0.02, 15);
    expect(q[1]).toBeNaN();
    expect(q[2]).toBeCloseTo(0.04, 15);
  });

  for (const c of reference.cases) {
    it(`${c.name}: agrees with R's p.adjust(p, "BH")`, () => {
      const q = benjaminiHochberg(c.p);
      for (let i = 0; i < q.length; i++) expect(Math.abs(q[i]! - c.q[i]!)).toBeLessThanOrEqual(1e-12 * c.q[i]! + 1e-15);
    });
  }

  it('is never below p, keeps the order of p, and never exceeds 1', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 60 }), (p) => {
        const q = benjaminiHochberg(p);
        const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
        for (let k = 0; k < order.length; k++) {
          const i = order[k]!;
          expect(q[i]).toBeGreaterThanOrEqual(p[i]!);
          expect(q[i]).toBeLessThanOrEqual(1);
          if (k > 0) expect(q[i]).toBeGreaterThanOrEqual(q[order[k - 1]!]!);
        }
      }),
    );
  });
});

describe('hot and cold spot classes', () => {
  it('names seven classes, not significant in the middle', () => {
    expect(HOTSPOT_CLASSES).toEqual(['hot_99', 'hot_95', 'hot_90', 'not_significant', 'cold_90', 'cold_95', 'cold_99']);
  });

  it('takes the sign from z and the level from q, at the boundaries included', () => {
    const z = [3, 2.5, 2, 1.7, 0.5, -1.7, -2, -2.5, -3, 0, NaN, 4];
    const q = [0.01, 0.05, 0.1, 0.11, 0.001, 0.1, 0.05, 0.01, 0.0001, 0.001, 0.001, NaN];
    expect(hotspotClassNames(hotspotClasses(z, q))).toEqual([
      'hot_99',
      'hot_95',
      'hot_90',
      'not_significant',
      // The class follows q, not the size of z: a small z with a tiny q (possible with permutation q) is hot.
      'hot_99',
      'cold_90',
      'cold_95',
      'cold_99',
      'cold_99',
      'not_significant',
      'not_significant',
      'not_significant',
    ]);
  });

  it('refuses z and q of different lengths', () => {
    expect(() => hotspotClasses([1, 2], [0.1])).toThrow(/2 z-scores but 1 q-values/);
  });

  it('marks fewer cells after FDR than with raw p on the R fixture, and finds the planted corners', () => {
    const c = reference.cases.find((k) => k.name === 'queen-12x9')!;
    const { z, p } = getisOrdGiStar(Float64Array.from(c.x), neighbourListsFromArrays(c.neighbours));
    const raw = hotspotClassNames(hotspotClasses(z, p));
    const fdr = hotspotClassNames(hotspotClasses(z, benjaminiHochberg(p)));
    const significant = (classes: string[]) => classes.filter((k) => k !== 'not_significant').length;
    expect(significant(fdr)).toBeLessThan(significant(raw));
    // The planted hot corner (cell2nb's first cells) holds a hot spot after correction.
    expect(fdr.slice(0, 3).some((k) => k.startsWith('hot'))).toBe(true);
  });
});

describe('Benjamini–Hochberg on large inputs', () => {
  it('orders 100,000 p-values exactly, near-ties and zeros included, as a plain sort does', () => {
    const random = new SeededRandom(4);
    const p = new Float64Array(100_000);
    for (let i = 0; i < p.length; i++) {
      const u = random.float();
      // Values a few ulps apart, exact ties, zeros and subnormals: what the packed sort must not reorder.
      p[i] = i % 10 === 0 ? 0.5 + (i % 7) * Number.EPSILON : i % 10 === 1 ? 0 : i % 10 === 2 ? 5e-324 * (i % 3) : i % 10 === 3 ? 0.25 : u ** 3;
    }
    const order = Array.from(p.keys()).sort((a, b) => p[a]! - p[b]!);
    const expected = new Float64Array(p.length);
    let running = Infinity;
    for (let r = p.length - 1; r >= 0; r--) {
      running = Math.min(running, (p.length / (r + 1)) * p[order[r]!]!);
      expected[order[r]!] = Math.min(1, running);
    }
    expect(benjaminiHochberg(p)).toEqual(expected);
  });
});
