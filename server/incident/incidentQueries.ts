import {
  THEME_DEFINITIONS,
  TIME_WINDOW_MS,
  type Incident,
  type IncidentPage,
  type IncidentPoints,
  type IncidentQuery,
  type PointColumnsFrame,
  type PointsQuery,
  encodePointColumns,
  pointTimeStep,
} from '../../shared/index.js';
import type { ThemePlaces } from '../hotspot/themePlaces.js';
import type { RecentPoints } from './recentPoints.js';
import { PointFrameCache } from './pointFrameCache.js';
import type { Principal } from '../auth/principal.js';
import { incidentFor } from '../auth/redaction.js';
import { Refusal } from '../refusal.js';
import type { IncidentPoint, Store } from '../store/store.js';

/**
 * Reading incidents: pages and single records as a reader may see them (reporters' personal data
 * redacted for those who may not read it), and the density map's points as compact columns.
 */
export class IncidentQueries {
  constructor(
    private readonly deps: {
      store: Pick<Store, 'incidents'>;
      /** The grid cell's index of a grid code (-1 for a code not in the grid). */
      cellIndexOf(gridCode: string): number;
      /** The city's bounds [w, s, e, n]: the frames' positions are quantized over them. */
      bounds: [number, number, number, number];
      /** The places the themes are about (main roads, vacant lots). */
      places: Pick<ThemePlaces, 'isNear'>;
      /** The recent points in memory, read instead of the store for the windows they hold. */
      recent?: Pick<RecentPoints, 'covers' | 'between' | 'version' | 'countBetween'> & Partial<Pick<RecentPoints, 'withCells'>>;
      now(): number;
    },
  ) {
    this.frames = deps.recent ? new PointFrameCache(deps.recent) : null;
  }

  private readonly frames: PointFrameCache | null;

  async page(query: IncidentQuery, reader: Principal | null): Promise<IncidentPage> {
    const page = await this.deps.store.incidents.list(query);
    return { ...page, items: page.items.map((i) => incidentFor(reader, i)) };
  }

  async get(id: string, reader: Principal | null): Promise<Incident> {
    const incident = await this.deps.store.incidents.get(id);
    if (!incident) throw new Refusal(404, 'not_found', `No incident has the id ${id}.`);
    return incidentFor(reader, incident);
  }

  /**
   * Every incident reported in the window that the query's theme and filters take, as columns: rounded
   * positions, seconds since the window's start, family letters, cells (the JSON form, for readers
   * that ask for JSON; the density layers take `pointColumns`).
   */
  async densityPoints(query: PointsQuery): Promise<IncidentPoints> {
    const { since, points } = await this.pointsOf(query);
    return {
      window: query.window,
      since: new Date(since).toISOString(),
      count: points.length,
      lon: points.map((p) => Math.round(p.lon * 1e5) / 1e5),
      lat: points.map((p) => Math.round(p.lat * 1e5) / 1e5),
      t: points.map((p) => Math.round((p.reportedAt - since) / 1000)),
      family: points.map((p) => p.categoryCode[0]).join(''),
      cell: points.map((p) => this.deps.cellIndexOf(p.gridCode)),
    };
  }

  /**
   * The binary frame of the same incidents (shared/incident/pointColumns.ts), as sent: kept per query
   * while the points in memory are unchanged (server/incident/pointFrameCache.ts), else built again.
   * The frame counts its times from the window's start rounded down to its time step, so that two
   * requests a few seconds apart over the same points give the same bytes.
   */
  async pointFrame(query: PointsQuery): Promise<Uint8Array> {
    const until = this.deps.now();
    const since = until - TIME_WINDOW_MS[query.window];
    const stepMs = pointTimeStep(TIME_WINDOW_MS[query.window] / 1000) * 1000;
    const frameSince = Math.floor(since / stepMs) * stepMs;
    const build = async () => {
      const held = this.heldWithCells(since, until, query);
      const frame = held ? this.columnsOf(query, frameSince, held.points, held.cells) : this.columnsOf(query, frameSince, await this.filteredPoints(since, until, query));
      return new Uint8Array(encodePointColumns(frame));
    };
    if (!this.frames || !this.deps.recent?.covers(since)) return build();
    return this.frames.frame(query, { since, until, frameSince }, build);
  }

  /**
   * The same incidents as typed columns (shared/incident/pointColumns.ts): each point's cell from its
   * stored grid code, nothing located again per request.
   */
  async pointColumns(query: PointsQuery): Promise<PointColumnsFrame> {
    const { since, points } = await this.pointsOf(query);
    return this.columnsOf(query, since, points);
  }

  /** The `cells` given are the points' cell indices (RecentPoints keeps them); else each is looked up by its code. */
  private columnsOf(query: PointsQuery, since: number, points: readonly IncidentPoint[], cells?: Int32Array): PointColumnsFrame {
    const n = points.length;
    const frame: PointColumnsFrame = {
      window: query.window,
      since: new Date(since).toISOString(),
      count: n,
      bounds: this.deps.bounds,
      tStepS: pointTimeStep(TIME_WINDOW_MS[query.window] / 1000),
      lon: new Float32Array(n),
      lat: new Float32Array(n),
      t: new Uint32Array(n),
      cell: new Int32Array(n),
    };
    for (let i = 0; i < n; i++) {
      const p = points[i]!;
      frame.lon[i] = p.lon;
      frame.lat[i] = p.lat;
      frame.t[i] = Math.max(0, Math.round((p.reportedAt - since) / 1000));
    }
    if (cells) frame.cell.set(cells);
    else for (let i = 0; i < n; i++) frame.cell[i] = this.deps.cellIndexOf(points[i]!.gridCode);
    return frame;
  }

  /** The window's incidents that the theme and the filters take, oldest first. */
  private async pointsOf(query: PointsQuery): Promise<{ since: number; points: IncidentPoint[] }> {
    const until = this.deps.now();
    const since = until - TIME_WINDOW_MS[query.window];
    return { since, points: await this.filteredPoints(since, until, query) };
  }

  /** As filteredPoints from the points held, with their cell indices; null when they do not hold the window. */
  private heldWithCells(since: number, until: number, filter: Omit<PointsQuery, 'window'>): { points: IncidentPoint[]; cells: Int32Array } | null {
    const { recent } = this.deps;
    if (!recent?.withCells || !recent.covers(since)) return null;
    const theme = THEME_DEFINITIONS[filter.theme];
    return recent.withCells(since, until, pointFilter({ ...filter, theme: 'all' }, this.deps.places, theme.categories), theme.place);
  }

  /** The incidents reported in [since, until) that the theme and the filters take, oldest first (hotspots read these too). */
  async filteredPoints(since: number, until: number, filter: Omit<PointsQuery, 'window'>): Promise<IncidentPoint[]> {
    const { recent } = this.deps;
    if (recent?.covers(since)) return recent.between(since, until, pointFilter({ ...filter, theme: 'all' }, this.deps.places, THEME_DEFINITIONS[filter.theme].categories), THEME_DEFINITIONS[filter.theme].place);
    const all = await this.deps.store.incidents.points(since, until);
    return all.filter(pointFilter(filter, this.deps.places));
  }
}

/** Whether a point passes the theme (its categories and place) and the query's own filters. */
export function pointFilter(
  query: Omit<PointsQuery, 'window'>,
  places: Pick<ThemePlaces, 'isNear'>,
  /** The theme's categories, when the caller tests the place itself and passes the theme 'all'. */
  categoriesOfTheme: readonly string[] | null = THEME_DEFINITIONS[query.theme].categories,
): (p: IncidentPoint) => boolean {
  const theme = THEME_DEFINITIONS[query.theme];
  const themeCategories = categoriesOfTheme ? new Set(categoriesOfTheme) : null;
  const categories = query.categories && query.categories.length > 0 ? new Set(query.categories) : null;
  const sources = query.sources && query.sources.length > 0 ? new Set<string>(query.sources) : null;
  return (p) =>
    (!themeCategories || themeCategories.has(p.categoryCode)) &&
    (!categories || categories.has(p.categoryCode)) &&
    (!query.family || p.categoryCode[0] === query.family) &&
    (!sources || sources.has(p.source)) &&
    (!query.town || p.townCode === query.town) &&
    // The place last: the only test that costs more than a comparison.
    (!theme.place || places.isNear(theme.place, p.lon, p.lat, theme.nearM));
}
