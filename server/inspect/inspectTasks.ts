import { distance } from '@turf/turf';
import { INSPECT_TASKS_LIMIT, inspectTaskOf, PUBLIC_SOURCES, type InspectTasks } from '../../shared/index.js';
import type { Principal } from '../auth/principal.js';
import { incidentFor } from '../auth/redaction.js';
import type { Store } from '../store/store.js';

/**
 * The on-duty inspectors' shared queue (城管通): 核实 tasks (public reports not yet checked in the
 * field) and 核查 tasks (cases reported handled), read from the store as one list. Until grids have
 * responsible inspectors, every inspector on duty sees the same queue, nearest first.
 */
export class InspectTaskQueue {
  constructor(private readonly deps: { store: Pick<Store, 'cases'> }) {}

  /**
   * The tasks nearest to `near` first (with their distance in metres), else oldest report first; at
   * most 50; reporters' contacts redacted for a reader without `personal.read`.
   */
  async tasks(reader: Principal, near: { lon: number; lat: number } | null): Promise<InspectTasks> {
    const cases = await this.deps.store.cases.awaitingInspection({ sources: PUBLIC_SOURCES, near, limit: INSPECT_TASKS_LIMIT });
    const tasks = cases.flatMap((c) => {
      const kind = inspectTaskOf(c);
      if (kind === null) return [];
      const metres = near ? Math.round(distance([near.lon, near.lat], [c.lon, c.lat], { units: 'meters' })) : null;
      return [{ kind, case: incidentFor(reader, c), distanceMeters: metres }];
    });
    // The store orders by a flat-earth distance; the true one decides (a stable sort keeps its ties).
    if (near) tasks.sort((a, b) => a.distanceMeters! - b.distanceMeters!);
    return { tasks };
  }
}
