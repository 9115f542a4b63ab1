import { bearing, distance } from '@turf/turf';
import type { CityLayer, LocalizedName, RoadClass } from '../../shared/index.js';

export interface RoadLabel {
  name: LocalizedName;
  roadClass: RoadClass;
  position: [number, number];
  /** Degrees counter-clockwise from east, as deck.gl's TextLayer wants; always upright (−90…90]. */
  angle: number;
}

/** Which classes get names, and how far apart repeated names of one road stand (km), per level of detail. */
export type LabelSpacing = Partial<Record<RoadClass, number>>;
export const ROAD_LABEL_SPACING = {
  /** Zoomed out: only the main roads, far apart, so names do not pile up at crossings. */
  overview: { expressway: 9, arterial: 6 },
  detail: { expressway: 4, arterial: 2.5, secondary: 1.6 },
} satisfies Record<string, LabelSpacing>;

/**
 * Places the names of the main roads along them: one label every few kilometres of each named road,
 * turned along the road and kept upright, on a north-up map. A road is the set of its segments with
 * one name; the first label stands half a spacing in, so short roads still get one.
 */
export function placeRoadLabels(roads: CityLayer<'roads'>['features'], spacingKm: LabelSpacing): RoadLabel[] {
  const labels: RoadLabel[] = [];
  const nextAtKm = new Map<string, number>();
  const travelledKm = new Map<string, number>();
  for (const road of roads) {
    const { name, class: roadClass } = road.properties;
    const spacing = spacingKm[roadClass];
    if (!name || !spacing) continue;
    const key = `${roadClass}:${name.zh}`;
    let travelled = travelledKm.get(key) ?? 0;
    let nextAt = nextAtKm.get(key) ?? spacing / 2;
    const coords = road.geometry.coordinates;
    for (let i = 1; i < coords.length; i++) {
      const a = coords[i - 1]!;
      const b = coords[i]!;
      const edge = distance(a, b, { units: 'kilometers' });
      while (edge > 0 && travelled + edge >= nextAt) {
        const f = (nextAt - travelled) / edge;
        labels.push({
          name,
          roadClass,
          position: [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f],
          angle: uprightAngle(bearing(a, b)),
        });
        nextAt += spacing;
      }
      travelled += edge;
    }
    travelledKm.set(key, travelled);
    nextAtKm.set(key, nextAt);
  }
  return labels;
}

/** A compass bearing (clockwise from north) as a counter-clockwise text angle that never reads upside down. */
export function uprightAngle(bearingDeg: number): number {
  let angle = 90 - bearingDeg;
  while (angle > 90) angle -= 180;
  while (angle <= -90) angle += 180;
  return angle;
}
