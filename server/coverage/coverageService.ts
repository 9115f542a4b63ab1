import { encodeCellFrame, unitToByte, type CellFrame } from '../../shared/index.js';
import type { CameraCoverage } from './cameraCoverage.js';
import { ChangedCells, PatrolCoverage } from './patrolCoverage.js';

/** A fix of any tracker (a team, an inspector's phone, a simulated inspector). */
export interface CoverageFix {
  trackerId: string;
  lon: number;
  lat: number;
  at: number;
}

/**
 * The live coverage of the city's cells, in one place: when each cell was last patrolled and how
 * often in the last day (the patrol engine, fed every tracker's fixes), and how much of it a working
 * camera sees (the camera coverage, moved by heartbeats). It collects the cells that changed since
 * the last frame, so that the socket sends only those, as one compact binary frame (`coverage:cells`);
 * `snapshotFrame` is where a new client starts, with the `seq` the frames after it continue from.
 */
export class CoverageService {
  private readonly changed: ChangedCells;
  private seqNo = 0;
  /** Each cell's blind-spot score as last sent (0–255), once scores have been set. */
  private scoreBytes: Uint8Array | null = null;

  constructor(
    readonly patrol: PatrolCoverage,
    private readonly cameras: Pick<CameraCoverage, 'shares'>,
    readonly cellCount: number,
  ) {
    this.changed = new ChangedCells(cellCount);
  }

  /** The version of the coverage a client holds after the last frame sent (or the snapshot read). */
  get seq(): number {
    return this.seqNo;
  }

  /** Walks fixes through the cells (each tracker's in time order). */
  addFixes(fixes: readonly CoverageFix[]): void {
    for (const f of fixes) this.changed.add(this.patrol.update(f.trackerId, f.lon, f.lat, f.at));
  }

  /** Cells whose camera share changed (a camera went silent or came back). */
  camerasChanged(cells: ArrayLike<number>): void {
    this.changed.add(cells);
  }

  /**
   * The cells' blind-spot scores as of now (coverage/blindSpots.ts, 0–1): those whose byte changed go
   * out in the next frame. A score moves with the hours since a patrol, so the live picture scores
   * every cell again now and then rather than on every fix; a byte is 1/255 of the scale, so a frame
   * carries only the cells whose score visibly moved.
   */
  scoresChanged(scores: ArrayLike<number>): void {
    if (!this.scoreBytes) {
      this.scoreBytes = new Uint8Array(this.cellCount);
      for (let c = 0; c < this.cellCount; c++) this.scoreBytes[c] = unitToByte(scores[c]!);
      this.changed.add(Uint32Array.from({ length: this.cellCount }, (_, i) => i));
      return;
    }
    const moved: number[] = [];
    for (let c = 0; c < this.cellCount; c++) {
      const b = unitToByte(scores[c]!);
      if (b !== this.scoreBytes[c]) {
        this.scoreBytes[c] = b;
        moved.push(c);
      }
    }
    this.changed.add(moved);
  }

  /** Moves the patrol window to `now` (passes older than a day drop out). */
  advanceTo(now: number): void {
    this.changed.add(this.patrol.advanceTo(now));
  }

  /**
   * The frame of the cells changed since the last one, or null when none did; each frame moves `seq`
   * on by one, so a client that misses one (a gap in seq) knows to read a snapshot again.
   */
  takeFrame(now: number): ArrayBuffer | null {
    const cells = this.changed.take();
    if (cells.length === 0) return null;
    this.seqNo += 1;
    return encodeCellFrame(this.frameOf(cells, now, false));
  }

  /** Every cell as it stands, at the current `seq`. */
  snapshotFrame(now: number): ArrayBuffer {
    return encodeCellFrame(this.frameOf(Uint32Array.from({ length: this.cellCount }, (_, i) => i), now, true));
  }

  private frameOf(cells: Uint32Array, now: number, snapshot: boolean): CellFrame {
    const lastPatrolAt = new Float64Array(cells.length);
    const passes = new Uint16Array(cells.length);
    const cameraShare = new Uint8Array(cells.length);
    const shares = this.cameras.shares;
    for (let k = 0; k < cells.length; k++) {
      const c = cells[k]!;
      lastPatrolAt[k] = this.patrol.lastPatrolAt(c);
      passes[k] = Math.min(0xffff, this.patrol.windowPasses(c));
      cameraShare[k] = unitToByte(shares[c]!);
    }
    const bytes = this.scoreBytes;
    const score = bytes ? Uint8Array.from(cells, (c) => bytes[c]!) : undefined;
    return { seq: this.seqNo, epochMs: Math.floor(now / 1000) * 1000, snapshot, cells, lastPatrolAt, passes, cameraShare, ...(score && { score }) };
  }
}
