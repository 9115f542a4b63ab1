import type { Incident } from '../../shared/index.js';

/** Colours of the two category families on the map: events warm, components cool. */
export const FAMILY_COLOUR: Record<'C' | 'E', [number, number, number]> = { E: [255, 112, 67], C: [66, 165, 245] };
/** Point radius in pixels by priority: urgent cases stand out on the wall. */
const RADIUS_BY_PRIORITY: Record<number, number> = { 1: 8, 2: 5.5, 3: 4 };

const isOpen = (i: Incident) => i.status !== 'closed' && i.status !== 'rejected';

/**
 * The live incidents as a column store: typed arrays that deck.gl takes as binary attributes, with
 * an id → row map so that an event updates one row in place instead of rebuilding every object.
 * Closing an incident moves the last row into its place, so the columns stay dense.
 *
 * A state older (by seq) than the one held is ignored: a snapshot loaded while events were being
 * committed already shows some of the events the stream then replays. That holds for incidents the
 * snapshot showed closed, too (remembered until the stream has passed their seq: `settle`).
 */
export class IncidentColumns {
  length = 0;
  positions: Float32Array;
  colours: Uint8Array;
  radii: Float32Array;
  private incidents: Incident[] = [];
  private readonly rowOf = new Map<string, number>();
  /** Incidents removed in a state newer than the stream has reached: id → the seq of that state. */
  private readonly gone = new Map<string, number>();
  /** The stream has applied every event up to here (see `settle`). */
  private settled = 0;
  /** Bumped on every change: deck.gl re-reads the attributes when the data object changes. */
  version = 0;

  constructor(
    private readonly priorityOf: (categoryCode: string) => number = () => 2,
    private capacity = 1024,
  ) {
    this.positions = new Float32Array(capacity * 2);
    this.colours = new Uint8Array(capacity * 4);
    this.radii = new Float32Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  has(id: string): boolean {
    return this.rowOf.has(id);
  }

  /** The row of an open incident, or -1. */
  rowOfId(id: string): number {
    return this.rowOf.get(id) ?? -1;
  }

  incidentAt(row: number): Incident | undefined {
    return row >= 0 && row < this.length ? this.incidents[row] : undefined;
  }

  /**
   * Applies a state of an incident unless a newer one (by seq) is held: open ones are inserted or
   * updated, closed ones removed. False when it was older and ignored.
   */
  apply(incident: Incident): boolean {
    const row = this.rowOf.get(incident.id);
    const held = row !== undefined ? this.incidents[row]!.seq : this.gone.get(incident.id);
    if (held !== undefined && held > incident.seq) return false;
    if (!isOpen(incident)) {
      if (row !== undefined) this.removeRow(row);
      if (incident.seq > this.settled) this.gone.set(incident.id, incident.seq);
    } else if (row !== undefined) {
      this.writeRow(row, incident);
    } else {
      if (this.length === this.capacity) this.grow();
      this.rowOf.set(incident.id, this.length);
      this.writeRow(this.length, incident);
      this.length += 1;
      this.gone.delete(incident.id);
    }
    this.version += 1;
    return true;
  }

  /**
   * The stream has applied every event up to `seq` (or a snapshot was read at it): no state at or
   * before it can arrive out of order any more, so closed incidents need not be remembered.
   */
  settle(seq: number): void {
    this.settled = Math.max(this.settled, seq);
    for (const [id, s] of this.gone) if (s <= this.settled) this.gone.delete(id);
  }

  /**
   * Puts a snapshot in place of everything held (after a resync, or a log that was reset), read at
   * `seq`: in one step, so the map never shows it half loaded.
   */
  replaceAll(incidents: Iterable<Incident>, seq: number): void {
    this.rowOf.clear();
    this.gone.clear();
    this.incidents = [];
    this.length = 0;
    this.settled = 0;
    for (const i of incidents) this.apply(i);
    this.settle(seq);
    this.version += 1;
  }

  /** Drops incidents reported before `horizonIso` (the map's window). */
  dropOlderThan(horizonIso: string): void {
    for (let row = this.length - 1; row >= 0; row--) {
      if (this.incidents[row]!.reportedAt < horizonIso) this.removeRow(row);
    }
    this.version += 1;
  }

  private cached: { version: number; data: ReturnType<IncidentColumns['buildLayerData']> } | null = null;

  /** The deck.gl data object: a new wrapper each version (and only then), over the same typed arrays. */
  layerData() {
    if (this.cached?.version !== this.version) this.cached = { version: this.version, data: this.buildLayerData() };
    return this.cached.data;
  }

  private buildLayerData() {
    return {
      length: this.length,
      version: this.version,
      attributes: {
        getPosition: { value: this.positions, size: 2 },
        getFillColor: { value: this.colours, size: 4, normalized: true },
        getRadius: { value: this.radii, size: 1 },
      },
    };
  }

  private writeRow(row: number, i: Incident): void {
    this.incidents[row] = i;
    this.positions[2 * row] = i.lon;
    this.positions[2 * row + 1] = i.lat;
    const [r, g, b] = FAMILY_COLOUR[i.categoryCode[0] === 'C' ? 'C' : 'E'];
    this.colours.set([r, g, b, 230], 4 * row);
    this.radii[row] = RADIUS_BY_PRIORITY[this.priorityOf(i.categoryCode)] ?? 5;
  }

  private removeRow(row: number): void {
    const last = this.length - 1;
    const removed = this.incidents[row]!;
    if (row !== last) {
      const moved = this.incidents[last]!;
      this.writeRow(row, moved);
      this.rowOf.set(moved.id, row);
    }
    this.rowOf.delete(removed.id);
    this.incidents.length = last;
    this.length = last;
  }

  private grow(): void {
    this.capacity *= 2;
    const grow = <T extends Float32Array | Uint8Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(this.capacity * n);
      b.set(a);
      return b;
    };
    this.positions = grow(this.positions, 2);
    this.colours = grow(this.colours, 4);
    this.radii = grow(this.radii, 1);
  }
}
