import { decodeSpeedFrame } from '../../shared/index.js';
import type { RoadSpeedStore } from './roadSpeedStore.js';

export interface RoadSpeedFeedOptions {
  /** `GET /api/roads/speeds/frame` as bytes; throws an error with `status` on a refusal. */
  fetchSnapshot(signal: AbortSignal): Promise<ArrayBuffer>;
  onChange(): void;
  onUnauthenticated?(): void;
  log?(message: string, detail?: unknown): void;
  backoff?: { baseMs?: number; maxMs?: number };
}

const statusOf = (err: unknown) => (typeof err === 'object' && err !== null ? (err as { status?: unknown }).status : undefined);

/**
 * Feeds a RoadSpeedStore from the live stream's `roads:speeds` frames and the snapshot endpoint, as
 * client/coverage/coverageFeed.ts feeds the coverage: while enabled, the snapshot is read once the
 * socket is connected, on every reconnect and after a gap; one read at a time.
 */
export class RoadSpeedFeed {
  private enabled = false;
  private hasConnected = false;
  private loading: AbortController | null = null;
  private again = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    readonly store: RoadSpeedStore,
    private readonly opts: RoadSpeedFeedOptions,
  ) {}

  setEnabled(on: boolean): void {
    if (on === this.enabled || this.stopped) return;
    this.enabled = on;
    this.store.resync();
    if (on && this.hasConnected) this.load();
    if (!on) this.cancel();
  }

  connected(): void {
    if (this.stopped) return;
    this.hasConnected = true;
    this.store.resync();
    if (this.enabled) this.load();
  }

  frame(data: ArrayBuffer): void {
    if (!this.enabled || this.stopped) return;
    let outcome;
    try {
      outcome = this.store.take(decodeSpeedFrame(data));
    } catch (err) {
      this.log('road speeds: a frame could not be read; reading the snapshot again', err);
      this.store.resync();
      this.load();
      return;
    }
    if (outcome === 'applied') this.opts.onChange();
    else if (outcome === 'gap') this.load();
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
        const bytes = await this.opts.fetchSnapshot(abort.signal);
        if (abort.signal.aborted) return;
        const whole = this.store.loadSnapshot(decodeSpeedFrame(bytes));
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
        this.log('road speeds: reading the snapshot failed; trying again', err);
        const delay = Math.min(this.opts.backoff?.maxMs ?? 30_000, (this.opts.backoff?.baseMs ?? 1000) * 2 ** Math.min(this.attempt, 16));
        this.attempt += 1;
        this.timer = setTimeout(() => {
          if (this.enabled && !this.stopped) this.load();
        }, delay);
      }
    })();
  }

  private log(message: string, detail?: unknown): void {
    if (this.opts.log) this.opts.log(message, detail);
    else console.warn(message, detail ?? '');
  }
}

export async function fetchRoadSpeedSnapshot(signal: AbortSignal): Promise<ArrayBuffer> {
  const res = await fetch('/api/roads/speeds/frame', { signal, cache: 'no-store' });
  if (!res.ok) throw Object.assign(new Error(`GET /api/roads/speeds/frame: ${res.status}`), { status: res.status });
  return res.arrayBuffer();
}
