import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import {
  ACTION_RULES,
  actionsFrom,
  type CaseAction,
  type Category,
  type Incident,
  type SessionUser,
} from '../../shared/index.js';
import type { SignOutReason } from '../auth/session.js';
import { useCityAndCategories } from '../cases/useCityAndCategories.js';
import { getJson } from '../cases/caseApi.js';
import { categoryName, dateTimeText, timeLeftText, timeText, townNameOf } from '../cases/format.js';
import { useLiveStream } from '../live/useLiveStream.js';
import { ActionQueue, predictTask, type QueuedAction } from '../phone/actionQueue.js';
import { useNow, useOnline, usePosition, type Position } from '../phone/hooks.js';
import { OutboxNotices, PendingOutbox, useOutbox } from '../phone/Outbox.js';
import { LinkState, PhoneLookButtons, PhoneTitle } from '../phone/PhoneHeader.js';
import { PhoneToast, usePhoneToast } from '../phone/PhoneToast.js';
import { NoteForm } from '../phone/NoteForm.js';
import { usePhotoShots } from '../phone/PhotoPicker.js';
import { openPhotoStore, type PhotoStore } from '../phone/photoStore.js';
import { TaskDistance } from '../phone/TaskDistance.js';
import { useTaskList } from '../phone/useTaskList.js';
import { TaskDirections } from './TaskDirections.js';

/** How often the task list is read again while the team's push channel is down. */
const POLL_MS = 20_000;
/** … and while it is up (`task:changed` reads it at once), as a fallback. */
const POLL_PUSHED_MS = 60_000;

/** An answer read before one of this page's own actions landed must not undo it on screen. */
const keepNewer = (shown: Incident[], fetched: Incident[]): Incident[] => {
  const held = new Map(shown.map((i) => [i.id, i]));
  return fetched.map((i) => {
    const mine = held.get(i.id);
    return mine && mine.version > i.version ? mine : i;
  });
};

/** A case a field team may act on: dispatched to it, or being handled by it. */
const isOwnOpenTask = (i: Incident, teamId: string | null) => i.teamId === teamId && (i.status === 'dispatched' || i.status === 'handling');

/**
 * 处置端, the field team's phone view: the team's tasks, earliest deadline first, with the time left
 * and how far and which way each is; acknowledge, arrive, report handled (with a note and photos) or
 * send back. Every action goes through an outbox kept on the device (see phone/actionQueue.ts), so the
 * view works on a patchy connection and shows what is still to be sent.
 */
export function FieldPage({ user, onSignOut }: { user: SessionUser; onSignOut: (reason?: SignOutReason) => void }) {
  const { t, i18n } = useTranslation();
  const onSignOutRef = useRef(onSignOut);
  onSignOutRef.current = onSignOut;
  const language = i18n.language;

  const online = useOnline();
  const position = usePosition();
  const now = useNow(1000);

  const unauthenticated = useCallback(() => onSignOutRef.current('unauthenticated'), []);
  const { city, categories } = useCityAndCategories(unauthenticated);

  const { tasks, setTasks, refresh, refreshSoon } = useTaskList<Incident>({
    cacheKey: `gridwatch.field.tasks.${user.username}`,
    read: () => getJson<Incident[]>('/api/tasks'),
    onUnauthenticated: unauthenticated,
    merge: keepNewer,
  });

  const photos = useMemo<PhotoStore>(() => openPhotoStore(), []);
  const queue = useMemo(
    () =>
      new ActionQueue(`gridwatch.field.queue.${user.username}`, {
        username: user.username,
        photos,
        onSent: (incident) => {
          setTasks((s) => ({
            ...s,
            list: isOwnOpenTask(incident, user.teamId) ? s.list.map((i) => (i.id === incident.id ? incident : i)) : s.list.filter((i) => i.id !== incident.id),
          }));
          refreshSoon();
        },
        onStale: () => refreshSoon(),
        onUnauthenticated: unauthenticated,
      }),
    [user.username, user.teamId, photos, refreshSoon, unauthenticated],
  );
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const reread = useCallback(() => void refresh(), [refresh]);
  const outbox = useOutbox(queue, online, reread);
  const pendingCount = outbox.items.length;
  const [toast, setToast] = usePhoneToast(pendingCount);

  // The team's push channel, through the live stream (no seq, no snapshot): the server puts this
  // account's socket in its team's room and sends `task:changed` (ids and state only) whenever one of
  // the team's cases changes; the list is read again at once, and on every (re)connect for what was
  // missed meanwhile. Polling is the fallback.
  const push = useLiveStream(
    {
      onConnect: refreshSoon,
      on: {
        'task:changed': ({ teamId, action }) => {
          refreshSoon();
          if (teamId !== user.teamId) return;
          if (action === 'dispatch') setToast(t('field.newTask'));
          else if (action === 'urge') setToast(t('field.urged'));
          else if (action === 'instruct') setToast(t('field.instructed'));
        },
      },
      onSessionEnded: (reason) => onSignOutRef.current(reason),
    },
    [],
  );
  const pushed = push.state === 'live';

  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, pushed ? POLL_PUSHED_MS : POLL_MS);
    return () => clearInterval(timer);
  }, [pushed, refresh]);

  const enqueue = (task: Incident, action: CaseAction, extra: { note?: string; photoKeys?: string[] } = {}) => {
    const predicted = predictTask(task, outbox.items);
    queue.enqueue({ caseId: task.id, action, version: predicted.version, ...extra });
    setToast(t('field.queued', { action: t(`actions.${action}`), when: online ? t('field.queuedOnline') : t('field.queuedOffline') }));
  };

  const [form, setForm] = useState<{ caseId: string; kind: 'report' | 'return' } | null>(null);
  // Tasks a queued action took off the team's hands (sent back) stay visible until it is sent.
  const visible = tasks.list;

  return (
    <main className="field">
      <header className="field-header">
        <PhoneTitle title={t('field.title')} user={user} onSignOut={() => onSignOutRef.current()} />
        <div className="field-bar">
          <LinkState live={online && !tasks.stale} pendingCount={pendingCount} />
          <button type="button" className="field-small" data-testid="refresh" onClick={() => (queue.kick(), void refresh())}>
            {t('field.refresh')}
          </button>
          <PhoneLookButtons />
        </div>
      </header>

      <PhoneToast toast={toast} />
      <OutboxNotices
        notices={outbox.notices}
        dropped={(n) => t('field.notices.dropped', { action: t(`actions.${n.action}`), reason: reasonText(t, n.code) })}
        onDismiss={(id) => queue.dismiss(id)}
      />
      {pendingCount > 0 && (
        <PendingOutbox
          outbox={outbox}
          hint={t('field.pendingHint')}
          label={(item) => t(`actions.${item.action}`)}
          what={(item) => {
            const task = tasks.list.find((i) => i.id === item.caseId);
            return task ? categoryName(categories, task.categoryCode, language) : item.caseId.slice(-8);
          }}
          data={(item) => ({ 'data-action': item.action, 'data-case': item.caseId })}
          onCancel={(key) => queue.cancel(key)}
        />
      )}

      <section className="field-tasks">
        <h2>
          {t('field.tasks')} <span className="count">{visible.length}</span>
        </h2>
        <p className="field-sync muted">
          {tasks.stale && tasks.syncedAt ? `${t('field.cached')} · ` : ''}
          {tasks.syncedAt ? t('field.syncedAt', { time: timeText(tasks.syncedAt) }) : ''}
        </p>
        {visible.length === 0 && (
          <p className="field-empty" data-testid="tasks-empty">
            {t('field.empty')}
          </p>
        )}
        <ol className="task-list" data-testid="tasks">
          {visible.map((task) => (
            <TaskCard
              key={task.id}
              task={task}
              pending={outbox.items.filter((i) => i.caseId === task.id)}
              categories={categories}
              townName={(code) => townNameOf(city, code, language)}
              now={now}
              position={position}
              form={form?.caseId === task.id ? form.kind : null}
              onForm={(kind) => setForm(kind ? { caseId: task.id, kind } : null)}
              photos={photos}
              onAct={(action, extra) => {
                enqueue(task, action, extra);
                setForm(null);
              }}
              online={online}
            />
          ))}
        </ol>
      </section>
    </main>
  );
}

function reasonText(t: TFunction, code: string): string {
  const known = ['version_conflict', 'forbidden', 'not_your_team', 'invalid_transition', 'not_found', 'note_required'];
  return known.includes(code) ? t(`errors.${code}`) : t('errors.other', { code });
}

interface TaskCardProps {
  task: Incident;
  pending: QueuedAction[];
  categories: ReadonlyMap<string, Category>;
  townName: (code: string) => string;
  now: number;
  position: Position;
  form: 'report' | 'return' | null;
  onForm: (kind: 'report' | 'return' | null) => void;
  photos: PhotoStore;
  onAct: (action: CaseAction, extra?: { note?: string; photoKeys?: string[] }) => void;
  online: boolean;
}

function TaskCard({ task, pending, categories, townName, now, position, form, onForm, photos, onAct, online }: TaskCardProps) {
  const { t, i18n } = useTranslation();
  const predicted = predictTask(task, pending);
  const actions = actionsFrom(predicted.status).filter((a) => ACTION_RULES[a].permission === 'task.handle' && !(a === 'arrive' && predicted.arrivedAt));
  // A task always has a handling deadline (it starts at dispatch); an old cached one may lack it.
  const left = task.deadlineAt === null ? 0 : Date.parse(task.deadlineAt) - now;
  const overdue = left < 0;
  const priority = categories.get(task.categoryCode)?.priority ?? 2;
  const returned = predicted.teamId === null;

  return (
    <li className={`task-card${overdue ? ' overdue' : ''}${returned ? ' returned' : ''}`} data-testid="task" data-id={task.id} data-status={predicted.status}>
      <div className="task-head">
        <span className={`prio prio-${priority}`}>{t(`priority.p${priority}`)}</span>
        <span className={`state state-${predicted.status}`}>{t(`status.${predicted.status}`)}</span>
        {pending.length > 0 && <span className="badge pending">{t('field.pendingBadge')}</span>}
      </div>
      <h3>{categoryName(categories, task.categoryCode, i18n.language)}</h3>
      <p className="task-where">
        {townName(task.townCode)} · {t('field.grid', { code: task.gridCode })}
      </p>
      {task.description && <p className="task-desc">{task.description}</p>}
      <p className={`task-deadline${overdue ? ' overdue' : ''}`}>
        <span className="countdown" data-testid="countdown">
          {timeLeftText(t, left)}
        </span>
        <span className="muted">
          {t('field.deadline')} {task.deadlineAt ? dateTimeText(task.deadlineAt, i18n.language) : '—'}
        </span>
      </p>
      <TaskDistance position={position} lon={task.lon} lat={task.lat} fallback={position.state === 'locating' ? t('field.locating') : t('field.noPosition')} />
      {!predicted.arrivedAt && !returned && (
        <TaskDirections taskId={task.id} from={position.state === 'ok' ? { lon: position.lon, lat: position.lat } : null} online={online} />
      )}
      {predicted.arrivedAt && <p className="muted small">{t('field.arrivedAt', { time: timeText(predicted.arrivedAt) })}</p>}

      {form === null && !returned && actions.length > 0 && (
        <div className="task-actions">
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              className={a === 'return' ? 'task-btn secondary' : 'task-btn'}
              data-testid={`task-action-${a}`}
              onClick={() => (a === 'report-handled' ? onForm('report') : a === 'return' ? onForm('return') : onAct(a))}
            >
              {t(`actions.${a}`)}
            </button>
          ))}
        </div>
      )}
      {form === 'report' && <ReportForm photos={photos} onCancel={() => onForm(null)} onSubmit={(note, photoKeys) => onAct('report-handled', { ...(note ? { note } : {}), photoKeys })} />}
      {form === 'return' && <ReturnForm onCancel={() => onForm(null)} onSubmit={(note) => onAct('return', { note })} />}
    </li>
  );
}

/** 处置完成: what was done, and photos of the result (taken now or chosen). */
function ReportForm({ photos, onCancel, onSubmit }: { photos: PhotoStore; onCancel: () => void; onSubmit: (note: string, photoKeys: string[]) => void }) {
  const { t } = useTranslation();
  const shots = usePhotoShots(photos);
  return (
    <NoteForm
      testId="report-form"
      label={t('field.note')}
      noteTestId="handled-note"
      placeholder={t('field.notePlaceholder')}
      photos={{ shots, testId: 'handled-photos' }}
      submitLabel={t('field.submit')}
      submitTestId="handled-submit"
      onCancel={onCancel}
      onSubmit={onSubmit}
    />
  );
}

/** 退回: sending a task back to the command center needs a reason. */
function ReturnForm({ onCancel, onSubmit }: { onCancel: () => void; onSubmit: (note: string) => void }) {
  const { t } = useTranslation();
  return (
    <NoteForm
      testId="return-form"
      label={t('field.returnReason')}
      noteTestId="return-note"
      placeholder={t('field.returnPlaceholder')}
      required={t('field.reasonRequired')}
      submitLabel={t('actions.return')}
      submitTestId="return-submit"
      onCancel={onCancel}
      onSubmit={onSubmit}
    />
  );
}
