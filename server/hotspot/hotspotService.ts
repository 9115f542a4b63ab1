import { latLngToCell } from 'h3-js';
import { TIME_WINDOW_MS, type EmergingAnswer, type EmergingQuery, type HotspotAnswer, type HotspotCell, type HotspotQuery } from '../../shared/index.js';
import type { IncidentQueries } from '../incident/incidentQueries.js';
import type { IncidentPoint } from '../store/store.js';
import type { City } from '../../shared/index.js';
import { EMERGING_HOTSPOT_CLASSES, emergingHotspotClasses, giStarTrends } from './emergingHotspots.js';
import { benjaminiHochberg, HOTSPOT_CLASSES, hotspotClasses, NOT_SIGNIFICANT } from './falseDiscovery.js';
import { getisOrdGiStar, getisOrdGiStarSlices } from './getisOrd.js';
import { cellCentroids, distanceBandNeighbours, h3Neighbours, includeSelf, queenNeighbours, type NeighbourLists } from './spatialWeights.js';

const WEEK_MS = 7 * 86_400_000;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const r6 = (x: number) => (x < 1e-6 ? Number(x.toPrecision(3)) : Math.round(x * 1e6) / 1e6);

/**
 * Hotspots of a theme (GET /api/hotspots, /api/hotspots/emerging): the filtered incidents counted per
 * unit grid cell (by their stored grid code) or per H3 cell (by their stored index), scored with Gi*
 * and classed after the FDR correction; and, over weekly slices, the emerging-hotspot class of each
 * cell. The spatial weights depend only on the grid, so they are built once and kept.
 */
export class HotspotService {
  private readonly cellIndexByCode: Map<string, number>;
  private readonly weights = new Map<string, NeighbourLists>();
  /** The H3 cells (resolution 8) the city's grid covers, and their weights. */
  private h3Cells: string[] | null = null;

  constructor(
    private readonly deps: {
      city: Pick<City, 'layers'>;
      queries: Pick<IncidentQueries, 'filteredPoints'>;
      now(): number;
    },
  ) {
    this.cellIndexByCode = new Map(deps.city.layers.grid.features.map((f, i) => [f.properties.code, i]));
  }

  async hotspots(q: HotspotQuery): Promise<HotspotAnswer> {
    const until = q.until ? Date.parse(q.until) : this.deps.now();
    const since = q.since ? Date.parse(q.since) : until - TIME_WINDOW_MS[q.window];
    const points = await this.deps.queries.filteredPoints(since, until, q);
    const { keys, counts, weights } = q.res === 'h3-8' ? this.countByH3(points) : this.countByCell(points, q.weights, q.bandM);
    const { z, p } = getisOrdGiStar(counts, weights);
    const qv = benjaminiHochberg(p);
    const classes = hotspotClasses(z, qv);
    const perClass = Object.fromEntries(HOTSPOT_CLASSES.map((c) => [c, 0])) as HotspotAnswer['classes'];
    const cells: HotspotCell[] = [];
    for (let i = 0; i < counts.length; i++) {
      const name = HOTSPOT_CLASSES[classes[i]!]!;
      perClass[name] += 1;
      if (!q.all && classes[i] === NOT_SIGNIFICANT) continue;
      const where = q.res === 'h3-8' ? { h3: keys[i]! } : { gridCode: keys[i]!, cell: i };
      cells.push({ ...where, count: counts[i]!, z: r4(z[i]!), p: r6(p[i]!), q: r6(qv[i]!), class: name });
    }
    // The strongest first: a reader of the list meets the hottest cells first.
    cells.sort((a, b) => b.z - a.z);
    return { window: q.window, theme: q.theme, weights: q.res === 'h3-8' ? 'h3-ring' : q.weights, res: q.res, incidents: points.length, cellsScored: counts.length, classes: perClass, cells };
  }

  async emerging(q: EmergingQuery): Promise<EmergingAnswer> {
    const until = this.deps.now();
    const since = until - q.weeks * WEEK_MS;
    const points = await this.deps.queries.filteredPoints(since, until, { theme: q.theme });
    const n = this.deps.city.layers.grid.features.length;
    const slices = Array.from({ length: q.weeks }, () => new Float64Array(n));
    for (const pt of points) {
      const c = this.cellIndexByCode.get(pt.gridCode);
      const w = Math.min(q.weeks - 1, Math.floor((pt.reportedAt - since) / WEEK_MS));
      if (c !== undefined && w >= 0) slices[w]![c]! += 1;
    }
    const weights = this.cellWeights('queen', 0);
    const { z, p } = getisOrdGiStarSlices(slices, weights);
    const classes = emergingHotspotClasses(z, p.map((ps) => benjaminiHochberg(ps)));
    const trend = giStarTrends(z);
    const perClass: Record<string, number> = Object.fromEntries(EMERGING_HOTSPOT_CLASSES.map((c) => [c, 0]));
    const cells: EmergingAnswer['cells'] = [];
    const codes = this.deps.city.layers.grid.features;
    for (let i = 0; i < n; i++) {
      const name = EMERGING_HOTSPOT_CLASSES[classes[i]!]!;
      perClass[name]! += 1;
      if (!q.all && name === 'no_pattern') continue;
      cells.push({ gridCode: codes[i]!.properties.code, cell: i, class: name, trendZ: r4(trend.z[i]!), trendP: r6(trend.p[i]!) });
    }
    return { weeks: q.weeks, theme: q.theme, slices: slices.map((_, w) => new Date(since + w * WEEK_MS).toISOString()), classes: perClass, cells };
  }

  private countByCell(points: readonly IncidentPoint[], kind: 'queen' | 'band', bandM: number) {
    const features = this.deps.city.layers.grid.features;
    const counts = new Float64Array(features.length);
    for (const pt of points) {
      const c = this.cellIndexByCode.get(pt.gridCode);
      if (c !== undefined) counts[c]! += 1;
    }
    return { keys: features.map((f) => f.properties.code), counts, weights: this.cellWeights(kind, bandM) };
  }

  private countByH3(points: readonly IncidentPoint[]) {
    if (!this.h3Cells) {
      const centroids = cellCentroids(this.deps.city.layers.grid.features);
      const set = new Set<string>();
      for (let i = 0; i < centroids.length / 2; i++) set.add(latLngToCell(centroids[2 * i + 1]!, centroids[2 * i]!, 8));
      this.h3Cells = [...set].sort();
    }
    const { keys, counts } = countByH3Cell(points, this.h3Cells);
    const key = `h3:${keys.length}:${keys.slice(this.h3Cells.length).join()}`;
    let weights = this.weights.get(key);
    if (!weights) this.weights.set(key, (weights = includeSelf(h3Neighbours(keys))));
    return { keys, counts, weights };
  }

  private cellWeights(kind: 'queen' | 'band', bandM: number): NeighbourLists {
    const key = kind === 'queen' ? 'queen' : `band:${bandM}`;
    let w = this.weights.get(key);
    if (!w) {
      const cells = this.deps.city.layers.grid.features;
      w = includeSelf(kind === 'queen' ? queenNeighbours(cells) : distanceBandNeighbours(cellCentroids(cells), bandM));
      this.weights.set(key, w);
    }
    return w;
  }
}

/**
 * Incidents per H3 cell from the indices stored with them (no point located again): the city's cells
 * first, in their order, then any cell an incident lies in that the city's list misses (at its edge),
 * sorted. One pass over the points with a map lookup each.
 */
export function countByH3Cell(points: Iterable<{ h3: string }>, cityCells: readonly string[]): { keys: string[]; counts: Float64Array } {
  const position = new Map(cityCells.map((h, i) => [h, i]));
  const extraCounts = new Map<string, number>();
  const inCity = new Float64Array(cityCells.length);
  for (const p of points) {
    const i = position.get(p.h3);
    if (i !== undefined) inCity[i]! += 1;
    else extraCounts.set(p.h3, (extraCounts.get(p.h3) ?? 0) + 1);
  }
  if (extraCounts.size === 0) return { keys: [...cityCells], counts: inCity };
  const extra = [...extraCounts.keys()].sort();
  const counts = new Float64Array(cityCells.length + extra.length);
  counts.set(inCity);
  extra.forEach((h, k) => (counts[cityCells.length + k] = extraCounts.get(h)!));
  return { keys: [...cityCells, ...extra], counts };
}
