export type {
  ClientToServerEvents,
  GridCellProps,
  Incident,
  IncidentEvent,
  IncidentPage,
  ServerToClientEvents,
  ApiError,
  CityMeta,
} from '../../shared/index.js';

export interface Feature {
  type: 'Feature';
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, unknown>;
}
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}
