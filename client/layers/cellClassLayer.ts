import { SolidPolygonLayer } from '@deck.gl/layers';
import type { CellClassColours, CellGeometry, Rgba } from '../coverage/cellClassColours.js';
import type { Theme } from '../map/palette.js';
import type { DensityPlacement } from './densityRamp.js';

/**
 * The colours of the patrol-age classes (recent < 2 h, 2–8 h, 8–24 h, blind > 24 h or never), per look:
 * a clear teal for cells just patrolled, a faint yellow for the shift's patrols (most of a city on a
 * normal day, so it stays light and lets the basemap through), then an amber and a crimson that stand
 * out: the cells nobody has been to today and the blind spots are what a leader must see first.
 * Both stay clear of the incidents' orange dots drawn over them, and crimson and teal stay apart for
 * red–green colour blindness. The map and the legend read this one table.
 */
export const PATROL_AGE_COLOURS: Record<Theme, readonly Rgba[]> = {
  dark: [
    [0, 205, 170, 120],
    [225, 215, 120, 50],
    [255, 176, 0, 140],
    [215, 30, 110, 155],
  ],
  light: [
    [0, 160, 140, 110],
    [215, 190, 60, 55],
    [240, 160, 0, 140],
    [200, 20, 100, 140],
  ],
};

/**
 * The blind-spot classes (client/coverage/cellClasses.ts): the lowest not drawn, then a sequential
 * ramp from a faint lavender through violet to a strong magenta, so that the eye goes to the few
 * severe cells first; violet rather than the usual yellow–red so that the incidents' orange dots
 * drawn over it stay apart.
 */
export const BLIND_SPOT_COLOURS: Record<Theme, readonly Rgba[]> = {
  dark: [
    [0, 0, 0, 0],
    [190, 170, 240, 45],
    [150, 90, 230, 105],
    [245, 30, 160, 220],
  ],
  light: [
    [0, 0, 0, 0],
    [150, 120, 220, 50],
    [120, 60, 200, 100],
    [210, 0, 130, 190],
  ],
};

/** The camera-share classes: none not drawn, then deeper cyan (the cameras' own colour) as more is seen. */
export const CAMERA_SHARE_COLOURS: Record<Theme, readonly Rgba[]> = {
  dark: [
    [0, 0, 0, 0],
    [0, 200, 235, 45],
    [0, 200, 235, 95],
    [0, 200, 235, 150],
  ],
  light: [
    [0, 0, 0, 0],
    [0, 150, 200, 40],
    [0, 150, 200, 85],
    [0, 150, 200, 140],
  ],
};

/** The props of a layer of the grid's cells coloured by class. */
export interface CellClassLayerProps {
  /** deck.gl's layer id: 'patrol-age', 'blind-spots', 'camera-share'. */
  id: string;
  /** The painted grid: geometry and per-vertex colours (client/coverage/cellClassColours.ts). */
  colours: CellClassColours;
  /** Switched on in the layer panel. @default true */
  visible?: boolean;
  /** Under which basemap layer it goes (town boundaries and labels stay on top). */
  placement?: DensityPlacement;
  /** Answers pointer picks (the cell's tooltip). @default true */
  pickable?: boolean;
}

/** The geometry half of the data wrapper, built once per grid: deck.gl reads the same typed arrays. */
const positionsOf = new WeakMap<CellGeometry, { value: Float64Array; size: 2 }>();
function positionAttribute(g: CellGeometry) {
  let a = positionsOf.get(g);
  if (!a) positionsOf.set(g, (a = { value: g.positions, size: 2 }));
  return a;
}

/** Same geometry, same data: a new wrapper carries new colours only, so deck.gl never tessellates again. */
const sameGeometry = (a: unknown, b: unknown) => (a as { geometry?: unknown }).geometry === (b as { geometry?: unknown }).geometry;

const dataOf = new WeakMap<CellClassColours, { version: number; data: ReturnType<typeof buildData> }>();

/**
 * The data wrapper for a paint version (one per version, so a redraw for any other reason uploads
 * nothing): the grid's positions (the same attribute object each time, so deck.gl keeps the buffer
 * it uploaded) and the colours in a new attribute object, which deck.gl takes as changed and uploads
 * as it is (per vertex, no accessor called).
 */
export function cellClassLayerData(colours: CellClassColours) {
  let cached = dataOf.get(colours);
  if (cached?.version !== colours.version) dataOf.set(colours, (cached = { version: colours.version, data: buildData(colours) }));
  return cached.data;
}

function buildData(colours: CellClassColours) {
  const g = colours.geometry;
  const positions = positionAttribute(g);
  return {
    geometry: g,
    length: g.length,
    startIndices: g.startIndices,
    attributes: {
      getPolygon: positions,
      // deck.gl binds the positions under this name once it has read them; keeping it avoids a re-upload.
      vertexPositions: positions,
      getFillColor: { value: colours.colours, size: 4, normalized: true },
    },
  };
}

/**
 * Every unit grid cell coloured by a class (time since patrol 巡查时效, blind-spot score, camera
 * share), as binary attributes: the cells are one SolidPolygonLayer over flat positions, already
 * closed (no normalisation), coloured per vertex. A `coverage:cells` frame repaints its cells in place
 * and hands deck.gl a new colour attribute, with `updateTriggers` so that only the colours are
 * uploaded again. The picked index is a polygon row: `colours.geometry.rowCell` gives its cell.
 */
export function cellClassLayer(props: CellClassLayerProps) {
  const { id, colours, visible = true, placement = {}, pickable = true } = props;
  return new SolidPolygonLayer({
    ...placement,
    id,
    data: cellClassLayerData(colours) as never,
    dataComparator: sameGeometry,
    visible,
    filled: true,
    extruded: false,
    _normalize: false,
    positionFormat: 'XY',
    pickable,
    updateTriggers: { getFillColor: colours.version },
  });
}
