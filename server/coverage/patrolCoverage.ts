import type { AreaFeature } from '../grid/cellRings.js';
import type { GridIndex } from '../grid/gridIndex.js';
import { PatrolSegmentWalker, type PatrolSegmentOptions } from './patrolSegments.js';

/**
 * Patrol coverage (巡查覆盖), kept incrementally as tracker fixes arrive: per unit grid cell, when a
 * tracker last passed through it, how many distinct passes it had in a sliding window, and by whom
 * the last. Pure: no I/O, no timers, no clock — time is the fixes' own `atMs`, and `advanceTo` moves
 * the window when no fix does. Memory is O(cells + trackers): per cell 8 + 4 + 4 bytes plus one
 * 2-byte counter per window bucket (24 by default); per tracker its last fix.
 *
 * ## What counts
 * - A fix extends its tracker's track by the segment from the tracker's previous fix; every cell the
 *   segment passes through is patrolled (see PatrolSegmentWalker for the exact rule: pieces of the
 *   segment between edge crossings, along an edge for one side only, once per segment), at the time
 *   interpolated to the middle of the segment's last piece in that cell.
 * - An implausible segment — longer in time than `maxGapMs`, or faster than `maxSpeedKmh` (a GPS
 *   jump, or a device that teleported) — is not walked: only the cell of its end fix counts. So is a
 *   tracker's first fix, and a fix that moved at the same instant as the previous one.
 * - A fix older than its tracker's previous fix is stale (a duplicate or a reordered upload) and is
 *   ignored; it changes nothing.
 *
 * ## Passes
 * A pass is one visit of one tracker to one cell. The tracker's cells from one segment to the next
 * are one pass while it stays in the cell (its previous segment ended there); a tracker that comes
 * back to a cell it was the last to patrol, less than `samePassGapMs` later, continues that pass
 * too (circling a block, or wobbling across a boundary street, is one patrol, not dozens). Any other
 * visit is a new pass.
 *
 * ## The window
 * Passes are counted in `bucketMs` buckets (an hour by default) in a ring of windowMs / bucketMs
 * buckets (24): a cell's window count is its passes in the current bucket and the 23 whole buckets
 * before it, so the window covers between 23 and 24 hours. The window moves when a fix, or
 * `advanceTo`, reaches a new bucket: the buckets that fall out are cleared (one pass over the cells
 * per bucket), and the cells whose counts drop are reported as changed. Hourly buckets keep memory
 * at 48 bytes a cell and make expiry exact to the hour, which is as fine as the question "how often
 * in the last day" needs; a cell's exact pass times would need memory per pass.
 *
 * ## Changes
 * `update` and `advanceTo` return the indices of the cells whose last patrol time, last tracker or
 * window count changed in that call, each once, as a view that the next call overwrites: copy it,
 * or add it to a `ChangedCells`, to keep it.
 */
export interface PatrolCoverageOptions extends PatrolSegmentOptions {
  /** Sliding window for pass counts. @default 86_400_000 (24 h) */
  windowMs?: number;
  /** Bucket of the window; windowMs must be a whole multiple of it. @default 3_600_000 (1 h) */
  bucketMs?: number;
  /** A longer silence between two fixes is a gap in the track, not a segment. @default 120_000 (2 min) */
  maxGapMs?: number;
  /** A faster segment is a GPS jump. @default 150 */
  maxSpeedKmh?: number;
  /** A return by the last tracker within this time continues its pass. @default 600_000 (10 min) */
  samePassGapMs?: number;
}

export interface PatrolCoverageStats {
  fixes: number;
  /** Segments walked through the cells. */
  segments: number;
  /** Segments dropped as gaps or jumps (their end fix counted alone). */
  implausible: number;
  /** Fixes older than their tracker's previous fix, ignored. */
  stale: number;
  passes: number;
}

export interface PatrolCoverageSnapshot {
  /** Bumped by every call that changed something. */
  version: number;
  /** Epoch ms of the window's current bucket start, NaN before the first fix. */
  windowAt: number;
  /** Per cell: epoch ms of the last patrol, NaN never. */
  lastPatrolAt: Float64Array;
  /** Per cell: passes in the window. */
  windowPasses: Uint32Array;
  /** Per cell: index in trackerIds of the last tracker, -1 never. */
  lastTracker: Int32Array;
  trackerIds: string[];
}

const MAX_BUCKET_COUNT = 0xffff;

export class PatrolCoverage {
  readonly cellCount: number;
  readonly walker: PatrolSegmentWalker;
  readonly windowMs: number;
  readonly bucketMs: number;
  private readonly bucketCount: number;
  private readonly maxGapMs: number;
  private readonly maxSpeedMps: number;
  private readonly samePassGapMs: number;

  private readonly lastAt: Float64Array;
  private readonly lastBy: Int32Array;
  private readonly passes: Uint32Array;
  /** Cell-major: buckets[c * bucketCount + (hour mod bucketCount)]. */
  private readonly buckets: Uint16Array;
  /** The window's current bucket number (floor(ms / bucketMs)), -Infinity before the first fix. */
  private clockBucket = -Infinity;

  private readonly trackerIndex = new Map<string, number>();
  private readonly trackerIds: string[] = [];
  private trkLon = new Float64Array(64);
  private trkLat = new Float64Array(64);
  private trkAt = new Float64Array(64);
  private trkCell = new Int32Array(64);

  private changed: Int32Array;
  private changedCount = 0;
  private readonly changedStamp: Uint32Array;
  private callStamp = 0;
  private versionCounter = 0;
  private readonly counters: PatrolCoverageStats = { fixes: 0, segments: 0, implausible: 0, stale: 0, passes: 0 };

  constructor(cells: readonly AreaFeature[], opts: PatrolCoverageOptions = {}, index?: GridIndex) {
    this.walker = new PatrolSegmentWalker(cells, opts, index);
    this.cellCount = cells.length;
    this.windowMs = opts.windowMs ?? 86_400_000;
    this.bucketMs = opts.bucketMs ?? 3_600_000;
    this.bucketCount = this.windowMs / this.bucketMs;
    if (!Number.isInteger(this.bucketCount) || this.bucketCount < 1 || this.bucketCount > 10_000) {
      throw new RangeError('windowMs must be a whole multiple (1 to 10,000) of bucketMs');
    }
    this.maxGapMs = opts.maxGapMs ?? 120_000;
    this.maxSpeedMps = (opts.maxSpeedKmh ?? 150) / 3.6;
    this.samePassGapMs = opts.samePassGapMs ?? 600_000;
    const n = this.cellCount;
    this.lastAt = new Float64Array(n).fill(NaN);
    this.lastBy = new Int32Array(n).fill(-1);
    this.passes = new Uint32Array(n);
    this.buckets = new Uint16Array(n * this.bucketCount);
    this.changed = new Int32Array(Math.max(n, 1));
    this.changedStamp = new Uint32Array(n);
    this.trkAt.fill(NaN);
  }

  /**
   * One fix of one tracker. Returns the cells that changed (a view valid until the next call).
   * Throws a RangeError on non-finite input; validate fixes (zod) before, and keep `atMs` from the
   * future out (it would move the window ahead of every other tracker).
   */
  update(trackerId: string, lon: number, lat: number, atMs: number): Int32Array {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || !Number.isFinite(atMs)) {
      throw new RangeError(`patrol fix of ${trackerId} is not finite`);
    }
    this.beginCall();
    this.counters.fixes++;
    const i = this.intern(trackerId);
    const prevAt = this.trkAt[i]!;
    if (atMs < prevAt) {
      this.counters.stale++;
      return this.endCall();
    }
    this.moveWindow(Math.floor(atMs / this.bucketMs));
    const w = this.walker;
    let from = atMs;
    if (Number.isNaN(prevAt)) {
      w.walk(lon, lat, lon, lat);
    } else {
      const plon = this.trkLon[i]!;
      const plat = this.trkLat[i]!;
      const dt = atMs - prevAt;
      const metres = w.metresBetween(plon, plat, lon, lat);
      if (dt > this.maxGapMs || metres > (this.maxSpeedMps * dt) / 1000) {
        this.counters.implausible++;
        w.walk(lon, lat, lon, lat);
      } else {
        this.counters.segments++;
        w.walk(plon, plat, lon, lat);
        from = prevAt;
      }
    }
    const span = atMs - from;
    const here = this.trkCell[i]!;
    for (let p = 0; p < w.count; p++) {
      const c = w.cells[p]!;
      this.patrol(c, i, from + w.at[p]! * span, c === here);
    }
    this.trkLon[i] = lon;
    this.trkLat[i] = lat;
    this.trkAt[i] = atMs;
    this.trkCell[i] = w.endCell;
    return this.endCall();
  }

  /** Moves the window to nowMs without a fix (call it on a timer); returns the cells whose counts fell. */
  advanceTo(nowMs: number): Int32Array {
    if (!Number.isFinite(nowMs)) throw new RangeError('advanceTo needs a finite time');
    this.beginCall();
    this.moveWindow(Math.floor(nowMs / this.bucketMs));
    return this.endCall();
  }

  /** Epoch ms of cell c's last patrol, NaN never. */
  lastPatrolAt(c: number): number {
    return this.lastAt[c]!;
  }

  /** Passes through cell c in the window. */
  windowPasses(c: number): number {
    return this.passes[c]!;
  }

  /** Id of the tracker that last patrolled cell c, null never. */
  lastTracker(c: number): string | null {
    const i = this.lastBy[c]!;
    return i < 0 ? null : this.trackerIds[i]!;
  }

  get version(): number {
    return this.versionCounter;
  }

  get trackerCount(): number {
    return this.trackerIds.length;
  }

  stats(): PatrolCoverageStats {
    return { ...this.counters };
  }

  /** A copy of the whole state, with the version it was read at (for a new client's snapshot). */
  snapshot(): PatrolCoverageSnapshot {
    return {
      version: this.versionCounter,
      windowAt: Number.isFinite(this.clockBucket) ? this.clockBucket * this.bucketMs : NaN,
      lastPatrolAt: this.lastAt.slice(),
      windowPasses: this.passes.slice(),
      lastTracker: this.lastBy.slice(),
      trackerIds: [...this.trackerIds],
    };
  }

  private patrol(c: number, i: number, at: number, stillHere: boolean): void {
    const last = this.lastAt[c]!;
    const sameAsLast = this.lastBy[c] === i && Math.abs(at - last) <= this.samePassGapMs;
    if (!(at <= last)) {
      // Newer than the last patrol, or the first (NaN compares false).
      this.lastAt[c] = at;
      this.lastBy[c] = i;
      this.markChanged(c);
    }
    if (stillHere || sameAsLast) return;
    const bucket = Math.floor(at / this.bucketMs);
    if (bucket <= this.clockBucket - this.bucketCount) return;
    const slot = c * this.bucketCount + mod(bucket, this.bucketCount);
    if (this.buckets[slot] === MAX_BUCKET_COUNT) return;
    this.buckets[slot]!++;
    this.passes[c]!++;
    this.counters.passes++;
    this.markChanged(c);
  }

  /** Makes `bucket` the window's current bucket, clearing the buckets that fall out. */
  private moveWindow(bucket: number): void {
    if (!(bucket > this.clockBucket)) return;
    const B = this.bucketCount;
    const from = bucket - this.clockBucket >= B ? bucket - B + 1 : this.clockBucket + 1;
    this.clockBucket = bucket;
    if (this.counters.passes === 0) return;
    for (let b = from; b <= bucket; b++) {
      const s = mod(b, B);
      for (let c = 0, slot = s; c < this.cellCount; c++, slot += B) {
        const v = this.buckets[slot]!;
        if (v === 0) continue;
        this.buckets[slot] = 0;
        this.passes[c]! -= v;
        this.markChanged(c);
      }
    }
  }

  private intern(id: string): number {
    let i = this.trackerIndex.get(id);
    if (i !== undefined) return i;
    i = this.trackerIds.length;
    this.trackerIds.push(id);
    this.trackerIndex.set(id, i);
    if (i === this.trkAt.length) {
      const n = i * 2;
      const growF = (a: Float64Array, fill: number) => {
        const b = new Float64Array(n).fill(fill);
        b.set(a);
        return b;
      };
      this.trkLon = growF(this.trkLon, 0);
      this.trkLat = growF(this.trkLat, 0);
      this.trkAt = growF(this.trkAt, NaN);
      const cell = new Int32Array(n);
      cell.set(this.trkCell);
      this.trkCell = cell;
    }
    this.trkCell[i] = -1;
    return i;
  }

  private beginCall(): void {
    this.changedCount = 0;
    this.callStamp = (this.callStamp + 1) >>> 0;
    if (this.callStamp === 0) {
      this.changedStamp.fill(0);
      this.callStamp = 1;
    }
  }

  private markChanged(c: number): void {
    if (this.changedStamp[c] === this.callStamp) return;
    this.changedStamp[c] = this.callStamp;
    this.changed[this.changedCount++] = c;
  }

  private endCall(): Int32Array {
    if (this.changedCount > 0) this.versionCounter++;
    return this.changed.subarray(0, this.changedCount);
  }
}

function mod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r;
}

/**
 * Accumulates changed cells over many calls (say, the fixes of one second), each cell once, for one
 * `coverage:cells` frame; `take` hands them over in ascending order and starts afresh.
 */
export class ChangedCells {
  private readonly dirty: Uint8Array;
  private list: Int32Array;
  private n = 0;

  constructor(cellCount: number) {
    this.dirty = new Uint8Array(cellCount);
    this.list = new Int32Array(Math.max(16, Math.min(cellCount, 1024)));
  }

  get size(): number {
    return this.n;
  }

  add(cells: ArrayLike<number>): void {
    for (let i = 0; i < cells.length; i++) {
      const c = cells[i]!;
      if (this.dirty[c] === 1) continue;
      this.dirty[c] = 1;
      if (this.n === this.list.length) {
        const b = new Int32Array(this.list.length * 2);
        b.set(this.list);
        this.list = b;
      }
      this.list[this.n++] = c;
    }
  }

  take(): Uint32Array {
    const out = Uint32Array.from(this.list.subarray(0, this.n)).sort();
    for (let i = 0; i < this.n; i++) this.dirty[this.list[i]!] = 0;
    this.n = 0;
    return out;
  }
}
