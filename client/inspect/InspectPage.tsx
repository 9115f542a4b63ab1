import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Category, InspectTask, SessionUser } from '../../shared/index.js';
import type { SignOutReason } from '../auth/session.js';
import { categoryName, timeText } from '../cases/format.js';
import { useCityAndCategories } from '../cases/useCityAndCategories.js';
import { isAction, predictTask, type QueuedAction, type QueueNotice, type QueueSnapshot } from '../phone/actionQueue.js';
import { useOnline, usePosition } from '../phone/hooks.js';
import { OutboxNotices, PendingOutbox, useOutbox } from '../phone/Outbox.js';
import { LinkState, PhoneLookButtons, PhoneTitle } from '../phone/PhoneHeader.js';
import { PhoneToast, usePhoneToast } from '../phone/PhoneToast.js';
import { openPhotoStore, type PhotoStore } from '../phone/photoStore.js';
import { useDutyReporting } from './duty.js';
import { InspectOutbox, type QueuedReport } from './inspectOutbox.js';
import { myReportState, reportQueued, reportUpdated, type MyReport } from './myReports.js';
import { ReportTab } from './ReportTab.js';
import { TasksTab, type TaskAnswer } from './TasksTab.js';
import { useCategoryIndex, useCategoryUse } from './useCategoryIndex.js';
import { useInspectTasks } from './useInspectTasks.js';

type Tab = 'report' | 'tasks';

/** A value kept on the device for this inspector (the tab, on duty, the reports made here). */
function useStored<T>(key: string, initial: T): [T, (update: T | ((old: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const saved = localStorage.getItem(key);
      return saved === null ? initial : (JSON.parse(saved) as T);
    } catch {
      return initial;
    }
  });
  useEffect(() => {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // storage full: kept for this page only
    }
  }, [key, value]);
  return [value, setValue];
}

const ANSWER_ACTION = {
  found: { action: 'confirm', found: true },
  notFound: { action: 'confirm', found: false },
  pass: { action: 'verify' },
  rework: { action: 'rework' },
} as const satisfies Record<TaskAnswer, { action: QueuedAction['action']; found?: boolean }>;

/**
 * 城管通, the inspectors' phone (监督员): report a problem where it stands (上报, offline first, with
 * photos, or fixed on the spot: 自行处置), and work the on-duty inspectors' shared queue (任务): 核实
 * public reports and 核查 handled cases, nearest first. While on duty (巡查中) the phone reports its
 * position every 30 s. Every report and answer goes through the outbox kept on the device
 * (inspectOutbox.ts), so the page works without network and shows what is still to be sent.
 *
 * No live stream here: an inspector's socket would join the live picture and receive every team's
 * position every few seconds, which a phone on mobile data does not need; the queue is read every
 * 30 s and after each of the phone's own actions, and a 401 on any request ends the session.
 */
export function InspectPage({ user, onSignOut }: { user: SessionUser; onSignOut: (reason?: SignOutReason) => void }) {
  const { t } = useTranslation();
  const onSignOutRef = useRef(onSignOut);
  onSignOutRef.current = onSignOut;

  const online = useOnline();
  const position = usePosition();
  const unauthenticated = useCallback(() => onSignOutRef.current('unauthenticated'), []);
  const { city, categories } = useCityAndCategories(unauthenticated);
  const catalog = useCategoryIndex(categories);
  const [use, countUse] = useCategoryUse(user.username);
  const prefix = `gridwatch.inspect.${user.username}`;
  const [tab, setTab] = useStored<Tab>(`${prefix}.tab`, 'report');
  const [onDuty, setOnDuty] = useStored<boolean>(`${prefix}.onDuty`, false);
  const [mine, setMine] = useStored<MyReport[]>(`${prefix}.reports`, []);
  const duty = useDutyReporting({ username: user.username, onDuty, position, online, onUnauthenticated: unauthenticated });
  const { tasks, refresh, refreshSoon } = useInspectTasks(user.username, position, online, unauthenticated);

  const photos = useMemo<PhotoStore>(() => openPhotoStore(), []);
  const queue = useMemo(
    () =>
      new InspectOutbox(`gridwatch.inspect.queue.${user.username}`, {
        username: user.username,
        photos,
        onFiled: (report, incident) => setMine((list) => reportUpdated(list, report.id, incident)),
        onSent: (incident, item) => {
          if (item.report) setMine((list) => reportUpdated(list, item.report!, incident));
          refreshSoon();
        },
        onStale: () => refreshSoon(),
        onUnauthenticated: unauthenticated,
      }),
    [user.username, photos, refreshSoon, unauthenticated, setMine],
  );
  const outbox = useOutbox(queue, online);
  const pendingCount = outbox.items.length;
  const [toast, setToast] = usePhoneToast(pendingCount);

  const when = () => (online ? t('field.queuedOnline') : t('field.queuedOffline'));
  const report = (body: Parameters<InspectOutbox['report']>[0]['report'], photoKeys: string[], selfHandled: boolean) => {
    const item = queue.report({ report: body, photoKeys, selfHandled });
    setMine((list) => reportQueued(list, item));
    countUse(body.categoryCode);
    setToast(t('inspect.queued', { when: when() }));
  };
  const answer = (task: InspectTask, a: TaskAnswer, note: string, photoKeys: string[]) => {
    const { action, ...rest } = ANSWER_ACTION[a];
    const predicted = predictTask(task.case, outbox.items.filter(isAction));
    queue.enqueue({ caseId: task.case.id, action, version: predicted.version, ...rest, ...(note ? { note } : {}), photoKeys });
    setToast(t('field.queued', { action: t(`inspect.actionName.${action}`), when: when() }));
  };

  return (
    <main className="field inspect">
      <header className="field-header">
        <PhoneTitle title={t('inspect.title')} titleTestId="page-title" user={user} onSignOut={() => onSignOutRef.current()} />
        <div className="field-bar">
          <LinkState live={online && !tasks.stale} pendingCount={pendingCount} />
          <button
            type="button"
            className={onDuty ? 'field-small duty duty-on' : 'field-small duty'}
            data-testid="duty"
            aria-pressed={onDuty}
            title={t('inspect.duty.hint')}
            onClick={() => setOnDuty(!onDuty)}
          >
            {onDuty ? t('inspect.duty.stop') : t('inspect.duty.start')}
          </button>
          {onDuty && (
            <span className="duty-status small" data-testid="duty-status">
              {duty.lastSentAt ? t('inspect.duty.lastSent', { time: timeText(duty.lastSentAt) }) : t('inspect.duty.on')}
            </span>
          )}
        </div>
        <nav className="inspect-tabs" role="tablist">
          {(['report', 'tasks'] as const).map((k) => (
            <button key={k} type="button" role="tab" aria-selected={tab === k} className={tab === k ? 'active' : undefined} data-testid={`tab-${k}`} onClick={() => setTab(k)}>
              {t(`inspect.tabs.${k}`)}
              {k === 'tasks' && tasks.list.length > 0 ? <span className="count">{tasks.list.length}</span> : null}
            </button>
          ))}
        </nav>
      </header>

      <PhoneToast toast={toast} />
      <OutboxNotices notices={outbox.notices} dropped={(n) => droppedText(t, n)} onDismiss={(id) => queue.dismiss(id)} />
      {pendingCount > 0 && <Outbox outbox={outbox} categories={categories} tasks={tasks.list} onCancel={(key) => queue.cancel(key)} />}

      {/* Both stay mounted: a report half written (and its photos) survives a look at the tasks. */}
      <div role="tabpanel" hidden={tab !== 'report'}>
        <ReportTab
          position={position}
          online={online}
          categories={catalog}
          use={use}
          cityBbox={city?.bbox ?? null}
          photos={photos}
          onUnauthenticated={unauthenticated}
          onReport={report}
        />
        <MyReports reports={mine} outbox={outbox} categories={categories} />
      </div>
      <div role="tabpanel" hidden={tab !== 'tasks'}>
        <TasksTab
          tasks={tasks}
          pending={outbox.items.filter(isAction)}
          categories={categories}
          city={city}
          position={position}
          photos={photos}
          online={online}
          onRefresh={() => (queue.kick(), void refresh())}
          onAnswer={answer}
        />
      </div>

      <footer className="inspect-foot">
        <PhoneLookButtons />
      </footer>
    </main>
  );
}

function reasonText(t: TFunction, code: string): string {
  const known = ['version_conflict', 'forbidden', 'invalid_transition', 'not_found', 'note_required', 'outside_city', 'unknown_category', 'photos_required', 'not_your_report'];
  return known.includes(code) ? t(`inspect.errors.${code}`, { defaultValue: t(`errors.${code}`) }) : t('errors.other', { code });
}

function droppedText(t: TFunction, n: QueueNotice): string {
  if (n.action === 'report') return t('inspect.notices.reportDropped', { reason: reasonText(t, n.code) });
  return t('field.notices.dropped', { action: t(`inspect.actionName.${n.action}`), reason: reasonText(t, n.code) });
}

/** The inspector's outbox holds new reports as well as answers to tasks. */
function Outbox({ outbox, categories, tasks, onCancel }: { outbox: QueueSnapshot<QueuedReport>; categories: ReadonlyMap<string, Category>; tasks: readonly InspectTask[]; onCancel: (key: string) => void }) {
  const { t, i18n } = useTranslation();
  const label = (item: QueuedAction | QueuedReport) => {
    if (!isAction(item)) return t('inspect.actionName.report');
    if (item.report) return item.action === 'self-handle' ? t('inspect.actionName.self-handle') : t('inspect.actionName.reportPhotos');
    return t(`inspect.actionName.${item.action}`);
  };
  const what = (item: QueuedAction | QueuedReport) => {
    if (!isAction(item)) return categoryName(categories, item.report.categoryCode, i18n.language);
    const task = tasks.find((x) => x.case.id === item.caseId);
    return task ? categoryName(categories, task.case.categoryCode, i18n.language) : item.caseId.slice(-8);
  };
  return (
    <PendingOutbox
      outbox={outbox}
      hint={t('inspect.pendingHint')}
      label={label}
      what={what}
      data={(item) => ({ 'data-kind': isAction(item) ? item.action : 'report' })}
      errorText={(code) => (code === 'offline' ? t('field.offline') : code)}
      onCancel={onCancel}
    />
  );
}

/** 我的上报: what this phone reported, newest first: waiting, filed (with its number), closed on the spot. */
function MyReports({ reports, outbox, categories }: { reports: readonly MyReport[]; outbox: QueueSnapshot<QueuedReport>; categories: ReadonlyMap<string, Category> }) {
  const { t, i18n } = useTranslation();
  if (reports.length === 0) return null;
  return (
    <section className="field-tasks inspect-mine">
      <h2>{t('inspect.mine')}</h2>
      <ol className="inspect-mine-list" data-testid="my-reports">
        {reports.map((r) => {
          const state = myReportState(r, outbox);
          return (
            <li key={r.id} data-testid="my-report" data-state={state} data-case={r.caseId ?? ''}>
              <span className={`inspect-state inspect-state-${state}`}>{t(`inspect.state.${state}`)}</span>
              <span className="inspect-mine-what">{categoryName(categories, r.categoryCode, i18n.language)}</span>
              <span className="inspect-mine-meta small muted">
                {r.number ?? timeText(r.at)}
                {r.photos > 0 ? ` · ${t('inspect.photoCount', { count: r.photos })}` : ''}
              </span>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
