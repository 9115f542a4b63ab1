import { z } from 'zod';
import { Latitude, Longitude } from './common.js';
import { Incident, type IncidentSource, type IncidentStatus } from './incident.js';

/**
 * The on-duty inspectors' shared queue (城管通 `/inspect`, `GET /api/inspect/tasks`): until grids have
 * responsible inspectors, every 核实 and 核查 task goes to whichever inspector on duty is nearest.
 *
 * - `confirm` (核实): a public report (12345 hotline, citizen app) not yet checked in the field, while
 *   it is reported or accepted; found, it is confirmed; not found, rejected;
 * - `verify` (核查): a case its unit reports handled; verified, or sent back for rework.
 */
export const InspectTaskKind = z.enum(['confirm', 'verify']);
export type InspectTaskKind = z.infer<typeof InspectTaskKind>;

/** The sources whose reports an inspector checks before they are registered (公众举报). */
export const PUBLIC_SOURCES: readonly IncidentSource[] = ['hotline_12345', 'citizen_app'];
/** The states in which a public report waits for its 核实. */
export const CONFIRMABLE_STATUSES: readonly IncidentStatus[] = ['reported', 'accepted'];

/** Which task a case is for the inspectors, or null when it is none. */
export function inspectTaskOf(i: Pick<Incident, 'status' | 'source' | 'confirmedAt'>): InspectTaskKind | null {
  if (i.status === 'handled') return 'verify';
  if (CONFIRMABLE_STATUSES.includes(i.status) && i.confirmedAt === null && PUBLIC_SOURCES.includes(i.source)) return 'confirm';
  return null;
}

export const InspectTask = z.object({
  kind: InspectTaskKind,
  /** Personal data redacted as for any reader without `personal.read`. */
  case: Incident,
  /** From the point asked about (`near`), in metres; null when none was given. */
  distanceMeters: z.number().nonnegative().nullable(),
});
export type InspectTask = z.infer<typeof InspectTask>;

/** `GET /api/inspect/tasks`: nearest first when `near` is given, else oldest report first; at most 50. */
export const InspectTasks = z.object({ tasks: z.array(InspectTask) });
export type InspectTasks = z.infer<typeof InspectTasks>;

/** How many tasks one answer lists. */
export const INSPECT_TASKS_LIMIT = 50;

/** Query of `GET /api/inspect/tasks`: `near=lon,lat`, where the phone is. */
export const InspectTasksQuery = z
  .object({
    near: z
      .string()
      .regex(/^-?\d{1,3}(\.\d+)?,-?\d{1,2}(\.\d+)?$/, 'lon,lat')
      .transform((s) => s.split(',').map(Number))
      .pipe(z.tuple([Longitude, Latitude]))
      .optional(),
  })
  .strict();
export type InspectTasksQuery = z.infer<typeof InspectTasksQuery>;
