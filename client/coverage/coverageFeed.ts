import { decodeCellFrame } from '../../shared/index.js';
import type { CoverageStore } from './coverageStore.js';

export interface CoverageFeedOptions {
  /** `GET /api/coverage/cells` as bytes; throws an error with `status` on a refusal. */
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
 * Feeds a page's CoverageStore from the live stream's socket and the snapshot endpoint: while the
 * page shows coverage (`setEnabled(true)`), it reads the snapshot once the socket is connected, on
 * every reconnect (`connected()`: frames may have been missed meanwhile) and after a gap; frames
 * (`frame`) go to the store in between. One snapshot read at a time; a connect during a read reads
 * again after it. While the page shows no coverage, frames are ignored and nothing is read.
 */
export class CoverageFeed {
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
    readonly store: CoverageStore,
    private readonly opts: CoverageFeedOptions,
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

  /** A `coverage:cells` frame from the socket. */
  frame(data: ArrayBuffer): void {
    if (!this.enabled || this.stopped) return;
    const t0 = performance.now();
    let outcome;
    try {
      outcome = this.store.take(decodeCellFrame(data), this.now());
    } catch (err) {
      // A frame this page cannot read: what it held may be incomplete now.
      this.log('coverage: a frame could not be read; reading the snapshot again', err);
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
      this.log(`coverage: frame ${this.store.counts.gaps} out of sequence; reading the snapshot again`);
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
        const whole = this.store.loadSnapshot(decodeCellFrame(bytes), this.now());
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
        this.log('coverage: reading the snapshot failed; trying again', err);
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

/** The snapshot over HTTP, as the page reads it. */
export async function fetchCoverageSnapshot(signal: AbortSignal): Promise<ArrayBuffer> {
  const res = await fetch('/api/coverage/cells', { signal, cache: 'no-store' });
  if (!res.ok) throw Object.assign(new Error(`GET /api/coverage/cells: ${res.status}`), { status: res.status });
  return res.arrayBuffer();
}
