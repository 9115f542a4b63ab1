import type { Incident, IncidentStatus, Team, TeamPositionsMessage, TeamStatus } from '../../shared/index.js';
import { IncidentColumns } from '../live/incidentColumns.js';

export const OPEN_STATUSES: readonly IncidentStatus[] = ['reported', 'accepted', 'registered', 'dispatched', 'handling', 'handled', 'verified', 'suspended'];

/**
 * The open cases the dispatch console works on: the dashboard's column store (typed arrays, an
 * id → row map, closed cases dropped) for the map, plus a guard against applying an older state of a
 * case over a newer one (a page loaded while the stream already carried later events).
 */
export class CaseBoard {
  readonly columns: IncidentColumns;

  constructor(priorityOf: (categoryCode: string) => number) {
    this.columns = new IncidentColumns(priorityOf, 4096);
  }

  get version(): number {
    return this.columns.version;
  }

  get size(): number {
    return this.columns.length;
  }

  get(id: string): Incident | undefined {
    return this.columns.incidentAt(this.columns.rowOfId(id));
  }

  /** Applies a case's state unless the board holds it or a newer one; true when it changed something. */
  apply(incident: Incident): boolean {
    const held = this.get(incident.id);
    if (held && held.seq >= incident.seq && held.version >= incident.version) return false;
    return this.columns.apply(incident);
  }

  /** The stream has applied every event up to `seq` (see IncidentColumns.settle). */
  settle(seq: number): void {
    this.columns.settle(seq);
  }

  /** Every open case as loaded at `seq`, in place of what the board held (after a resync). */
  replaceAll(cases: Iterable<Incident>, seq: number): void {
    this.columns.replaceAll(cases, seq);
  }

  /** Every open case, in row order. */
  all(): Incident[] {
    const out: Incident[] = new Array(this.columns.length);
    for (let row = 0; row < this.columns.length; row++) out[row] = this.columns.incidentAt(row)!;
    return out;
  }
}

/** Colours of team states on the map. */
export const TEAM_STATUS_COLOUR: Record<TeamStatus, [number, number, number]> = {
  available: [46, 204, 113],
  en_route: [241, 196, 15],
  on_site: [176, 132, 245],
  off_duty: [127, 140, 141],
  offline: [80, 86, 92],
};

/**
 * Every team with where it is and what it does, as typed arrays for the map (binary attributes under
 * a stable layer id), updated in place by `team:positions` a few times a minute.
 */
export class TeamBoard {
  readonly teams: Team[];
  readonly positions: Float32Array;
  readonly colours: Uint8Array;
  readonly radii: Float32Array;
  readonly status: TeamStatus[];
  readonly caseOf: (string | null)[];
  private readonly rowOf = new Map<string, number>();
  version = 0;

  constructor(teams: Team[]) {
    this.teams = teams;
    const n = teams.length;
    this.positions = new Float32Array(n * 2);
    this.colours = new Uint8Array(n * 4);
    this.radii = new Float32Array(n);
    this.status = teams.map((t) => t.status);
    this.caseOf = teams.map(() => null);
    teams.forEach((t, row) => {
      this.rowOf.set(t.id, row);
      this.write(row, t.position?.lon ?? null, t.position?.lat ?? null, t.status);
    });
  }

  get length(): number {
    return this.teams.length;
  }

  team(id: string): Team | undefined {
    const row = this.rowOf.get(id);
    return row === undefined ? undefined : this.teams[row];
  }

  rowOfId(id: string): number {
    return this.rowOf.get(id) ?? -1;
  }

  /** Where a team is now, or null when unknown. */
  positionOf(id: string): [number, number] | null {
    const row = this.rowOf.get(id);
    if (row === undefined || this.radii[row] === 0) return null;
    return [this.positions[2 * row]!, this.positions[2 * row + 1]!];
  }

  applyPositions(msg: TeamPositionsMessage): void {
    for (const [id, lon, lat, status, caseId] of msg.teams) {
      const row = this.rowOf.get(id);
      if (row === undefined) continue;
      this.write(row, lon, lat, status);
      this.caseOf[row] = caseId;
    }
    this.version++;
  }

  private write(row: number, lon: number | null, lat: number | null, status: TeamStatus): void {
    this.status[row] = status;
    this.positions[2 * row] = lon ?? 0;
    this.positions[2 * row + 1] = lat ?? 0;
    const [r, g, b] = TEAM_STATUS_COLOUR[status];
    this.colours.set([r, g, b, status === 'offline' || status === 'off_duty' ? 150 : 240], 4 * row);
    // A team nowhere known is not drawn.
    this.radii[row] = lon === null || lat === null ? 0 : 7;
  }

  private cached: { version: number; data: ReturnType<TeamBoard['buildLayerData']> } | null = null;

  /** deck.gl's data object: a new wrapper per version, over the same arrays. */
  layerData() {
    if (this.cached?.version !== this.version) this.cached = { version: this.version, data: this.buildLayerData() };
    return this.cached.data;
  }

  private buildLayerData() {
    return {
      length: this.teams.length,
      version: this.version,
      attributes: {
        getPosition: { value: this.positions, size: 2 },
        getFillColor: { value: this.colours, size: 4, normalized: true },
        getRadius: { value: this.radii, size: 1 },
      },
    };
  }
}
