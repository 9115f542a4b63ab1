import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMERGING_HOTSPOT_CLASSES,
  emergingHotspotClasses,
  emergingHotspotClassNames,
  giStarTrends,
  mannKendall,
  type EmergingHotspotClass,
} from '../../server/hotspot/emergingHotspots.js';
import { benjaminiHochberg } from '../../server/hotspot/falseDiscovery.js';
import { getisOrdGiStarSlices } from '../../server/hotspot/getisOrd.js';
import { normalTwoSidedP } from '../../server/hotspot/normal.js';
import { queenNeighbours } from '../../server/hotspot/spatialWeights.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { SeededRandom } from '../../server/seededRandom.js';
import { latticeCells } from '../fixtures/hotspot/lattice.js';

const reference = JSON.parse(readFileSync(join(PROJECT_ROOT, 'tests/fixtures/hotspot/mann-kendall-reference.json'), 'utf8')) as {
  series: { name: string; x: number[]; s: number; varS: number; z: number; p: number; tau: number }[];
};

describe('Mann–Kendall trend test', () => {
  for (const r of reference.series) {
    it(`${r.name}: S, var S, z, p and τ-b as R computes them`, () => {
      const mk = mannKendall(r.x);
      expect(mk.s).toBe(r.s);
      expect(mk.varS).toBeCloseTo(r.varS, 9);
      expect(mk.z).toBeCloseTo(r.z, 12);
      expect(Math.abs(mk.p - r.p)).toBeLessThanOrEqual(1e-12 + 1e-9 * r.p);
      expect(mk.tau).toBeCloseTo(r.tau, 12);
    });
  }

  it('has a reference series with ties, one rising and one falling significantly', () => {
    expect(reference.series.some((r) => new Set(r.x).size < r.x.length)).toBe(true);
    expect(reference.series.some((r) => r.p < 0.01 && r.s > 0)).toBe(true);
    expect(reference.series.some((r) => r.p < 0.01 && r.s < 0)).toBe(true);
  });

  it('matches a hand-computed series: 1, 3, 2, 4 has S = 4, var S = 26/3', () => {
    // Pairs: (1,3)+ (1,2)+ (1,4)+ (3,2)− (3,4)+ (2,4)+ → S = 4; var = 4·3·13/18 = 26/3.
    const mk = mannKendall([1, 3, 2, 4]);
    expect(mk.s).toBe(4);
    expect(mk.varS).toBeCloseTo(26 / 3, 12);
    expect(mk.z).toBeCloseTo(3 / Math.sqrt(26 / 3), 12);
    expect(mk.tau).toBeCloseTo(4 / 6, 12);
    expect(mk.p).toBeCloseTo(normalTwoSidedP(3 / Math.sqrt(26 / 3)), 15);
  });

  it('finds no trend in a constant or too short series', () => {
    expect(mannKendall([5, 5, 5, 5])).toEqual({ s: 0, varS: 0, z: 0, p: 1, tau: 0 });
    expect(mannKendall([2])).toMatchObject({ s: 0, p: 1 });
    expect(mannKendall([])).toMatchObject({ s: 0, p: 1 });
  });

  it('changes sign, not size, when the series is reversed or negated', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 2, maxLength: 30 }), (x) => {
        const a = mannKendall(x);
        const reversed = mannKendall([...x].reverse());
        const negated = mannKendall(x.map((v) => -v));
        expect(reversed.s + a.s).toBe(0);
        expect(negated.s + a.s).toBe(0);
        expect(reversed.varS).toBe(a.varS);
        expect(negated.p).toBeCloseTo(a.p, 14);
      }),
    );
  });
});

/**
 * One cell's history from a pattern, oldest first: H a significant hot slice, C a cold one, . neither.
 * `z` overrides the z of the significant slices (for trends).
 */
function classify(pattern: string, z?: (t: number) => number): EmergingHotspotClass {
  const zBySlice: Float64Array[] = [];
  const pBySlice: Float64Array[] = [];
  [...pattern].forEach((ch, t) => {
    const zt = ch === 'H' ? (z?.(t) ?? 3) : ch === 'C' ? -(z?.(t) ?? 3) : 0.5;
    zBySlice.push(Float64Array.of(zt));
    pBySlice.push(Float64Array.of(normalTwoSidedP(zt)));
  });
  return emergingHotspotClassNames(emergingHotspotClasses(zBySlice, pBySlice))[0]!;
}

const all = (ch: string, n = 20) => ch.repeat(n);
// Alternating around a level: significant every slice, no trend.
const steady = (t: number) => 3 + (t % 2 === 0 ? 0.1 : -0.1);

describe('emerging hot spot classes (ArcGIS definitions), one constructed history each', () => {
  it('names every class of ArcGIS, hot and cold', () => {
    expect(EMERGING_HOTSPOT_CLASSES).toHaveLength(17);
    expect(EMERGING_HOTSPOT_CLASSES[0]).toBe('no_pattern');
  });

  const cases: [string, string, ((t: number) => number) | undefined, EmergingHotspotClass][] = [
    ['hot only in the final slice', all('.', 19) + 'H', undefined, 'new_hot'],
    ['hot only in the final slice, after cold ones', 'CC' + all('.', 17) + 'H', undefined, 'new_hot'],
    ['a run of hot slices at the end, never hot before', all('.', 15) + 'HHHHH', undefined, 'consecutive_hot'],
    ['hot in every slice, rising', all('H'), (t) => 2 + 0.2 * t, 'intensifying_hot'],
    ['hot in every slice, no trend', all('H'), steady, 'persistent_hot'],
    ['hot in 19 of 20 slices with the final one, no trend', all('H', 9) + '.' + all('H', 10), steady, 'persistent_hot'],
    ['hot in every slice, falling', all('H'), (t) => 7 - 0.2 * t, 'diminishing_hot'],
    ['hot on and off, never cold, hot at the end', '..H..H...H....HH..H', undefined, 'sporadic_hot'],
    ['a run at the end after an earlier hot slice', 'H' + all('.', 14) + 'HHHHH', undefined, 'sporadic_hot'],
    ['hot at the end, cold before', 'C..C....H..H......H', undefined, 'oscillating_hot'],
    ['hot in 19 of 20 slices but not the final one', all('H', 19) + '.', undefined, 'historical_hot'],
    ['never significant', all('.'), undefined, 'no_pattern'],
    ['hot for a while, not at the end, under 90 %', all('H', 10) + all('.', 10), undefined, 'no_pattern'],
    ['cold only in the final slice', all('.', 19) + 'C', undefined, 'new_cold'],
    ['a run of cold slices at the end', all('.', 17) + 'CCC', undefined, 'consecutive_cold'],
    ['cold in every slice, falling further', all('C'), (t) => 2 + 0.2 * t, 'intensifying_cold'],
    ['cold in every slice, no trend', all('C'), steady, 'persistent_cold'],
    ['cold in every slice, fading', all('C'), (t) => 7 - 0.2 * t, 'diminishing_cold'],
    ['cold on and off, cold at the end', '.C..C...C...C..C...C', undefined, 'sporadic_cold'],
    ['cold at the end, hot before', 'H...H....C..C......C', undefined, 'oscillating_cold'],
    ['cold in 18 of 20 slices, not at the end', all('C', 18) + '..', undefined, 'historical_cold'],
  ];
  for (const [what, pattern, z, expected] of cases) {
    it(`${what} → ${expected}`, () => expect(classify(pattern, z)).toBe(expected));
  }

  it('needs 90 % of the slices: 18 of 20 hot with the last is persistent, 17 is not', () => {
    expect(classify('H.' + all('H', 18), steady)).toBe('persistent_hot');
    expect(classify('...' + all('H', 17), steady)).toBe('consecutive_hot');
    expect(classify('H...' + all('H', 16), steady)).toBe('sporadic_hot');
  });

  it('uses the alpha it is given for a slice', () => {
    const z = [Float64Array.of(0.5), Float64Array.of(2.2)];
    const p = z.map((s) => s.map(normalTwoSidedP));
    expect(emergingHotspotClassNames(emergingHotspotClasses(z, p))).toEqual(['new_hot']);
    expect(emergingHotspotClassNames(emergingHotspotClasses(z, p, { alpha: 0.01 }))).toEqual(['no_pattern']);
  });

  it('refuses slices of different sizes', () => {
    expect(() => emergingHotspotClasses([new Float64Array(2), new Float64Array(3)], [new Float64Array(2), new Float64Array(3)])).toThrow(/slice 1/);
    expect(() => emergingHotspotClasses([new Float64Array(2)], [])).toThrow(/1 z slices but 0 p slices/);
  });
});

describe('emerging hot spots in a space-time cube', () => {
  it('finds a cluster that appears in the last four weeks as consecutive, and nothing else as hot', () => {
    const cols = 30;
    const rows = 30;
    const weeks = 52;
    const weights = queenNeighbours(latticeCells(cols, rows));
    const random = new SeededRandom(2026);
    const inBlock = (c: number, r: number) => c >= 12 && c < 17 && r >= 12 && r < 17;
    const counts: Float64Array[] = [];
    for (let w = 0; w < weeks; w++) {
      const slice = new Float64Array(cols * rows);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const rate = w >= weeks - 4 && inBlock(c, r) ? 12 : 3;
          // Poisson by the product of uniforms.
          let k = 0;
          let product = random.float();
          while (product > Math.exp(-rate)) {
            k++;
            product *= random.float();
          }
          slice[r * cols + c] = k;
        }
      }
      counts.push(slice);
    }
    const gi = getisOrdGiStarSlices(counts, weights);
    const q = gi.p.map((p) => benjaminiHochberg(p));
    const names = emergingHotspotClassNames(emergingHotspotClasses(gi.z, q));
    for (let r = 13; r < 16; r++) for (let c = 13; c < 16; c++) expect(names[r * cols + c]).toBe('consecutive_hot');
    // Cells next to the block share its neighbourhood and may be hot too; farther ones should not be.
    const nearBlock = (i: number) => {
      const c = i % cols;
      const r = Math.floor(i / cols);
      return c >= 10 && c < 19 && r >= 10 && r < 19;
    };
    const hotElsewhere = names.filter((name, i) => name.endsWith('_hot') && !nearBlock(i));
    expect(hotElsewhere.length).toBeLessThan(10);
    const trends = giStarTrends(gi.z);
    expect(trends.tau[15 * cols + 15]).toBeGreaterThan(0);
    expect(trends.p[15 * cols + 15]).toBeLessThan(0.05);
  });
});
