import type { HeartbeatSource } from '../../shared/index.js';
import type { Logger } from '../log.js';
import type { CameraCoverage, CellsChange } from './cameraCoverage.js';

/**
 * Which cameras are live: each reports a heartbeat (a gateway's, or the simulator's while no gateway
 * has ever reported); a camera silent for longer than `silentAfterMs` drops out of the coverage at
 * once and the change goes to every listener (`onChange`), with the cells whose share changed. A
 * heartbeat brings a silent camera back the same way.
 *
 * Every camera starts live, as if heard from when the server started: with no heartbeat at all it
 * goes silent `silentAfterMs` later. Heartbeats are kept in memory only (after a restart the cameras
 * have one silent period to report again).
 */

export interface Heartbeat {
  id: string;
  /** When the camera was heard from (epoch ms); by default when the report arrives. Later than now counts as now. */
  at?: number;
}

/** One change of the cameras' states: the cameras that went silent or came back, and the cells it changed. */
export interface CameraChange {
  /** When it was noticed (epoch ms). */
  at: number;
  camerasDown: string[];
  camerasUp: string[];
  changedCells: CellsChange;
}

export interface CameraStatus {
  id: string;
  live: boolean;
  /** The last heartbeat (epoch ms), or null when none has come since the server started. */
  lastHeartbeatAt: number | null;
  /** Since when the camera is silent (epoch ms: its last heartbeat, or the start, plus the silent time), null while live. */
  silentSince: number | null;
}

export interface CameraLivenessOptions {
  silentAfterMs: number;
  now?: () => number;
  /**
   * Where a listener's error goes: listeners must not throw, and one that does does not stop the
   * others. Without a log the first error is thrown again once every listener has run.
   */
  log?: Pick<Logger, 'error'>;
}

export class CameraLiveness {
  readonly silentAfterMs: number;
  private readonly now: () => number;
  private readonly ids: string[];
  private readonly index = new Map<string, number>();
  /** Last heartbeat per camera, NaN for none. */
  private readonly heard: Float64Array;
  /** Since when each camera is silent, NaN while live. */
  private readonly silentFrom: Float64Array;
  private readonly startedAt: number;
  private readonly listeners = new Set<(change: CameraChange) => void>();
  private readonly log: Pick<Logger, 'error'> | undefined;
  private source: HeartbeatSource = 'none';
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private running = false;

  constructor(
    private readonly coverage: CameraCoverage,
    opts: CameraLivenessOptions,
  ) {
    if (!(opts.silentAfterMs > 0)) throw new RangeError('silentAfterMs must be positive');
    this.silentAfterMs = opts.silentAfterMs;
    this.now = opts.now ?? Date.now;
    this.log = opts.log;
    this.ids = coverage.cameraIds;
    this.ids.forEach((id, i) => this.index.set(id, i));
    this.heard = new Float64Array(this.ids.length).fill(NaN);
    this.silentFrom = new Float64Array(this.ids.length).fill(NaN);
    this.startedAt = this.now();
    // The coverage may have been handed over with cameras down: they are silent from the start.
    const down = this.ids.filter((id) => !coverage.isLive(id));
    for (const id of down) this.silentFrom[this.index.get(id)!] = this.startedAt;
  }

  /** Who has been reporting heartbeats. */
  get heartbeatsFrom(): HeartbeatSource {
    return this.source;
  }

  /** Calls `listener` with every change of the cameras' states; returns a function that stops it. */
  onChange(listener: (change: CameraChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Heartbeats of cameras, all or nothing: when any id is not a camera of the city, nothing changes
   * and the unknown ids come back. Silent cameras heard from within the silent time come back at once.
   * The simulator's heartbeats are ignored once a gateway has reported (`ignored: true`).
   */
  heartbeat(beats: readonly Heartbeat[], from: 'gateway' | 'simulator' = 'gateway'): { unknown: string[]; ignored: boolean } {
    const unknown = beats.filter((b) => !this.index.has(b.id)).map((b) => b.id);
    if (unknown.length > 0) return { unknown: [...new Set(unknown)], ignored: false };
    if (from === 'simulator' && this.source === 'gateway') return { unknown: [], ignored: true };
    if (from === 'gateway' || this.source === 'none') this.source = from;
    const now = this.now();
    const up: string[] = [];
    for (const b of beats) {
      const i = this.index.get(b.id)!;
      const at = b.at === undefined || !Number.isFinite(b.at) ? now : Math.min(b.at, now);
      if (!(this.heard[i]! >= at)) this.heard[i] = at;
      if (!Number.isNaN(this.silentFrom[i]!) && now - this.heard[i]! <= this.silentAfterMs) {
        this.silentFrom[i] = NaN;
        up.push(b.id);
      }
    }
    // The timer first: a camera heard from long ago may now be the next one due.
    this.arm();
    if (up.length > 0) this.emit({ at: now, camerasDown: [], camerasUp: up, changedCells: this.coverage.setLive(up, true) });
    return { unknown: [], ignored: false };
  }

  /**
   * Takes out every live camera silent for longer than the silent time at `now`, and tells the
   * listeners; returns the change, or null when none went silent. The timer (`start`) calls it when
   * the first camera is due; tests call it with their own clock.
   */
  expire(now: number = this.now()): CameraChange | null {
    const down: string[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      if (!Number.isNaN(this.silentFrom[i]!)) continue;
      const due = this.dueAt(i);
      if (now > due) {
        this.silentFrom[i] = due;
        down.push(this.ids[i]!);
      }
    }
    if (down.length === 0) return null;
    const change = { at: now, camerasDown: down, camerasUp: [], changedCells: this.coverage.setLive(down, false) };
    this.emit(change);
    return change;
  }

  /** When the next live camera goes silent if it stays quiet (epoch ms), or null when none is live. */
  nextDeadline(): number | null {
    let next = Infinity;
    for (let i = 0; i < this.ids.length; i++) if (Number.isNaN(this.silentFrom[i]!)) next = Math.min(next, this.dueAt(i));
    return next === Infinity ? null : next;
  }

  /** Every camera's state, in the coverage's order. */
  statuses(): CameraStatus[] {
    return this.ids.map((id, i) => ({
      id,
      live: Number.isNaN(this.silentFrom[i]!),
      lastHeartbeatAt: Number.isNaN(this.heard[i]!) ? null : this.heard[i]!,
      silentSince: Number.isNaN(this.silentFrom[i]!) ? null : this.silentFrom[i]!,
    }));
  }

  /** How many cameras are silent now, of all. */
  silentCount(): { silent: number; cameras: number } {
    let silent = 0;
    for (const t of this.silentFrom) if (!Number.isNaN(t)) silent++;
    return { silent, cameras: this.ids.length };
  }

  /** Starts watching the clock: each camera drops out as soon as its silent time has passed. */
  start(): void {
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private dueAt(i: number): number {
    const heard = this.heard[i]!;
    return (Number.isNaN(heard) ? this.startedAt : heard) + this.silentAfterMs;
  }

  /** Sets the timer for the next deadline, unless one is already set no later than it. */
  private arm(): void {
    if (!this.running) return;
    const next = this.nextDeadline();
    if (next === null || next >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = next;
    // Just past the deadline: a camera is silent once *longer* than the silent time has passed.
    const delay = Math.min(Math.max(next - this.now() + 1, 0), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      try {
        this.expire();
      } finally {
        this.arm();
      }
    }, delay);
    this.timer.unref();
  }

  private emit(change: CameraChange): void {
    let failed: { err: unknown } | undefined;
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        if (this.log) this.log.error({ err }, 'a camera change listener failed');
        else failed ??= { err };
      }
    }
    if (failed) throw failed.err;
  }
}
