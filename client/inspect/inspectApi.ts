import type { Incident, InspectTasks, NewIncident, TrackerPositionReport } from '../../shared/index.js';
import { request } from '../cases/caseApi.js';

/** The inspectors' phone's own requests (城管通). Nothing here touches React. */

/**
 * `POST /api/incidents` with an `Idempotency-Key`: sent again after a lost answer, the same report
 * is not filed twice (the server answers the first answer again).
 */
export function postReport(report: NewIncident, idempotencyKey: string): Promise<Incident> {
  return request<Incident>('/api/incidents', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
    body: JSON.stringify(report),
  });
}

/** `GET /api/inspect/tasks`: the on-duty inspectors' shared queue, nearest to the phone first. */
export function fetchTasks(near: { lon: number; lat: number } | null): Promise<InspectTasks> {
  const q = near ? `?near=${near.lon.toFixed(6)},${near.lat.toFixed(6)}` : '';
  return request<InspectTasks>(`/api/inspect/tasks${q}`);
}

/** `POST /api/trackers/positions` (204). */
export function postPositions(report: TrackerPositionReport): Promise<unknown> {
  return request<unknown>('/api/trackers/positions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(report),
  });
}
