import type { Incident, IncidentPage, NewIncident, PlaceResults } from '../../shared/index.js';
import { postCaseAction, request } from '../cases/caseApi.js';
import { nearbyQuery, withinRadius, type NearbyCase } from './hotlineDesk.js';

/** The 12345 desk's requests. Nothing here touches React. */

/** `GET /api/places`: the city's places matching what was typed, best first. */
export function searchPlaces(q: string, signal?: AbortSignal, limit = 8): Promise<PlaceResults> {
  return request<PlaceResults>(`/api/places?${new URLSearchParams({ q, limit: String(limit) }).toString()}`, { signal });
}

/** The open cases of a category around a point, nearest first. */
export async function fetchNearby(categoryCode: string, lon: number, lat: number): Promise<NearbyCase[]> {
  const page = await request<IncidentPage>(nearbyQuery(categoryCode, lon, lat));
  return withinRadius(page.items, lon, lat);
}

/** `POST /api/incidents` (201 once committed). */
export function fileReport(report: NewIncident): Promise<Incident> {
  return request<Incident>('/api/incidents', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(report) });
}

/** A repeat call joins its case: the call just filed is merged into it (合并重复, closed as a duplicate). */
export async function joinCase(filed: Incident, intoId: string): Promise<Incident> {
  return (await postCaseAction(filed.id, { action: 'merge', version: filed.version, mergeInto: intoId })).case;
}
