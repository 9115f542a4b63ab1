import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { IncidentSource, type CaseAction, type SessionUser, type Suggestion } from '../../shared/index.js';
import type { SignOutReason } from '../auth/session.js';
import { useCityAndCategories } from '../cases/useCityAndCategories.js';
import { ApiError, fetchCandidates, fetchCase, postCaseAction, type Candidate, type CaseView } from '../cases/caseApi.js';
import { refusalText } from '../i18n/refusal.js';
import { isEnglish, timeText, townNameOf } from '../cases/format.js';
import { LookButtons, SignedInUser } from '../auth/HeaderControls.js';
import type { Theme } from '../map/palette.js';
import { DASHBOARD_PATH, Link } from '../routing.js';
import { applyTheme, savedTheme } from '../theme.js';
import { CaseDetail, type ActionDetails } from './CaseDetail.js';
import { CaseQueue } from './CaseQueue.js';
import { PatrolAlerts } from '../coverage/PatrolAlerts.js';
import { useCameraAlerts, usePatrolAlerts } from '../coverage/patrolAlerts.js';
import { DispatchMap } from './DispatchMap.js';
import { candidatesWithSuggestionFirst, currentSuggestions, suggestionInputsKey, SuggestionPanel, useSuggestions, type SuggestionsState } from './SuggestionPanel.js';
import { OPEN_STATUSES } from './caseBoard.js';
import { buildQueue, DEFAULT_FILTER, type QueueFilter, type StateFilter } from './queue.js';
import { MAX_OPEN_CASES, useCaseBoard } from './useCaseBoard.js';
import { CaseNumberSearch } from './CaseNumberSearch.js';
import { useCaseUnits, useNumberSearch } from './useCaseLookups.js';

/** How often the time left and the queue's order are brought up to date without any event. */
const TICK_MS = 10_000;

type Message = { kind: 'ok' | 'error'; text: string };

interface PageProps {
  user: SessionUser;
  onSignOut: (reason?: SignOutReason) => void;
}

/**
 * 调度台, the dispatch console: the queue of open cases most urgent first (filterable), the open
 * case with its timeline, its actions and the teams that can be there soonest, and a map of cases,
 * teams and routes. Driven from the keyboard as well (j/k ↑/↓, Enter, a, r, d, ?).
 *
 * Without `case.dispatch` (an inspector, `case.verify`) the same console is the verification desk
 * (核查台): it opens on the cases waiting for verification, has no dispatch suggestions and asks for no
 * candidates (both are dispatchers' endpoints), and offers what the server allows (verify, rework).
 */
export function DispatchPage(props: PageProps) {
  return props.user.permissions.includes('case.dispatch') ? <DispatchConsoleWithSuggestions {...props} /> : <DispatchConsole {...props} suggestions={null} />;
}

/** A dispatcher's console: the suggestions are read (and kept current) only for those who may dispatch. */
function DispatchConsoleWithSuggestions(props: PageProps) {
  const suggestions = useSuggestions(() => props.onSignOut('unauthenticated'));
  return <DispatchConsole {...props} suggestions={suggestions} />;
}

function DispatchConsole({ user, onSignOut, suggestions }: PageProps & { suggestions: SuggestionsState | null }) {
  const { t, i18n } = useTranslation();
  const mayDispatch = user.permissions.includes('case.dispatch');
  const onSignOutRef = useRef(onSignOut);
  onSignOutRef.current = onSignOut;
  const language = i18n.language;
  const [theme, setTheme] = useState<Theme>(savedTheme);
  useEffect(() => applyTheme(theme), [theme]);

  const { city, categories, units: unitList } = useCityAndCategories(() => onSignOutRef.current('unauthenticated'));
  const priorityOf = useCallback((code: string) => categories.get(code)?.priority ?? 2, [categories]);
  // The towns' patrol alerts, for the dispatchers who send someone (read again on every connect).
  const [connects, setConnects] = useState(0);
  const patrolAlerts = usePatrolAlerts(mayDispatch, connects);
  const cameraAlerts = useCameraAlerts(mayDispatch, connects);
  const { board, state, applyLocal } = useCaseBoard(priorityOf, (reason) => onSignOutRef.current(reason), {
    onConnect: () => setConnects((n) => n + 1),
    onCoverageAlert: patrolAlerts.onAlert,
    onCameraAlert: cameraAlerts.onAlert,
  });

  const [tick, setTick] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setTick(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  const now = tick + state.clockOffsetMs;

  const townName = useCallback((code: string) => townNameOf(city, code, language), [city, language]);
  const unitName = useCallback(
    (code: string) => {
      const unit = unitList.get(code);
      return unit ? (isEnglish(language) ? unit.name.en : unit.name.zh) : code;
    },
    [unitList, language],
  );
  const teams = state.teams;
  const teamName = useCallback(
    (id: string) => {
      const team = teams?.team(id);
      return team ? (isEnglish(language) ? team.name.en : team.name.zh) : id;
    },
    [teams, language],
  );

  // The queue.
  // The verification desk opens on the cases waiting for it (待核查).
  const [filter, setFilter] = useState<QueueFilter>(() => (mayDispatch ? DEFAULT_FILTER : { ...DEFAULT_FILTER, state: 'handled' }));
  // state.version: the board changed in place.
  const all = useMemo(() => board.all(), [board, state.version]);
  const queue = useMemo(() => buildQueue(all, filter, priorityOf, now), [all, filter, priorityOf, now]);
  const presentCategories = useMemo(() => [...new Set(all.map((i) => i.categoryCode))].sort(), [all]);
  const [cursorId, setCursorId] = useState<string | null>(null);
  const [openedId, setOpenedId] = useState<string | null>(null);

  // The suggestions follow the stream: when it moves cases into or out of waiting for a team, they are
  // asked for again once it settles, rather than at the next 30 s refresh. Not while the board is still
  // loading (that is not news), and not for the changes of a case that suggestions do not read.
  const suggestionInputs = useMemo(() => suggestionInputsKey(all), [all]);
  const nudgeSuggestions = suggestions?.nudge;
  const seenInputs = useRef<string | null>(null);
  useEffect(() => {
    if (!nudgeSuggestions || state.loading) return;
    if (seenInputs.current !== null && seenInputs.current !== suggestionInputs) nudgeSuggestions();
    seenInputs.current = suggestionInputs;
  }, [suggestionInputs, state.loading, nudgeSuggestions]);
  // The tab's count drops at once when the stream says a suggested case was dispatched elsewhere.
  const batch = suggestions?.batch ?? null;
  // state.version: the board changed in place.
  const suggestedCount = useMemo(() => currentSuggestions(batch, board).filter((r) => r.s.teamId !== null).length, [batch, board, state.version]);

  // The open case.
  const [view, setView] = useState<CaseView | null>(null);
  const [viewError, setViewError] = useState<string | null>(null);
  const [candidates, setCandidates] = useState<{ caseId: string; version: number; list: Candidate[] } | null>(null);
  const [candidatesLoading, setCandidatesLoading] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const [help, setHelp] = useState(false);
  // The left pane shows the queue or the dispatch suggestions; a suggestion picked there is drawn on the map.
  const [leftTab, setLeftTab] = useState<'queue' | 'suggestions'>('queue');
  const [focus, setFocus] = useState<Suggestion | null>(null);
  const loadGeneration = useRef(0);

  const errorText = useCallback(
    (err: unknown) => {
      // The consoles' words for a case's refusals (errors.*: 案件不存在, …), the general ones for the rest.
      return refusalText(err, t, { scope: 'errors' });
    },
    [t],
  );

  const loadCase = useCallback(
    async (id: string) => {
      const generation = ++loadGeneration.current;
      try {
        const v = await fetchCase(id);
        if (generation !== loadGeneration.current) return;
        setView(v);
        setViewError(null);
        applyLocal(v.case);
      } catch (err) {
        if (generation !== loadGeneration.current) return;
        if (err instanceof ApiError && err.status === 401) return onSignOutRef.current('unauthenticated');
        setViewError(errorText(err));
      }
    },
    [applyLocal, errorText],
  );

  const open = useCallback(
    (id: string) => {
      setCursorId(id);
      if (id === openedId) return;
      setOpenedId(id);
      setView((v) => (v?.case.id === id ? v : null));
      setViewError(null);
      setMessage(null);
      void loadCase(id);
    },
    [openedId, loadCase],
  );

  // Someone else changed the open case (the stream brought a newer state): read it again.
  const heldSeq = openedId ? board.get(openedId)?.seq : undefined;
  useEffect(() => {
    if (!openedId || !view || view.case.id !== openedId || heldSeq === undefined || heldSeq <= view.case.seq) return;
    const timer = setTimeout(() => void loadCase(openedId), 200);
    return () => clearTimeout(timer);
  }, [openedId, heldSeq, view, loadCase]);

  // The candidates, whenever the open case can be dispatched (again after each change of it).
  const canDispatch = mayDispatch && !!view?.allowedActions.includes('dispatch');
  const viewCaseId = view?.case.id;
  const viewVersion = view?.case.version;
  useEffect(() => {
    if (!canDispatch || !viewCaseId || viewVersion === undefined) return;
    let stale = false;
    setCandidatesLoading(true);
    fetchCandidates(viewCaseId).then(
      (list) => {
        if (!stale) setCandidates({ caseId: viewCaseId, version: viewVersion, list });
      },
      (err: unknown) => {
        if (stale) return;
        if (err instanceof ApiError && err.status === 401) onSignOutRef.current('unauthenticated');
        setCandidates({ caseId: viewCaseId, version: viewVersion, list: [] });
      },
    ).finally(() => {
      if (!stale) setCandidatesLoading(false);
    });
    return () => {
      stale = true;
    };
  }, [canDispatch, viewCaseId, viewVersion]);
  const units = useCaseUnits(viewCaseId, viewVersion, canDispatch, () => onSignOutRef.current('unauthenticated'));
  const shownCandidates = canDispatch && candidates && candidates.caseId === viewCaseId ? candidates.list : null;
  // A suggestion picked for the open case, while it still waits: its team's route first on the map.
  const openedStatus = view && view.case.id === openedId ? view.case.status : null;
  const mapCandidates = useMemo(
    () => (focus && focus.caseId === openedId && (openedStatus === null || openedStatus === 'registered') ? candidatesWithSuggestionFirst(focus, shownCandidates) : shownCandidates),
    [focus, openedId, openedStatus, shownCandidates],
  );

  const act = useCallback(
    async (action: CaseAction, details: ActionDetails) => {
      if (!view || busy) return;
      const c = view.case;
      if (!view.allowedActions.includes(action)) {
        setMessage({ kind: 'error', text: t('dispatch.notAllowed', { action: t(`actions.${action}`) }) });
        return;
      }
      if (action === 'dispatch' && !details.teamId && !details.unitCode) return setMessage({ kind: 'error', text: t('errors.team_required') });
      if (action === 'extend' && !(details.extendHours && details.extendHours > 0)) return setMessage({ kind: 'error', text: t('errors.hours_required') });
      setBusy(true);
      setMessage(null);
      let reload: boolean;
      try {
        const res = await postCaseAction(c.id, { action, version: c.version, ...details });
        applyLocal(res.case);
        // No action is offered until the case is read again with what may follow now.
        setView((v) => (v && v.case.id === c.id ? { ...v, case: res.case, allowedActions: [] } : v));
        setMessage({ kind: 'ok', text: t('dispatch.done', { action: t(`actions.${action}`) }) });
        reload = true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return onSignOutRef.current('unauthenticated');
        setMessage({ kind: 'error', text: errorText(err) });
        // Someone acted first (or the case moved on): show what it is now.
        reload = err instanceof ApiError && (err.code === 'version_conflict' || err.code === 'invalid_transition');
      } finally {
        setBusy(false);
      }
      if (reload) await loadCase(c.id);
    },
    [view, busy, applyLocal, loadCase, errorText, t],
  );

  // Keyboard: the handler sees the latest state through a ref; the listener is installed once.
  const keyHandler = useRef<(e: KeyboardEvent) => void>(() => {});
  keyHandler.current = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement | null;
    if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
    // The queue's keys move in the queue only while it is shown.
    if (leftTab !== 'queue' && ['j', 'k', 'ArrowDown', 'ArrowUp', 'Enter'].includes(e.key)) return;
    const move = (delta: number) => {
      if (queue.length === 0) return;
      const index = cursorId ? queue.findIndex((i) => i.id === cursorId) : -1;
      const next = index < 0 ? (delta > 0 ? 0 : queue.length - 1) : Math.min(queue.length - 1, Math.max(0, index + delta));
      setCursorId(queue[next]!.id);
    };
    switch (e.key) {
      case 'j':
      case 'ArrowDown':
        move(1);
        break;
      case 'k':
      case 'ArrowUp':
        move(-1);
        break;
      case 'Enter':
        if (target?.closest('button, a')) return;
        if (cursorId) open(cursorId);
        break;
      case 'a':
        void act('accept', {});
        break;
      case 'r':
        void act('register', {});
        break;
      case 'd': {
        const first = shownCandidates?.[0];
        if (first) void act('dispatch', { teamId: first.teamId });
        else if (view) setMessage({ kind: 'error', text: t('dispatch.notAllowed', { action: t('actions.dispatch') }) });
        break;
      }
      case '?':
        setHelp((h) => !h);
        break;
      case 'Escape':
        if (!help) return;
        setHelp(false);
        break;
      default:
        return;
    }
    e.preventDefault();
  };
  useEffect(() => {
    const listener = (e: KeyboardEvent) => keyHandler.current(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const numberSearch = useNumberSearch(open, () => onSignOutRef.current('unauthenticated'));

  const [overdueSeen, setOverdueSeen] = useState(0);
  const newlyOverdue = Math.max(0, state.overdue.length - overdueSeen);
  const setFilterField = <K extends keyof QueueFilter>(k: K, v: QueueFilter[K]) => setFilter((f) => ({ ...f, [k]: v }));
  const zh = !isEnglish(language);
  const opened = view && view.case.id === openedId ? view : null;

  return (
    <main className="dispatch">
      <header>
        <h1>
          GridWatch <span data-testid="page-title">{mayDispatch ? t('dispatch.title') : t('dispatch.verifyTitle')}</span>
        </h1>
        <nav className="nav">
          <Link to={DASHBOARD_PATH} className="nav-link" data-testid="nav-dashboard">
            {t('nav.dashboard')}
          </Link>
        </nav>
        <CaseNumberSearch search={numberSearch} />
        {newlyOverdue > 0 && (
          <button
            type="button"
            className="overdue-alert"
            data-testid="overdue-alert"
            onClick={() => {
              setOverdueSeen(state.overdue.length);
              setFilterField('state', 'overdue');
            }}
          >
            {t('dispatch.overdueAlert', { count: newlyOverdue })}
          </button>
        )}
        <LookButtons theme={theme} onTheme={setTheme} />
        <button type="button" className="theme" data-testid="shortcuts-button" aria-expanded={help} onClick={() => setHelp((h) => !h)}>
          ?
        </button>
        <SignedInUser user={user} onSignOut={() => onSignOutRef.current()} />
        <div className={`link link-${state.link}`} data-testid="link-state">
          {t(`link.${state.link}`)}
          {state.link !== 'live' && state.lostAt ? ` · ${t('link.staleSince', { time: timeText(state.lostAt) })}` : ''}
        </div>
      </header>

      <div className="dispatch-body">
        <section className="queue-pane" aria-label={leftTab === 'queue' ? t('dispatch.queue') : t('dispatch.tabs.suggestions')}>
          {/* The verification desk has the queue only: suggestions are for dispatching. */}
          {suggestions && (
            <div className="pane-tabs" role="tablist">
              <button type="button" role="tab" aria-selected={leftTab === 'queue'} className={leftTab === 'queue' ? 'active' : ''} data-testid="tab-queue" onClick={() => setLeftTab('queue')}>
                {t('dispatch.tabs.queue')}
              </button>
              <button
                type="button"
                role="tab"
                aria-selected={leftTab === 'suggestions'}
                className={leftTab === 'suggestions' ? 'active' : ''}
                data-testid="tab-suggestions"
                onClick={() => setLeftTab('suggestions')}
              >
                {t('dispatch.tabs.suggestions')}
                {suggestions.batch && (
                  <span className="tab-count" data-testid="suggestions-count">
                    {suggestedCount}
                  </span>
                )}
              </button>
            </div>
          )}
          {leftTab === 'suggestions' && suggestions ? (
            <SuggestionPanel
              suggestions={suggestions}
              board={board}
              boardVersion={state.version}
              teams={teams}
              teamName={teamName}
              unitName={unitName}
              categories={categories}
              townName={townName}
              now={now}
              openedId={openedId}
              onSelect={(s) => {
                setFocus(s);
                open(s.caseId);
              }}
              onDispatched={applyLocal}
              onUnauthenticated={() => onSignOutRef.current('unauthenticated')}
              errorText={errorText}
            />
          ) : (
            <>
              <div className="queue-filters">
                <select data-testid="filter-state" aria-label={t('dispatch.filters.state')} value={filter.state} onChange={(e) => setFilterField('state', e.target.value as StateFilter)}>
                  <option value="needs-action">{t('dispatch.filters.needsAction')}</option>
                  <option value="all-open">{t('dispatch.filters.allOpen')}</option>
                  <option value="overdue">{t('dispatch.filters.overdue')}</option>
                  {OPEN_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {t(`status.${s}`)}
                    </option>
                  ))}
                </select>
                <select data-testid="filter-town" aria-label={t('dispatch.filters.town')} value={filter.town} onChange={(e) => setFilterField('town', e.target.value)}>
                  <option value="">
                    {t('dispatch.filters.town')}: {t('dispatch.filters.all')}
                  </option>
                  {city?.towns.map((town) => (
                    <option key={town.code} value={town.code}>
                      {zh ? town.name.zh : town.name.en}
                    </option>
                  ))}
                </select>
                <select data-testid="filter-category" aria-label={t('dispatch.filters.category')} value={filter.category} onChange={(e) => setFilterField('category', e.target.value)}>
                  <option value="">
                    {t('dispatch.filters.category')}: {t('dispatch.filters.all')}
                  </option>
                  {presentCategories.map((code) => {
                    const c = categories.get(code);
                    return (
                      <option key={code} value={code}>
                        {c ? (zh ? c.name.zh : c.name.en) : code}
                      </option>
                    );
                  })}
                </select>
                <select data-testid="filter-source" aria-label={t('dispatch.filters.source')} value={filter.source} onChange={(e) => setFilterField('source', e.target.value)}>
                  <option value="">
                    {t('dispatch.filters.source')}: {t('dispatch.filters.all')}
                  </option>
                  {IncidentSource.options.map((s) => (
                    <option key={s} value={s}>
                      {t(`source.${s}`)}
                    </option>
                  ))}
                </select>
              </div>
              <h2>
                {t('dispatch.queue')} <span className="count" data-testid="queue-count">{t('dispatch.queueCount', { shown: queue.length, total: all.length })}</span>
              </h2>
              {state.capped && <p className="muted small">{t('dispatch.capped', { count: MAX_OPEN_CASES })}</p>}
              {state.loading && all.length === 0 ? (
                <p className="muted">{t('dispatch.loading')}</p>
              ) : queue.length === 0 ? (
                <p className="muted" data-testid="queue-empty">
                  {t('dispatch.empty')}
                </p>
              ) : null}
              <CaseQueue items={queue} cursorId={cursorId} openedId={openedId} categories={categories} townName={townName} now={now} onOpen={open} />
            </>
          )}
        </section>

        <section className="detail-pane">
          <PatrolAlerts alerts={patrolAlerts.alerts} cameras={cameraAlerts.cameras} townName={townName} />
          {opened ? (
            <CaseDetail
              view={opened}
              candidates={shownCandidates}
              candidatesLoading={candidatesLoading}
              units={units}
              teams={teams}
              teamName={teamName}
              unitName={unitName}
              categories={categories}
              townName={townName}
              now={now}
              busy={busy}
              message={message}
              onAct={(a, d) => void act(a, d)}
            />
          ) : viewError ? (
            <p className="action-message error" role="alert">
              {viewError}
            </p>
          ) : (
            <p className="muted hint">{openedId ? t('dispatch.loading') : t('dispatch.selectHint')}</p>
          )}
        </section>

        <section className="dispatch-map-pane">
          {city && (
            <DispatchMap
              city={city}
              theme={theme}
              board={board}
              boardVersion={state.version}
              teams={teams}
              teamsVersion={state.teamsVersion}
              selected={opened?.case ?? (openedId ? (board.get(openedId) ?? null) : null)}
              cursor={cursorId && cursorId !== openedId ? (board.get(cursorId) ?? null) : null}
              candidates={mapCandidates}
              categories={categories}
              townName={townName}
              teamName={teamName}
              onPickCase={open}
            />
          )}
        </section>
      </div>

      {help && (
        <div className="shortcuts" role="dialog" aria-modal="false" aria-label={t('dispatch.shortcuts.title')} data-testid="shortcuts">
          <h2>{t('dispatch.shortcuts.title')}</h2>
          <dl>
            <dt>
              <kbd>j</kbd> <kbd>k</kbd> <kbd>↓</kbd> <kbd>↑</kbd>
            </dt>
            <dd>{t('dispatch.shortcuts.move')}</dd>
            <dt>
              <kbd>Enter</kbd>
            </dt>
            <dd>{t('dispatch.shortcuts.open')}</dd>
            {/* The intake and dispatch keys, for those who may use them (not the verification desk). */}
            {user.permissions.includes('case.accept') && (
              <>
                <dt>
                  <kbd>a</kbd>
                </dt>
                <dd>{t('dispatch.shortcuts.accept')}</dd>
              </>
            )}
            {user.permissions.includes('case.register') && (
              <>
                <dt>
                  <kbd>r</kbd>
                </dt>
                <dd>{t('dispatch.shortcuts.register')}</dd>
              </>
            )}
            {mayDispatch && (
              <>
                <dt>
                  <kbd>d</kbd>
                </dt>
                <dd>{t('dispatch.shortcuts.dispatch')}</dd>
              </>
            )}
            <dt>
              <kbd>?</kbd>
            </dt>
            <dd>{t('dispatch.shortcuts.help')}</dd>
          </dl>
          <button type="button" className="act" onClick={() => setHelp(false)}>
            {t('dispatch.shortcuts.close')}
          </button>
        </div>
      )}
    </main>
  );
}
