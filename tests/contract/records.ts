import { afterEach, beforeEach, expect } from 'vitest';
import { reportedCaseState, type CaseAction, type CaseState, type Incident, type IncidentEvent } from '../../shared/index.js';
import type { ActionRecord, HistoricalRecord, IncidentRecord, Repositories, Store } from '../../server/store/store.js';

/**
 * Builders and helpers shared by the store contract suites. Everything here speaks the interfaces of
 * server/store/store.ts and authStore.ts only: a suite must run unchanged against any engine.
 */

/** Opens a fresh, empty store; the runner of an engine provides it (and cleans up after the test). */
export type OpenStore = () => Promise<Store>;

/** A fresh store for every test of the enclosing `describe`, closed after it. */
export function useStore(open: OpenStore): () => Store {
  let store: Store | undefined;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    const s = store;
    store = undefined;
    await s?.close();
  });
  return () => {
    if (!store) throw new Error('the store is only open inside a test');
    return store;
  };
}

export const T0 = Date.parse('2026-11-01T00:00:00Z');
export const SECOND = 1000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const iso = (ms: number): string => new Date(ms).toISOString();
export const ms = (isoTime: string): number => Date.parse(isoTime);
export const sleep = (msec: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, msec));

/** Metres east of a point, in degrees of longitude at latitude `lat`. */
export const eastMetres = (m: number, lat = 31.7): number => m / (111_320 * Math.cos((lat * Math.PI) / 180));
/** Metres north, in degrees of latitude. */
export const northMetres = (m: number): number => m / 111_320;

let n = 0;

/** A fresh incident id, unique in the test run. */
export function nextId(prefix = 'inc'): string {
  n += 1;
  return `${prefix}-${String(n).padStart(6, '0')}`;
}

/** A new incident as the incident service hands it to the store: reported a second apart each. */
export function incidentRecord(over: Partial<IncidentRecord> = {}): IncidentRecord {
  n += 1;
  const t = T0 + n * SECOND;
  const reportedAt = over.reportedAt ?? t;
  const createdAt = over.createdAt ?? reportedAt;
  return {
    id: `inc-${String(n).padStart(6, '0')}`,
    categoryCode: 'E0102',
    lon: 119.95 + (n % 1000) * 1e-5,
    lat: 31.7,
    gridCode: '320412100001001',
    townCode: '320412100',
    communityCode: '320412100001',
    source: 'inspector',
    description: '',
    reporter: null,
    reportedBy: null,
    reportedAt,
    createdAt,
    stageDeadlineAt: createdAt + 30 * MINUTE,
    ...over,
  };
}

/** The day of a time in China (UTC+8) as case numbers write it: 20261101. */
export const chinaDay = (t: number): string => new Date(t + 8 * HOUR).toISOString().slice(0, 10).replaceAll('-', '');

/** Any case number of the day `t` falls on (the prefix is the installation's). */
export const numberOfDay = (t: number): string => expect.stringMatching(new RegExp(`^[A-Z]{1,4}-${chinaDay(t)}-\\d{4,}$`)) as unknown as string;

/** The incident a `created` event of `rec` carries, and `get` returns until something changes it. */
export function createdIncident(rec: IncidentRecord, seq: number): Incident {
  return {
    id: rec.id,
    seq,
    version: 1,
    categoryCode: rec.categoryCode,
    lon: rec.lon,
    lat: rec.lat,
    gridCode: rec.gridCode,
    townCode: rec.townCode,
    communityCode: rec.communityCode,
    status: 'reported',
    source: rec.source,
    description: rec.description,
    reportedAt: iso(rec.reportedAt),
    createdAt: iso(rec.createdAt),
    updatedAt: iso(rec.createdAt),
    // No handling deadline before dispatch, no closure deadline before registration.
    deadlineAt: null,
    closeDeadlineAt: null,
    closedAt: null,
    reporter: rec.reporter,
    reportedBy: rec.reportedBy,
    unitCode: null,
    teamId: null,
    application: null,
    confirmedAt: null,
    urgeCount: 0,
    reworkCount: 0,
    suspendedFrom: null,
    closureKind: null,
    arrivedAt: null,
    stageDeadlineAt: iso(rec.stageDeadlineAt),
    mergedInto: null,
    callback: null,
    number: numberOfDay(rec.createdAt),
  };
}

const msOrNull = (t: string | null): number | null => (t === null ? null : ms(t));

/** The workflow state of a stored incident (times back in epoch ms). */
export function caseStateOf(i: Incident): CaseState {
  return {
    status: i.status,
    version: i.version,
    teamId: i.teamId,
    unitCode: i.unitCode,
    deadlineAt: msOrNull(i.deadlineAt),
    closeDeadlineAt: msOrNull(i.closeDeadlineAt),
    application: i.application ? { ...i.application, at: Date.parse(i.application.at) } : null,
    confirmedAt: msOrNull(i.confirmedAt),
    urgeCount: i.urgeCount,
    reworkCount: i.reworkCount,
    suspendedFrom: i.suspendedFrom,
    closureKind: i.closureKind,
    closedAt: msOrNull(i.closedAt),
    arrivedAt: msOrNull(i.arrivedAt),
    stageDeadlineAt: msOrNull(i.stageDeadlineAt),
    mergedInto: i.mergedInto,
    callback: i.callback ? { ...i.callback, at: Date.parse(i.callback.at) } : null,
  };
}

/** The state after an action that changes `changes` (the next version). */
export function nextState(current: Incident, changes: Partial<CaseState>): CaseState {
  return { ...caseStateOf(current), version: current.version + 1, ...changes };
}

/** The same state with `reportedCaseState`'s defaults, for a record that was never acted on. */
export function reportedStateOf(rec: IncidentRecord): CaseState {
  return reportedCaseState(rec);
}

export function actionRecord(name: CaseAction, over: Partial<ActionRecord> = {}): ActionRecord {
  return { name, actor: '派遣员 张伟', role: 'dispatcher', ...over };
}

/** A `decide` for applyAction that moves the case by `changes` and records `action`. */
export function decideTo(changes: Partial<CaseState>, action: ActionRecord): (current: Incident) => { state: CaseState; action: ActionRecord } {
  return (current) => ({ state: nextState(current, changes), action });
}

/**
 * Applies an action at the case's current version (read through the same repositories): the store
 * does not check transitions (the workflow does), so a test may move a case straight to any state.
 */
export async function act(r: Repositories, id: string, at: number, name: CaseAction, changes: Partial<CaseState>, over: Partial<ActionRecord> = {}): Promise<IncidentEvent> {
  const current = await r.incidents.get(id);
  if (!current) throw new Error(`no incident ${id} to act on`);
  return r.cases.applyAction(id, current.version, at, decideTo(changes, actionRecord(name, over)));
}

/** A past incident and its steps. */
export function historical(incident: IncidentRecord, transitions: HistoricalRecord['transitions']): HistoricalRecord {
  return { incident, transitions };
}

/** `1, 2, …, k` shifted by `from`: the seqs a gap-free log must hold. */
export function seqRange(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** Sorts a copy by a key, for results whose order the contract leaves open. */
export function sortedBy<T>(items: readonly T[], key: (t: T) => string | number): T[] {
  return [...items].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
