import { ACTION_RULES, type CaseAction, type Incident, type IncidentStatus } from '../../shared/index.js';
import { ApiError, fetchCase, newIdempotencyKey, postCaseAction, uploadPhoto } from '../cases/caseApi.js';
import type { PhotoStore } from './photoStore.js';

/**
 * A phone's outbox (the field crews' 处置端, the inspectors' 城管通). A phone is often without network
 * (a basement, a lift, the edge of town), so every action goes into a queue persisted on the device
 * (localStorage; photos in IndexedDB) and is sent from there, strictly in order, as soon as the
 * server can be reached. Beside case actions a page may queue items of its own kind (an inspector's
 * new report, client/inspect/inspectOutbox.ts): a subclass sends those (`sendOther`).
 *
 * Each action carries its own `Idempotency-Key`, kept across reloads: sending it again after an
 * answer was lost gets the first answer again instead of acting twice. Answers:
 * - 200: done; the case's next queued actions take its new version;
 * - no answer, 408, 429, 5xx: kept, sent again later (2 s, 4 s, … at most a minute; at once when the
 *   browser comes back online or another action is queued);
 * - 409 `version_conflict`: the case is read again. If the timeline shows this very action already
 *   done by this user (an answer lost before the server remembered the key), it is done. If the
 *   action is still open to this user, someone changed something beside it (an urge, an extension)
 *   and it is sent again with the current version (at most 3 times). Otherwise it is dropped and the
 *   user told why;
 * - 401: the session is gone; the queue stays on the device and resumes after the next sign-in;
 * - any other refusal (403 `not_your_team`, 422 `invalid_transition`, 404): dropped, the user told.
 * A photo the server refuses for good (too large, unsupported) is reported and the action sent without it.
 */

export interface QueuedPhoto {
  /** Key of the image in the photo store. */
  localKey: string;
  /** The upload's own idempotency key. */
  uploadKey: string;
  photoId: string | null;
  /** Why the server refused it, when it did. */
  failed: string | null;
}

export interface QueuedAction {
  // No `kind`: that is how an action is told from a subclass's own items (isAction).
  /**
   * The request's Idempotency-Key (and the item's id): kept for every resend of the same request,
   * renewed only when the request itself changes (sent again with another version after a 409).
   */
  key: string;
  caseId: string;
  action: CaseAction;
  /** The case's version the action applies to. */
  version: number;
  note?: string;
  /** confirm (核实): whether the problem was found where reported. */
  found?: boolean;
  photos: QueuedPhoto[];
  queuedAt: string;
  attempts: number;
  conflictRetries: number;
  /** The last reason it could not be sent, while it waits to be sent again. */
  lastError: string | null;
  /** The key of the new report this action follows from (its photos, 自行处置), for the page to show. */
  report?: string;
}

/** An item of a subclass's own kind, queued and sent in order with the actions. */
export interface OtherItem {
  kind: string;
  key: string;
  photos: QueuedPhoto[];
  queuedAt: string;
  attempts: number;
  lastError: string | null;
}

/** A case action, not a subclass's own item. */
export const isAction = <X extends OtherItem>(item: QueuedAction | X): item is QueuedAction => !('kind' in item);

export interface QueueNotice {
  id: string;
  /** null for a report refused before it became a case. */
  caseId: string | null;
  action: CaseAction | 'report';
  kind: 'dropped' | 'photo-failed';
  code: string;
  at: string;
}

export type QueueStatus = 'idle' | 'sending' | 'waiting' | 'stopped';

export interface QueueSnapshot<X extends OtherItem = never> {
  items: readonly (QueuedAction | X)[];
  notices: readonly QueueNotice[];
  status: QueueStatus;
  /** The action on its way now. */
  sendingKey: string | null;
  /** When the next attempt is due while waiting (epoch ms), null otherwise. */
  nextAttemptAt: number | null;
}

export interface QueueDeps {
  /** Who acts: recognises this user's own action in a case's timeline. */
  username: string;
  photos: PhotoStore;
  /** A case changed by one of the queued actions (its new state). */
  onSent(incident: Incident, item: QueuedAction): void;
  /** An action was dropped or a case read again: the task list should be refreshed. */
  onStale(caseId: string): void;
  /** 401: the session ended. */
  onUnauthenticated(): void;
}

const MAX_CONFLICT_RETRIES = 3;
const MAX_NOTICES = 20;
const retryDelay = (attempt: number) => Math.min(60_000, 2000 * 2 ** Math.min(attempt, 5));

export type Outcome = 'next' | 'retry' | 'stop';

export const asApiError = (err: unknown) => (err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));

export class ActionQueue<X extends OtherItem = never> {
  protected items: (QueuedAction | X)[] = [];
  private notices: QueueNotice[] = [];
  private status: QueueStatus = 'idle';
  private sendingKey: string | null = null;
  private nextAttemptAt: number | null = null;
  private snapshot: QueueSnapshot<X>;
  private readonly listeners = new Set<() => void>();
  private running = false;
  private paused = true;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private backoff = 0;

  constructor(
    private readonly storageKey: string,
    private readonly deps: QueueDeps,
  ) {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as { items?: (QueuedAction | X)[]; notices?: QueueNotice[] } | null;
      this.items = Array.isArray(saved?.items) ? saved.items : [];
      this.notices = Array.isArray(saved?.notices) ? saved.notices : [];
    } catch {
      // a damaged entry: start empty
    }
    this.snapshot = this.makeSnapshot();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): QueueSnapshot<X> => this.snapshot;

  /** Queues an action and tries to send at once. */
  enqueue(input: { caseId: string; action: CaseAction; version: number; note?: string; found?: boolean; photoKeys?: string[] }): QueuedAction {
    const item: QueuedAction = {
      key: newIdempotencyKey(),
      caseId: input.caseId,
      action: input.action,
      version: input.version,
      ...(input.note ? { note: input.note } : {}),
      ...(input.found === undefined ? {} : { found: input.found }),
      photos: queuedPhotos(input.photoKeys ?? []),
      queuedAt: new Date().toISOString(),
      attempts: 0,
      conflictRetries: 0,
      lastError: null,
    };
    this.push(item);
    return item;
  }

  /** Queues an item (an action or one of a subclass's own) and tries to send at once. */
  protected push(item: QueuedAction | X): void {
    this.items.push(item);
    this.changed();
    this.kick();
  }

  /** Takes back an action not yet on its way. */
  cancel(key: string): boolean {
    if (this.sendingKey === key && this.running) return false;
    const item = this.items.find((i) => i.key === key);
    if (!item) return false;
    this.remove(item);
    this.changed();
    return true;
  }

  dismiss(noticeId: string): void {
    this.notices = this.notices.filter((n) => n.id !== noticeId);
    this.changed();
  }

  /** Starts sending (and keeps at it) while the page shows the queue. */
  start(): void {
    this.paused = false;
    this.kick();
  }

  /** Stops sending; what waits stays queued (and persisted) for the next start. */
  stop(): void {
    this.paused = true;
    clearTimeout(this.timer);
  }

  /** Tries to send now (online again, a new action, the user asked). */
  kick(): void {
    if (this.paused) return;
    if (this.status === 'stopped') this.status = 'idle';
    this.backoff = 0;
    void this.run();
  }

  private async run(): Promise<void> {
    if (this.running || this.paused) return;
    this.running = true;
    clearTimeout(this.timer);
    this.nextAttemptAt = null;
    try {
      while (this.items.length > 0 && !this.paused) {
        const item = this.items[0]!;
        this.setStatus('sending', item.key);
        const outcome = await this.sendHead(item);
        if (outcome === 'stop') return this.setStatus('stopped', null);
        if (outcome === 'retry') {
          const delay = retryDelay(this.backoff++);
          this.nextAttemptAt = Date.now() + delay;
          if (!this.paused) this.timer = setTimeout(() => void this.run(), delay);
          return this.setStatus('waiting', null);
        }
        this.backoff = 0;
      }
      this.setStatus(this.items.length > 0 ? 'waiting' : 'idle', null);
    } finally {
      this.running = false;
    }
  }

  private async sendHead(item: QueuedAction | X): Promise<Outcome> {
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      item.lastError = 'offline';
      this.changed();
      return 'retry';
    }
    return isAction(item) ? this.sendAction(item) : this.sendOther(item);
  }

  /** Sends an item of a subclass's own kind; this queue has none, and drops what it does not know. */
  protected async sendOther(item: X): Promise<Outcome> {
    this.remove(item);
    this.changed();
    return 'next';
  }

  /**
   * Uploads the item's photos not yet uploaded to the case, each with its own key. Answers null when
   * every photo is uploaded or refused for good (the user told), else what the queue does next.
   */
  protected async uploadPhotos(item: QueuedAction | X, caseId: string, action: QueueNotice['action']): Promise<Outcome | null> {
    for (const photo of item.photos) {
      if (photo.photoId || photo.failed) continue;
      const image = await this.deps.photos.get(photo.localKey).catch(() => undefined);
      if (!image) {
        photo.failed = 'missing';
        this.notice(caseId, action, 'photo-failed', 'missing');
        continue;
      }
      try {
        photo.photoId = (await uploadPhoto(caseId, image, photo.uploadKey)).photoId;
        this.changed();
      } catch (err) {
        const e = asApiError(err);
        if (e.status === 401) return this.unauthenticated();
        if (e.retriable) return this.failedForNow(item, e);
        // Refused for good: the report matters more than one photo.
        photo.failed = e.code;
        this.notice(caseId, action, 'photo-failed', e.code);
      }
    }
    return null;
  }

  private async sendAction(item: QueuedAction): Promise<Outcome> {
    const uploading = await this.uploadPhotos(item, item.caseId, item.action);
    if (uploading) return uploading;
    const attachments = item.photos.flatMap((p) => (p.photoId ? [p.photoId] : []));
    try {
      const res = await postCaseAction(
        item.caseId,
        {
          action: item.action,
          version: item.version,
          ...(item.note ? { note: item.note } : {}),
          ...(item.found === undefined ? {} : { found: item.found }),
          ...(attachments.length > 0 ? { attachments } : {}),
        },
        item.key,
      );
      this.complete(item, res.case);
      return 'next';
    } catch (err) {
      const e = asApiError(err);
      if (e.status === 401) return this.unauthenticated();
      if (e.retriable) return this.failedForNow(item, e);
      if (e.code === 'version_conflict') return this.resolveConflict(item);
      this.drop(item, e.code);
      return 'next';
    }
  }

  /** Someone changed the case since the action was queued: done already, still wanted, or moot. */
  private async resolveConflict(item: QueuedAction): Promise<Outcome> {
    let view;
    try {
      view = await fetchCase(item.caseId);
    } catch (err) {
      const e = asApiError(err);
      if (e.status === 401) return this.unauthenticated();
      if (e.retriable) return this.failedForNow(item, e);
      this.drop(item, e.code);
      return 'next';
    }
    const doneAlready = view.timeline.some(
      (e) => e.kind === 'case_action' && e.action?.name === item.action && e.action.actor === this.deps.username && e.incident.version === item.version + 1,
    );
    if (doneAlready) {
      this.complete(item, view.case);
      return 'next';
    }
    this.deps.onStale(item.caseId);
    if (view.allowedActions.includes(item.action) && item.conflictRetries < MAX_CONFLICT_RETRIES) {
      item.conflictRetries++;
      item.version = view.case.version;
      // Another request now (another version): a new key, or the server would answer the 409 again.
      item.key = newIdempotencyKey();
      this.changed();
      return 'next';
    }
    this.drop(item, 'version_conflict');
    return 'next';
  }

  private complete(item: QueuedAction, incident: Incident): void {
    this.remove(item);
    // The case's next actions apply to the version this one made (each action makes one more).
    let next = incident.version;
    for (const later of this.items) if (isAction(later) && later.caseId === item.caseId) later.version = next++;
    this.changed();
    this.deps.onSent(incident, item);
  }

  private drop(item: QueuedAction, code: string): void {
    this.remove(item);
    this.notice(item.caseId, item.action, 'dropped', code);
    this.deps.onStale(item.caseId);
  }

  /** No answer or "later": the item waits and is sent again. */
  protected failedForNow(item: QueuedAction | X, e: ApiError): Outcome {
    item.attempts++;
    item.lastError = e.code;
    this.changed();
    return 'retry';
  }

  protected unauthenticated(): Outcome {
    this.deps.onUnauthenticated();
    return 'stop';
  }

  /** Takes the item out, and its photos off the device. */
  protected remove(item: QueuedAction | X): void {
    this.items = this.items.filter((i) => i.key !== item.key);
    for (const p of item.photos) void this.deps.photos.delete(p.localKey).catch(() => undefined);
  }

  /**
   * Puts `next` where `item` was (at the head: sent next, before anything queued after it). The
   * photos `next` carries on stay on the device.
   */
  protected replace(item: X, next: QueuedAction | X): void {
    this.items = this.items.map((i) => (i.key === item.key ? next : i));
    const kept = new Set(next.photos.map((p) => p.localKey));
    for (const p of item.photos) if (!kept.has(p.localKey)) void this.deps.photos.delete(p.localKey).catch(() => undefined);
    this.changed();
  }

  protected notice(caseId: string | null, action: QueueNotice['action'], kind: QueueNotice['kind'], code: string): void {
    this.notices = [...this.notices, { id: newIdempotencyKey(), caseId, action, kind, code, at: new Date().toISOString() }].slice(-MAX_NOTICES);
    this.changed();
  }

  private setStatus(status: QueueStatus, sendingKey: string | null): void {
    this.status = status;
    this.sendingKey = sendingKey;
    this.emit();
  }

  /** Persists and tells the page. */
  protected changed(): void {
    try {
      localStorage.setItem(this.storageKey, JSON.stringify({ items: this.items, notices: this.notices }));
    } catch {
      // storage full or refused: the queue still works for this page
    }
    this.emit();
  }

  private emit(): void {
    this.snapshot = this.makeSnapshot();
    for (const l of this.listeners) l();
  }

  private makeSnapshot(): QueueSnapshot<X> {
    return {
      items: this.items.map((i) => ({ ...i, photos: i.photos.map((p) => ({ ...p })) })),
      notices: [...this.notices],
      status: this.status,
      sendingKey: this.sendingKey,
      nextAttemptAt: this.nextAttemptAt,
    };
  }
}

/** Photos just taken, to be uploaded each with a key of its own. */
export function queuedPhotos(localKeys: readonly string[]): QueuedPhoto[] {
  return localKeys.map((localKey) => ({ localKey, uploadKey: newIdempotencyKey(), photoId: null, failed: null }));
}

/**
 * A task as it will be once the queued actions on it are done: the page shows the state the user
 * has already put it in, and offers the actions that follow from there.
 */
export function predictTask(task: Incident, pending: readonly QueuedAction[]): { status: IncidentStatus; version: number; arrivedAt: string | null; teamId: string | null } {
  let status = task.status;
  let arrivedAt = task.arrivedAt;
  let teamId = task.teamId;
  let version = task.version;
  for (const item of pending) {
    if (item.caseId !== task.id) continue;
    const to = ACTION_RULES[item.action].to;
    if (to !== 'same' && to !== 'resume') status = to;
    if (item.action === 'arrive') arrivedAt = item.queuedAt;
    if (item.action === 'return') teamId = null;
    version++;
  }
  return { status, version, arrivedAt, teamId };
}
