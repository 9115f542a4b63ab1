import type { Incident, IncidentEvent } from '../../shared/index.js';
import { may, type Principal } from './principal.js';

/**
 * An incident as a reader may see it: reporters' names and phone numbers only for roles with
 * `personal.read` (admin, dispatcher); everyone else learns only that a reporter is on record.
 */
export function incidentFor(reader: Principal | null, i: Incident): Incident {
  if (i.reporter === null || may(reader, 'personal.read')) return i;
  return { ...i, reporter: null, reporterRedacted: true };
}

export function eventsFor(reader: Principal | null, events: IncidentEvent[]): IncidentEvent[] {
  if (may(reader, 'personal.read')) return events;
  return events.map((e) => (e.incident.reporter === null ? e : { ...e, incident: incidentFor(reader, e.incident) }));
}
