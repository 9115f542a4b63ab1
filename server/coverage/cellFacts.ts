import type { CityLayer, RoadClass } from '../../shared/index.js';
import type { GridIndex } from '../grid/gridIndex.js';

const RANK: Record<RoadClass, number> = { local: 1, secondary: 2, arterial: 3, expressway: 4 };
const CLASSES: (RoadClass | null)[] = [null, 'local', 'secondary', 'arterial', 'expressway'];
/** Metres between samples along a road, and to either side of it: roads run along cell edges, so both sides' cells front it. */
const STEP_M = 20;
const SIDE_M = 6;

/**
 * The busiest road each cell fronts (null: none), found by sampling every road a few metres to either
 * side along its length: the city's roads run on cell edges, so a road belongs to the cells on both sides.
 */
export function busiestRoadOfCells(grid: Pick<GridIndex, 'locate'>, roads: CityLayer<'roads'>['features'], cellCount: number, lat0: number): (RoadClass | null)[] {
  const rank = new Uint8Array(cellCount);
  const mLon = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const mLat = 110_574;
  const mark = (lon: number, lat: number, r: number) => {
    const c = grid.locate(lon, lat);
    if (c >= 0 && rank[c]! < r) rank[c] = r;
  };
  for (const f of roads) {
    const r = RANK[f.properties.class];
    const line = f.geometry.coordinates;
    for (let i = 1; i < line.length; i++) {
      const [x0, y0] = line[i - 1]!;
      const [x1, y1] = line[i]!;
      const dx = (x1! - x0!) * mLon;
      const dy = (y1! - y0!) * mLat;
      const len = Math.hypot(dx, dy);
      if (len === 0) continue;
      // The unit normal, in degrees of each axis.
      const nx = -dy / len / mLon;
      const ny = dx / len / mLat;
      const steps = Math.max(1, Math.ceil(len / STEP_M));
      for (let k = 0; k <= steps; k++) {
        const t = k / steps;
        const lon = x0! + t * (x1! - x0!);
        const lat = y0! + t * (y1! - y0!);
        mark(lon + nx * SIDE_M, lat + ny * SIDE_M, r);
        mark(lon - nx * SIDE_M, lat - ny * SIDE_M, r);
      }
    }
  }
  return Array.from(rank, (r) => CLASSES[r]!);
}

/** 1 where a place that draws problems (a market, a school, a building site, a yard, a station, a hospital) lies in the cell. */
export function attractorsOfCells(grid: Pick<GridIndex, 'locate'>, pois: CityLayer<'pois'>['features'], cellCount: number): Uint8Array {
  const out = new Uint8Array(cellCount);
  for (const p of pois) {
    if (p.properties.kind === 'park' || p.properties.kind === 'government') continue;
    const [lon, lat] = p.geometry.coordinates;
    const c = grid.locate(lon!, lat!);
    if (c >= 0) out[c] = 1;
  }
  return out;
}
