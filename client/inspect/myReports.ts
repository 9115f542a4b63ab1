import type { Incident, IncidentStatus } from '../../shared/index.js';
import { isAction, type QueueSnapshot } from '../phone/actionQueue.js';
import type { QueuedReport } from './inspectOutbox.js';

/**
 * The reports made on this phone (我的上报), newest first, kept on the device so that the inspector
 * sees which are still waiting and which have become cases (with the number a caller can quote).
 * Pure updaters; the page keeps the list in localStorage.
 */

export interface MyReport {
  /** The queued report's id (QueuedReport.id). */
  id: string;
  categoryCode: string;
  at: string;
  selfHandled: boolean;
  photos: number;
  /** Once filed. */
  caseId: string | null;
  number: string | null;
  status: IncidentStatus | null;
}

export const MAX_MY_REPORTS = 20;

export function reportQueued(list: readonly MyReport[], item: QueuedReport): MyReport[] {
  const r: MyReport = {
    id: item.id,
    categoryCode: item.report.categoryCode,
    at: item.queuedAt,
    selfHandled: item.selfHandled,
    photos: item.photos.length,
    caseId: null,
    number: null,
    status: null,
  };
  return [r, ...list.filter((x) => x.id !== item.id)].slice(0, MAX_MY_REPORTS);
}

/** A report became a case, or its case changed by the action that followed it. */
export function reportUpdated(list: readonly MyReport[], id: string, incident: Incident): MyReport[] {
  return list.map((r) => (r.id === id ? { ...r, caseId: incident.id, number: incident.number, status: incident.status } : r));
}

/**
 * Where a report stands: waiting in the outbox (`queued`, `sending`), filed with its photos or its
 * closing still on the way (`finishing`), `filed`, `closed` (fixed on the spot), or `dropped` (the
 * server refused it; a notice said why).
 */
export type MyReportState = 'queued' | 'sending' | 'finishing' | 'filed' | 'closed' | 'dropped';

export function myReportState(r: MyReport, outbox: Pick<QueueSnapshot<QueuedReport>, 'items' | 'sendingKey'>): MyReportState {
  for (const item of outbox.items) {
    if (!isAction(item) && item.id === r.id) return item.key === outbox.sendingKey ? 'sending' : 'queued';
    if (isAction(item) && item.report === r.id) return 'finishing';
  }
  if (r.caseId === null) return 'dropped';
  return r.status === 'closed' ? 'closed' : 'filed';
}
