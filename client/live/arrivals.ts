/** An incident that has just arrived on the live stream, remembered briefly for the map's pulse. */
export interface Arrival {
  position: [number, number];
  /** performance.now() when it arrived. */
  at: number;
}

/** How long the arrival pulse lasts, and how many pulses at most are drawn at once (bursts). */
export const PULSE_MS = 1600;
const MAX_PULSES = 200;

/**
 * The arrivals of the last moments, newest last. Bounded, so a burst after a reconnect cannot grow it
 * without limit: only the newest pulses are drawn.
 */
export class ArrivalLog {
  private items: Arrival[] = [];
  version = 0;

  add(lon: number, lat: number, at: number): void {
    this.items.push({ position: [lon, lat], at });
    if (this.items.length > MAX_PULSES) this.items.splice(0, this.items.length - MAX_PULSES);
    this.version += 1;
  }

  /** The arrivals still pulsing at `now`; forgets the rest. */
  pulsing(now: number): Arrival[] {
    const first = this.items.findIndex((a) => now - a.at < PULSE_MS);
    if (first !== 0) this.items = first < 0 ? [] : this.items.slice(first);
    return this.items;
  }
}
