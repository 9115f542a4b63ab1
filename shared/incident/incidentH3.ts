import { latLngToCell } from 'h3-js';

/** The H3 resolution incidents are stored with (8: about 0.7 km², a few blocks of a town). */
export const INCIDENT_H3_RESOLUTION = 8;

/**
 * The H3 cell an incident lies in, stored with it at ingest so that the hexagon maps and hotspots
 * aggregate stored indices rather than computing one per point per request.
 */
export function incidentH3(lon: number, lat: number): string {
  return latLngToCell(lat, lon, INCIDENT_H3_RESOLUTION);
}
