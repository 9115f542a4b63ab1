import type { Layer } from '@deck.gl/core';
import { CellClassColours, type CellGeometry, type Rgba } from '../coverage/cellClassColours.js';
import { blindSpotClassOf, cameraShareClassOf } from '../coverage/cellClasses.js';
import type { CoverageStore } from '../coverage/coverageStore.js';
import { patrolAgeClassOf } from '../coverage/patrolAge.js';
import { BLIND_SPOT_COLOURS, CAMERA_SHARE_COLOURS, cellClassLayer, PATROL_AGE_COLOURS } from '../layers/cellClassLayer.js';
import type { DensityPlacement } from '../layers/densityRamp.js';
import type { Theme } from './palette.js';

/** The grid's coverage maps: time since patrol, blind-spot score, the share a camera sees. */
export const COVERAGE_MAPS = ['patrol', 'blindSpots', 'cameraShare'] as const;
export type CoverageMap = (typeof COVERAGE_MAPS)[number];

const LAYER_ID: Record<CoverageMap, string> = { patrol: 'patrol-age', blindSpots: 'blind-spots', cameraShare: 'camera-share' };
const COLOURS: Record<CoverageMap, Record<Theme, readonly Rgba[]>> = {
  patrol: PATROL_AGE_COLOURS,
  blindSpots: BLIND_SPOT_COLOURS,
  cameraShare: CAMERA_SHARE_COLOURS,
};

/** The coverage map a deck.gl layer id draws, if it is one of them. */
export function coverageMapOfLayer(id: string | undefined): CoverageMap | null {
  return COVERAGE_MAPS.find((m) => LAYER_ID[m] === id) ?? null;
}

/**
 * The three coverage maps over one grid geometry, each painted per vertex (CellClassColours) from the
 * coverage store. The store hands out the cells changed since it was last asked once, so they are
 * taken here once and painted into every map shown; a map hidden is painted whole when shown again
 * (its colours may be out of date), as is every map after a change of look, and the patrol map each
 * minute (time alone moves a cell from one age class to the next).
 */
export class CoverageLayers {
  readonly colours: Record<CoverageMap, CellClassColours>;
  private painted: Record<CoverageMap, { theme: Theme; minute: number } | null> = { patrol: null, blindSpots: null, cameraShare: null };

  constructor(readonly geometry: CellGeometry) {
    this.colours = {
      patrol: new CellClassColours(geometry, PATROL_AGE_COLOURS.dark),
      blindSpots: new CellClassColours(geometry, BLIND_SPOT_COLOURS.dark),
      cameraShare: new CellClassColours(geometry, CAMERA_SHARE_COLOURS.dark),
    };
  }

  /** Whether a map can be drawn: the store holds cells (and, for blind spots, their scores). */
  ready(store: CoverageStore, map: CoverageMap): boolean {
    return store.cellCount > 0 && (map !== 'blindSpots' || store.hasScore);
  }

  /** Repaints the maps `shown` from the store, as of the clock's `minute` (for the patrol ages). */
  paint(store: CoverageStore, theme: Theme, minute: number, shown: Readonly<Record<CoverageMap, boolean>>): void {
    const changed = store.takeChanged();
    for (const map of COVERAGE_MAPS) {
      if (!shown[map] || !this.ready(store, map)) {
        this.painted[map] = null;
        continue;
      }
      const colours = this.colours[map];
      const last = this.painted[map];
      if (!last || last.theme !== theme) colours.setPalette(COLOURS[map][theme]);
      const all = !last || last.theme !== theme || (map === 'patrol' && last.minute !== minute);
      colours.paint(this.classOf(map, store), store.cellCount, all ? 'all' : changed);
      this.painted[map] = { theme, minute };
    }
  }

  /** The deck.gl layers of the maps shown and painted, under the basemap's labels (`placement`). */
  layers(shown: Readonly<Record<CoverageMap, boolean>>, placement: DensityPlacement): Layer[] {
    return COVERAGE_MAPS.filter((m) => shown[m] && this.painted[m]).map((m) => cellClassLayer({ id: LAYER_ID[m], colours: this.colours[m], placement }));
  }

  private classOf(map: CoverageMap, store: CoverageStore): (cell: number) => number {
    if (map === 'patrol') return patrolAgeClassOf(store, store.serverNow());
    if (map === 'blindSpots') return blindSpotClassOf(store);
    return cameraShareClassOf(store);
  }
}
