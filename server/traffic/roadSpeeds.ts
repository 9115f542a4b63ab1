import type { RoadClass } from '../../shared/index.js';
import { edgeTimesAt, type EdgeTimes, type RoadGraph, type RoadTable } from '../dispatch/roadGraph.js';

/**
 * Live road speeds: each road's current speed as a fraction of its free-flow speed (its `speedKph`),
 * held in a typed array by road index (RoadGraph.roads), and turned into edge times for the routing
 * search and the fleet's drives (roadGraph.edgeTimesAt). Two sources:
 *
 * - a seeded traffic model (the default): rush hours in local time, slowest on expressways and
 *   arterials, plus congestion episodes that come and go on some roads; a pure function of
 *   (seed, time), so the same seed gives the same speeds;
 * - a real feed (`POST /api/roads/speeds`): a reading holds for a while (`feedTtlMs`), then the road
 *   falls back to the model, or to free-flow when the model is off (`source: 'feed'`).
 */

/** Local time of the city: UTC+8. */
export const LOCAL_OFFSET_HOURS = 8;

/** At the height of a rush hour a road loses this fraction of its free-flow speed. */
export const RUSH_LOSS: Record<RoadClass, number> = { expressway: 0.55, arterial: 0.5, secondary: 0.35, local: 0.2 };
/** Outside the rush hours, in the day, traffic is this share of a rush hour's. */
const DAYTIME = 0.3;
/** On Saturdays and Sundays traffic never goes above this share of a weekday rush hour. */
const WEEKEND = 0.5;
/** The chance that a road has a congestion episode (an accident, roadworks) start in a given hour. */
const EPISODE_CHANCE: Record<RoadClass, number> = { expressway: 0.04, arterial: 0.03, secondary: 0.015, local: 0.005 };
/** Episodes last 10 to 90 minutes and leave 25–60 % of the speed the road would have. */
const EPISODE_MIN_S = 600;
const EPISODE_SPAN_S = 4800;
/** No road is ever slower than this share of its free-flow speed. */
const FLOOR = 0.05;

/**
 * Traffic intensity at a moment, 0 (night) to 1 (the height of a weekday rush hour): full from
 * 07:00 to 09:00 and from 17:00 to 19:00 local time with half-hour ramps around them, 0.3 through
 * the rest of the day, falling to 0 from 21:00 to 23:00 and rising from 05:30.
 */
export function trafficIntensity(atMs: number): number {
  const localHours = atMs / 3_600_000 + LOCAL_OFFSET_HOURS;
  const h = ((localHours % 24) + 24) % 24;
  const day = Math.floor(localHours / 24);
  // 1970-01-01 was a Thursday: day 0 → 4 (0 = Sunday).
  const weekday = (((day + 4) % 7) + 7) % 7;
  const knots: readonly (readonly [number, number])[] = [
    [0, 0], [5.5, 0], [6.5, DAYTIME], [7, 1], [9, 1], [9.5, DAYTIME],
    [16.5, DAYTIME], [17, 1], [19, 1], [19.5, DAYTIME], [21, DAYTIME], [23, 0], [24, 0],
  ];
  let i = 1;
  while (knots[i]![0] < h) i++;
  const [h0, v0] = knots[i - 1]!;
  const [h1, v1] = knots[i]!;
  const v = v0 + ((v1 - v0) * (h - h0)) / (h1 - h0);
  return weekday === 0 || weekday === 6 ? Math.min(v, WEEKEND) : v;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A uniform number in [0, 1) from (seed, road, hour, k): the same inputs, the same number. */
function uniform(seed: number, road: number, hour: number, k: number): number {
  return mix(mix(mix(seed ^ Math.imul(road, 0x9e3779b1)) + Math.imul(hour, 0x27d4eb2f)) ^ Math.imul(k + 1, 0x165667b1)) / 2 ** 32;
}

/**
 * The model's speed of every road at a moment, as a fraction of its free-flow speed. Pure: the same
 * (seed, roads, moment), the same speeds. Episodes are keyed by the road's id (not its index) and
 * the hour they start in, so a road's episodes do not move when other roads are added.
 */
export function modelFactors(roads: Pick<RoadTable, 'count' | 'ids' | 'classes'>, seed: number, atMs: number): Float32Array {
  const out = new Float32Array(roads.count);
  const intensity = trafficIntensity(atMs);
  const t = atMs / 1000;
  const hour = Math.floor(t / 3600);
  for (let r = 0; r < roads.count; r++) {
    const cls = roads.classes[r]!;
    let f = 1 - RUSH_LOSS[cls] * intensity;
    const id = hashString(roads.ids[r]!);
    // An episode lasts at most EPISODE_MIN_S + EPISODE_SPAN_S < 2 h: those of this hour and the two before may be on.
    for (let e = hour - 2; e <= hour; e++) {
      if (uniform(seed, id, e, 0) >= EPISODE_CHANCE[cls]) continue;
      const start = e * 3600 + uniform(seed, id, e, 1) * 3600;
      const end = start + EPISODE_MIN_S + uniform(seed, id, e, 2) * EPISODE_SPAN_S;
      if (t >= start && t < end) f = Math.min(f, (1 - RUSH_LOSS[cls] * intensity) * (0.25 + 0.35 * uniform(seed, id, e, 3)));
    }
    out[r] = Math.max(FLOOR, f);
  }
  return out;
}

export type RoadSpeedSource = 'model' | 'feed';

export interface RoadSpeedsOptions {
  /** `model`: the seeded model, feed readings on top; `feed`: free-flow where the feed says nothing. */
  source: RoadSpeedSource;
  seed: number;
  /** How long a feed reading holds. */
  feedTtlMs: number;
}

/** A feed reading: a road's measured speed. */
export interface SpeedReading {
  roadId: string;
  kph: number;
}

/** What `GET /api/roads/speeds` answers: columns, one entry per road of the roads layer. */
export interface RoadSpeedsSnapshot {
  at: string;
  source: RoadSpeedSource;
  ids: readonly string[];
  /** Current speed, km/h, one decimal. */
  kph: number[];
  /** Where each road's speed comes from, one letter per road: `f` feed, `m` model, `n` neither (free-flow). */
  from: string;
}

/**
 * The current road speeds of one graph: the model and the feed's readings, as factors per road and
 * as edge times for the search. Edge times are recomputed at most once a minute of the model (and at
 * each feed report), so routing many cases costs no more than routing one.
 */
export class RoadSpeeds {
  /** The feed's last reading per road (NaN: none), and until when it holds. */
  private readonly feedKph: Float32Array;
  private readonly feedUntil: Float64Array;
  private version = 0;
  private cached: { minute: number; version: number; factor: Float32Array; fromFeed: Uint8Array; times: EdgeTimes } | null = null;

  constructor(
    private readonly g: RoadGraph,
    private readonly options: RoadSpeedsOptions,
  ) {
    this.feedKph = new Float32Array(g.roads.count).fill(NaN);
    this.feedUntil = new Float64Array(g.roads.count);
  }

  get source(): RoadSpeedSource {
    return this.options.source;
  }

  /**
   * Applies a feed report, all or nothing: when any road id is unknown nothing changes and the
   * unknown ids are returned.
   */
  report(readings: readonly SpeedReading[], at: number): { unknown: string[] } {
    const unknown = readings.filter((r) => !this.g.roads.byId.has(r.roadId)).map((r) => r.roadId);
    if (unknown.length > 0) return { unknown };
    for (const { roadId, kph } of readings) {
      for (const r of this.g.roads.byId.get(roadId)!) {
        this.feedKph[r] = kph;
        this.feedUntil[r] = at + this.options.feedTtlMs;
      }
    }
    this.version++;
    return { unknown: [] };
  }

  private current(at: number): NonNullable<RoadSpeeds['cached']> {
    const minute = Math.floor(at / 60_000);
    const c = this.cached;
    if (c && c.minute === minute && c.version === this.version) return c;
    // Readings are checked at the start of the minute: one expires at most a minute late.
    const asOf = minute * 60_000;
    const factor = this.options.source === 'model' ? modelFactors(this.g.roads, this.options.seed, asOf) : new Float32Array(this.g.roads.count).fill(1);
    const fromFeed = new Uint8Array(this.g.roads.count);
    for (let r = 0; r < factor.length; r++) {
      if (!Number.isNaN(this.feedKph[r]!) && asOf < this.feedUntil[r]!) {
        factor[r] = this.feedKph[r]! / this.g.roads.freeKph[r]!;
        fromFeed[r] = 1;
      }
    }
    this.cached = { minute, version: this.version, factor, fromFeed, times: edgeTimesAt(this.g, factor) };
    return this.cached;
  }

  /** Each road's speed at `at` as a fraction of its free-flow speed (a copy). */
  factorsAt(at: number): Float32Array {
    return this.current(at).factor.slice();
  }

  /** Edge times at `at`, for rankCandidates and driveBetween. */
  timesAt(at: number): EdgeTimes {
    return this.current(at).times;
  }

  snapshot(at: number): RoadSpeedsSnapshot {
    const { factor, fromFeed } = this.current(at);
    const kph = Array.from(factor, (f, r) => Math.round(f * this.g.roads.freeKph[r]! * 10) / 10);
    let from = '';
    for (let r = 0; r < factor.length; r++) from += fromFeed[r] ? 'f' : this.options.source === 'model' ? 'm' : 'n';
    return { at: new Date(at).toISOString(), source: this.options.source, ids: this.g.roads.ids, kph, from };
  }
}
