import { PolygonLayer } from '@deck.gl/layers';
import { bbox, featureCollection } from '@turf/turf';
import type { CityLayer } from '../../shared/index.js';
import type { MapPalette } from './palette.js';

type GridCell = CityLayer<'grid'>['features'][number];

/**
 * What the map is asked to bring into view and outline: a grid cell (by its index in the grid
 * layer, as the coverage frames and the blind-spot ranking give it) or a town. A new object each
 * time, so that asking for the same place again flies there again.
 */
export type MapFocus = { kind: 'cell'; cell: number } | { kind: 'town'; townCode: string };

function cellsOf(focus: MapFocus, cells: readonly GridCell[]): GridCell[] {
  if (focus.kind === 'cell') return cells[focus.cell] ? [cells[focus.cell]!] : [];
  return cells.filter((c) => c.properties.townCode === focus.townCode);
}

/** The bounds of the focus as [[west, south], [east, north]], or null when it names nothing in the grid. */
export function focusBounds(focus: MapFocus, cells: readonly GridCell[]): [[number, number], [number, number]] | null {
  const of = cellsOf(focus, cells);
  if (of.length === 0) return null;
  const [w, s, e, n] = bbox(featureCollection(of));
  return [
    [w, s],
    [e, n],
  ];
}

/**
 * The outline of the focused cell (or of every cell of the focused town), drawn above the coverage
 * maps in the basemap's label colour so that it reads on either look.
 */
export function focusOutlineLayer(focus: MapFocus, cells: readonly GridCell[], palette: MapPalette) {
  return new PolygonLayer<GridCell>({
    id: 'map-focus',
    data: cellsOf(focus, cells),
    getPolygon: (c) => (c.geometry.type === 'Polygon' ? c.geometry.coordinates : c.geometry.coordinates[0]!) as never,
    filled: false,
    stroked: true,
    getLineColor: palette.label,
    lineWidthUnits: 'pixels',
    getLineWidth: focus.kind === 'cell' ? 3 : 1,
    pickable: false,
  });
}
