import { decodeCellFrame, type CellFrame } from '../../shared/index.js';
import { SeqFrameFeed, type SeqFrameFeedOptions } from '../live/seqFrameFeed.js';
import type { CoverageStore } from './coverageStore.js';

/** The coverage feed's options: a SeqFrameFeed's, less the codec (the cell frames'). */
export type CoverageFeedOptions = Omit<SeqFrameFeedOptions<CellFrame>, 'decode' | 'label'>;

/** The cells' coverage fed from `coverage:cells` frames and `GET /api/coverage/cells` (client/live/seqFrameFeed.ts). */
export class CoverageFeed extends SeqFrameFeed<CellFrame> {
  declare readonly store: CoverageStore;
  constructor(store: CoverageStore, opts: CoverageFeedOptions) {
    super(store, { ...opts, decode: decodeCellFrame, label: 'coverage' });
  }
}

/** The snapshot over HTTP, as the page reads it. */
export async function fetchCoverageSnapshot(signal: AbortSignal): Promise<ArrayBuffer> {
  const res = await fetch('/api/coverage/cells', { signal, cache: 'no-store' });
  if (!res.ok) throw Object.assign(new Error(`GET /api/coverage/cells: ${res.status}`), { status: res.status });
  return res.arrayBuffer();
}
