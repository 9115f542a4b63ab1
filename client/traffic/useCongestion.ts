import type { Layer } from '@deck.gl/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { CONGESTION_LEVELS, LEVEL_OF_RATIO_BYTE, type CityLayer } from '../../shared/index.js';
import { buildRoadGeometry, congestionLayer, RoadColours } from '../layers/congestionLayer.js';
import type { DensityPlacement } from '../layers/densityRamp.js';
import type { Theme } from '../map/palette.js';
import { fetchRoadSpeedSnapshot, RoadSpeedFeed } from './roadSpeedFeed.js';
import { RoadSpeedStore } from './roadSpeedStore.js';

/**
 * What the map takes to draw the congestion layer: one call, painting the roads the frames changed
 * and handing back the layer (or nothing while the roads are loading), so the map view needs no
 * knowledge of the store or the feed.
 */
export interface CongestionOverlay {
  layer(opts: { theme: Theme; visible: boolean; placement?: DensityPlacement }): Layer | null;
}

export interface Congestion {
  store: RoadSpeedStore;
  feed: RoadSpeedFeed;
  /** Painted colours, once the roads layer has loaded. */
  colours: RoadColours | null;
  /** A new object whenever something changed, so the map redraws. */
  overlay: CongestionOverlay;
  /** Road segments at each level, once the snapshot is in (for the legend). */
  levelCounts: number[] | null;
  /** Bumped (at most once an animation frame) when the speeds change. */
  version: number;
}

/**
 * The road speeds of a page (client/traffic/roadSpeedStore.ts) fed while `enabled`, and the roads
 * layer (`GET /api/layers/roads`, the order of the frames' road indices) loaded the first time it is.
 * The page hands the live stream's `roads:speeds` frames to `feed.frame` and its connects to
 * `feed.connected`. Changes reach React at most once per animation frame.
 */
export function useCongestion(enabled: boolean, onUnauthenticated: () => void): Congestion {
  const onUnauthenticatedRef = useRef(onUnauthenticated);
  onUnauthenticatedRef.current = onUnauthenticated;
  const [version, setVersion] = useState(0);
  const [colours, setColours] = useState<RoadColours | null>(null);
  const { store, feed } = useMemo(() => {
    const store = new RoadSpeedStore();
    let scheduled = false;
    const feed = new RoadSpeedFeed(store, {
      fetchSnapshot: fetchRoadSpeedSnapshot,
      onChange() {
        if (scheduled) return;
        scheduled = true;
        requestAnimationFrame(() => {
          scheduled = false;
          setVersion(store.version);
        });
      },
      onUnauthenticated: () => onUnauthenticatedRef.current(),
    });
    return { store, feed };
  }, []);
  useEffect(() => feed.setEnabled(enabled), [feed, enabled]);
  useEffect(() => () => feed.stop(), [feed]);
  useEffect(() => {
    if (!enabled || colours) return;
    const abort = new AbortController();
    fetch('/api/layers/roads', { signal: abort.signal })
      .then(async (r) => {
        if (r.status === 401) return onUnauthenticatedRef.current();
        if (!r.ok) throw new Error(`GET /api/layers/roads: ${r.status}`);
        const roads = ((await r.json()) as CityLayer<'roads'>).features;
        setColours(new RoadColours(buildRoadGeometry(roads)));
      })
      .catch((err: unknown) => {
        if (!abort.signal.aborted) console.warn('congestion: the roads layer could not be read', err);
      });
    return () => abort.abort();
  }, [enabled, colours]);

  // The tests' hook and the figures: what the page holds and paints, and deck.gl's pick of a road.
  const lastLayer = useRef<Layer | null>(null);
  useEffect(() => {
    (window as unknown as { __gridwatchCongestion: unknown }).__gridwatchCongestion = {
      seq: () => store.seq,
      counts: () => ({ ...store.counts }),
      roadCount: () => store.roadCount,
      ratio: (road: number) => store.ratio[road] ?? null,
      paintedLevel: (road: number) => {
        const k = colours?.levels[road];
        return k === undefined || k === 255 ? null : k;
      },
      paintedColour: (road: number) => {
        if (!colours) return null;
        const v = colours.geometry.startIndices[road]!;
        return Array.from(colours.colours.subarray(4 * v, 4 * v + 4));
      },
      /** The road index drawn at a point of the map's box (CSS pixels), through deck.gl's GPU picking. */
      pickRoad: (x: number, y: number): number | null => {
        const deck = (lastLayer.current as unknown as { context?: { deck?: { pickObject(o: object): { index: number } | null } } } | null)?.context?.deck;
        return deck?.pickObject({ x, y, radius: 2, layerIds: ['congestion'] })?.index ?? null;
      },
    };
  }, [store, colours]);

  const overlay = useMemo<CongestionOverlay>(
    () => ({
      layer({ theme, visible, placement }) {
        if (!colours) return null;
        if (visible) colours.paint(store, theme);
        const layer = congestionLayer({ colours, visible, placement });
        lastLayer.current = layer;
        return layer;
      },
    }),
    // version: the store changed in place.
    [store, colours, version],
  );
  const levelCounts = useMemo(() => {
    if (store.roadCount === 0) return null;
    const counts = CONGESTION_LEVELS.map(() => 0);
    for (const b of store.ratio) counts[LEVEL_OF_RATIO_BYTE[b]!]! += 1;
    return counts;
    // version: the store changed in place.
  }, [store, version]);
  return { store, feed, colours, overlay, levelCounts, version };
}
