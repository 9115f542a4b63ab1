/**
 * What became of a frame handed to a store (client/coverage/coverageStore.ts has the seq rule):
 * - `applied`: it followed the seq held and its values are in place;
 * - `stale`: its seq is at or below the one held (the snapshot already had it), so it was dropped;
 * - `held`: a snapshot is awaited, so it waits for it (and is applied after it if it follows it);
 * - `gap`: it does not follow the seq held (a frame was missed): what is held can no longer be
 *   trusted to be whole, and the page must read the snapshot again.
 */
export type FrameOutcome = 'applied' | 'stale' | 'held' | 'gap';

/** A page's store of seq-numbered frames: a snapshot at a seq, then each frame moving it on by one. */
export interface SeqFrameStore<F> {
  take(frame: F, now: number): FrameOutcome;
  /** Loads a snapshot; answers whether what it holds is whole (no gap after the snapshot). */
  loadSnapshot(frame: F, now: number): boolean;
  /** After a (re)connect: every frame waits for the next snapshot. */
  resync(): void;
  readonly counts: { gaps: number };
}

export interface SeqFrameFeedOptions<F> {
  /** The frame's codec (shared/): a frame that cannot be read throws. */
  decode(bytes: ArrayBuffer): F;
  /** What the frames are, for the log. */
  label: string;
  /** The snapshot endpoint as bytes; throws an error with `status` on a refusal. */
  fetchSnapshot(signal: AbortSignal): Promise<ArrayBuffer>;
  /** The store's values changed (a snapshot loaded, a frame applied). */
  onChange(): void;
  /** The snapshot was refused with 401: the session is over. */
  onUnauthenticated?(): void;
  log?(message: string, detail?: unknown): void;
  /** Delays of the snapshot's retries after a failure. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** The clock (ms) the store stamps a snapshot with. */
  now?(): number;
}

const statusOf = (err: unknown) => (typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined);

/**
 * Feeds a page's store of seq-numbered binary frames (the cells' coverage, the roads' speeds) from the
 * live stream's socket and the snapshot endpoint: while the page shows them (`setEnabled(true)`), it
 * reads the snapshot once the socket is connected, on every reconnect (`connected()`: frames may have
 * been missed meanwhile) and after a gap; frames (`frame`) go to the store in between. One snapshot
 * read at a time; a connect during a read reads again after it. While the page shows none, frames are
 * ignored and nothing is read.
 */
export class SeqFrameFeed<F> {
  private enabled = false;
  private hasConnected = false;
  private loading: AbortController | null = null;
  private again = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** Decode and apply time of the frames (ms), for the figures. */
  readonly timing = { frames: 0, lastMs: 0, maxMs: 0, totalMs: 0, snapshotMs: 0 };

  constructor(
    readonly store: SeqFrameStore<F>,
    private readonly opts: SeqFrameFeedOptions<F>,
  ) {}

  setEnabled(on: boolean): void {
    if (on === this.enabled || this.stopped) return;
    this.enabled = on;
    this.store.resync();
    if (on && this.hasConnected) this.load();
    if (!on) this.cancel();
  }

  /** After every connect and reconnect of the live stream's socket. */
  connected(): void {
    if (this.stopped) return;
    this.hasConnected = true;
    this.store.resync();
    if (this.enabled) this.load();
  }

  /** A frame from the socket. */
  frame(data: ArrayBuffer): void {
    if (!this.enabled || this.stopped) return;
    const t0 = performance.now();
    let outcome;
    try {
      outcome = this.store.take(this.opts.decode(data), this.now());
    } catch (err) {
      // A frame this page cannot read: what it held may be incomplete now.
      this.log(`${this.opts.label}: a frame could not be read; reading the snapshot again`, err);
      this.store.resync();
      this.load();
      return;
    }
    const ms = performance.now() - t0;
    this.timing.frames += 1;
    this.timing.lastMs = ms;
    this.timing.maxMs = Math.max(this.timing.maxMs, ms);
    this.timing.totalMs += ms;
    if (outcome === 'applied') this.opts.onChange();
    else if (outcome === 'gap') {
      this.log(`${this.opts.label}: frame ${this.store.counts.gaps} out of sequence; reading the snapshot again`);
      this.load();
    }
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
  }

  private cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.loading?.abort();
    this.loading = null;
    this.again = false;
  }

  private load(): void {
    if (this.loading) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    const abort = (this.loading = new AbortController());
    void (async () => {
      try {
        const t0 = performance.now();
        const bytes = await this.opts.fetchSnapshot(abort.signal);
        if (abort.signal.aborted) return;
        const whole = this.store.loadSnapshot(this.opts.decode(bytes), this.now());
        this.timing.snapshotMs = performance.now() - t0;
        this.attempt = 0;
        this.loading = null;
        this.opts.onChange();
        if (!whole || this.again) {
          this.again = false;
          this.load();
        }
      } catch (err) {
        if (abort.signal.aborted) return;
        this.loading = null;
        this.again = false;
        if (statusOf(err) === 401) {
          this.opts.onUnauthenticated?.();
          return;
        }
        this.log(`${this.opts.label}: reading the snapshot failed; trying again`, err);
        const base = this.opts.backoff?.baseMs ?? 1000;
        const max = this.opts.backoff?.maxMs ?? 30_000;
        const delay = Math.min(max, base * 2 ** Math.min(this.attempt, 16));
        this.attempt += 1;
        this.timer = setTimeout(() => {
          if (this.enabled && !this.stopped) this.load();
        }, delay);
      }
    })();
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  private log(message: string, detail?: unknown): void {
    if (this.opts.log) this.opts.log(message, detail);
    else console.warn(message, detail ?? '');
  }
}

