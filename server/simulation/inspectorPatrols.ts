import type { CityLayer } from '../../shared/index.js';
import { metresBetween, type RoadGraph } from '../dispatch/roadGraph.js';
import type { Responsibility } from '../responsibility/index.js';
import { PATROL_STRETCHES } from '../coverage/patrolHours.js';
import type { PatrolCoverage } from '../coverage/patrolCoverage.js';
import { localDayOf, townCoverageDay } from '../coverage/townDays.js';
import type { TownCoverageDay } from '../store/store.js';
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
/** The day's patrol stretches (coverage/patrolHours.ts): the simulated inspectors ride in them. */
export { PATROL_STRETCHES };
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

/**
 * The roster's inspectors as patrollers: each rides the area of the cells it answers for, centred on
 * their mean centre and reaching a little past the farthest (a rider turns at the area's edge, not
 * at the last cell's centre). `centres` are the cells' centres by index.
 */
export function patrolInspectorsOf(
  inspectorCells: ReadonlyMap<string, readonly number[]>,
  centres: { lon: Float64Array; lat: Float64Array },
): PatrolInspector[] {
  const out: PatrolInspector[] = [];
  let index = 0;
  for (const [id, cells] of [...inspectorCells].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (cells.length === 0) continue;
    let lon = 0;
    let lat = 0;
    for (const c of cells) {
      lon += centres.lon[c]! / cells.length;
      lat += centres.lat[c]! / cells.length;
    }
    let reach = 0;
    for (const c of cells) reach = Math.max(reach, metresBetween(lon, lat, centres.lon[c]!, centres.lat[c]!));
    out.push({ trackerId: `inspector:${id}`, index: index++, area: { lon, lat, radiusM: reach + 150 } });
  }
  return out;
}

/**
 * Fixes of the back-fill are taken every 30 s instead of 10 s: the ride (and so the coverage) is the
 * same, the segments between fixes are walked cell by cell, and a day of 500 inspectors is a third
 * of the work at start.
 */
export const PATROL_BACKFILL_FIX_SECONDS = 30;
/** How far back the patrols are back-filled at start: the coverage window. */
export const PATROL_BACKFILL_MS = 86_400_000;

/**
 * The simulated patrols of the roster's inspectors over the city's roads from `fromMs` (a day before
 * now for the back-fill: `advance(now)` then hands out the last day's fixes, later calls the live ones).
 */
export function simulatedPatrols(
  g: RoadGraph,
  responsibility: Pick<Responsibility, 'inspectorOfCell'>,
  cells: CityLayer<'grid'>['features'],
  seed: number,
  fromMs: number,
): { inspectors: number; advance: InspectorPatrols['advance'] } {
  const lon = new Float64Array(cells.length);
  const lat = new Float64Array(cells.length);
  const inspectorCells = new Map<string, number[]>();
  cells.forEach((f, i) => {
    // The mean of the outer ring's vertices: inside these near-square cells, and cheap.
    const ring = (f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0]![0])!;
    const n = ring.length - 1;
    let x = 0;
    let y = 0;
    for (let k = 0; k < n; k++) {
      x += ring[k]![0]! / n;
      y += ring[k]![1]! / n;
    }
    lon[i] = x;
    lat[i] = y;
    const who = responsibility.inspectorOfCell(i);
    if (!who) return;
    const mine = inspectorCells.get(who.id);
    if (mine) mine.push(i);
    else inspectorCells.set(who.id, [i]);
  });
  const inspectors = patrolInspectorsOf(inspectorCells, { lon, lat });
  const patrols = new InspectorPatrols(g, inspectors, seed, fromMs);
  return { inspectors: inspectors.length, advance: (to, fixSeconds) => patrols.advance(to, fixSeconds) };
}

/**
 * The towns' daily coverage of the simulated past, for the series a leader reads from the first day:
 * the roster's inspectors ride the last `days` full local days (fixes every 60 s of the same rides;
 * crews are not in it, their past drives are not kept), each day walked through a patrol engine and
 * read at its end. Camera shares and the roster are today's.
 */
export function pastTownDays(opts: {
  g: RoadGraph;
  responsibility: Pick<Responsibility, 'inspectorOfCell'>;
  cells: CityLayer<'grid'>['features'];
  coverage: PatrolCoverage;
  seed: number;
  days: number;
  now: number;
  cameraShare(cell: number): number;
}): TownCoverageDay[] {
  const today = localDayOf(opts.now);
  const from = today.startMs - opts.days * 86_400_000;
  const patrols = simulatedPatrols(opts.g, opts.responsibility, opts.cells, opts.seed, from);
  const rows: TownCoverageDay[] = [];
  for (let start = from; start < today.startMs; start += 86_400_000) {
    for (const { trackerId, fix } of patrols.advance(start + 86_400_000, 60)) opts.coverage.update(trackerId, fix.lon, fix.lat, fix.at);
    const { day } = localDayOf(start);
    rows.push(...townCoverageDay(day, opts.cells, (c) => opts.coverage.lastPatrolAt(c) >= start, opts.cameraShare, (c) => opts.responsibility.inspectorOfCell(c) !== null));
  }
  return rows;
}
