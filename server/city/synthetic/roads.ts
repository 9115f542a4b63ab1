import type { CityLayer, RoadClass, RoadProps } from '../../../shared/index.js';
import type { Lake, Lattice, LonLat } from './lattice.js';
import type { RoadLine } from './layout.js';

export type RoadFeature = CityLayer<'roads'>['features'][number];

const SPEED: Record<RoadClass, number> = { expressway: 100, arterial: 60, secondary: 40, local: 30 };
const LANES: Record<RoadClass, number> = { expressway: 6, arterial: 6, secondary: 4, local: 2 };

/**
 * Turns road lines into segments between intersections. Segments meet on exactly equal lattice
 * vertices, so a routing graph is built by joining equal coordinates. Roads cross the expressway
 * only at arterials (interchanges): other roads stop one vertex short of it instead of sharing a
 * vertex that would make a junction that does not exist.
 */
export function buildRoads(
  l: Lattice,
  lines: RoadLine[],
  hasCell: (i: number, j: number) => boolean,
  lake: Lake,
  oneWayCentre: [number, number],
): RoadFeature[] {
  const out: RoadFeature[] = [];
  const expressway = lines.find((r) => r.class === 'expressway');
  const vertexInCity = (i: number, j: number) => {
    const [x, y] = l.xy(i, j);
    return !lake.contains(x, y) && (hasCell(i - 1, j - 1) || hasCell(i, j - 1) || hasCell(i - 1, j) || hasCell(i, j));
  };
  for (const line of lines) {
    const n = line.axis === 'col' ? l.rows : l.cols;
    const ij = (k: number): [number, number] => (line.axis === 'col' ? [line.index, k] : [k, line.index]);
    const crossing = lines.filter((r) => r.axis !== line.axis);
    const junctions = new Set(
      crossing
        .filter((r) => (line.class === 'expressway' ? r.class === 'arterial' : r.class !== 'expressway' || line.class === 'arterial'))
        .map((r) => r.index),
    );
    const blocked = (k: number) =>
      expressway !== undefined && expressway.axis !== line.axis && expressway.index === k && line.class !== 'arterial';
    let run: number[] = [];
    let seg = 0;
    const flush = () => {
      if (run.length >= 2) {
        const coordinates = run.map((k) => l.lonLat(...ij(k)));
        const mid = l.xy(...ij(run[Math.floor(run.length / 2)]!));
        const oneway = line.class === 'local' && Math.hypot(mid[0] - oneWayCentre[0], mid[1] - oneWayCentre[1]) < 1200;
        // One-way streets alternate direction, line by line, as in an old town core.
        if (oneway && line.index % 2 === 1) coordinates.reverse();
        const properties: RoadProps = {
          id: `${line.axis}${line.index}-${++seg}`,
          name: line.name,
          class: line.class,
          speedKph: SPEED[line.class],
          lanes: oneway ? 1 : LANES[line.class],
          oneway,
        };
        out.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: coordinates as LonLat[] }, properties });
      }
      run = [];
    };
    for (let k = 0; k <= n; k++) {
      if (!vertexInCity(...ij(k)) || blocked(k)) {
        flush();
        continue;
      }
      run.push(k);
      if (junctions.has(k) && run.length >= 2) {
        flush();
        run.push(k);
      }
    }
    flush();
  }
  return out;
}
