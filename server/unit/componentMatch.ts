import { distance } from '@turf/turf';
import { around } from 'geokdbush';
import KDBush from 'kdbush';
import type { CityLayer } from '../../shared/index.js';

type ComponentFeature = CityLayer<'components'>['features'][number];

/** How far from a component a case of its category may lie and still be taken for it (GB/T 30428 practice: a few tens of metres). */
export const COMPONENT_MATCH_RADIUS_M = 30;

/** The component a case is about: its code, the unit that maintains it, and how far from the case it stands. */
export interface ComponentMatch {
  code: string;
  categoryCode: string;
  ownerUnit: string;
  /** Great-circle distance (turf's), unrounded. */
  distanceMeters: number;
}

interface CategoryIndex {
  index: KDBush;
  components: ComponentFeature[];
}

/**
 * Finds the component a component case (部件案件) is about: the nearest component of the case's
 * category within a radius. Components in the `removed` state are no longer in the street and are
 * never matched. One kd-tree per category (kdbush), searched by great-circle distance (geokdbush);
 * candidates are measured again with turf's distance, so the answer is exactly what a scan of the
 * layer with turf would give (the nearest, then the lowest code among equally near ones). Pure:
 * built from the layer's features, no I/O.
 */
export class ComponentMatcher {
  private readonly byCategory = new Map<string, CategoryIndex>();

  constructor(components: readonly ComponentFeature[]) {
    const groups = new Map<string, ComponentFeature[]>();
    for (const c of components) {
      if (c.properties.state === 'removed') continue;
      const list = groups.get(c.properties.categoryCode) ?? [];
      list.push(c);
      groups.set(c.properties.categoryCode, list);
    }
    for (const [category, list] of groups) {
      const index = new KDBush(list.length);
      for (const c of list) index.add(c.geometry.coordinates[0], c.geometry.coordinates[1]);
      this.byCategory.set(category, { index: index.finish(), components: list });
    }
  }

  /** The nearest component of the category within `radiusMeters` of the point, or null. */
  nearest(categoryCode: string, lon: number, lat: number, radiusMeters = COMPONENT_MATCH_RADIUS_M): ComponentMatch | null {
    const group = this.byCategory.get(categoryCode);
    if (!group || !(radiusMeters >= 0)) return null;
    // geokdbush measures on a sphere of 6371 km, turf on one of 6371.0088 km: the same angle is a
    // shade shorter for geokdbush, so a slightly wider search holds every point turf puts in range.
    const ids = around(group.index, lon, lat, Infinity, (radiusMeters / 1000) * 1.001);
    let best: ComponentMatch | null = null;
    for (const id of ids) {
      const c = group.components[id]!;
      const d = distance([lon, lat], c.geometry.coordinates, { units: 'meters' });
      if (d > radiusMeters) continue;
      if (!best || d < best.distanceMeters || (d === best.distanceMeters && c.properties.code < best.code)) {
        best = { code: c.properties.code, categoryCode, ownerUnit: c.properties.ownerUnit, distanceMeters: d };
      }
    }
    return best;
  }
}
