import type { SpeedFrame } from '../../shared/index.js';
import type { FrameOutcome } from '../live/seqFrameFeed.js';

/** What became of a frame handed to the store (client/live/seqFrameFeed.ts). */
export type SpeedFrameOutcome = FrameOutcome;

/** How many frames wait for a snapshot at most; older ones are dropped (the snapshot will be newer). */
export const MAX_HELD_SPEED_FRAMES = 64;

/**
 * Every road's speed ratio byte (current ÷ free-flow × 255) as a page holds it, indexed like the
 * roads layer's features, kept by the seq rule of the coverage store: a snapshot
 * (`GET /api/roads/speeds/frame`) at a seq, then each frame whose seq is exactly the next; a frame
 * at or below is dropped, one beyond is a gap and the snapshot is read again; after a (re)connect
 * frames wait for the next snapshot. Pure, no I/O. Roads that changed are collected until the map
 * takes them, so that only their colours are rewritten.
 */
export class RoadSpeedStore {
  ratio = new Uint8Array(0);
  version = 0;
  readonly counts = { snapshots: 0, applied: 0, stale: 0, gaps: 0 };

  private heldSeq: number | null = null;
  private awaiting = true;
  private held: SpeedFrame[] = [];
  private changedFlags = new Uint8Array(0);
  private changedList: number[] = [];
  private changedAll = false;

  get roadCount(): number {
    return this.ratio.length;
  }

  get seq(): number | null {
    return this.heldSeq;
  }

  get needsSnapshot(): boolean {
    return this.awaiting;
  }

  resync(): void {
    this.awaiting = true;
    this.held = [];
  }

  take(frame: SpeedFrame): SpeedFrameOutcome {
    if (frame.snapshot) return this.loadSnapshot(frame) ? 'applied' : 'gap';
    if (this.awaiting) {
      this.held.push(frame);
      if (this.held.length > MAX_HELD_SPEED_FRAMES) this.held.shift();
      return 'held';
    }
    if (frame.seq <= this.heldSeq!) {
      this.counts.stale += 1;
      return 'stale';
    }
    if (frame.seq !== this.heldSeq! + 1) {
      this.counts.gaps += 1;
      this.awaiting = true;
      this.held = [frame];
      return 'gap';
    }
    this.apply(frame);
    return 'applied';
  }

  /** Puts a snapshot in place, then the held frames that follow it; false when they have a gap. */
  loadSnapshot(frame: SpeedFrame): boolean {
    if (!frame.snapshot) throw new Error('road speeds: a snapshot frame is needed here');
    const n = frame.roads.length === 0 ? 0 : frame.roads[frame.roads.length - 1]! + 1;
    if (n !== this.roadCount) {
      this.ratio = new Uint8Array(n);
      this.changedFlags = new Uint8Array(n);
      this.changedList = [];
    }
    this.ratio.fill(255);
    this.write(frame);
    this.heldSeq = frame.seq;
    this.changedAll = true;
    this.counts.snapshots += 1;
    this.version += 1;
    this.awaiting = false;
    const held = this.held.sort((a, b) => a.seq - b.seq);
    this.held = [];
    for (let i = 0; i < held.length; i++) {
      if (this.take(held[i]!) === 'gap') {
        this.held.push(...held.slice(i + 1));
        return false;
      }
    }
    return true;
  }

  /** The roads changed since the last call, ascending, or 'all' (after a snapshot). */
  takeChanged(): Uint32Array | 'all' {
    const all = this.changedAll;
    const roads = all ? null : Uint32Array.from(this.changedList).sort();
    this.changedAll = false;
    for (const r of this.changedList) this.changedFlags[r] = 0;
    this.changedList = [];
    return roads ?? 'all';
  }

  private apply(frame: SpeedFrame): void {
    this.write(frame);
    this.heldSeq = frame.seq;
    this.counts.applied += 1;
    this.version += 1;
    if (this.changedAll) return;
    for (const r of frame.roads) {
      if (r >= this.roadCount || this.changedFlags[r]) continue;
      this.changedFlags[r] = 1;
      this.changedList.push(r);
    }
  }

  private write(frame: SpeedFrame): void {
    const n = this.roadCount;
    for (let k = 0; k < frame.roads.length; k++) {
      const r = frame.roads[k]!;
      // A road this page's layer does not have: the next snapshot sizes the array.
      if (r < n) this.ratio[r] = frame.ratio[k]!;
    }
  }
}
