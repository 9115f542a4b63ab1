import type { PointColumnsHeader, PointsQuery } from '../../shared/index.js';

/** A frame as encoded for one query, and what it was built from. */
interface CachedFrame {
  /** The points' version (RecentPoints.version) it was built at. */
  version: number;
  /** The window it selected, [since, until), ms. */
  since: number;
  until: number;
  /** The frame's own `since` (the window's start rounded down to the time step). */
  frameSince: number;
  bytes: Uint8Array;
}

/** How many queries' frames are kept (themes × filters a command center's screens ask for at once). */
const MAX_FRAMES = 32;

/**
 * The encoded point frames of the last queries (`GET /api/incidents/points`, binary): the walls and
 * desks reload the same themes every few minutes, while a report arrives about once a minute on the
 * default city, so most requests find the points unchanged. A frame answers a later request only when
 * it would be the same bytes: the points' version unchanged (nothing added, dropped or judged again),
 * no held point between the two windows' starts (none left the window) nor between their ends (none
 * entered it). When the window's rounded start has moved on by whole time steps, the kept frame is
 * re-based (its start and every time moved by those steps, exactly what a new build would give) in
 * one pass over the time column, without filtering or quantizing anything again.
 */
export class PointFrameCache {
  private frames = new Map<string, CachedFrame>();
  readonly counts = { hits: 0, misses: 0 };

  constructor(
    private readonly points: {
      readonly version: number;
      /** Held points reported in [since, until). */
      countBetween(since: number, until: number): number;
    },
  ) {}

  /** The frame of a query for the window [since, until), built by `build` unless a kept one is still exact. */
  async frame(query: PointsQuery, window: { since: number; until: number; frameSince: number }, build: () => Promise<Uint8Array>): Promise<Uint8Array> {
    const key = queryKey(query);
    const version = this.points.version;
    const kept = this.frames.get(key);
    if (
      kept &&
      kept.version === version &&
      window.frameSince >= kept.frameSince &&
      window.since >= kept.since &&
      window.until >= kept.until &&
      this.points.countBetween(kept.since, window.since) === 0 &&
      this.points.countBetween(kept.until, window.until) === 0
    ) {
      this.counts.hits += 1;
      const current = kept.frameSince === window.frameSince ? kept : { ...kept, frameSince: window.frameSince, bytes: rebasePointFrame(kept.bytes, window.frameSince) };
      // Most recently used last, so the oldest goes first when full.
      this.frames.delete(key);
      this.frames.set(key, { ...current, since: window.since, until: window.until });
      return current.bytes;
    }
    this.counts.misses += 1;
    const bytes = await build();
    this.frames.delete(key);
    this.frames.set(key, { version, since: window.since, until: window.until, frameSince: window.frameSince, bytes });
    if (this.frames.size > MAX_FRAMES) this.frames.delete(this.frames.keys().next().value!);
    return bytes;
  }
}

/** One key per distinct filter: lists in a fixed order, absent and empty alike. */
export function queryKey(q: PointsQuery): string {
  const list = (xs: readonly string[] | undefined) => (xs && xs.length > 0 ? [...xs].sort().join(',') : '');
  return [q.window, q.theme, q.family ?? '', list(q.categories), list(q.sources), q.town ?? ''].join('|');
}

/**
 * A point frame (layout in shared/incident/pointColumns.ts) counted from a later start, a whole number
 * of its time steps on: the header's `since` rewritten (an ISO time is always 24 characters, so the
 * layout stays) and every time moved back by those steps. The points must all lie at or after the new
 * start (the cache checks that none left the window), so no time goes below zero.
 */
export function rebasePointFrame(bytes: Uint8Array, frameSince: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerBytes))) as PointColumnsHeader;
  const stepMs = header.tStepS * 1000;
  const shift = (frameSince - Date.parse(header.since)) / stepMs;
  if (!Number.isInteger(shift) || shift < 0) throw new Error(`a frame cannot be re-based by ${shift} steps`);
  const next = { ...header, since: new Date(frameSince).toISOString() };
  const json = new TextEncoder().encode(JSON.stringify(next));
  if (json.length !== headerBytes) throw new Error('a re-based frame header changed length');
  const out = bytes.slice();
  out.set(json, 4);
  const at = 4 + ((headerBytes + 3) & ~3) + 4 * header.count;
  const t = new Uint16Array(out.buffer, out.byteOffset + at, header.count);
  for (let i = 0; i < t.length; i++) {
    if (t[i]! < shift) throw new Error('a point of the frame lies before its new start');
    t[i] = t[i]! - shift;
  }
  return out;
}
