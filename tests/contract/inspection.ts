import { describe, expect, it } from 'vitest';
import { reportedCaseState, type CaseAction, type CaseState, type Incident } from '../../shared/index.js';
import type { Store } from '../../server/store/store.js';
import { actionRecord, eastMetres, HOUR, incidentRecord, northMetres, T0, useStore, type OpenStore } from './records.js';

const PUBLIC = ['hotline_12345', 'citizen_app'] as const;

/** Moves a case that was only reported by one action to a state (the store checks no transition). */
async function act(s: Store, id: string, at: number, name: CaseAction, changes: Partial<CaseState>): Promise<void> {
  const current = (await s.incidents.get(id))!;
  const state: CaseState = { ...reportedCaseState({ stageDeadlineAt: Date.parse(current.stageDeadlineAt!) }), version: current.version + 1, ...changes };
  await s.cases.applyAction(id, current.version, at, () => ({ state, action: actionRecord(name) }));
}

async function ids(s: Store, q: Parameters<Store['cases']['awaitingInspection']>[0]): Promise<string[]> {
  return (await s.cases.awaitingInspection(q)).map((c: Incident) => c.id);
}

/** The inspectors' shared queue (核实 and 核查 tasks), `CaseRepository.awaitingInspection`. */
export function describeInspectionQueue(open: OpenStore): void {
  describe('CaseRepository.awaitingInspection', () => {
    const store = useStore(open);
    const lat = 31.7;
    const lon = 119.95;

    it('lists public reports not yet confirmed (reported or accepted) and handled cases: oldest report first, ties by id', async () => {
      const s = store();
      await s.incidents.append([
        incidentRecord({ id: 'hotline', source: 'hotline_12345', reportedAt: T0 - 5 * HOUR }),
        incidentRecord({ id: 'app-accepted', source: 'citizen_app', reportedAt: T0 - 3 * HOUR }),
        incidentRecord({ id: 'app-confirmed', source: 'citizen_app', reportedAt: T0 - 6 * HOUR }),
        incidentRecord({ id: 'app-registered', source: 'citizen_app', reportedAt: T0 - 7 * HOUR }),
        incidentRecord({ id: 'inspector-own', source: 'inspector', reportedAt: T0 - 8 * HOUR }),
        incidentRecord({ id: 'sensor', source: 'sensor', reportedAt: T0 - 8 * HOUR }),
        incidentRecord({ id: 'b-handled', source: 'inspector', reportedAt: T0 - 4 * HOUR }),
        incidentRecord({ id: 'a-handled', source: 'sensor', reportedAt: T0 - 4 * HOUR }),
        incidentRecord({ id: 'rejected', source: 'hotline_12345', reportedAt: T0 - 9 * HOUR }),
      ]);
      await act(s, 'app-accepted', T0, 'accept', { status: 'accepted' });
      await act(s, 'app-confirmed', T0, 'confirm', { confirmedAt: T0 });
      await act(s, 'app-registered', T0, 'register', { status: 'registered' });
      await act(s, 'b-handled', T0, 'report-handled', { status: 'handled' });
      await act(s, 'a-handled', T0, 'report-handled', { status: 'handled' });
      await act(s, 'rejected', T0, 'reject', { status: 'rejected', stageDeadlineAt: null });

      expect(await ids(s, { sources: PUBLIC, near: null, limit: 50 })).toEqual(['hotline', 'a-handled', 'b-handled', 'app-accepted']);
      expect(await ids(s, { sources: PUBLIC, near: null, limit: 2 })).toEqual(['hotline', 'a-handled']);
      // Without sources to confirm, only the handled cases.
      expect(await ids(s, { sources: [], near: null, limit: 50 })).toEqual(['a-handled', 'b-handled']);
      // The cases as the store keeps them.
      const [first] = await s.cases.awaitingInspection({ sources: PUBLIC, near: null, limit: 1 });
      expect(first).toEqual(await s.incidents.get('hotline'));
    });

    it('lists the nearest first when asked about a point, the longitude shrunk with the latitude', async () => {
      const s = store();
      await s.incidents.append([
        incidentRecord({ id: 'east-300', source: 'hotline_12345', lon: lon + eastMetres(300, lat), lat, reportedAt: T0 - 9 * HOUR }),
        incidentRecord({ id: 'north-200', source: 'citizen_app', lon, lat: lat + northMetres(200), reportedAt: T0 - 2 * HOUR }),
        // 0.0025° east is about 237 m here, 0.0025° north about 278 m: a flat degree distance would get these wrong.
        incidentRecord({ id: 'east-0.0025', source: 'hotline_12345', lon: lon + 0.0025, lat, reportedAt: T0 - 1 * HOUR }),
        incidentRecord({ id: 'north-0.0023', source: 'hotline_12345', lon, lat: lat + 0.0023, reportedAt: T0 - 1 * HOUR }),
        incidentRecord({ id: 'handled-50', source: 'inspector', lon: lon - eastMetres(50, lat), lat, reportedAt: T0 - 3 * HOUR }),
        incidentRecord({ id: 'far', source: 'citizen_app', lon: lon + 0.05, lat: lat + 0.05, reportedAt: T0 - 10 * HOUR }),
      ]);
      await act(s, 'handled-50', T0, 'report-handled', { status: 'handled' });
      expect(await ids(s, { sources: PUBLIC, near: { lon, lat }, limit: 50 })).toEqual(['handled-50', 'north-200', 'east-0.0025', 'north-0.0023', 'east-300', 'far']);
      expect(await ids(s, { sources: PUBLIC, near: { lon, lat }, limit: 3 })).toEqual(['handled-50', 'north-200', 'east-0.0025']);
    });
  });
}
