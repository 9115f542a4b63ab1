import {
  congestionLevelOf,
  encodeSpeedFrame,
  speedRatioToByte,
  type CityLayer,
  type CongestionArea,
  type CongestionPoint,
  type CongestionSummary,
} from '../../shared/index.js';
import { localDayOf } from '../coverage/townDays.js';
import type { CongestionRepository } from '../store/store.js';
import type { CentreFeature } from './centre.js';
import {
  areaIndex,
  backfillSlots,
  levelTotals,
  roadMeasures,
  roadsInArea,
  SLOT_MS,
  slotOf,
  slotRows,
  slotStartMs,
  type CongestionAreaRoads,
  type RoadMeasures,
} from './congestion.js';

/** How long the 5-minute history is kept: two weeks and a day, so last week's same day is always whole. */
export const CONGESTION_KEEP_DAYS = 15;
const DAY_MS = 86_400_000;
const DAY_SLOTS = DAY_MS / SLOT_MS;

interface Area extends CongestionAreaRoads {
  name: { zh: string; en: string };
  kind: 'town' | 'centre';
  roads: Uint32Array;
}

export interface CongestionServiceOptions {
  roads: CityLayer<'roads'>['features'];
  towns: CityLayer<'towns'>['features'];
  centre: CentreFeature;
  /** Each road's speed ÷ its free-flow speed at a moment (RoadSpeeds.factorsAt: the model and the feed). */
  factorsAt: (ms: number) => Float32Array;
  store: CongestionRepository;
}

/**
 * Congestion drawn from the road speeds, for the live picture and the leaders' panel:
 *
 * - `roads:speeds` frames: each road's speed ratio as a byte, only the roads whose byte changed since
 *   the last frame, each frame one `seq` on (a client seeing a gap reads `snapshotFrame` again);
 * - the areas (each town, by the roads whose midpoint lies in it, and the centre) and their index
 *   every 5 minutes in the store, back-filled from a model on a first start;
 * - `summary`: the levels now and each area's index today against the same weekday last week.
 */
export class CongestionService {
  readonly roads: RoadMeasures;
  readonly areas: readonly Area[];
  /** The ratio bytes as the frames have carried them, at `seq`. */
  private readonly sent: Uint8Array;
  private seqNo = 0;
  private epochMs: number;
  private lastRecordedSlot = -1;

  constructor(
    private readonly opts: CongestionServiceOptions,
    now: number,
  ) {
    this.roads = roadMeasures(opts.roads);
    const towns: Area[] = opts.towns.map((t) => ({
      code: t.properties.code,
      name: t.properties.name,
      kind: 'town',
      roads: roadsInArea(opts.roads, t.geometry),
    }));
    const centre: Area = { code: opts.centre.properties.code, name: opts.centre.properties.name, kind: 'centre', roads: roadsInArea(opts.roads, opts.centre.geometry) };
    this.areas = [centre, ...towns];
    this.sent = this.bytesAt(now);
    this.epochMs = now;
  }

  get seq(): number {
    return this.seqNo;
  }

  private bytesAt(now: number): Uint8Array {
    return Uint8Array.from(this.opts.factorsAt(now), speedRatioToByte);
  }

  /** The frame of the roads whose byte changed since the last one, or null when none did. */
  takeFrame(now: number): ArrayBuffer | null {
    const current = this.bytesAt(now);
    const changed: number[] = [];
    for (let r = 0; r < current.length; r++) if (current[r] !== this.sent[r]) changed.push(r);
    if (changed.length === 0) return null;
    const roads = Uint32Array.from(changed);
    const ratio = Uint8Array.from(changed, (r) => current[r]!);
    for (const r of changed) this.sent[r] = current[r]!;
    this.seqNo += 1;
    this.epochMs = now;
    return encodeSpeedFrame({ seq: this.seqNo, epochMs: now, snapshot: false, roads, ratio });
  }

  /** Every road's byte as the frames have carried it, at the `seq` they continue from. */
  snapshotFrame(): ArrayBuffer {
    const roads = Uint32Array.from({ length: this.sent.length }, (_, i) => i);
    return encodeSpeedFrame({ seq: this.seqNo, epochMs: this.epochMs, snapshot: true, roads, ratio: this.sent.slice() });
  }

  /** Records the slot `now` falls in, once: its areas' index from the speeds at that moment. */
  async recordSlot(now: number): Promise<boolean> {
    const slot = slotOf(now);
    if (slot === this.lastRecordedSlot) return false;
    this.lastRecordedSlot = slot;
    await this.opts.store.put(slotRows(slot, this.opts.factorsAt(now), this.roads, this.areas));
    // Hourly is often enough to keep the table at its 15 days.
    if (slot % 12 === 0) await this.prune(now);
    return true;
  }

  /**
   * Fills the slots of the last `days` before `now` that no area has, from a model of the speeds (a
   * pure function of time): only for a simulated city, whose past the model is.
   */
  async backfill(now: number, days: number, modelAt: (ms: number) => ArrayLike<number>): Promise<number> {
    const toSlot = slotOf(now);
    const fromSlot = toSlot - days * DAY_SLOTS;
    const have = new Set(await this.opts.store.slotsStored(fromSlot, toSlot));
    const rows = backfillSlots({ fromSlot, toSlot, have, factorsAt: modelAt, roads: this.roads, areas: this.areas });
    await this.opts.store.put(rows);
    return rows.length;
  }

  async prune(now: number): Promise<number> {
    return this.opts.store.prune(slotOf(now - CONGESTION_KEEP_DAYS * DAY_MS));
  }

  async summary(now: number): Promise<CongestionSummary> {
    const factors = this.opts.factorsAt(now);
    const dayStart = slotOf(localDayOf(now).startMs);
    const nowSlot = slotOf(now);
    const weekAgo = dayStart - 7 * DAY_SLOTS;
    // Two days' slots, not the eight between them: a week ago's whole day (its slot of now included) and today's so far.
    const rows = [...(await this.opts.store.between(weekAgo, weekAgo + DAY_SLOTS)), ...(await this.opts.store.between(dayStart, nowSlot + 1))];
    const series = new Map<string, { today: CongestionPoint[]; lastWeek: CongestionPoint[]; lastWeekNow: number | null }>();
    for (const a of this.areas) series.set(a.code, { today: [], lastWeek: [], lastWeekNow: null });
    for (const r of rows) {
      const s = series.get(r.area);
      if (!s) continue;
      const point = { at: new Date(slotStartMs(r.slot)).toISOString(), index: round3(r.index) };
      if (r.slot >= dayStart) s.today.push(point);
      else if (r.slot < weekAgo + DAY_SLOTS) s.lastWeek.push(point);
      if (r.slot === nowSlot - 7 * DAY_SLOTS) s.lastWeekNow = round3(r.index);
    }
    const areas: CongestionArea[] = this.areas.map((a) => {
      const index = round3(areaIndex(factors, this.roads, a.roads));
      return { code: a.code, name: a.name, kind: a.kind, roads: a.roads.length, index, level: congestionLevelOf(index), ...series.get(a.code)! };
    });
    return { at: new Date(now).toISOString(), slotMinutes: SLOT_MS / 60_000, levels: levelTotals(factors, this.roads), areas };
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
