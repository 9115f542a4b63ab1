import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApplicationKind, nextDueAt, type AppealJudgement, type CaseAction, type Incident, type SessionUser, type UnitClosedAnswer, type UnitClosedCase } from '../../shared/index.js';
import { LookButtons, SignedInUser } from '../auth/HeaderControls.js';
import type { SignOutReason } from '../auth/session.js';
import { ApiError, fetchCandidates, fetchCase, getJson, postCaseAction, type Candidate, type CaseView } from '../cases/caseApi.js';
import { categoryName, dateTimeText, isEnglish, kmText, timeLeftText, townNameOf } from '../cases/format.js';
import { useCityAndCategories } from '../cases/useCityAndCategories.js';
import { TimelineEntry } from '../dispatch/CaseDetail.js';
import { useLiveStream } from '../live/useLiveStream.js';
import type { Theme } from '../map/palette.js';
import { refusalText } from '../i18n/refusal.js';
import { applyTheme, savedTheme } from '../theme.js';
import { deskGroupOf, sortDeskQueue, type DeskGroup } from './deskQueue.js';
import { AppealForm } from './AppealForm.js';
import { ClosedCases } from './ClosedCases.js';

/** While the push channel is down, the queue is read again this often; while up, as a fallback. */
const POLL_MS = 20_000;
const POLL_PUSHED_MS = 60_000;
/** How far back the closed cases go: the window in which a unit may still appeal a judgement. */
const CLOSED_DAYS = 30;

/** What the crew (or the desk, for a crew not on the map) may do from the desk. */
const CREW_ACTIONS: readonly CaseAction[] = ['acknowledge', 'arrive', 'report-handled'];

/**
 * A unit's desk (责任单位调度台, 二级派遣): the cases the centre dispatched to this unit, those waiting
 * for a crew first; for the case opened, its crews that can be there soonest (assign), the unit's
 * applications to the centre (申请延期 / 挂账 / 回退) and its timeline. The desk sees its own unit's
 * cases only, without callers' personal data, and hears of changes on its unit's room.
 */
export function UnitDeskPage({ user, onSignOut }: { user: SessionUser; onSignOut: (reason?: SignOutReason) => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const onSignOutRef = useRef(onSignOut);
  onSignOutRef.current = onSignOut;
  const [theme, setTheme] = useState<Theme>(savedTheme);
  useEffect(() => applyTheme(theme), [theme]);
  const { city, categories, units } = useCityAndCategories(() => onSignOutRef.current('unauthenticated'));
  const unitCode = user.unitCode ?? '';
  const unit = units.get(unitCode);
  const unitLabel = unit ? (isEnglish(language) ? unit.name.en : unit.name.zh) : unitCode;

  const [cases, setCases] = useState<Incident[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [openedId, setOpenedId] = useState<string | null>(null);
  const [view, setView] = useState<CaseView | null>(null);
  /** Why the opened case could not be read (a closed case another unit finished is not the desk's to see). */
  const [viewError, setViewError] = useState<string | null>(null);
  const [closed, setClosed] = useState<UnitClosedAnswer | null>(null);
  /** The closed case opened from the 已办结 list: its judgements preselect the appeal. */
  const [openedClosed, setOpenedClosed] = useState<UnitClosedCase | null>(null);
  const [candidates, setCandidates] = useState<Candidate[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(timer);
  }, []);

  const failed = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) onSignOutRef.current('unauthenticated');
      return refusalText(err, t);
    },
    [t],
  );

  const loadQueue = useCallback(() => {
    if (!unitCode) return;
    getJson<Incident[]>(`/api/units/${encodeURIComponent(unitCode)}/cases`).then(
      (list) => {
        setCases(list);
        setLoadError(null);
      },
      (err: unknown) => setLoadError(failed(err)),
    );
    getJson<UnitClosedAnswer>(`/api/units/${encodeURIComponent(unitCode)}/closed?days=${CLOSED_DAYS}`).then(setClosed, (err: unknown) => setLoadError(failed(err)));
  }, [unitCode, failed]);

  const loadOpened = useCallback(
    (id: string) => {
      fetchCase(id).then(
        (v) => {
          setView(v);
          setViewError(null);
        },
        (err: unknown) => setViewError(failed(err)),
      );
      fetchCandidates(id).then(setCandidates, () => setCandidates([]));
    },
    [failed],
  );

  useEffect(loadQueue, [loadQueue]);
  useEffect(() => {
    setView(null);
    setViewError(null);
    setCandidates(null);
    setMessage(null);
    if (openedId) loadOpened(openedId);
  }, [openedId, loadOpened]);

  const openedRef = useRef(openedId);
  openedRef.current = openedId;
  const push = useLiveStream(
    {
      onConnect: loadQueue,
      on: {
        'task:changed': ({ caseId }) => {
          loadQueue();
          if (caseId === openedRef.current) loadOpened(caseId);
        },
      },
      onSessionEnded: (reason) => onSignOutRef.current(reason),
    },
    [],
  );
  const pushed = push.state === 'live';
  useEffect(() => {
    const timer = setInterval(loadQueue, pushed ? POLL_PUSHED_MS : POLL_MS);
    return () => clearInterval(timer);
  }, [loadQueue, pushed]);

  const act = async (action: CaseAction, details: Record<string, unknown>) => {
    if (!view) return;
    setBusy(true);
    setMessage(null);
    try {
      await postCaseAction(view.case.id, { action, version: view.case.version, ...details });
      setMessage({ kind: 'ok', text: t('unitDesk.done', { action: t(`actions.${action}`) }) });
      loadOpened(view.case.id);
      loadQueue();
    } catch (err) {
      setMessage({ kind: 'error', text: failed(err) });
      loadOpened(view.case.id);
    } finally {
      setBusy(false);
    }
  };

  const townName = (code: string) => townNameOf(city, code, language);
  const queue = cases ? sortDeskQueue(cases, now) : [];

  return (
    <main className="unit-desk">
      <header>
        <h1>
          GridWatch <span data-testid="page-title">{t('unitDesk.title', { unit: unitLabel })}</span>
        </h1>
        <span className={pushed ? 'link-state live' : 'link-state'} data-testid="link-state">
          {pushed ? t('unitDesk.live') : t('unitDesk.polling')}
        </span>
        <LookButtons theme={theme} onTheme={setTheme} />
        <SignedInUser user={user} onSignOut={() => onSignOutRef.current()} />
      </header>
      <div className="unit-desk-body">
        <section className="unit-queue" aria-label={t('unitDesk.queue')}>
          <h2>
            {t('unitDesk.queue')} <span className="count">{queue.length}</span>
          </h2>
          {loadError && (
            <p className="action-message error" role="alert">
              {loadError}
            </p>
          )}
          {cases && queue.length === 0 && <p className="muted" data-testid="desk-empty">{t('unitDesk.empty')}</p>}
          <ol className="desk-list" data-testid="desk-queue">
            {queue.map((c) => (
              <DeskRow
                key={c.id}
                c={c}
                group={deskGroupOf(c)}
                opened={c.id === openedId}
                now={now}
                category={categoryName(categories, c.categoryCode, language)}
                town={townName(c.townCode)}
                onOpen={() => {
                  setOpenedClosed(null);
                  setOpenedId(c.id);
                }}
              />
            ))}
          </ol>
          <ClosedCases
            answer={closed}
            days={CLOSED_DAYS}
            openedId={openedClosed ? openedId : null}
            categoryName={(code) => categoryName(categories, code, language)}
            townName={townName}
            onOpen={(c) => {
              setOpenedClosed(c);
              setOpenedId(c.caseId);
            }}
          />
        </section>
        <section className="unit-detail">
          {!view && viewError && openedId ? (
            <ClosedCaseHidden caseId={openedId} closed={openedClosed} error={viewError} category={openedClosed ? categoryName(categories, openedClosed.categoryCode, language) : ''} town={openedClosed ? townName(openedClosed.townCode) : ''} />
          ) : !view ? (
            <p className="muted hint">{openedId ? t('dispatch.loading') : t('unitDesk.selectHint')}</p>
          ) : (
            <DeskCase
              view={view}
              candidates={candidates}
              busy={busy}
              message={message}
              now={now}
              category={categoryName(categories, view.case.categoryCode, language)}
              town={townName(view.case.townCode)}
              judgements={openedClosed?.caseId === view.case.id ? openedClosed.judgements : undefined}
              onAct={(a, d) => void act(a, d)}
            />
          )}
        </section>
      </div>
    </main>
  );
}

function DeskRow({ c, group, opened, now, category, town, onOpen }: { c: Incident; group: DeskGroup; opened: boolean; now: number; category: string; town: string; onOpen: () => void }) {
  const { t } = useTranslation();
  const due = nextDueAt(c);
  const left = due === null ? null : due - now;
  return (
    <li className={opened ? 'desk-row opened' : 'desk-row'} data-testid="desk-case" data-id={c.id} data-group={group}>
      <button type="button" onClick={onOpen}>
        <span className={`desk-group desk-group-${group}`}>{t(`unitDesk.group.${group}`)}</span>
        <span className="desk-title">
          {category} · {town}
        </span>
        <span className="desk-number">{c.number ?? c.id.slice(-8)}</span>
        <span className={left !== null && left < 0 ? 'left overdue' : 'left'}>{left === null ? t(`status.${c.status}`) : timeLeftText(t, left)}</span>
        {c.application && <span className="badge">{t(`application.kind.${c.application.kind}`)}</span>}
      </button>
    </li>
  );
}

/** One of the unit's cases: what and where, its clocks, its crews to assign, the unit's application, the timeline. */
function DeskCase({
  view,
  candidates,
  busy,
  message,
  now,
  category,
  town,
  judgements,
  onAct,
}: {
  view: CaseView;
  candidates: Candidate[] | null;
  busy: boolean;
  message: { kind: 'ok' | 'error'; text: string } | null;
  now: number;
  category: string;
  town: string;
  /** The judgements that stand against the unit, where the case was opened from its closed cases. */
  judgements?: readonly AppealJudgement[];
  onAct: (action: CaseAction, details: Record<string, unknown>) => void;
}) {
  const { t, i18n } = useTranslation();
  const c = view.case;
  const may = (a: CaseAction) => view.allowedActions.includes(a);
  const [kind, setKind] = useState<ApplicationKind>('extension');
  const [hours, setHours] = useState('24');
  const [reason, setReason] = useState('');
  useEffect(() => {
    setKind('extension');
    setHours('24');
    setReason('');
  }, [c.id]);
  // A closed case's clock has stopped: time left or over since then would mislead.
  const left = c.deadlineAt && c.status !== 'closed' ? Date.parse(c.deadlineAt) - now : null;
  // The crew's name from the candidates (a desk does not read the live picture's teams).
  const crewName = (teamId: string) => {
    const cand = candidates?.find((k) => k.teamId === teamId);
    return cand ? (isEnglish(i18n.language) ? cand.teamName.en : cand.teamName.zh) : teamId;
  };
  const crewActions = CREW_ACTIONS.filter(may);
  return (
    <section className="case-detail" data-testid="desk-detail" data-id={c.id} data-status={c.status} data-version={c.version} data-team={c.teamId ?? ''}>
      <div className="case-head">
        <div className="case-title">
          <h2>
            {category} · {town}
          </h2>
          <span className={`state state-${c.status}`}>{t(`status.${c.status}`)}</span>
        </div>
      </div>
      <p className="muted">{c.description}</p>
      <dl className="case-facts">
        <dt>{t('dispatch.number')}</dt>
        <dd>{c.number ?? '—'}</dd>
        <dt>{t('dispatch.deadline')}</dt>
        <dd>
          {c.deadlineAt ? dateTimeText(c.deadlineAt, i18n.language) : '—'}
          {left !== null && <span className={left < 0 ? 'left overdue' : 'left'}> ({timeLeftText(t, left)})</span>}
        </dd>
        <dt>{t('dispatch.team')}</dt>
        <dd data-testid="desk-team">{c.teamId ? crewName(c.teamId) : t('dispatch.atUnitDesk')}</dd>
      </dl>

      {may('assign') && (
        <>
          <h3>{t('unitDesk.crews')}</h3>
          {candidates === null ? (
            <p className="muted">{t('dispatch.candidatesLoading')}</p>
          ) : candidates.length === 0 ? (
            <p className="muted" data-testid="desk-no-crew">
              {t('unitDesk.noCrew')}
            </p>
          ) : (
            <ol className="candidates" data-testid="desk-candidates">
              {candidates.map((cand, index) => (
                <li key={cand.teamId} data-testid="desk-candidate" data-team={cand.teamId}>
                  <span className="rank">{index + 1}</span>
                  <span className="cand-name">{isEnglish(i18n.language) ? cand.teamName.en : cand.teamName.zh}</span>
                  <span className="cand-eta">{t('dispatch.eta', { minutes: Math.max(1, Math.round(cand.etaSeconds / 60)) })}</span>
                  <span className="cand-km">{t('dispatch.km', { km: kmText(cand.distanceMeters) })}</span>
                  <span className="cand-load">{t('dispatch.workload', { count: cand.workload })}</span>
                  <button type="button" className="act main" data-testid="desk-assign" disabled={busy || cand.teamId === c.teamId} onClick={() => onAct('assign', { teamId: cand.teamId })}>
                    {t('unitDesk.assign')}
                  </button>
                </li>
              ))}
            </ol>
          )}
        </>
      )}

      {crewActions.length > 0 && (
        <div className="case-actions">
          {crewActions.map((a) => (
            <button key={a} type="button" className="act" data-testid={`desk-action-${a}`} disabled={busy} onClick={() => onAct(a, {})}>
              {t(`actions.${a}`)}
            </button>
          ))}
        </div>
      )}

      {c.application ? (
        <p className="application" data-testid="desk-application">
          {t('unitDesk.applied', { kind: t(`application.kind.${c.application.kind}`), time: dateTimeText(c.application.at, i18n.language) })}
        </p>
      ) : (
        may('apply') && (
          <form
            className="case-form"
            data-testid="desk-apply"
            onSubmit={(e) => {
              e.preventDefault();
              onAct('apply', { application: kind === 'extension' ? { kind, extendHours: Number(hours) } : { kind }, note: reason.trim() });
            }}
          >
            <h3>{t('unitDesk.apply')}</h3>
            <div className="nature-options">
              {ApplicationKind.options.map((k) => (
                <label key={k} className={k === kind ? 'checked' : ''}>
                  <input type="radio" name="application-kind" value={k} checked={k === kind} onChange={() => setKind(k)} />
                  {t(`application.kind.${k}`)}
                </label>
              ))}
            </div>
            {kind === 'extension' && (
              <label className="inline">
                {t('dispatch.extendHours')}
                <input data-testid="desk-apply-hours" type="number" min={1} max={2160} value={hours} onChange={(e) => setHours(e.target.value)} />
              </label>
            )}
            <label>
              {t('unitDesk.reason')}
              <textarea data-testid="desk-apply-reason" rows={2} maxLength={2000} value={reason} required onChange={(e) => setReason(e.target.value)} />
            </label>
            <button type="submit" className="act" data-testid="desk-apply-submit" disabled={busy || !reason.trim() || (kind === 'extension' && !(Number(hours) > 0))}>
              {t('unitDesk.applySubmit')}
            </button>
          </form>
        )
      )}
      <p className={`action-message ${message?.kind ?? ''}`} data-testid="desk-message" role="status" aria-live="polite">
        {busy ? t('dispatch.working') : (message?.text ?? '')}
      </p>

      {/* 申诉: against a judgement on the unit's turn with the case (its evaluation). */}
      <AppealForm caseId={c.id} judgements={judgements} />

      <h3>{t('dispatch.timeline')}</h3>
      <ol className="timeline" data-testid="desk-timeline">
        {view.timeline.map((e) => (
          <TimelineEntry key={e.seq} event={e} />
        ))}
      </ol>
    </section>
  );
}

/**
 * A closed case the unit had a turn with but may no longer read (it returned it, another unit closed
 * it): what the closed list says of it, and its appeals, which are the unit's own.
 */
function ClosedCaseHidden({ caseId, closed, error, category, town }: { caseId: string; closed: UnitClosedCase | null; error: string; category: string; town: string }) {
  const { t, i18n } = useTranslation();
  return (
    <section className="case-detail" data-testid="desk-detail-hidden" data-id={caseId}>
      {closed && (
        <div className="case-head">
          <div className="case-title">
            <h2>
              {category} · {town}
            </h2>
            <span className="state state-closed">{t('status.closed')}</span>
          </div>
        </div>
      )}
      <p className="muted">{closed ? t('unitClosed.viewHidden') : error}</p>
      {closed && (
        <dl className="case-facts">
          <dt>{t('dispatch.number')}</dt>
          <dd>{closed.number ?? '—'}</dd>
          <dt>{t('unitClosed.judgements')}</dt>
          <dd>{closed.judgements.length ? closed.judgements.map((j) => t(`review.appeals.judgements.${j}`)).join('、') : t('unitClosed.noJudgement')}</dd>
          <dt>{t('status.closed')}</dt>
          <dd>{dateTimeText(closed.closedAt, i18n.language)}</dd>
        </dl>
      )}
      {closed && <AppealForm caseId={caseId} judgements={closed.judgements} />}
    </section>
  );
}
