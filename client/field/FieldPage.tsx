import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
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
import { ApiError, getJson } from '../cases/caseApi.js';
import { bearingDegrees, categoryName, compassPoint, dateTimeText, distanceMeters, isEnglish, kmText, timeLeftText, timeText, townNameOf } from '../cases/format.js';
import { setLanguage } from '../i18n/index.js';
import { useLiveStream } from '../live/useLiveStream.js';
import type { Theme } from '../map/palette.js';
import { applyTheme, savedTheme } from '../theme.js';
import { FieldActionQueue, predictTask, type QueuedAction, type QueueSnapshot } from './actionQueue.js';
import { MAX_PHOTO_BYTES, openPhotoStore, preparePhoto, type PhotoStore } from './photoStore.js';
import { TaskDirections } from './TaskDirections.js';

/** How often the task list is read again while the team's push channel is down. */
const POLL_MS = 20_000;
/** … and while it is up (`task:changed` reads it at once), as a fallback. */
const POLL_PUSHED_MS = 60_000;
const MAX_PHOTOS = 9;

interface TaskList {
  list: Incident[];
  syncedAt: string | null;
  /** The last read failed: what is shown is what the device kept. */
  stale: boolean;
}

type Position = { state: 'locating' | 'unavailable' } | { state: 'ok'; lon: number; lat: number };

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/** Where the phone is, while the page is open; unavailable when refused or unknown. */
function usePosition(): Position {
  const [position, setPosition] = useState<Position>(() => ('geolocation' in navigator ? { state: 'locating' } : { state: 'unavailable' }));
  useEffect(() => {
    if (!('geolocation' in navigator)) return;
    const id = navigator.geolocation.watchPosition(
      (p) => setPosition({ state: 'ok', lon: p.coords.longitude, lat: p.coords.latitude }),
      () => setPosition((old) => (old.state === 'ok' ? old : { state: 'unavailable' })),
      { enableHighAccuracy: true, maximumAge: 30_000, timeout: 60_000 },
    );
    return () => navigator.geolocation.clearWatch(id);
  }, []);
  return position;
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

const readCache = (key: string): TaskList => {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? 'null') as { list: Incident[]; syncedAt: string } | null;
    // Shown at once, and marked stale only if reading the list now fails.
    if (saved && Array.isArray(saved.list)) return { list: saved.list, syncedAt: saved.syncedAt, stale: false };
  } catch {
    // damaged: ignore
  }
  return { list: [], syncedAt: null, stale: false };
};

/** A case a field team may act on: dispatched to it, or being handled by it. */
const isOwnOpenTask = (i: Incident, teamId: string | null) => i.teamId === teamId && (i.status === 'dispatched' || i.status === 'handling');

/**
 * 处置端, the field team's phone view: the team's tasks, earliest deadline first, with the time left
 * and how far and which way each is; acknowledge, arrive, report handled (with a note and photos) or
 * send back. Every action goes through an outbox kept on the device (see actionQueue.ts), so the
 * view works on a patchy connection and shows what is still to be sent.
 */
export function FieldPage({ user, onSignOut }: { user: SessionUser; onSignOut: (reason?: SignOutReason) => void }) {
  const { t, i18n } = useTranslation();
  const onSignOutRef = useRef(onSignOut);
  onSignOutRef.current = onSignOut;
  const language = i18n.language;
  const [theme, setTheme] = useState<Theme>(savedTheme);
  useEffect(() => applyTheme(theme), [theme]);

  const cacheKey = `gridwatch.field.tasks.${user.username}`;
  const [tasks, setTasks] = useState<TaskList>(() => readCache(cacheKey));
  const online = useOnline();
  const position = usePosition();
  const now = useNow(1000);
  const [toast, setToast] = useState<string | null>(null);

  const unauthenticated = useCallback(() => onSignOutRef.current('unauthenticated'), []);
  const { city, categories } = useCityAndCategories(unauthenticated);

  const refreshing = useRef(false);
  /** Asked again while a read was under way: read once more after it, it may have missed a change. */
  const again = useRef(false);
  const refresh = useCallback(async (): Promise<void> => {
    if (refreshing.current) {
      again.current = true;
      return;
    }
    refreshing.current = true;
    again.current = false;
    try {
      const fetched = await getJson<Incident[]>('/api/tasks');
      const syncedAt = new Date().toISOString();
      // An answer read before one of this page's own actions landed must not undo it on screen.
      setTasks((s) => {
        const held = new Map(s.list.map((i) => [i.id, i]));
        const list = fetched.map((i) => {
          const mine = held.get(i.id);
          return mine && mine.version > i.version ? mine : i;
        });
        return { list, syncedAt, stale: false };
      });
      try {
        localStorage.setItem(cacheKey, JSON.stringify({ list: fetched, syncedAt }));
      } catch {
        // storage full: the list still shows
      }
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) unauthenticated();
      else setTasks((s) => ({ ...s, stale: true }));
    } finally {
      refreshing.current = false;
    }
    if (again.current) return refresh();
  }, [cacheKey, unauthenticated]);

  // Several reasons to read the list again often come together (a burst of events): once is enough.
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const refreshSoon = useCallback(() => {
    clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(() => void refresh(), 400);
  }, [refresh]);
  useEffect(() => () => clearTimeout(refreshTimer.current), []);

  const photos = useMemo<PhotoStore>(() => openPhotoStore(), []);
  const queue = useMemo(
    () =>
      new FieldActionQueue(`gridwatch.field.queue.${user.username}`, {
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
    queue.start();
    return () => queue.stop();
  }, [queue]);
  const outbox = useSyncExternalStore(queue.subscribe, queue.getSnapshot);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Back online or back on screen: send what waits and read the list again.
  useEffect(() => {
    if (online) {
      queue.kick();
      void refresh();
    }
  }, [online, queue, refresh]);
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') {
        queue.kick();
        void refresh();
      }
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [queue, refresh]);
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

  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 4000);
    return () => clearTimeout(timer);
  }, [toast]);

  const enqueue = (task: Incident, action: CaseAction, extra: { note?: string; photoKeys?: string[] } = {}) => {
    const predicted = predictTask(task, outbox.items);
    queue.enqueue({ caseId: task.id, action, version: predicted.version, ...extra });
    setToast(t('field.queued', { action: t(`actions.${action}`), when: online ? t('field.queuedOnline') : t('field.queuedOffline') }));
  };

  const [form, setForm] = useState<{ caseId: string; kind: 'report' | 'return' } | null>(null);
  const zh = !isEnglish(language);
  const pendingCount = outbox.items.length;
  // The outbox has just emptied: say so, replacing a "will be sent" that no longer holds.
  const hadPending = useRef(pendingCount > 0);
  useEffect(() => {
    if (hadPending.current && pendingCount === 0) setToast(t('field.sent'));
    hadPending.current = pendingCount > 0;
  }, [pendingCount, t]);
  // Tasks a queued action took off the team's hands (sent back) stay visible until it is sent.
  const visible = tasks.list;

  return (
    <main className="field">
      <header className="field-header">
        <div className="field-title">
          <h1>
            GridWatch <span>{t('field.title')}</span>
          </h1>
          <div className="user" data-testid="user" title={user.username}>
            <span className="user-name">{user.displayName}</span>
            <span className="user-role">{t(`roles.${user.role}`)}</span>
          </div>
          <button type="button" className="field-small" data-testid="logout" onClick={() => onSignOutRef.current()}>
            {t('auth.logout')}
          </button>
        </div>
        <div className="field-bar">
          <div className={`link ${online && !tasks.stale ? 'link-live' : 'link-offline'}`} data-testid="link-state">
            {online && !tasks.stale ? t('field.online') : t('field.offline')}
            {pendingCount > 0 ? ` · ${t('field.pendingCount', { count: pendingCount })}` : ''}
          </div>
          <button type="button" className="field-small" data-testid="refresh" onClick={() => (queue.kick(), void refresh())}>
            {t('field.refresh')}
          </button>
          <button type="button" className="field-small" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
            {theme === 'dark' ? t('ui.themeLight') : t('ui.themeDark')}
          </button>
          <button type="button" className="field-small" data-testid="language" onClick={() => setLanguage(zh ? 'en' : 'zh-CN')}>
            {t('ui.language')}
          </button>
        </div>
      </header>

      {toast && (
        <p className="field-toast" role="status" data-testid="field-toast">
          {toast}
        </p>
      )}

      {outbox.notices.length > 0 && (
        <ul className="field-notices" data-testid="field-notices">
          {outbox.notices.map((n) => (
            <li key={n.id} role="alert">
              <span>
                {n.kind === 'photo-failed'
                  ? t('field.notices.photoFailed', { code: n.code })
                  : t('field.notices.dropped', { action: t(`actions.${n.action}`), reason: reasonText(t, n.code) })}
              </span>
              <button type="button" onClick={() => queue.dismiss(n.id)}>
                {t('field.notices.dismiss')}
              </button>
            </li>
          ))}
        </ul>
      )}

      {pendingCount > 0 && <Outbox outbox={outbox} tasks={tasks.list} categories={categories} onCancel={(key) => queue.cancel(key)} />}

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

function Outbox({ outbox, tasks, categories, onCancel }: { outbox: QueueSnapshot; tasks: Incident[]; categories: ReadonlyMap<string, Category>; onCancel: (key: string) => void }) {
  const { t, i18n } = useTranslation();
  const stateOf = (item: QueuedAction) => {
    if (item.key === outbox.sendingKey) {
      const total = item.photos.length;
      const done = item.photos.filter((p) => p.photoId || p.failed).length;
      return total > 0 && done < total ? t('field.uploading', { done, total }) : t('field.sending');
    }
    if (outbox.status === 'waiting' && item === outbox.items[0]) return t('field.waiting');
    return t('field.queuedState');
  };
  return (
    <section className="field-outbox" data-testid="pending-actions">
      <h2>
        {t('field.pendingTitle')} <span className="count">{outbox.items.length}</span>
      </h2>
      <p className="muted small">{t('field.pendingHint')}</p>
      <ol>
        {outbox.items.map((item) => {
          const task = tasks.find((i) => i.id === item.caseId);
          return (
            <li key={item.key} data-testid="pending-action" data-action={item.action} data-case={item.caseId}>
              <b>{t(`actions.${item.action}`)}</b>
              <span className="pending-case">{task ? categoryName(categories, task.categoryCode, i18n.language) : item.caseId.slice(-8)}</span>
              <span className="pending-state">
                {stateOf(item)}
                {item.lastError && item.key !== outbox.sendingKey ? ` (${item.lastError})` : ''}
              </span>
              {item.key !== outbox.sendingKey && (
                <button type="button" className="field-small" onClick={() => onCancel(item.key)}>
                  {t('field.cancelAction')}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
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
  const left = Date.parse(task.deadlineAt) - now;
  const overdue = left < 0;
  const priority = categories.get(task.categoryCode)?.priority ?? 2;
  const returned = predicted.teamId === null;

  let where: string;
  let bearing: number | null = null;
  if (position.state === 'ok') {
    const meters = distanceMeters(position.lon, position.lat, task.lon, task.lat);
    bearing = bearingDegrees(position.lon, position.lat, task.lon, task.lat);
    where = meters < 50 ? t('field.near', { m: Math.round(meters) }) : t('field.distance', { km: kmText(meters), dir: t(`compass.${compassPoint(bearing)}`) });
  } else {
    where = position.state === 'locating' ? t('field.locating') : t('field.noPosition');
  }

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
          {t('field.deadline')} {dateTimeText(task.deadlineAt, i18n.language)}
        </span>
      </p>
      <p className="task-distance">
        {bearing !== null && (
          <svg className="bearing" viewBox="0 0 24 24" aria-hidden="true" style={{ transform: `rotate(${Math.round(bearing)}deg)` }}>
            <path d="M12 2 L19 21 L12 17 L5 21 Z" />
          </svg>
        )}
        <span>{where}</span>
      </p>
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
  const [note, setNote] = useState('');
  const [shots, setShots] = useState<{ key: string; url: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const submitted = useRef(false);
  const shotsRef = useRef(shots);
  shotsRef.current = shots;
  // Leaving without submitting drops the photos taken for it.
  useEffect(
    () => () => {
      for (const s of shotsRef.current) {
        URL.revokeObjectURL(s.url);
        if (!submitted.current) void photos.delete(s.key).catch(() => undefined);
      }
    },
    [photos],
  );

  const add = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setError(null);
    setAdding(true);
    const added: { key: string; url: string }[] = [];
    for (const file of Array.from(files)) {
      if (shotsRef.current.length + added.length >= MAX_PHOTOS) {
        setError(t('field.maxPhotos'));
        break;
      }
      const image = await preparePhoto(file);
      if (!image) {
        setError(file.size > MAX_PHOTO_BYTES ? t('field.photoTooBig') : t('field.photoUnsupported'));
        continue;
      }
      const key = crypto.randomUUID();
      await photos.put(key, image);
      added.push({ key, url: URL.createObjectURL(image) });
    }
    setShots((s) => [...s, ...added]);
    setAdding(false);
  };

  const remove = (key: string) => {
    const shot = shots.find((s) => s.key === key);
    if (shot) URL.revokeObjectURL(shot.url);
    void photos.delete(key).catch(() => undefined);
    setShots((s) => s.filter((x) => x.key !== key));
  };

  return (
    <form
      className="task-form"
      data-testid="report-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (adding) return;
        submitted.current = true;
        onSubmit(note.trim(), shots.map((s) => s.key));
      }}
    >
      <label>
        {t('field.note')}
        <textarea data-testid="handled-note" rows={3} maxLength={2000} value={note} placeholder={t('field.notePlaceholder')} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="photo-row">
        <label className="task-btn secondary photo-pick">
          {t('field.addPhotos')}
          <input
            data-testid="handled-photos"
            type="file"
            accept="image/*"
            capture="environment"
            multiple
            onChange={(e) => {
              void add(e.target.files);
              e.target.value = '';
            }}
          />
        </label>
        {shots.map((s) => (
          <figure key={s.key} className="photo-thumb">
            <img src={s.url} alt={t('field.photos')} />
            <button type="button" aria-label={t('field.removePhoto')} onClick={() => remove(s.key)}>
              ×
            </button>
          </figure>
        ))}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="task-actions">
        <button type="submit" className="task-btn" data-testid="handled-submit" disabled={adding}>
          {t('field.submit')}
        </button>
        <button type="button" className="task-btn secondary" onClick={onCancel}>
          {t('field.cancel')}
        </button>
      </div>
    </form>
  );
}

/** 退回: sending a task back to the command center needs a reason. */
function ReturnForm({ onCancel, onSubmit }: { onCancel: () => void; onSubmit: (note: string) => void }) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [error, setError] = useState(false);
  return (
    <form
      className="task-form"
      data-testid="return-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!note.trim()) return setError(true);
        onSubmit(note.trim());
      }}
    >
      <label>
        {t('field.returnReason')}
        <textarea
          data-testid="return-note"
          rows={3}
          maxLength={2000}
          value={note}
          placeholder={t('field.returnPlaceholder')}
          onChange={(e) => {
            setNote(e.target.value);
            // The reason asked for is being given: the warning has done its work.
            if (e.target.value.trim()) setError(false);
          }}
        />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {t('field.reasonRequired')}
        </p>
      )}
      <div className="task-actions">
        <button type="submit" className="task-btn" data-testid="return-submit">
          {t('actions.return')}
        </button>
        <button type="button" className="task-btn secondary" onClick={onCancel}>
          {t('field.cancel')}
        </button>
      </div>
    </form>
  );
}
