import { PathLayer } from '@deck.gl/layers';
import { CONGESTION_LEVELS, LEVEL_OF_RATIO_BYTE, type CityLayer, type RoadClass } from '../../shared/index.js';
import type { Rgba } from '../coverage/cellClassColours.js';
import type { Theme } from '../map/palette.js';
import type { RoadSpeedStore } from '../traffic/roadSpeedStore.js';
import type { DensityPlacement } from './densityRamp.js';

/**
 * The congestion levels' colours (free, slow, congested, severe), per look: green, yellow, orange and
 * a dark red, as every traffic map draws them, so a leader reads them without the legend. On the dark
 * basemap the red is lifted (a true dark red would sink into the navy ground) and free roads let a
 * little of the basemap's road colour through, so the jams stand out; on the light one free roads
 * are nearly opaque (the basemap's dark arterials would otherwise show through as a fifth colour) and
 * the red is deep. The map and the legend
 * read this one table.
 */
export const CONGESTION_COLOURS: Record<Theme, readonly Rgba[]> = {
  dark: [
    [60, 200, 110, 190],
    [250, 212, 0, 255],
    [255, 128, 16, 255],
    [220, 30, 50, 255],
  ],
  light: [
    [30, 160, 70, 235],
    [238, 186, 0, 255],
    [240, 110, 0, 255],
    [150, 8, 24, 255],
  ],
};

/** Line widths by class (pixels): the roads' own hierarchy stays readable under the colours. */
const WIDTH_PX: Record<RoadClass, number> = { expressway: 5, arterial: 4, secondary: 3, local: 2 };

/** The roads layer as flat binary paths, built once: vertex positions, each road's first vertex, widths. */
export interface RoadGeometry {
  length: number;
  positions: Float64Array;
  /** First vertex of each road, and the vertex count at the end. */
  startIndices: Uint32Array;
  widths: Float32Array;
}

export function buildRoadGeometry(roads: CityLayer<'roads'>['features']): RoadGeometry {
  let vertices = 0;
  for (const r of roads) vertices += r.geometry.coordinates.length;
  const positions = new Float64Array(2 * vertices);
  const widths = new Float32Array(vertices);
  const startIndices = new Uint32Array(roads.length + 1);
  let v = 0;
  roads.forEach((r, i) => {
    startIndices[i] = v;
    for (const [lon, lat] of r.geometry.coordinates) {
      positions[2 * v] = lon!;
      positions[2 * v + 1] = lat!;
      widths[v] = WIDTH_PX[r.properties.class];
      v++;
    }
  });
  startIndices[roads.length] = v;
  return { length: roads.length, positions, startIndices, widths };
}

/**
 * Per-vertex colours of the roads by level, repainted from a RoadSpeedStore: after a snapshot or a
 * change of look every road, after a frame only the roads it carried. Each repaint bumps `version`,
 * which makes the layer hand deck.gl a new colour attribute (and nothing else).
 */
export class RoadColours {
  readonly colours: Uint8Array;
  /** Each road's level as painted (255 before the first paint). */
  readonly levels: Uint8Array;
  version = 0;
  private theme: Theme | null = null;

  constructor(readonly geometry: RoadGeometry) {
    this.colours = new Uint8Array(4 * geometry.startIndices[geometry.length]!);
    this.levels = new Uint8Array(geometry.length).fill(255);
  }

  paint(store: RoadSpeedStore, theme: Theme): void {
    const changed = store.takeChanged();
    const all = changed === 'all' || theme !== this.theme;
    this.theme = theme;
    if (all) for (let r = 0; r < this.geometry.length; r++) this.paintRoad(r, store, theme);
    else if (changed.length > 0) for (const r of changed) this.paintRoad(r, store, theme);
    else return;
    this.version += 1;
  }

  /** Roads at each level, as painted. */
  levelCounts(): number[] {
    const counts = CONGESTION_LEVELS.map(() => 0);
    for (const k of this.levels) if (k !== 255) counts[k]! += 1;
    return counts;
  }

  private paintRoad(r: number, store: RoadSpeedStore, theme: Theme): void {
    if (r >= this.geometry.length) return;
    // Roads the store has no byte for (before its snapshot) are free until told otherwise.
    const level = r < store.roadCount ? LEVEL_OF_RATIO_BYTE[store.ratio[r]!]! : 0;
    this.levels[r] = level;
    const c = CONGESTION_COLOURS[theme][level]!;
    const { startIndices } = this.geometry;
    for (let v = startIndices[r]!; v < startIndices[r + 1]!; v++) this.colours.set(c, 4 * v);
  }
}

export interface CongestionLayerProps {
  colours: RoadColours;
  /** Switched on in the layer panel. @default true */
  visible?: boolean;
  /** Under which basemap layer it goes (labels stay on top). */
  placement?: DensityPlacement;
  /** Answers pointer picks (a road's tooltip, the tests' hook). @default true */
  pickable?: boolean;
}

const geometryAttributes = new WeakMap<RoadGeometry, { getPath: { value: Float64Array; size: 2 }; getWidth: { value: Float32Array; size: 1 } }>();
const dataOf = new WeakMap<RoadColours, { version: number; data: object }>();

/** The data wrapper of one paint version: the same geometry attribute objects, a new colour one. */
function layerData(colours: RoadColours): object {
  const cached = dataOf.get(colours);
  if (cached?.version === colours.version) return cached.data;
  const g = colours.geometry;
  let geo = geometryAttributes.get(g);
  if (!geo) geometryAttributes.set(g, (geo = { getPath: { value: g.positions, size: 2 }, getWidth: { value: g.widths, size: 1 } }));
  const data = { geometry: g, length: g.length, startIndices: g.startIndices, attributes: { ...geo, getColor: { value: colours.colours, size: 4, normalized: true } } };
  dataOf.set(colours, { version: colours.version, data });
  return data;
}

const sameGeometry = (a: unknown, b: unknown) => (a as { geometry?: unknown }).geometry === (b as { geometry?: unknown }).geometry;

/**
 * The roads coloured by congestion level (路况), as binary paths: positions and widths uploaded once,
 * the per-vertex colours again after each repaint (`updateTriggers`), so a `roads:speeds` frame
 * costs a colour upload, never a re-tessellation. The picked index is the road index.
 */
export function congestionLayer(props: CongestionLayerProps) {
  const { colours, visible = true, placement = {}, pickable = true } = props;
  return new PathLayer({
    ...placement,
    id: 'congestion',
    data: layerData(colours) as never,
    dataComparator: sameGeometry,
    visible,
    _pathType: 'open',
    positionFormat: 'XY',
    widthUnits: 'pixels',
    widthMinPixels: 1,
    capRounded: true,
    jointRounded: true,
    pickable,
    updateTriggers: { getColor: colours.version },
  });
}
