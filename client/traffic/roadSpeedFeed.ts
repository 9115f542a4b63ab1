import { decodeSpeedFrame, type SpeedFrame } from '../../shared/index.js';
import { SeqFrameFeed, type SeqFrameFeedOptions } from '../live/seqFrameFeed.js';
import type { RoadSpeedStore } from './roadSpeedStore.js';

export type RoadSpeedFeedOptions = Omit<SeqFrameFeedOptions<SpeedFrame>, 'decode' | 'label'>;

/**
 * The roads' speeds fed from `roads:speeds` frames and `GET /api/roads/speeds/frame`, by the same
 * rules as the coverage (client/live/seqFrameFeed.ts).
 */
export class RoadSpeedFeed extends SeqFrameFeed<SpeedFrame> {
  declare readonly store: RoadSpeedStore;
  constructor(store: RoadSpeedStore, opts: RoadSpeedFeedOptions) {
    super(store, { ...opts, decode: decodeSpeedFrame, label: 'road speeds' });
  }
}

/** The snapshot over HTTP, as the page reads it. */
export async function fetchRoadSpeedSnapshot(signal: AbortSignal): Promise<ArrayBuffer> {
  const res = await fetch('/api/roads/speeds/frame', { signal, cache: 'no-store' });
  if (!res.ok) throw Object.assign(new Error(`GET /api/roads/speeds/frame: ${res.status}`), { status: res.status });
  return res.arrayBuffer();
}
