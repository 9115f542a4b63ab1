import { THEME_DEFINITIONS, type ThemePlace } from '../../shared/index.js';
import type { IncidentPoint } from '../store/store.js';

/** The places a theme asks for, as bits of each point's flags (computed once, when the point arrives). */
const PLACE_BIT: Record<ThemePlace, number> = { near_main_road: 1, near_vacant_lot: 2 };

/**
 * The incidents of the last days as the density layers and the hotspots read them, in memory: every
 * request used to read its window from SQLite again (112,000 rows for 90 days, most of the time of a
 * request), and to test every point of a place theme against the roads and lots again. Here the points
 * are read once at start, appended as reports are committed, kept in time order, and each carries the
 * places it is near as bits; a window is two binary searches and a filter.
 */
export class RecentPoints {
  private points: IncidentPoint[] = [];
  private near = new Uint8Array(0);
  /**
   * Each point's grid cell as its index in the grid (-1 for a code not in it), kept beside the point
   * (same index, same growth): a frame rebuilt after a report would otherwise look every point's cell
   * up by its code again, about half of the rebuild.
   */
  private cells = new Int32Array(0);
  private gridSeen: number | undefined;
  private lotsSeen: number | undefined;
  private changes = 0;

  /** Moves with every change of what a read could answer: a point added or dropped, the lots' bits or the cells judged again. */
  get version(): number {
    this.refreshLots();
    this.refreshGrid();
    return this.changes;
  }

  constructor(
    private readonly deps: {
      /** Whether a point lies within `metres` of a theme's place (server/hotspot/themePlaces.ts). */
      isNear(place: ThemePlace, lon: number, lat: number, metres: number): boolean;
      /** How far back the points are kept, ms. */
      keepMs: number;
      /**
       * Moves when the vacant lots change (an admin's edit or import in the sites registry): the
       * points' vacant-lot bits are then worked out again, on the next read.
       */
      lotsVersion?(): number;
      /** The index of a grid code's cell in the grid (-1 for a code not in it); without it every cell is -1. */
      cellIndexOf?(gridCode: string): number;
      /** Moves when the grid changes: the cell column is then worked out again, on the next read. */
      gridVersion?(): number;
    },
  ) {
    for (const t of Object.values(THEME_DEFINITIONS)) {
      if (t.place && t.nearM !== RecentPoints.NEAR_M) throw new Error(`a theme asks for ${t.nearM} m; the points know ${RecentPoints.NEAR_M} m`);
    }
  }

  /** The distance the place bits stand for (the themes' own). */
  static readonly NEAR_M = 50;

  /** The earliest time this holds every point from (points before it may be missing). */
  get heldSince(): number {
    return this.since;
  }
  private since = Infinity;

  /** Starts from the store's points of [since, now), oldest first. */
  load(points: readonly IncidentPoint[], since: number): void {
    this.points = [...points];
    this.near = new Uint8Array(Math.max(1024, points.length * 2));
    this.cells = new Int32Array(this.near.length);
    this.lotsSeen = this.deps.lotsVersion?.();
    this.gridSeen = this.deps.gridVersion?.();
    points.forEach((p, i) => {
      this.near[i] = this.placesOf(p);
      this.cells[i] = this.cellOf(p);
    });
    this.since = since;
    this.changes += 1;
  }

  /** A report just committed; a report dated back in time goes to its place in time order. */
  add(p: IncidentPoint): void {
    const n = this.points.length;
    if (n === this.near.length) this.grow(n * 2);
    let i = n;
    if (n > 0 && this.points[n - 1]!.reportedAt > p.reportedAt) {
      i = this.indexAt(p.reportedAt + 1);
      this.near.copyWithin(i + 1, i, n);
      this.cells.copyWithin(i + 1, i, n);
    }
    this.points.splice(i, 0, p);
    this.near[i] = this.placesOf(p);
    this.cells[i] = this.cellOf(p);
    this.changes += 1;
  }

  /** Drops the points older than the kept span before `now`. */
  prune(now: number): void {
    const from = now - this.deps.keepMs;
    const k = this.indexAt(from);
    if (k === 0) return;
    this.changes += 1;
    this.points = this.points.slice(k);
    this.near = this.near.slice(k);
    this.cells = this.cells.slice(k);
    if (this.near.length < 1024) this.grow(1024);
    this.since = Math.max(this.since, from);
  }

  /** Whether [since, until) lies within what is held. */
  covers(since: number): boolean {
    return since >= this.since;
  }

  /** The points of [since, until), oldest first, that `keep` takes; `place` must also be near if given. */
  between(since: number, until: number, keep: (p: IncidentPoint) => boolean, place: ThemePlace | null): IncidentPoint[] {
    this.refreshLots();
    const out: IncidentPoint[] = [];
    const bit = place ? PLACE_BIT[place] : 0;
    for (let i = this.indexAt(since), end = this.indexAt(until); i < end; i++) {
      const p = this.points[i]!;
      if ((bit === 0 || (this.near[i]! & bit) !== 0) && keep(p)) out.push(p);
    }
    return out;
  }

  /** The same points as `between`, with each one's grid cell index (a column the length of the points). */
  withCells(since: number, until: number, keep: (p: IncidentPoint) => boolean, place: ThemePlace | null): { points: IncidentPoint[]; cells: Int32Array } {
    this.refreshLots();
    this.refreshGrid();
    const points: IncidentPoint[] = [];
    const from = this.indexAt(since);
    const end = this.indexAt(until);
    const cells = new Int32Array(end - from);
    const bit = place ? PLACE_BIT[place] : 0;
    for (let i = from; i < end; i++) {
      const p = this.points[i]!;
      if ((bit === 0 || (this.near[i]! & bit) !== 0) && keep(p)) {
        cells[points.length] = this.cells[i]!;
        points.push(p);
      }
    }
    return { points, cells: cells.subarray(0, points.length) };
  }

  get size(): number {
    return this.points.length;
  }

  /** How many points are held reported in [since, until) (two binary searches). */
  countBetween(since: number, until: number): number {
    return Math.max(0, this.indexAt(until) - this.indexAt(since));
  }

  /** After the lots changed, every point's vacant-lot bit judged again (the main-road bit stands). */
  private refreshLots(): void {
    const v = this.deps.lotsVersion?.();
    if (v === this.lotsSeen) return;
    this.lotsSeen = v;
    const bit = PLACE_BIT.near_vacant_lot;
    for (let i = 0; i < this.points.length; i++) {
      const p = this.points[i]!;
      const near = this.deps.isNear('near_vacant_lot', p.lon, p.lat, RecentPoints.NEAR_M);
      this.near[i] = (this.near[i]! & ~bit) | (near ? bit : 0);
    }
    this.changes += 1;
  }

  /** After the grid changed, every point's cell index worked out again. */
  private refreshGrid(): void {
    const v = this.deps.gridVersion?.();
    if (v === this.gridSeen) return;
    this.gridSeen = v;
    for (let i = 0; i < this.points.length; i++) this.cells[i] = this.cellOf(this.points[i]!);
    this.changes += 1;
  }

  /** Both columns beside the points grown (or shrunk) to `length`, their values kept. */
  private grow(length: number): void {
    const near = new Uint8Array(length);
    near.set(this.near.subarray(0, Math.min(length, this.near.length)));
    this.near = near;
    const cells = new Int32Array(length);
    cells.set(this.cells.subarray(0, Math.min(length, this.cells.length)));
    this.cells = cells;
  }

  private cellOf(p: IncidentPoint): number {
    return this.deps.cellIndexOf?.(p.gridCode) ?? -1;
  }

  /** The first index whose point is reported at or after `t`. */
  private indexAt(t: number): number {
    let lo = 0;
    let hi = this.points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.points[mid]!.reportedAt < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private placesOf(p: IncidentPoint): number {
    let bits = 0;
    for (const [place, bit] of Object.entries(PLACE_BIT) as [ThemePlace, number][]) if (this.deps.isNear(place, p.lon, p.lat, RecentPoints.NEAR_M)) bits |= bit;
    return bits;
  }
}
