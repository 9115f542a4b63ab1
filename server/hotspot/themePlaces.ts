import { booleanPointInPolygon } from '@turf/turf';
import CheapRuler from 'cheap-ruler';
import Flatbush from 'flatbush';
import type { City, SiteGeometry, SiteKind, SiteStatus, ThemePlace } from '../../shared/index.js';

type Position = [number, number];
type Area = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** The registry of vacant lots and material yards as the themes read it (server/site/siteRegistry.ts). */
export interface SiteSource {
  /** Moves with every committed edit or import. */
  readonly version: number;
  all(): readonly { kind: SiteKind; status: SiteStatus; geometry: SiteGeometry }[];
}

/**
 * Whether a registered site counts as a vacant lot for the vacant-lot theme: every lot the registry
 * holds, fenced, greened or being built on included (what gathers around a treated lot is what the
 * before/after comparison measures), except one returned to use, which is no longer a lot.
 */
export function isThemeLot(site: { kind: SiteKind; status: SiteStatus }): boolean {
  return site.kind === 'vacant_lot' && site.status !== 'returned_to_use';
}

/**
 * The places a theme's incidents must be near (shared/hotspot/themes.ts): the main roads (arterials
 * and expressways: exposed garbage there is what a city is judged on) and the vacant lots. The roads
 * are the city's; the lots are the city's layer until the registry of sites is followed, then the
 * registry's, built again on the first question after an admin's edit or import (`lotsVersion` moves,
 * so that the points near them are judged again). Answers a point in microseconds (a flatbush of the
 * segments or lots grown by the distance, then cheap-ruler's exact distance, accurate to well under a
 * metre at a city's scale).
 */
export class ThemePlaces {
  private readonly ruler: CheapRuler;
  private readonly segments: Float64Array;
  private readonly segmentIndex: Flatbush;
  private lots: Area[] = [];
  private lotIndex: Flatbush | null = null;
  private sites: SiteSource | null = null;
  private sitesVersion = -1;
  private lotsChanged = 0;

  constructor(
    city: Pick<City, 'layers' | 'meta'>,
    /** The farthest distance any theme asks for, metres (the indices are grown by it). */
    readonly maxNearM = 100,
  ) {
    this.ruler = new CheapRuler(city.meta.center[1], 'meters');
    const [dLon, dLat] = this.degreesFor(maxNearM);
    const segs: number[] = [];
    for (const road of city.layers.roads.features) {
      if (road.properties.class !== 'arterial' && road.properties.class !== 'expressway') continue;
      const line = road.geometry.coordinates;
      for (let i = 1; i < line.length; i++) segs.push(line[i - 1]![0], line[i - 1]![1], line[i]![0], line[i]![1]);
    }
    this.segments = Float64Array.from(segs);
    const n = segs.length / 4;
    this.segmentIndex = new Flatbush(Math.max(1, n));
    for (let i = 0; i < n; i++) {
      const [ax, ay, bx, by] = [segs[4 * i]!, segs[4 * i + 1]!, segs[4 * i + 2]!, segs[4 * i + 3]!];
      this.segmentIndex.add(Math.min(ax, bx) - dLon, Math.min(ay, by) - dLat, Math.max(ax, bx) + dLon, Math.max(ay, by) + dLat);
    }
    if (n === 0) this.segmentIndex.add(0, 0, 0, 0);
    this.segmentIndex.finish();
    this.setLots(city.layers['vacant-lots'].features.map((f) => f.geometry as Area));
  }

  /** From now on the lots are the registry's theme lots (isThemeLot), kept in step with its edits. */
  followSites(sites: SiteSource): void {
    this.sites = sites;
    this.sitesVersion = -1;
    this.refreshLots();
  }

  /** Moves whenever the lots changed: what was judged near a lot before must be judged again. */
  get lotsVersion(): number {
    this.refreshLots();
    return this.lotsChanged;
  }

  private refreshLots(): void {
    if (!this.sites || this.sites.version === this.sitesVersion) return;
    this.sitesVersion = this.sites.version;
    this.setLots(this.sites.all().filter(isThemeLot).map((s) => s.geometry as Area));
    this.lotsChanged += 1;
  }

  private setLots(lots: Area[]): void {
    const [dLon, dLat] = this.degreesFor(this.maxNearM);
    const index = lots.length > 0 ? new Flatbush(lots.length) : null;
    for (const lot of lots) {
      const rings = lot.type === 'Polygon' ? [lot.coordinates[0]!] : lot.coordinates.map((p) => p[0]!);
      let [w, s, e, nn] = [Infinity, Infinity, -Infinity, -Infinity];
      for (const ring of rings) for (const [x, y] of ring) [w, s, e, nn] = [Math.min(w, x), Math.min(s, y), Math.max(e, x), Math.max(nn, y)];
      index!.add(w - dLon, s - dLat, e + dLon, nn + dLat);
    }
    index?.finish();
    this.lots = lots;
    this.lotIndex = index;
  }

  /** Whether a point lies within `metres` of the place (metres at most maxNearM). */
  isNear(place: ThemePlace, lon: number, lat: number, metres: number): boolean {
    return place === 'near_main_road' ? this.isNearMainRoad(lon, lat, metres) : this.isNearVacantLot(lon, lat, metres);
  }

  isNearMainRoad(lon: number, lat: number, metres: number): boolean {
    const p: Position = [lon, lat];
    for (const i of this.segmentIndex.search(lon, lat, lon, lat)) {
      const s = this.segments;
      const line: Position[] = [
        [s[4 * i]!, s[4 * i + 1]!],
        [s[4 * i + 2]!, s[4 * i + 3]!],
      ];
      if (this.ruler.distance(p, this.ruler.pointOnLine(line, p).point) <= metres) return true;
    }
    return false;
  }

  isNearVacantLot(lon: number, lat: number, metres: number): boolean {
    this.refreshLots();
    if (!this.lotIndex) return false;
    const p: Position = [lon, lat];
    for (const i of this.lotIndex.search(lon, lat, lon, lat)) {
      const lot = this.lots[i]!;
      if (booleanPointInPolygon(p, lot)) return true;
      const rings = lot.type === 'Polygon' ? lot.coordinates : lot.coordinates.flat();
      for (const ring of rings) if (this.ruler.distance(p, this.ruler.pointOnLine(ring, p).point) <= metres) return true;
    }
    return false;
  }

  private degreesFor(metres: number): [number, number] {
    const [kx, ky] = [this.ruler.kx, this.ruler.ky];
    return [metres / kx, metres / ky];
  }
}
