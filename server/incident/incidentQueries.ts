import { TIME_WINDOW_MS, type Incident, type IncidentPage, type IncidentPoints, type IncidentQuery, type TimeWindow } from '../../shared/index.js';
import type { Principal } from '../auth/principal.js';
import { incidentFor } from '../auth/redaction.js';
import { Refusal } from '../refusal.js';
import type { Store } from '../store/store.js';

/**
 * Reading incidents: pages and single records as a reader may see them (reporters' personal data
 * redacted for those who may not read it), and the density map's points as compact columns.
 */
export class IncidentQueries {
  constructor(
    private readonly deps: {
      store: Pick<Store, 'incidents'>;
      /** The grid cell's index at a point (-1 outside the city). */
      cellIndexAt(lon: number, lat: number): number;
      now(): number;
    },
  ) {}

  async page(query: IncidentQuery, reader: Principal | null): Promise<IncidentPage> {
    const page = await this.deps.store.incidents.list(query);
    return { ...page, items: page.items.map((i) => incidentFor(reader, i)) };
  }

  async get(id: string, reader: Principal | null): Promise<Incident> {
    const incident = await this.deps.store.incidents.get(id);
    if (!incident) throw new Refusal(404, 'not_found', `No incident has the id ${id}.`);
    return incidentFor(reader, incident);
  }

  /** Every incident reported in the window, as columns: rounded positions, seconds since the window's start, family letters, cells. */
  async densityPoints(window: TimeWindow): Promise<IncidentPoints> {
    const until = this.deps.now();
    const since = until - TIME_WINDOW_MS[window];
    const points = await this.deps.store.incidents.points(since, until);
    return {
      window,
      since: new Date(since).toISOString(),
      count: points.length,
      lon: points.map((p) => Math.round(p.lon * 1e5) / 1e5),
      lat: points.map((p) => Math.round(p.lat * 1e5) / 1e5),
      t: points.map((p) => Math.round((p.reportedAt - since) / 1000)),
      family: points.map((p) => p.categoryCode[0]).join(''),
      cell: points.map((p) => this.deps.cellIndexAt(p.lon, p.lat)),
    };
  }
}
