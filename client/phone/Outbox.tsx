import { useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { isAction, type ActionQueue, type OtherItem, type QueuedAction, type QueueNotice, type QueueSnapshot } from './actionQueue.js';

/**
 * Runs a phone's outbox while the page is open and returns what it holds. Back online or back on
 * screen, what waits is sent at once rather than after the queue's backoff, and `onWake` lets the page
 * read its list again for what it missed.
 */
export function useOutbox<X extends OtherItem>(queue: ActionQueue<X>, online: boolean, onWake?: () => void): QueueSnapshot<X> {
  useEffect(() => {
    queue.start();
    return () => queue.stop();
  }, [queue]);
  const outbox = useSyncExternalStore(queue.subscribe, queue.getSnapshot);
  useEffect(() => {
    if (!online) return;
    queue.kick();
    onWake?.();
  }, [online, queue, onWake]);
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      queue.kick();
      onWake?.();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [queue, onWake]);
  return outbox;
}

/** What the outbox gave up on, until dismissed; `dropped` words a dropped item in the page's own terms. */
export function OutboxNotices({ notices, dropped, onDismiss }: { notices: readonly QueueNotice[]; dropped: (n: QueueNotice) => string; onDismiss: (id: string) => void }) {
  const { t } = useTranslation();
  if (notices.length === 0) return null;
  return (
    <ul className="field-notices" data-testid="field-notices">
      {notices.map((n) => (
        <li key={n.id} role="alert">
          <span>{n.kind === 'photo-failed' ? t('field.notices.photoFailed', { code: n.code }) : dropped(n)}</span>
          <button type="button" onClick={() => onDismiss(n.id)}>
            {t('field.notices.dismiss')}
          </button>
        </li>
      ))}
    </ul>
  );
}

export interface PendingOutboxProps<X extends OtherItem> {
  outbox: QueueSnapshot<X>;
  hint: string;
  /** What the item does (the action's name). */
  label: (item: QueuedAction | X) => string;
  /** What it is about (the category, or the end of the case's id). */
  what: (item: QueuedAction | X) => string;
  /** The item's data-* attributes, for the browser tests. */
  data: (item: QueuedAction | X) => Record<`data-${string}`, string>;
  /** The reason the last try failed, as shown; the raw code where absent. */
  errorText?: (code: string) => string;
  onCancel: (key: string) => void;
}

/** What waits to be sent, in the order it will go; anything not on its way may be taken back. */
export function PendingOutbox<X extends OtherItem>({ outbox, hint, label, what, data, errorText = (code) => code, onCancel }: PendingOutboxProps<X>) {
  const { t } = useTranslation();
  const stateOf = (item: QueuedAction | X) => {
    if (item.key === outbox.sendingKey) {
      const total = item.photos.length;
      const done = item.photos.filter((p) => p.photoId || p.failed).length;
      // A new report's photos go up after it is filed, with the follow-up action that shows its own progress.
      return isAction(item) && total > 0 && done < total ? t('field.uploading', { done, total }) : t('field.sending');
    }
    if (outbox.status === 'waiting' && item === outbox.items[0]) return t('field.waiting');
    return t('field.queuedState');
  };
  return (
    <section className="field-outbox" data-testid="pending-actions">
      <h2>
        {t('field.pendingTitle')} <span className="count">{outbox.items.length}</span>
      </h2>
      <p className="muted small">{hint}</p>
      <ol>
        {outbox.items.map((item) => (
          <li key={item.key} data-testid="pending-action" {...data(item)}>
            <b>{label(item)}</b>
            <span className="pending-case">{what(item)}</span>
            <span className="pending-state">
              {stateOf(item)}
              {item.lastError && item.key !== outbox.sendingKey ? ` (${errorText(item.lastError)})` : ''}
            </span>
            {item.key !== outbox.sendingKey && (
              <button type="button" className="field-small" onClick={() => onCancel(item.key)}>
                {t('field.cancelAction')}
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
