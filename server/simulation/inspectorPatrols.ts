import type { RoadGraph } from '../dispatch/roadGraph.js';
import { SeededRandom } from '../seededRandom.js';
import { patrolRng, ridePatrol, startPatrol, type PatrolArea, type PatrolFix, type PatrolState, PATROL_FIX_SECONDS } from './patrols.js';

/** An inspector the simulator rides for: its tracker id, a stable index (its habits), and its area. */
export interface PatrolInspector {
  trackerId: string;
  index: number;
  area: PatrolArea;
}

/** China time: patrols follow local working hours. */
const LOCAL_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
/** The day's two patrol stretches, in local minutes: 08:30–11:30 and 14:30–17:30 (the rest is desk work and meals). */
export const PATROL_STRETCHES: readonly (readonly [number, number])[] = [
  [8 * 60 + 30, 11 * 60 + 30],
  [14 * 60 + 30, 17 * 60 + 30],
];
/** The chance an inspector does not patrol on a day (leave, training, meetings): some areas go unseen for a day. */
const DAY_OFF_CHANCE = 0.1;

interface Riding {
  stretch: number;
  state: PatrolState;
  rng: SeededRandom;
}

/**
 * Drives the simulated inspectors' patrols over time: each inspector rides its area during the day's
 * stretches (patrols.ts), except on its days off, and `advance` hands out every fix up to a time.
 * The rides are a function of the seed, the inspector and the stretch alone, so a back-fill of the
 * last day followed by live advancing gives the same tracks as if the server had run all along, and
 * a restart gives them again.
 */
export class InspectorPatrols {
  private readonly riding = new Map<number, Riding>();
  private at: number;

  constructor(
    private readonly g: RoadGraph,
    private readonly inspectors: readonly PatrolInspector[],
    private readonly seed: number,
    fromMs: number,
  ) {
    this.at = fromMs;
  }

  /** The time fixes have been handed out up to. */
  get until(): number {
    return this.at;
  }

  /**
   * Every inspector's fixes in [the last time asked, toMs), inspector by inspector in time order;
   * `fixSeconds` thins them (the back-fill), the ride is the same.
   */
  advance(toMs: number, fixSeconds = PATROL_FIX_SECONDS): { trackerId: string; fix: PatrolFix }[] {
    const out: { trackerId: string; fix: PatrolFix }[] = [];
    if (toMs <= this.at) return out;
    for (const { id, start, end } of stretchesBetween(this.at, toMs)) {
      for (const p of this.inspectors) {
        if (dayOff(this.seed, p.index, Math.floor(id / PATROL_STRETCHES.length))) continue;
        let r = this.riding.get(p.index);
        if (!r || r.stretch !== id) {
          r = { stretch: id, state: startPatrol(this.g, p.area, start), rng: patrolRng(this.seed, p.index, id) };
          this.riding.set(p.index, r);
          // A stretch begun before `this.at` (a server started mid-morning) is ridden up to it unseen.
          if (start < this.at) r.state = ridePatrol(this.g, r.state, p.area, this.at, r.rng, { seed: this.seed, inspector: p.index }, fixSeconds).state;
        }
        const ride = ridePatrol(this.g, r.state, p.area, Math.min(toMs, end), r.rng, { seed: this.seed, inspector: p.index }, fixSeconds);
        r.state = ride.state;
        for (const fix of ride.fixes) out.push({ trackerId: p.trackerId, fix });
        if (toMs >= end) this.riding.delete(p.index);
      }
    }
    this.at = toMs;
    return out;
  }
}

/** The patrol stretches overlapping [fromMs, toMs): a running id, and their start and end (epoch ms). */
export function stretchesBetween(fromMs: number, toMs: number): { id: number; start: number; end: number }[] {
  const out: { id: number; start: number; end: number }[] = [];
  const firstDay = Math.floor((fromMs + LOCAL_OFFSET_MS) / DAY_MS);
  const lastDay = Math.floor((toMs + LOCAL_OFFSET_MS) / DAY_MS);
  for (let day = firstDay; day <= lastDay; day++) {
    PATROL_STRETCHES.forEach(([a, b], k) => {
      const start = day * DAY_MS - LOCAL_OFFSET_MS + a * MIN_MS;
      const end = day * DAY_MS - LOCAL_OFFSET_MS + b * MIN_MS;
      if (end > fromMs && start < toMs) out.push({ id: day * PATROL_STRETCHES.length + k, start, end });
    });
  }
  return out;
}

/** Whether an inspector is off on a local day (seeded: the same every run). */
export function dayOff(seed: number, inspector: number, day: number): boolean {
  return SeededRandom.derive(seed, 'day-off', inspector, day).float() < DAY_OFF_CHANCE;
}
