import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category, CityMeta, InspectTask } from '../../shared/index.js';
import { categoryName, dateTimeText, kmText, timeText, townNameOf } from '../cases/format.js';
import type { QueuedAction } from '../phone/actionQueue.js';
import type { Position } from '../phone/hooks.js';
import { NoteForm } from '../phone/NoteForm.js';
import { usePhotoShots } from '../phone/PhotoPicker.js';
import type { PhotoStore } from '../phone/photoStore.js';
import { TaskDistance } from '../phone/TaskDistance.js';
import type { TaskList } from '../phone/useTaskList.js';

/**
 * The answers an inspector gives a task: 核实 found (`confirm`, `found: true`) or not found (`found:
 * false`: the report is rejected, a note says what was seen); 核查 passed (`verify`) or sent back
 * (`rework`, with the reason). Each may carry photos.
 */
export type TaskAnswer = 'found' | 'notFound' | 'pass' | 'rework';

const ANSWERS: Record<InspectTask['kind'], readonly TaskAnswer[]> = { confirm: ['found', 'notFound'], verify: ['pass', 'rework'] };
/** The answers that need a note. */
const NOTE_REQUIRED: readonly TaskAnswer[] = ['notFound', 'rework'];

export interface TasksTabProps {
  tasks: TaskList<InspectTask>;
  /** Actions queued on the phone, not yet sent. */
  pending: readonly QueuedAction[];
  categories: ReadonlyMap<string, Category>;
  city: CityMeta | null;
  position: Position;
  photos: PhotoStore;
  online: boolean;
  onRefresh: () => void;
  onAnswer: (task: InspectTask, answer: TaskAnswer, note: string, photoKeys: string[]) => void;
}

/** 任务: the on-duty inspectors' shared queue of 核实 and 核查 tasks, nearest first. */
export function TasksTab({ tasks, pending, categories, city, position, photos, online, onRefresh, onAnswer }: TasksTabProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<{ caseId: string; answer: TaskAnswer } | null>(null);
  return (
    <section className="field-tasks inspect-tasks">
      <div className="inspect-tasks-head">
        <h2>
          {t('inspect.tasks.title')} <span className="count">{tasks.list.length}</span>
        </h2>
        <button type="button" className="field-small" data-testid="tasks-refresh" onClick={onRefresh}>
          {t('field.refresh')}
        </button>
      </div>
      <p className="field-sync muted">
        {(tasks.stale || !online) && tasks.syncedAt ? `${t('field.cached')} · ` : ''}
        {tasks.syncedAt ? t('field.syncedAt', { time: timeText(tasks.syncedAt) }) : ''}
        {position.state !== 'ok' ? ` · ${t('inspect.tasks.noPosition')}` : ''}
      </p>
      {tasks.list.length === 0 && (
        <p className="field-empty" data-testid="tasks-empty">
          {t('inspect.tasks.empty')}
        </p>
      )}
      <ol className="task-list" data-testid="inspect-tasks">
        {tasks.list.map((task) => (
          <TaskCard
            key={task.case.id}
            task={task}
            pending={pending.filter((p) => p.caseId === task.case.id)}
            categories={categories}
            city={city}
            position={position}
            photos={photos}
            answer={open?.caseId === task.case.id ? open.answer : null}
            onOpen={(answer) => setOpen(answer ? { caseId: task.case.id, answer } : null)}
            onAnswer={(answer, note, photoKeys) => {
              onAnswer(task, answer, note, photoKeys);
              setOpen(null);
            }}
          />
        ))}
      </ol>
    </section>
  );
}

interface TaskCardProps {
  task: InspectTask;
  pending: readonly QueuedAction[];
  categories: ReadonlyMap<string, Category>;
  city: CityMeta | null;
  position: Position;
  photos: PhotoStore;
  answer: TaskAnswer | null;
  onOpen: (answer: TaskAnswer | null) => void;
  onAnswer: (answer: TaskAnswer, note: string, photoKeys: string[]) => void;
}

function TaskCard({ task, pending, categories, city, position, photos, answer, onOpen, onAnswer }: TaskCardProps) {
  const { t, i18n } = useTranslation();
  const c = task.case;
  const priority = categories.get(c.categoryCode)?.priority ?? 2;
  // No fix now: the distance the server measured from where the phone was when the list was read.
  const lastKnown = task.distanceMeters !== null ? t('inspect.tasks.distance', { km: kmText(task.distanceMeters) }) : t('field.noPosition');
  const queued = pending.length > 0;
  return (
    <li className={`task-card inspect-task${queued ? ' returned' : ''}`} data-testid="inspect-task" data-id={c.id} data-kind={task.kind}>
      <div className="task-head">
        <span className={`inspect-kind inspect-kind-${task.kind}`}>{t(`inspect.kind.${task.kind}`)}</span>
        <span className={`prio prio-${priority}`}>{t(`priority.p${priority}`)}</span>
        <span className="small muted">{t(`source.${c.source}`)}</span>
        {queued && <span className="badge pending">{t('field.pendingBadge')}</span>}
      </div>
      <h3>{categoryName(categories, c.categoryCode, i18n.language)}</h3>
      <p className="task-where">
        {c.number ? <span className="inspect-number">{c.number}</span> : null} {townNameOf(city, c.townCode, i18n.language)} · {t('field.grid', { code: c.gridCode })}
      </p>
      {c.description && <p className="task-desc">{c.description}</p>}
      <p className="task-where small">{t('inspect.tasks.reportedAt', { time: dateTimeText(c.reportedAt, i18n.language) })}</p>
      <TaskDistance position={position} lon={c.lon} lat={c.lat} fallback={lastKnown} />
      {queued && <p className="muted small">{t('inspect.tasks.answered', { action: t(`inspect.actionName.${pending[0]!.action}`) })}</p>}
      {!queued && answer === null && (
        <div className="task-actions">
          {ANSWERS[task.kind].map((a) => (
            <button key={a} type="button" className={NOTE_REQUIRED.includes(a) ? 'task-btn secondary' : 'task-btn'} data-testid={`task-answer-${a}`} onClick={() => onOpen(a)}>
              {t(`inspect.answer.${a}`)}
            </button>
          ))}
        </div>
      )}
      {!queued && answer !== null && <AnswerForm answer={answer} photos={photos} onCancel={() => onOpen(null)} onSubmit={(note, keys) => onAnswer(answer, note, keys)} />}
    </li>
  );
}

/** What was seen, and photos: a note is needed when the report was not found or the handling is sent back. */
function AnswerForm({ answer, photos, onCancel, onSubmit }: { answer: TaskAnswer; photos: PhotoStore; onCancel: () => void; onSubmit: (note: string, photoKeys: string[]) => void }) {
  const { t } = useTranslation();
  const shots = usePhotoShots(photos);
  const required = NOTE_REQUIRED.includes(answer);
  return (
    <NoteForm
      testId="answer-form"
      label={required ? t(`inspect.noteFor.${answer}`) : t('inspect.noteOptional')}
      noteTestId="answer-note"
      required={required ? t('inspect.noteRequired') : undefined}
      photos={{ shots, testId: 'answer-photos' }}
      submitLabel={t(`inspect.answer.${answer}`)}
      submitTestId="answer-submit"
      onCancel={onCancel}
      onSubmit={onSubmit}
    />
  );
}
