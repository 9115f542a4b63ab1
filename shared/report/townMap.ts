/**
 * The towns of the notice's map as vector drawing commands: each town's polygon filled by the
 * quintile of a rate (worst in red), its name, and a legend with each class's range. Pure: polygons
 * and values in, commands in page points out (y down); the server strokes them into the PDF
 * (server/report/pdfDocument.ts), the notice page into an SVG (client/review/NoticeMap.tsx), and a
 * test reads them without either.
 */

type Ring = readonly (readonly number[])[];
export type AreaGeometry = { type: 'Polygon'; coordinates: readonly Ring[] } | { type: 'MultiPolygon'; coordinates: readonly (readonly Ring[])[] };

export interface MapArea {
  code: string;
  name: string;
  geometry: AreaGeometry;
  /** Where its name goes (lon, lat); the centre of its largest ring's box when not given. */
  labelPoint?: readonly [number, number];
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type DrawCommand =
  /** A town: its rings (outer and holes, even-odd) in page points, y down. */
  | { kind: 'area'; code: string; rings: [number, number][][]; fill: string; stroke: string; classIndex: number | null }
  | { kind: 'text'; x: number; y: number; text: string; size: number; align: 'left' | 'center' }
  | { kind: 'swatch'; x: number; y: number; width: number; height: number; fill: string; stroke: string };

/**
 * Five classes from worst to best, the worst in red: the same ramp as the review's map
 * (client/review/RegionMap.tsx REGION_RAMP), so the printed notice reads like the screen.
 */
export const QUINTILE_FILLS = ['#d73027', '#fc8d59', '#fee08b', '#91cf60', '#1a9850'] as const;
export const NO_DATA_FILL = '#d9d9d9';
const STROKE = '#4d4d4d';

/**
 * The class (0 worst … 4 best) of each value by its rank among the values (quintiles), the rule of the
 * review's map: a lower-is-better rate is ranked the other way round, equal values share the class of
 * the last of them, missing values get none.
 */
export function quintileClasses(values: ReadonlyMap<string, number | null>, higherIsBetter: boolean): Map<string, number> {
  const known = [...values].filter((e): e is [string, number] => e[1] !== null && Number.isFinite(e[1]));
  known.sort((a, b) => (higherIsBetter ? a[1] - b[1] : b[1] - a[1]));
  const out = new Map<string, number>();
  const n = Math.max(1, known.length);
  for (let i = 0; i < known.length; ) {
    let j = i;
    while (j + 1 < known.length && known[j + 1]![1] === known[i]![1]) j++;
    const k = Math.min(4, Math.floor((j * 5) / n));
    for (let m = i; m <= j; m++) out.set(known[m]![0], k);
    i = j + 1;
  }
  return out;
}

function ringsOf(g: AreaGeometry): Ring[] {
  return g.type === 'Polygon' ? [...g.coordinates] : g.coordinates.flatMap((p) => [...p]);
}

export interface TownMapOptions {
  higherIsBetter: boolean;
  /** The legend's heading (the rate's name). */
  title: string;
  /** How a value reads in the legend (a rate as a percentage). */
  format: (v: number) => string;
  /** The legend's line for towns with nothing to rate. */
  noData: string;
}

/** Width of the legend at the box's right. */
const LEGEND_WIDTH = 150;

/**
 * The map of the areas fitted into `box` (aspect kept: longitude scaled by the cosine of the mean
 * latitude), the legend at its right. Every coordinate lies within the box.
 */
export function townMapDrawing(areas: readonly MapArea[], values: ReadonlyMap<string, number | null>, box: Box, opts: TownMapOptions): DrawCommand[] {
  const classes = quintileClasses(values, opts.higherIsBetter);
  const all = areas.flatMap((a) => ringsOf(a.geometry).flat());
  if (all.length === 0) return [];
  const lons = all.map((p) => p[0]!);
  const lats = all.map((p) => p[1]!);
  const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const kx = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const mapWidth = Math.max(1, box.width - LEGEND_WIDTH);
  const spanX = Math.max(1e-9, (maxLon - minLon) * kx);
  const spanY = Math.max(1e-9, maxLat - minLat);
  const scale = Math.min(mapWidth / spanX, box.height / spanY);
  // Centred in the map's part of the box.
  const ox = box.x + (mapWidth - spanX * scale) / 2;
  const oy = box.y + (box.height - spanY * scale) / 2;
  const project = (lon: number, lat: number): [number, number] => [ox + (lon - minLon) * kx * scale, oy + (maxLat - lat) * scale];

  const out: DrawCommand[] = [];
  for (const a of areas) {
    const k = classes.get(a.code);
    out.push({
      kind: 'area',
      code: a.code,
      rings: ringsOf(a.geometry).map((r) => r.map((p) => project(p[0]!, p[1]!))),
      fill: k === undefined ? NO_DATA_FILL : QUINTILE_FILLS[k]!,
      stroke: STROKE,
      classIndex: k ?? null,
    });
  }
  for (const a of areas) {
    const [lon, lat] = a.labelPoint ?? boxCentreOfLargestRing(a.geometry);
    const [x, y] = project(lon, lat);
    out.push({ kind: 'text', x, y, text: a.name, size: 8, align: 'center' });
  }

  // The legend: each class's range of values, worst first, and the towns with none.
  const lx = box.x + box.width - LEGEND_WIDTH + 12;
  let ly = box.y + 4;
  out.push({ kind: 'text', x: lx, y: ly, text: opts.title, size: 9, align: 'left' });
  ly += 18;
  for (let k = 0; k < 5; k++) {
    const members = [...values].filter(([code, v]) => v !== null && classes.get(code) === k).map(([, v]) => v as number);
    const label = members.length === 0 ? '–' : `${opts.format(Math.min(...members))} – ${opts.format(Math.max(...members))}`;
    out.push({ kind: 'swatch', x: lx, y: ly, width: 14, height: 10, fill: QUINTILE_FILLS[k]!, stroke: STROKE });
    out.push({ kind: 'text', x: lx + 20, y: ly, text: label, size: 8, align: 'left' });
    ly += 16;
  }
  out.push({ kind: 'swatch', x: lx, y: ly, width: 14, height: 10, fill: NO_DATA_FILL, stroke: STROKE });
  out.push({ kind: 'text', x: lx + 20, y: ly, text: opts.noData, size: 8, align: 'left' });
  return out;
}

function boxCentreOfLargestRing(g: AreaGeometry): [number, number] {
  let best: [number, number] = [0, 0];
  let bestArea = -1;
  for (const poly of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) {
    const outer = poly[0];
    if (!outer) continue;
    const xs = outer.map((p) => p[0]!);
    const ys = outer.map((p) => p[1]!);
    const area = (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
    if (area > bestArea) {
      bestArea = area;
      best = [(Math.max(...xs) + Math.min(...xs)) / 2, (Math.max(...ys) + Math.min(...ys)) / 2];
    }
  }
  return best;
}
