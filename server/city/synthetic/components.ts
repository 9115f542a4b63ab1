import KDBush from 'kdbush';
import type { CityLayer, ComponentState, LanduseClass, RoadClass } from '../../../shared/index.js';
import type { SeededRandom } from '../../seededRandom.js';
import type { CellSite } from './cells.js';
import { makeProjection, type Lattice, type LonLat } from './lattice.js';
import type { Places } from './places.js';
import type { RoadFeature } from './roads.js';
import type { CitySpec } from './spec.js';

type ComponentFeature = CityLayer<'components'>['features'][number];
type Per100m = Partial<Record<RoadClass, number>>;
/** A place in a cell: u from its west edge (0) to its east (1), v from its north edge (0) to its south (1). */
type UV = [number, number];

/**
 * The component inventory (部件普查) of the default city: point components of the catalog's component
 * categories, placed where such things stand, each with its 16-digit code, state and owner unit.
 *
 * Densities along roads are expected counts per 100 m of road (both sides together; a road on the
 * city's edge gets its inner side's half), drawn per cell side as Poisson counts. They are an
 * inventory thinned to a few thousand points, not every cover in the street:
 *
 * | category                       | expressway | arterial | secondary | local | where across the road |
 * |--------------------------------|-----------:|---------:|----------:|------:|-----------------------|
 * | C0101 water-supply cover       |          – |     0.12 |      0.09 |  0.04 | carriageway           |
 * | C0102 sewage cover             |          – |     0.12 |      0.09 |  0.05 | carriageway           |
 * | C0103 storm-water cover        |          – |     0.09 |      0.06 |  0.03 | carriageway           |
 * | C0104 storm-drain grate        |       0.05 |     0.12 |      0.08 |  0.02 | at the kerb           |
 * | C0105 power cover              |          – |     0.08 |      0.05 | 0.015 | pavement              |
 * | C0106 telecom cover            |          – |     0.08 |      0.05 | 0.015 | pavement              |
 * | C0111 gas cover                |          – |     0.06 |      0.05 |  0.02 | carriageway           |
 * | C0113 fire hydrant             |          – |     0.06 |      0.05 |  0.02 | pavement              |
 * | C0117 utility pole             |          – |        – |         – |  0.25 on farmland and industrial land, else 0.02 | pavement |
 * | C0118 street light             |       0.15 |     0.25 |      0.14 |  0.03 | pavement              |
 * | C0209 traffic sign             |       0.05 |     0.04 |      0.03 |     – | pavement              |
 * | C0305 litter bin               |          – |     0.05 |     0.035 |  0.01 | pavement              |
 * | C0307 shop sign                |          – | 0.50 commercial, 0.03 residential | 0.40 commercial, 0.02 residential | 0.25 commercial | frontage |
 * | C0120 decorative light         |          – | 0.12 commercial |  0.08 commercial | – | pavement     |
 * | C0404 planter                  |          – | 0.08 commercial |         – |     – | pavement              |
 *
 * At junctions: traffic signals (C0214) at every junction of two main roads (arterial or secondary;
 * two where both are arterials), a traffic sign (C0209) at 80 % of them and at 12 % of the junctions
 * of a local road with a main road. At places: every camera of the camera layer is a surveillance
 * camera (C0602); a transit stop has two bus shelters (C0203), two bins, a public toilet at 30 % and
 * a newsstand (C0604) at 60 %; a market four bins, a toilet, a planter and a newsstand at 50 %; a
 * park four bins, a toilet, five decorative lights and a sculpture (C0603); a school two bins; a
 * hospital three bins and a newsstand at 50 %; a government office two bins, three planters, three
 * decorative lights and a sculpture at 50 %; a school, hospital or market on an arterial a
 * pedestrian bridge (C0215) at 50 %; every vacant lot a hoarding (C0503). Besides: a public toilet
 * (C0301) in 35 % of the communities, two refuse transfer stations (C0310) per town, and 24 heritage
 * trees (C0401) in the parks and the old core of the first town.
 *
 * Not points, so not generated: street-tree rows, tree guards, green space, sidewalk paving,
 * guardrails, facades and building fixtures (C0402, C0403, C0405, C0216, C0211, C0501, C0502): their
 * cases go to the category's unit with no component.
 *
 * States: 92 % intact, 4.5 % damaged, 2 % missing (covers, grates, signs, bins and planters can go
 * missing; anything else counts as damaged), 1.5 % removed (still inventoried, no longer standing).
 * Every component lies inside a whole (not lake-clipped) grid cell, whose grid and town codes it takes.
 */
export function placeComponents(
  spec: CitySpec,
  l: Lattice,
  sites: readonly CellSite[],
  roads: readonly RoadFeature[],
  places: Places,
  rng: SeededRandom,
): ComponentFeature[] {
  const categories = new Map(spec.components.map((c) => [c.code, c]));
  const project = makeProjection(spec.center);
  const size = spec.cellSizeM;
  const vertexKey = (p: readonly number[]) => `${p[0]},${p[1]}`;

  // Lattice vertex (i, j) is number j·(cols + 1) + i; the edge from it east is 2·v, south 2·v + 1.
  const stride = l.cols + 1;
  const vertexOf = new Map<string, number>();
  for (let j = 0; j <= l.rows; j++) for (let i = 0; i <= l.cols; i++) vertexOf.set(vertexKey(l.lonLat(i, j)), j * stride + i);
  const NONE = -1;
  const edgeClass = new Int8Array(2 * stride * (l.rows + 1)).fill(NONE);
  // The classes of the roads along a column (north–south) and a row (east–west) through each vertex.
  const colClass = new Int8Array(stride * (l.rows + 1)).fill(NONE);
  const rowClass = new Int8Array(stride * (l.rows + 1)).fill(NONE);
  for (const r of roads) {
    const cls = ROAD_CLASSES.indexOf(r.properties.class);
    const vs = r.geometry.coordinates.map((p) => vertexOf.get(vertexKey(p))!);
    for (let k = 0; k < vs.length; k++) {
      if (r.properties.id.startsWith('col')) colClass[vs[k]!] = cls;
      else rowClass[vs[k]!] = cls;
      if (k > 0) {
        const [a, b] = [Math.min(vs[k - 1]!, vs[k]!), Math.max(vs[k - 1]!, vs[k]!)];
        edgeClass[2 * a + (b - a === 1 ? 0 : 1)] = cls;
      }
    }
  }
  const classOf = (c: number): RoadClass | undefined => (c === NONE ? undefined : ROAD_CLASSES[c]);
  const whole = sites.filter((s) => !s.clipped);
  const siteAt = new Map<number, CellSite>();
  for (const s of whole) siteAt.set(s.j * stride + s.i, s);
  const cellAt = (i: number, j: number) => siteAt.get(j * stride + i);

  /** A point of cell s at (u, v): u from its west edge (0) to its east (1), v from north (0) to south (1). */
  const pointIn = (s: CellSite, u: number, v: number): LonLat => {
    const [ax, ay] = l.xy(s.i, s.j);
    const [bx, by] = l.xy(s.i + 1, s.j);
    const [cx, cy] = l.xy(s.i + 1, s.j + 1);
    const [dx, dy] = l.xy(s.i, s.j + 1);
    const x = (1 - u) * (1 - v) * ax + u * (1 - v) * bx + u * v * cx + (1 - u) * v * dx;
    const y = (1 - u) * (1 - v) * ay + u * (1 - v) * by + u * v * cy + (1 - u) * v * dy;
    return project.toLonLat(x, y);
  };

  const out: { feature: ComponentFeature; category: string }[] = [];
  const add = (code: string, s: CellSite, u: number, v: number) => {
    if (!categories.has(code)) return;
    out.push({
      category: code,
      feature: {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: pointIn(s, u, v) },
        properties: {
          code: '',
          categoryCode: code,
          state: stateOf(code, rng),
          ownerUnit: categories.get(code)!.department,
          townCode: s.feature.properties.townCode,
          gridCode: s.feature.properties.code,
        },
      },
    });
  };

  // Along roads: each whole cell places the things on its own side of the roads on its edges.
  const SIDES = [
    { edge: (s: CellSite) => 2 * (s.j * stride + s.i), ends: [[0, 0], [1, 0]], at: (t: number, f: number): UV => [t, f] }, // north: v = f
    { edge: (s: CellSite) => 2 * ((s.j + 1) * stride + s.i), ends: [[0, 1], [1, 1]], at: (t: number, f: number): UV => [t, 1 - f] }, // south
    { edge: (s: CellSite) => 2 * (s.j * stride + s.i) + 1, ends: [[0, 0], [0, 1]], at: (t: number, f: number): UV => [f, t] }, // west: u = f
    { edge: (s: CellSite) => 2 * (s.j * stride + s.i + 1) + 1, ends: [[1, 0], [1, 1]], at: (t: number, f: number): UV => [1 - f, t] }, // east
  ] as const;
  for (const s of whole) {
    const landuse = s.tile.landuse;
    for (const side of SIDES) {
      const cls = classOf(edgeClass[side.edge(s)]!);
      if (!cls) continue;
      const [[ai, aj], [bi, bj]] = side.ends;
      const [ax, ay] = l.xy(s.i + ai, s.j + aj);
      const [bx, by] = l.xy(s.i + bi, s.j + bj);
      const hundreds = Math.hypot(bx - ax, by - ay) / 100;
      for (const rule of ALONG_ROADS) {
        const density = rule.density(cls, landuse);
        if (density <= 0) continue;
        for (let n = rng.poisson((density / 2) * hundreds); n > 0; n--) {
          const [u, v] = side.at(rng.range(0.04, 0.96), offsetM(rule.where, cls, rng) / size);
          add(rule.code, s, u, v);
        }
      }
    }
  }

  /** Near a vertex, in one of the whole cells around it (chosen at random), `off` metres off each road. */
  const nearVertex = (i: number, j: number, code: string, offCol = 8, offRow = 8) => {
    const around = [
      { s: cellAt(i - 1, j - 1), u: 1 - offCol / size, v: 1 - offRow / size },
      { s: cellAt(i, j - 1), u: offCol / size, v: 1 - offRow / size },
      { s: cellAt(i - 1, j), u: 1 - offCol / size, v: offRow / size },
      { s: cellAt(i, j), u: offCol / size, v: offRow / size },
    ].filter((c) => c.s !== undefined);
    if (around.length === 0) return;
    const c = rng.pick(around);
    add(code, c.s!, c.u, c.v);
  };
  const halfWidth = (cls: RoadClass | undefined) => (cls ? HALF_WIDTH_M[cls] : 0);

  // Junctions, in the lattice's order (north to south, west to east).
  const major = (c: RoadClass | undefined) => c === 'arterial' || c === 'secondary';
  for (let j = 0; j <= l.rows; j++) {
    for (let i = 0; i <= l.cols; i++) {
      const [col, row] = [classOf(colClass[j * stride + i]!), classOf(rowClass[j * stride + i]!)];
      if (!col || !row) continue;
      const [offCol, offRow] = [halfWidth(col) + 2, halfWidth(row) + 2];
      if (major(col) && major(row)) {
        const signals = col === 'arterial' && row === 'arterial' ? 2 : 1;
        for (let n = 0; n < signals; n++) nearVertex(i, j, 'C0214', offCol, offRow);
        if (rng.chance(0.8)) nearVertex(i, j, 'C0209', offCol + 1, offRow + 1);
      } else if ((major(col) && row === 'local') || (major(row) && col === 'local')) {
        if (rng.chance(0.12)) nearVertex(i, j, 'C0209', offCol + 1, offRow + 1);
      }
    }
  }

  /** A place at a lattice vertex: its (i, j) and the roads through it. */
  const atVertex = (p: readonly number[]) => {
    const v = vertexOf.get(vertexKey(p));
    if (v === undefined) return undefined;
    return { i: v % stride, j: Math.floor(v / stride), col: classOf(colClass[v]!), row: classOf(rowClass[v]!) };
  };
  // Cameras and transit stops stand at lattice vertices.
  for (const cam of places.cameras) {
    const v = atVertex(cam.geometry.coordinates);
    if (v) nearVertex(v.i, v.j, 'C0602', halfWidth(v.col) + 3, halfWidth(v.row) + 3);
  }

  // The other places stand at cell centres: find their cell by its centre (within a cell's reach).
  const centres = new KDBush(whole.length);
  for (const s of whole) {
    const [ax, ay] = l.xy(s.i, s.j);
    const [cx, cy] = l.xy(s.i + 1, s.j + 1);
    centres.add((ax + cx) / 2, (ay + cy) / 2);
  }
  centres.finish();
  const siteNear = ([lon, lat]: readonly number[]): CellSite | undefined => {
    const [x, y] = project.toMetres(lon!, lat!);
    let best: CellSite | undefined;
    let bestD = Infinity;
    for (const id of centres.within(x, y, size).sort((a, b) => a - b)) {
      const s = whole[id]!;
      const [ax, ay] = l.xy(s.i, s.j);
      const [cx, cy] = l.xy(s.i + 1, s.j + 1);
      const d = Math.hypot((ax + cx) / 2 - x, (ay + cy) / 2 - y);
      if (d < bestD) [best, bestD] = [s, d];
    }
    return best;
  };
  /** `count` of a category somewhere in the cell, away from its edges (a square, a forecourt). */
  const inCell = (s: CellSite, code: string, count: number) => {
    for (let n = 0; n < count; n++) add(code, s, rng.range(0.2, 0.8), rng.range(0.2, 0.8));
  };
  const maybe = (p: number) => (rng.chance(p) ? 1 : 0);

  for (const poi of places.pois) {
    const kind = poi.properties.kind;
    if (kind === 'transit') {
      const v = atVertex(poi.geometry.coordinates);
      if (!v) continue;
      const [offCol, offRow] = [halfWidth(v.col) + 3, halfWidth(v.row) + 3];
      for (let n = 0; n < 2; n++) nearVertex(v.i, v.j, 'C0203', offCol, offRow + 15);
      for (let n = 0; n < 2; n++) nearVertex(v.i, v.j, 'C0305', offCol + 1, offRow + 20);
      if (rng.chance(0.3)) nearVertex(v.i, v.j, 'C0301', offCol + 10, offRow + 25);
      if (rng.chance(0.6)) nearVertex(v.i, v.j, 'C0604', offCol + 2, offRow + 8);
      continue;
    }
    const s = siteNear(poi.geometry.coordinates);
    if (!s) continue;
    const here = (code: string, count: number) => inCell(s, code, count);
    switch (kind) {
      case 'market':
        here('C0305', 4);
        here('C0301', 1);
        here('C0404', 1);
        here('C0604', maybe(0.5));
        break;
      case 'park':
        here('C0305', 4);
        here('C0301', 1);
        here('C0120', 5);
        here('C0603', 1);
        break;
      case 'school':
        here('C0305', 2);
        break;
      case 'hospital':
        here('C0305', 3);
        here('C0604', maybe(0.5));
        break;
      case 'government':
        here('C0305', 2);
        here('C0404', 3);
        here('C0120', 3);
        here('C0603', maybe(0.5));
        break;
      default:
        break;
    }
    // A busy place on an arterial gets a footbridge over it, at its middle.
    if (kind === 'school' || kind === 'hospital' || kind === 'market') {
      const sides = SIDES.filter((side) => classOf(edgeClass[side.edge(s)]!) === 'arterial');
      if (sides.length > 0 && rng.chance(0.5)) {
        const [u, v] = rng.pick(sides).at(rng.range(0.4, 0.6), (HALF_WIDTH_M.arterial - 3) / size);
        add('C0215', s, u, v);
      }
    }
  }

  for (const lot of places.vacantLots) {
    const g = lot.geometry;
    const ring = (g.type === 'Polygon' ? g.coordinates[0]! : g.coordinates[0]![0]!).slice(0, -1);
    const s = siteNear([ring.reduce((a, p) => a + p[0], 0) / ring.length, ring.reduce((a, p) => a + p[1], 0) / ring.length]);
    if (s) inCell(s, 'C0503', 1);
  }

  // Public toilets in some communities, transfer stations in each town, heritage trees.
  const byCommunity = new Map<string, CellSite[]>();
  for (const s of whole) {
    const list = byCommunity.get(s.community.code) ?? [];
    list.push(s);
    byCommunity.set(s.community.code, list);
  }
  for (const cells of byCommunity.values()) {
    const built = cells.filter((s) => s.tile.landuse === 'residential' || s.tile.landuse === 'commercial' || s.tile.landuse === 'public');
    if (built.length > 0 && rng.chance(0.35)) inCell(rng.pick(built), 'C0301', 1);
  }
  spec.towns.forEach((_, t) => {
    const pool = whole.filter((s) => s.community.townIndex === t && (s.tile.landuse === 'industrial' || s.tile.landuse === 'farmland'));
    const fallback = whole.filter((s) => s.community.townIndex === t);
    for (let n = 0; n < 2; n++) {
      const from = pool.length > 0 ? pool : fallback;
      if (from.length > 0) inCell(rng.pick(from), 'C0310', 1);
    }
  });
  const [hx, hy] = spec.towns[0]!.seedM;
  const oldCore = whole.filter((s) => {
    const [ax, ay] = l.xy(s.i, s.j);
    return s.tile.landuse === 'green' || (s.tile.landuse === 'residential' && Math.hypot(ax - hx, ay - hy) < 1600);
  });
  for (let n = 0; n < 24 && oldCore.length > 0; n++) inCell(rng.pick(oldCore), 'C0401', 1);

  // Serials count per category in the order placed; the layer is sorted by code.
  const serials = new Map<string, number>();
  for (const { feature, category } of out) {
    const c = categories.get(category)!;
    const serial = (serials.get(category) ?? 0) + 1;
    serials.set(category, serial);
    if (serial > 999_999) throw new Error(`more than 999,999 components of ${category}`);
    feature.properties.code = `${spec.districtCode}${c.classCode}${c.subclassCode}${String(serial).padStart(6, '0')}`;
  }
  return out.map((o) => o.feature).sort((a, b) => (a.properties.code < b.properties.code ? -1 : 1));
}

const ROAD_CLASSES: readonly RoadClass[] = ['expressway', 'arterial', 'secondary', 'local'];

/**
 * Half the width of a road's carriageway, from its centre line (the cell edge) to the kerb: a
 * four-lane arterial, a two-lane secondary road, a lane; about what the basemap draws at zoom 17,
 * so covers lie on the drawn road and lights and bins just off it.
 */
const HALF_WIDTH_M: Record<RoadClass, number> = { expressway: 11, arterial: 8, secondary: 5.5, local: 3.5 };

type Where = 'carriageway' | 'kerb' | 'pavement' | 'frontage';

/** How far from the road's centre line a thing stands, by where across the road it belongs. */
function offsetM(where: Where, cls: RoadClass, rng: SeededRandom): number {
  const hw = HALF_WIDTH_M[cls];
  switch (where) {
    case 'carriageway':
      return rng.range(1.5, hw - 1);
    case 'kerb':
      return hw - rng.range(0.3, 0.8);
    case 'pavement':
      return hw + rng.range(1, 3);
    case 'frontage':
      return hw + rng.range(4, 8);
  }
}

const roadDensity = (per: Per100m) => (cls: RoadClass) => per[cls] ?? 0;
const onLand = (lands: Partial<Record<LanduseClass, Per100m>>) => (cls: RoadClass, landuse: LanduseClass) => lands[landuse]?.[cls] ?? 0;

/** What stands along roads, per 100 m of road by class (and by land use where it depends on it): see the table above. */
const ALONG_ROADS: { code: string; where: Where; density: (cls: RoadClass, landuse: LanduseClass) => number }[] = [
  { code: 'C0101', where: 'carriageway', density: roadDensity({ arterial: 0.12, secondary: 0.09, local: 0.04 }) },
  { code: 'C0102', where: 'carriageway', density: roadDensity({ arterial: 0.12, secondary: 0.09, local: 0.05 }) },
  { code: 'C0103', where: 'carriageway', density: roadDensity({ arterial: 0.09, secondary: 0.06, local: 0.03 }) },
  { code: 'C0104', where: 'kerb', density: roadDensity({ expressway: 0.05, arterial: 0.12, secondary: 0.08, local: 0.02 }) },
  { code: 'C0105', where: 'pavement', density: roadDensity({ arterial: 0.08, secondary: 0.05, local: 0.015 }) },
  { code: 'C0106', where: 'pavement', density: roadDensity({ arterial: 0.08, secondary: 0.05, local: 0.015 }) },
  { code: 'C0111', where: 'carriageway', density: roadDensity({ arterial: 0.06, secondary: 0.05, local: 0.02 }) },
  { code: 'C0113', where: 'pavement', density: roadDensity({ arterial: 0.06, secondary: 0.05, local: 0.02 }) },
  {
    code: 'C0117',
    where: 'pavement',
    density: (cls, landuse) => (cls !== 'local' ? 0 : landuse === 'farmland' || landuse === 'industrial' ? 0.25 : 0.02),
  },
  { code: 'C0118', where: 'pavement', density: roadDensity({ expressway: 0.15, arterial: 0.25, secondary: 0.14, local: 0.03 }) },
  { code: 'C0209', where: 'pavement', density: roadDensity({ expressway: 0.05, arterial: 0.04, secondary: 0.03 }) },
  { code: 'C0305', where: 'pavement', density: roadDensity({ arterial: 0.05, secondary: 0.035, local: 0.01 }) },
  {
    code: 'C0307',
    where: 'frontage',
    density: onLand({ commercial: { arterial: 0.5, secondary: 0.4, local: 0.25 }, residential: { arterial: 0.03, secondary: 0.02 } }),
  },
  { code: 'C0120', where: 'pavement', density: onLand({ commercial: { arterial: 0.12, secondary: 0.08 } }) },
  { code: 'C0404', where: 'pavement', density: onLand({ commercial: { arterial: 0.08 } }) },
];

/** What can go missing (lifted covers and grates, taken signs, bins and planters). */
const MOVABLE = new Set(['C0101', 'C0102', 'C0103', 'C0104', 'C0105', 'C0106', 'C0111', 'C0209', 'C0305', 'C0404']);

function stateOf(code: string, rng: SeededRandom): ComponentState {
  const r = rng.float();
  if (r < 0.92) return 'intact';
  if (r < 0.965) return 'damaged';
  if (r < 0.985) return MOVABLE.has(code) ? 'missing' : 'damaged';
  return 'removed';
}
