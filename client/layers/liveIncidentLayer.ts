import { ScatterplotLayer } from '@deck.gl/layers';
import type { Incident } from '../../shared/index.js';
import type { IncidentColumns } from '../live/incidentColumns.js';

const style = (visible: boolean) => ({
  id: 'incidents',
  visible,
  getLineColor: [255, 255, 255, 200] as [number, number, number, number],
  stroked: true,
  lineWidthMinPixels: 1,
  radiusUnits: 'pixels' as const,
  pickable: true,
});

/**
 * One point per open incident, from the column store as binary attributes under a stable id: a new
 * event rewrites one row and deck.gl re-uploads the buffers; no object is rebuilt.
 */
export function liveIncidentLayer(columns: IncidentColumns, visible: boolean) {
  return new ScatterplotLayer({ ...style(visible), data: columns.layerData() });
}

/**
 * The naive way, kept only as the baseline `npm run bench` measures against (`?liveBaseline=objects`):
 * a fresh array of objects with accessor functions on every change.
 */
export function liveIncidentObjectLayer(columns: IncidentColumns, visible: boolean) {
  const data = Array.from({ length: columns.length }, (_, row) => columns.incidentAt(row)!);
  return new ScatterplotLayer<Incident>({
    ...style(visible),
    data,
    getPosition: (d) => [d.lon, d.lat],
    getFillColor: (_d, { index }) => Array.from(columns.colours.subarray(4 * index, 4 * index + 4)) as [number, number, number, number],
    getRadius: (_d, { index }) => columns.radii[index]!,
  });
}
