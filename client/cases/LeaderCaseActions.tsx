import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseAction, Category } from '../../shared/index.js';
import { TimelineEntry } from '../dispatch/CaseDetail.js';
import { Link, REPLAY_PATH } from '../routing.js';
import { ApiError, fetchCase, postCaseAction, type CaseView } from './caseApi.js';
import { refusalText } from '../i18n/refusal.js';
import { categoryName } from './format.js';

/** What a leader does on a case: 督办 (urge) and 批示 (instruct). */
const LEADER_ACTIONS = ['urge', 'instruct'] as const satisfies readonly CaseAction[];

type Message = { kind: 'ok' | 'error'; text: string } | null;

/**
 * A leader's case panel on the dashboard: the case, its timeline, and 督办 / 批示 for whoever holds
 * those permissions (the server says which in `allowedActions`). An instruction needs its text; an
 * urge may carry remarks. After each action the case is read again, so the timeline shows it. What
 * the host adds (the review: the case's standing in the assessment) goes beside the timeline, and
 * 复盘, where the host offers it, opens the case's after-action replay.
 */
export function LeaderCaseActions(props: {
  caseId: string;
  categories: ReadonlyMap<string, Category>;
  townName: (code: string) => string;
  onClose: () => void;
  onUnauthenticated: () => void;
  /** Offer 复盘 (the replay needs analytics.read, which the review's readers hold). */
  replay?: boolean;
  children?: ReactNode;
}) {
  const { caseId, categories, townName, onClose } = props;
  const { t, i18n } = useTranslation();
  const [view, setView] = useState<CaseView | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const timeline = useRef<HTMLOListElement>(null);
  /** Set by an action: once the case is read again, its new entry (the last) is brought into view. */
  const showLatest = useRef(false);
  const unauthenticated = useRef(props.onUnauthenticated);
  unauthenticated.current = props.onUnauthenticated;

  const failed = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) return unauthenticated.current();
      setMessage({ kind: 'error', text: refusalText(err, t, { scope: 'errors' }) });
    },
    [t],
  );

  const load = useCallback(() => fetchCase(caseId).then(setView, failed), [caseId, failed]);
  useEffect(() => {
    setView(null);
    setNote('');
    setMessage(null);
    void load();
  }, [load]);

  useEffect(() => {
    if (!showLatest.current) return;
    showLatest.current = false;
    timeline.current?.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }, [view]);

  const act = async (action: (typeof LEADER_ACTIONS)[number]) => {
    if (!view) return;
    const text = note.trim();
    if (action === 'instruct' && !text) return setMessage({ kind: 'error', text: t('leaderCase.noteRequired') });
    setBusy(true);
    setMessage(null);
    try {
      await postCaseAction(view.case.id, { action, version: view.case.version, ...(text ? { note: text } : {}) });
      setNote('');
      setMessage({ kind: 'ok', text: t('leaderCase.done', { action: t(`leaderCase.${action}`) }) });
    } catch (err) {
      failed(err);
    } finally {
      // A refusal for a stale version is answered by the case as it is now.
      showLatest.current = true;
      await load();
      setBusy(false);
    }
  };

  const c = view?.case;
  const offered = LEADER_ACTIONS.filter((a) => view?.allowedActions.includes(a));
  const open = c ? c.status !== 'closed' && c.status !== 'rejected' : false;
  return (
    <section className="leader-case" data-testid="leader-case" data-id={caseId} data-version={c?.version ?? ''}>
      <div className="leader-case-head">
        <h2>{c ? `${categoryName(categories, c.categoryCode, i18n.language)} · ${townName(c.townCode)}` : t('leaderCase.loading')}</h2>
        <button type="button" className="act" data-testid="leader-case-close" aria-label={t('leaderCase.close')} onClick={onClose}>
          ×
        </button>
      </div>
      {c && (
        <>
          <p className="leader-case-facts">
            {c.number && <span className="mono">{c.number}</span>}
            <span className={`state state-${c.status}`} data-testid="leader-case-status">
              {t(`status.${c.status}`)}
            </span>
            {view.overdue && <span className="badge alarm">{t('board.overdue')}</span>}
            {c.urgeCount > 0 && <span className="badge">{t('dispatch.urged', { count: c.urgeCount })}</span>}
            {props.replay && (
              <Link to={`${REPLAY_PATH}?case=${encodeURIComponent(c.id)}`} className="nav-link" data-testid="leader-case-replay">
                {t('review.caseAssessment.replay')}
              </Link>
            )}
          </p>
          <p className="case-desc">{c.description}</p>
          {offered.length > 0 ? (
            <div className="case-form">
              <label>
                {t('leaderCase.note')}
                <textarea
                  data-testid="leader-note"
                  rows={2}
                  maxLength={2000}
                  value={note}
                  placeholder={t('leaderCase.notePlaceholder')}
                  onChange={(e) => setNote(e.target.value)}
                />
              </label>
              <div className="case-actions">
                {offered.map((a) => (
                  <button key={a} type="button" className="act main" data-testid={`leader-${a}`} disabled={busy} onClick={() => void act(a)}>
                    {t(`leaderCase.${a}`)}
                  </button>
                ))}
              </div>
            </div>
          ) : (
            <p className="muted">{open ? t('leaderCase.readOnly') : t('leaderCase.closed')}</p>
          )}
        </>
      )}
      <p className={`action-message ${message?.kind ?? ''}`} data-testid="leader-message" role="status" aria-live="polite">
        {message?.text ?? ''}
      </p>
      {props.children}
      {view && (
        <>
          <h3>{t('dispatch.timeline')}</h3>
          <ol className="timeline" data-testid="leader-timeline" ref={timeline}>
            {view.timeline.map((e) => (
              <TimelineEntry key={e.seq} event={e} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
