import type { CellFrame } from '../../shared/index.js';
import type { FrameOutcome } from '../live/seqFrameFeed.js';

/** What became of a frame handed to the store (client/live/seqFrameFeed.ts). */
export type { FrameOutcome };

/** How many frames wait for a snapshot at most; older ones are dropped (the snapshot will be newer). */
export const MAX_HELD_FRAMES = 64;

/**
 * The coverage of every unit grid cell as a page holds it, in typed arrays indexed like the grid
 * layer's features (the frames' cell indices): when each cell was last patrolled (epoch ms, NaN never),
 * passes in the last day, the share a live camera sees (0–255) and, once the server sends it, the
 * blind-spot score (0–255).
 *
 * The seq rule (shared/coverage/cellFrame.ts): a snapshot (`GET /api/coverage/cells`) is read at a
 * seq, and each frame after it moves the seq on by exactly one. A frame is applied only when its seq
 * is the held seq + 1; one at or below is already in; one beyond is a gap, and the snapshot is read
 * again. After every (re)connect the page calls `resync()`: frames may have been missed while the
 * socket was down, so frames are held until the next snapshot, then those that follow it are applied.
 *
 * Framework-free and pure (no I/O), so the unit tests drive it as the page does. Changed cells are
 * collected until the map takes them (`takeChanged`), so that only their colours are rewritten.
 */
export class CoverageStore {
  lastPatrolAt = new Float64Array(0);
  passes = new Uint16Array(0);
  cameraShare = new Uint8Array(0);
  score = new Uint8Array(0);
  /** Whether any frame or snapshot has carried a score column yet. */
  hasScore = false;
  /** Bumped on every change of values, for React. */
  version = 0;
  /** How many snapshots were loaded, frames applied, gaps met (for the page's test hook and figures). */
  readonly counts = { snapshots: 0, applied: 0, stale: 0, gaps: 0 };
  /** Server clock minus this clock (ms), from the last snapshot's epoch: "now" as the server counts it. */
  clockOffsetMs = 0;

  private heldSeq: number | null = null;
  private awaiting = true;
  private held: CellFrame[] = [];
  private changedFlags = new Uint8Array(0);
  private changedList: number[] = [];
  private changedAll = false;

  /** The number of cells (0 before the first snapshot). */
  get cellCount(): number {
    return this.lastPatrolAt.length;
  }

  /** The coverage seq held: that of the snapshot plus the frames applied after it; null before any snapshot. */
  get seq(): number | null {
    return this.heldSeq;
  }

  /** True until a snapshot is loaded, and again after `resync()` or a gap. */
  get needsSnapshot(): boolean {
    return this.awaiting;
  }

  /**
   * After every connect and reconnect (and when the page starts showing coverage again): frames may
   * have been missed, so the values shown stay but every frame waits for the next snapshot.
   */
  resync(): void {
    this.awaiting = true;
    this.held = [];
  }

  /** Takes one frame from the socket (see FrameOutcome). `now` stamps the clock offset of a snapshot frame. */
  take(frame: CellFrame, now: number = Date.now()): FrameOutcome {
    if (frame.snapshot) {
      this.loadSnapshot(frame, now);
      return this.awaiting ? 'gap' : 'applied';
    }
    if (this.awaiting) {
      this.held.push(frame);
      if (this.held.length > MAX_HELD_FRAMES) this.held.shift();
      return 'held';
    }
    if (frame.seq <= this.heldSeq!) {
      this.counts.stale += 1;
      return 'stale';
    }
    if (frame.seq !== this.heldSeq! + 1) {
      this.counts.gaps += 1;
      this.awaiting = true;
      // This frame may still follow the snapshot that is read next.
      this.held = [frame];
      return 'gap';
    }
    this.apply(frame);
    return 'applied';
  }

  /**
   * Puts a snapshot (every cell, at a seq) in place of what is held, then applies the frames held
   * meanwhile that follow it. Answers false when those held frames have a gap after the snapshot:
   * then `needsSnapshot` stays true and the page reads the snapshot again.
   */
  loadSnapshot(frame: CellFrame, now: number = Date.now()): boolean {
    if (!frame.snapshot) throw new Error('coverage: a snapshot frame is needed here');
    const n = frame.cells.length === 0 ? 0 : frame.cells[frame.cells.length - 1]! + 1;
    if (n !== this.cellCount) this.resize(n);
    this.lastPatrolAt.fill(NaN);
    this.passes.fill(0);
    this.cameraShare.fill(0);
    this.score.fill(0);
    this.hasScore = false;
    this.write(frame);
    this.heldSeq = frame.seq;
    this.clockOffsetMs = frame.epochMs - now;
    this.changedAll = true;
    this.counts.snapshots += 1;
    this.version += 1;
    this.awaiting = false;
    const held = this.held.sort((a, b) => a.seq - b.seq);
    this.held = [];
    for (let i = 0; i < held.length; i++) {
      const outcome = this.take(held[i]!, now);
      // On a gap, `take` held the frame that did not follow; keep those after it too.
      if (outcome === 'gap') {
        this.held.push(...held.slice(i + 1));
        return false;
      }
    }
    return true;
  }

  /**
   * The cells whose values changed since the last call, ascending, or 'all' (after a snapshot, or
   * when too many changed for a list to be worth it); an empty array when none did.
   */
  takeChanged(): Uint32Array | 'all' {
    if (this.changedAll) {
      this.changedAll = false;
      this.clearChanged();
      return 'all';
    }
    const cells = Uint32Array.from(this.changedList).sort();
    this.clearChanged();
    return cells;
  }

  /** "Now" on the server's clock, by the offset measured at the last snapshot. */
  serverNow(now: number = Date.now()): number {
    return now + this.clockOffsetMs;
  }

  private apply(frame: CellFrame): void {
    this.write(frame);
    this.heldSeq = frame.seq;
    this.counts.applied += 1;
    this.version += 1;
    if (this.changedAll) return;
    for (const c of frame.cells) {
      if (c >= this.cellCount || this.changedFlags[c]) continue;
      this.changedFlags[c] = 1;
      this.changedList.push(c);
    }
    // Past a quarter of a large city, repainting all of it is as cheap as keeping the list.
    if (this.changedList.length > Math.max(1024, this.cellCount / 4)) this.changedAll = true;
  }

  private write(frame: CellFrame): void {
    const { cells, lastPatrolAt, passes, cameraShare, score } = frame;
    const n = this.cellCount;
    if (score) this.hasScore = true;
    for (let k = 0; k < cells.length; k++) {
      const c = cells[k]!;
      // A cell this city does not have (a server on a newer grid): the next snapshot sizes the arrays.
      if (c >= n) continue;
      if (lastPatrolAt) this.lastPatrolAt[c] = lastPatrolAt[k]!;
      if (passes) this.passes[c] = passes[k]!;
      if (cameraShare) this.cameraShare[c] = cameraShare[k]!;
      if (score) this.score[c] = score[k]!;
    }
  }

  private resize(n: number): void {
    this.lastPatrolAt = new Float64Array(n);
    this.passes = new Uint16Array(n);
    this.cameraShare = new Uint8Array(n);
    this.score = new Uint8Array(n);
    this.changedFlags = new Uint8Array(n);
    this.changedList = [];
  }

  private clearChanged(): void {
    for (const c of this.changedList) this.changedFlags[c] = 0;
    this.changedList = [];
  }
}
