import type { LanduseClass, LocalizedName, RoadClass } from '../../../shared/index.js';
import type { SeededRandom } from '../../seededRandom.js';
import type { Lake, Lattice } from './lattice.js';
import type { CitySpec } from './spec.js';

export type Axis = 'col' | 'row';

/** A road running the whole length of one lattice line (col = north–south, row = east–west). */
export interface RoadLine {
  axis: Axis;
  index: number;
  class: RoadClass;
  name: LocalizedName | null;
}

/** Blocks are the areas between arterials; each belongs to one town and splits into communities. */
export interface Block {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
  townIndex: number;
  kept: boolean;
}

export interface Community {
  code: string;
  townIndex: number;
  name: LocalizedName;
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/** A 3 × 3 patch of cells inside one community: one inspector's responsibility grid and one land-use parcel. */
export interface Tile {
  community: number;
  code: string;
  landuse: LanduseClass;
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

function arterialIndices(n: number, [lo, hi]: [number, number], rng: SeededRandom): number[] {
  const out: number[] = [];
  for (let k = Math.round(lo * 0.7) + rng.int(0, 2); k < n - 4; k += rng.int(lo, hi)) out.push(k);
  return out;
}

/** Chooses which lattice lines carry roads, of which class and name. */
export function planRoadLines(spec: CitySpec, l: Lattice, rng: SeededRandom): RoadLine[] {
  const lines: RoadLine[] = [];
  for (const axis of ['col', 'row'] as const) {
    const n = axis === 'col' ? l.cols : l.rows;
    const arterials = arterialIndices(n, spec.arterialSpacingCells, rng);
    const bounds = [0, ...arterials, n];
    const secondaries: number[] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const gap = bounds[k + 1]! - bounds[k]!;
      if (gap >= 8) secondaries.push(bounds[k]! + Math.round(gap / 2));
    }
    const names = [...spec.roadNames[axis]];
    const nameOf = (): LocalizedName | null => names.shift() ?? null;
    const major = new Set([...arterials, ...secondaries]);
    for (let k = 0; k <= n; k++) {
      if (arterials.includes(k)) lines.push({ axis, index: k, class: 'arterial', name: nameOf() });
      else if (secondaries.includes(k)) lines.push({ axis, index: k, class: 'secondary', name: null });
      else if (k % spec.localSpacingCells === 0 && !major.has(k - 1) && !major.has(k + 1) && k > 0 && k < n) {
        lines.push({ axis, index: k, class: 'local', name: null });
      }
    }
    // Secondaries get the names left over after the arterials.
    for (const line of lines) if (line.axis === axis && line.class === 'secondary') line.name = nameOf();
  }
  // The expressway takes over one line that is not an arterial, so that it has interchanges only at arterials.
  const ex = spec.expressway;
  const n = ex.axis === 'col' ? l.cols : l.rows;
  let at = Math.round(ex.at * n);
  while (lines.some((r) => r.axis === ex.axis && r.index === at && r.class === 'arterial')) at++;
  const existing = lines.find((r) => r.axis === ex.axis && r.index === at);
  if (existing) {
    existing.class = 'expressway';
    existing.name = ex.name;
  } else lines.push({ axis: ex.axis, index: at, class: 'expressway', name: ex.name });
  return lines;
}

/** Splits the city into blocks between arterials and gives each to the nearest town seed. */
export function planBlocks(spec: CitySpec, l: Lattice, roads: RoadLine[], lake: Lake, rng: SeededRandom): Block[] {
  const cuts = (axis: Axis, n: number) => [
    0,
    ...roads.filter((r) => r.axis === axis && r.class === 'arterial').map((r) => r.index).sort((a, b) => a - b),
    n,
  ];
  const colCuts = cuts('col', l.cols);
  const rowCuts = cuts('row', l.rows);
  const blocks: Block[] = [];
  const [hw, hh] = [spec.extentM[0] / 2, spec.extentM[1] / 2];
  for (let b = 0; b + 1 < rowCuts.length; b++) {
    for (let a = 0; a + 1 < colCuts.length; a++) {
      const [i0, i1, j0, j1] = [colCuts[a]!, colCuts[a + 1]!, rowCuts[b]!, rowCuts[b + 1]!];
      const [x, y] = l.xy(Math.round((i0 + i1) / 2), Math.round((j0 + j1) / 2));
      // A rounded outline: corner blocks fall outside, and a few edge blocks at random, so the city
      // is not a rectangle.
      const outline = (x / hw) ** 4 + (y / hh) ** 4;
      const edge = a === 0 || b === 0 || a + 2 === colCuts.length || b + 2 === rowCuts.length;
      const kept = outline < 1.05 && !(edge && rng.chance(0.12)) && !lake.contains(x, y);
      let best = 0;
      let bestD = Infinity;
      spec.towns.forEach((t, k) => {
        const d = Math.hypot(x - t.seedM[0], y - t.seedM[1]);
        if (d < bestD) [best, bestD] = [k, d];
      });
      blocks.push({ i0, i1, j0, j1, townIndex: best, kept });
    }
  }
  return blocks;
}

/** Halves blocks along their secondary road (where there is one) into communities, numbered per town. */
export function planCommunities(spec: CitySpec, blocks: Block[], roads: RoadLine[], rng: SeededRandom): Community[] {
  const secondaryCols = roads.filter((r) => r.axis === 'col' && r.class === 'secondary').map((r) => r.index);
  const perTown = new Map<number, number>();
  const stems = [...spec.communityStems];
  const usedNames = new Set<string>();
  const { first, second } = spec.communityNameParts;
  const nextStem = (): string => {
    if (stems.length) return stems.splice(rng.int(0, stems.length - 1), 1)[0]!;
    for (;;) {
      const name = rng.pick(first) + rng.pick(second);
      if (!usedNames.has(name) || usedNames.size >= first.length * second.length) return name;
    }
  };
  const out: Community[] = [];
  for (const b of blocks) {
    if (!b.kept) continue;
    const split = secondaryCols.find((c) => c > b.i0 + 2 && c < b.i1 - 2);
    const parts = split === undefined ? [[b.i0, b.i1]] : [[b.i0, split], [split, b.i1]];
    for (const [i0, i1] of parts) {
      const seq = (perTown.get(b.townIndex) ?? 0) + 1;
      perTown.set(b.townIndex, seq);
      const town = spec.towns[b.townIndex]!;
      const stem = nextStem();
      usedNames.add(stem);
      const village = rng.chance(0.3);
      out.push({
        code: `${town.code}${String(seq).padStart(3, '0')}`,
        townIndex: b.townIndex,
        name: { zh: `${stem}${village ? '村' : '社区'}`, en: `${town.name.en} ${village ? 'Village' : 'Community'} ${seq}` },
        i0: i0!,
        i1: i1!,
        j0: b.j0,
        j1: b.j1,
      });
    }
  }
  return out;
}

/** Cuts each community into 3 × 3 tiles and decides each tile's land use from where it lies. */
export function planTiles(spec: CitySpec, l: Lattice, communities: Community[], rng: SeededRandom): Tile[] {
  const tiles: Tile[] = [];
  const [hw, hh] = [spec.extentM[0] / 2, spec.extentM[1] / 2];
  communities.forEach((c, ci) => {
    const town = spec.towns[c.townIndex]!;
    let r = 0;
    const industrialBlock = !town.industrial && rng.chance(0.12);
    for (let j0 = c.j0; j0 < c.j1; j0 += 3) {
      for (let i0 = c.i0; i0 < c.i1; i0 += 3) {
        const i1 = Math.min(i0 + 3, c.i1);
        const j1 = Math.min(j0 + 3, c.j1);
        const [x, y] = l.xy(Math.round((i0 + i1) / 2), Math.round((j0 + j1) / 2));
        const d = Math.min(...spec.towns.map((t) => Math.hypot(x - t.seedM[0], y - t.seedM[1])));
        const fringe = (x / hw) ** 4 + (y / hh) ** 4;
        let landuse: LanduseClass = 'residential';
        if (d < 450) landuse = 'commercial';
        else if (town.industrial) landuse = rng.chance(0.8) ? 'industrial' : 'residential';
        else if (industrialBlock) landuse = rng.chance(0.75) ? 'industrial' : 'residential';
        else if (fringe > 0.45 && d > 1600) landuse = rng.chance(0.75) ? 'farmland' : 'residential';
        else if (rng.chance(0.05)) landuse = 'green';
        r += 1;
        tiles.push({ community: ci, code: `${c.code}-R${String(r).padStart(2, '0')}`, landuse, i0, i1, j0, j1 });
      }
    }
  });
  return tiles;
}
