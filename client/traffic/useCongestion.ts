import type { Layer } from '@deck.gl/core';
import type { TFunction } from 'i18next';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONGESTION_LEVELS, LEVEL_OF_RATIO_BYTE, type CityLayer } from '../../shared/index.js';
import { buildRoadGeometry, congestionLayer, RoadColours } from '../layers/congestionLayer.js';
import { congestionAreaLayer, paintCongestionArea, type CongestionAreaImage } from '../layers/congestionAreaLayer.js';
import { areaRaster, congestionAreaClasses, congestionDensity, roadPieces, type AreaRaster, type RoadPieces } from './congestionArea.js';
import { roadTooltip, type RoadFacts } from './roadTooltip.js';
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
  /** The congestion area (`area`, below) and the coloured roads (`visible`), nothing while the roads load. */
  layers(opts: { theme: Theme; visible: boolean; area?: boolean; placement?: DensityPlacement }): Layer[];
  /** The tooltip of a road picked on the `congestion` layer (its index), or null. */
  tooltip(road: number, t: TFunction, language: 'zh-CN' | 'en'): string | null;
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
  const { t, i18n } = useTranslation();
  const words = useRef({ t, language: (i18n.language === 'en' ? 'en' : 'zh-CN') as 'zh-CN' | 'en' });
  words.current = { t, language: i18n.language === 'en' ? 'en' : 'zh-CN' };
  const overlayRef = useRef<CongestionOverlay | null>(null);
  const roadFacts = useRef<RoadFacts[]>([]);
  const roadLines = useRef<number[][][]>([]);
  /** The area's raster and road pieces (built once, with the roads), and its last picture by store version. */
  const area = useRef<{ raster: AreaRaster; pieces: RoadPieces; version: number; classes: Uint8Array | null; image: CongestionAreaImage | null } | null>(null);
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
        roadFacts.current = roads.map((f) => ({ name: f.properties.name, class: f.properties.class, speedKph: f.properties.speedKph }));
        roadLines.current = roads.map((f) => f.geometry.coordinates);
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
      /** The congestion area as last painted: raster size and cells per class (0 not drawn … 5 top 1 %). */
      area: () => (area.current?.image ? { width: area.current.raster.width, height: area.current.raster.height, classCounts: area.current.image.classCounts.slice() } : null),
      /** The area's class painted over a point (0 not drawn … 5 top 1 %), null before the area is painted. */
      areaClassAt: (lon: number, lat: number): number | null => {
        const a = area.current;
        if (!a?.classes) return null;
        const [w, s, e, n] = a.raster.bounds;
        const i = Math.floor(((lon - w) / (e - w)) * a.raster.width);
        const j = Math.floor(((n - lat) / (n - s)) * a.raster.height);
        return i < 0 || j < 0 || i >= a.raster.width || j >= a.raster.height ? null : a.classes[j * a.raster.width + i]!;
      },
      /** The tooltip text of a road, as the map shows it on hover. */
      tooltip: (road: number) => overlayRef.current?.tooltip(road, words.current.t, words.current.language) ?? null,
      /** The road index drawn at a point of the map's box (CSS pixels), through deck.gl's GPU picking. */
      pickRoad: (x: number, y: number): number | null => {
        const deck = (lastLayer.current as unknown as { context?: { deck?: { pickObject(o: object): { index: number } | null } } } | null)?.context?.deck;
        return deck?.pickObject({ x, y, radius: 2, layerIds: ['congestion'] })?.index ?? null;
      },
    };
  }, [store, colours]);

  /** The area's picture for the store's speeds now, computed again only after they changed. */
  const areaImage = (): CongestionAreaImage | null => {
    if (!colours || store.roadCount === 0) return null;
    if (!area.current) {
      const raster = areaRaster(boundsOf(colours.geometry.positions), AREA_CELL_M);
      area.current = { raster, pieces: roadPieces(roadLines.current, raster), version: -1, classes: null, image: null };
    }
    const a = area.current;
    if (a.version !== store.version || !a.image) {
      a.classes = congestionAreaClasses(congestionDensity(a.pieces, store.ratio, a.raster)).classes;
      a.image = paintCongestionArea(a.raster, a.classes);
      a.version = store.version;
    }
    return a.image;
  };

  const overlay = useMemo<CongestionOverlay>(
    () => ({
      layers({ theme, visible, area: showArea = false, placement }) {
        if (!colours) return [];
        if (visible) colours.paint(store, theme);
        const image = showArea ? areaImage() : null;
        const layer = congestionLayer({ colours, visible, placement });
        lastLayer.current = layer;
        return image ? [congestionAreaLayer({ image, placement }), layer] : [layer];
      },
      tooltip(road, t, language) {
        const facts = roadFacts.current[road];
        if (!facts || road >= store.roadCount) return null;
        return roadTooltip(facts, store.ratio[road]!, t, language);
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
  overlayRef.current = overlay;
  return { store, feed, colours, overlay, levelCounts, version };
}

/** The area raster's cells: fine enough that the classes' steps read as a smooth area at street zooms. */
const AREA_CELL_M = 25;

/** [west, south, east, north] of interleaved lon, lat positions. */
function boundsOf(positions: Float64Array): [number, number, number, number] {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i += 2) {
    w = Math.min(w, positions[i]!);
    e = Math.max(e, positions[i]!);
    s = Math.min(s, positions[i + 1]!);
    n = Math.max(n, positions[i + 1]!);
  }
  return [w, s, e, n];
}
