import type { Incident, NewIncident } from '../../shared/index.js';
import { newIdempotencyKey } from '../cases/caseApi.js';
import { ActionQueue, asApiError, queuedPhotos, type OtherItem, type Outcome, type QueueDeps, type QueuedAction } from '../phone/actionQueue.js';
import { postReport } from './inspectApi.js';

/**
 * The inspector's outbox: the phone's action queue (phone/actionQueue.ts: 核实, 核查, 返工, in order,
 * each with its Idempotency-Key, kept on the device) and new reports (上报), made where the network
 * may be missing.
 *
 * A report made offline reaches the server in this documented order:
 *  1. the report itself, `POST /api/incidents` (`source: 'inspector'`) with its own Idempotency-Key,
 *     so that resending it after a lost answer files it once; it becomes a case;
 *  2. its photos, each `POST /api/cases/:id/photos` to the new case with a key of its own;
 *  3. the photos attached to the case's timeline by one action with its own key: `self-handle`
 *     (自行处置, closed as fixed on the spot: at least two photos, before and after) when the inspector
 *     fixed it there, else `confirm` (`found: true`: the inspector who saw it confirms its own report,
 *     with the photos as the evidence). A report without photos ends at step 1.
 * Steps 2 and 3 are one queued case action, put in the report's place in the queue once it is filed:
 * what a photo refused for good, a conflict or a refusal does there is what it does to any action.
 * A report the server refuses for good (422 `outside_city`, `unknown_category`) is dropped and the
 * inspector told; one dated by the phone (sent after a wait) that the server finds in the future or
 * too far back is sent again without the date.
 */

export interface QueuedReport extends OtherItem {
  kind: 'report';
  /** Stays the same while the report waits and once it is a case: what the page knows it by. */
  id: string;
  /** The Idempotency-Key of `POST /api/incidents`. */
  key: string;
  report: NewIncident;
  /** Fixed on the spot (自行处置): closed with its photos once filed. */
  selfHandled: boolean;
  /** The Idempotency-Key of the action that follows it (self-handle or confirm). */
  nextKey: string;
  /** false once the server refused the date the phone gave it: sent with the server's time. */
  dated?: boolean;
}

export type InspectItem = QueuedAction | QueuedReport;

export interface InspectDeps extends QueueDeps {
  /** A report has become a case (step 1 done); its photos and its action may still be on their way. */
  onFiled(report: QueuedReport, incident: Incident): void;
}

/** A report waiting longer than this is sent with the time it was made (else the server's time stands). */
export const DATE_REPORT_AFTER_MS = 2 * 60_000;

export class InspectOutbox extends ActionQueue<QueuedReport> {
  private readonly onFiled: InspectDeps['onFiled'];

  constructor(storageKey: string, deps: InspectDeps) {
    super(storageKey, deps);
    this.onFiled = deps.onFiled;
  }

  /** Queues a new report (and its photos, already in the photo store) and tries to send at once. */
  report(input: { report: NewIncident; photoKeys: readonly string[]; selfHandled: boolean }): QueuedReport {
    const item: QueuedReport = {
      kind: 'report',
      id: newIdempotencyKey(),
      key: newIdempotencyKey(),
      report: input.report,
      selfHandled: input.selfHandled,
      nextKey: newIdempotencyKey(),
      photos: queuedPhotos(input.photoKeys),
      queuedAt: new Date().toISOString(),
      attempts: 0,
      lastError: null,
    };
    this.push(item);
    return item;
  }

  protected override async sendOther(item: QueuedReport): Promise<Outcome> {
    const waited = Date.now() - Date.parse(item.queuedAt);
    const body: NewIncident = item.dated !== false && waited > DATE_REPORT_AFTER_MS ? { ...item.report, reportedAt: item.queuedAt } : item.report;
    let incident: Incident;
    try {
      incident = await postReport(body, item.key);
    } catch (err) {
      const e = asApiError(err);
      if (e.status === 401) return this.unauthenticated();
      if (e.retriable) return this.failedForNow(item, e);
      if ((e.code === 'reported_in_future' || e.code === 'reported_too_early') && body.reportedAt !== undefined) {
        // The phone's clock or its wait: the server's time will do. Another request, another key.
        item.dated = false;
        item.key = newIdempotencyKey();
        this.changed();
        return 'next';
      }
      this.remove(item);
      this.notice(null, 'report', 'dropped', e.code);
      return 'next';
    }
    this.onFiled(item, incident);
    const next = followUp(item, incident);
    if (next) this.replace(item, next);
    else {
      this.remove(item);
      this.changed();
    }
    return 'next';
  }
}

/**
 * What a filed report still needs (pure): its photos attached by `self-handle` (fixed on the spot) or
 * by `confirm` (`found: true`), as a queued action on the new case; null when it has no photos and
 * was not fixed on the spot.
 */
export function followUp(item: QueuedReport, incident: Incident): QueuedAction | null {
  if (!item.selfHandled && item.photos.length === 0) return null;
  return {
    key: item.nextKey,
    caseId: incident.id,
    action: item.selfHandled ? 'self-handle' : 'confirm',
    version: incident.version,
    ...(item.selfHandled ? {} : { found: true }),
    photos: item.photos,
    queuedAt: item.queuedAt,
    attempts: 0,
    conflictRetries: 0,
    lastError: null,
    report: item.id,
  };
}
