import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Candidate, Category, Incident, Suggestion, SuggestionBatch } from '../../shared/index.js';
import { ApiError, getJson, postCaseAction } from '../cases/caseApi.js';
import { categoryName, durationText, kmText, timeText } from '../cases/format.js';
import type { CaseBoard, TeamBoard } from './caseBoard.js';

/** How often the suggestions are computed again without being asked (teams move, cases arrive). */
export const SUGGESTIONS_REFRESH_MS = 30_000;
/** How many of the oldest waiting cases are suggested for. */
export const SUGGESTIONS_LIMIT = 10;
/** After the stream changes the waiting cases, how long it must stay quiet before they are asked for again. */
export const SUGGESTIONS_SETTLE_MS = 1_000;
/** The longest a busy stream may put that off: under a steady flow of cases, once every this often. */
export const SUGGESTIONS_MAX_DEFER_MS = 5_000;

export interface SuggestionsState {
  batch: SuggestionBatch | null;
  loading: boolean;
  error: ApiError | null;
  refresh: () => void;
  /**
   * The stream changed the cases that suggestions depend on: ask again once it settles (at most one
   * request per SUGGESTIONS_SETTLE_MS, and no later than SUGGESTIONS_MAX_DEFER_MS after the first
   * change), without showing the refresh button busy.
   */
  nudge: () => void;
}

/**
 * `GET /api/dispatch/suggestions`, every SUGGESTIONS_REFRESH_MS, on demand, and after the stream
 * changes the waiting cases (`nudge`); the answer that was asked for last wins. Stops on 401 (the
 * session is over: `onUnauthenticated`).
 */
export function useSuggestions(onUnauthenticated: () => void): SuggestionsState {
  const [batch, setBatch] = useState<SuggestionBatch | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const generation = useRef(0);
  const unauthenticated = useRef(onUnauthenticated);
  unauthenticated.current = onUnauthenticated;
  const nudgeTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const firstNudgeAt = useRef<number | null>(null);

  const load = useCallback((quiet: boolean) => {
    // Whatever was waiting on a nudge is answered by this request.
    clearTimeout(nudgeTimer.current);
    firstNudgeAt.current = null;
    const mine = ++generation.current;
    if (!quiet) setLoading(true);
    getJson<SuggestionBatch>(`/api/dispatch/suggestions?limit=${SUGGESTIONS_LIMIT}`).then(
      (b) => {
        if (mine !== generation.current) return;
        setBatch(b);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== generation.current) return;
        if (err instanceof ApiError && err.status === 401) return unauthenticated.current();
        setError(err instanceof ApiError ? err : new ApiError(0, 'network', String(err)));
        setLoading(false);
      },
    );
  }, []);
  const refresh = useCallback(() => load(false), [load]);

  const nudge = useCallback(() => {
    const now = Date.now();
    firstNudgeAt.current ??= now;
    clearTimeout(nudgeTimer.current);
    const wait = Math.max(0, Math.min(SUGGESTIONS_SETTLE_MS, firstNudgeAt.current + SUGGESTIONS_MAX_DEFER_MS - now));
    nudgeTimer.current = setTimeout(() => load(true), wait);
  }, [load]);

  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, SUGGESTIONS_REFRESH_MS);
    return () => {
      clearInterval(timer);
      clearTimeout(nudgeTimer.current);
      generation.current++;
    };
  }, [refresh]);

  return { batch, loading, error, refresh, nudge };
}

/**
 * A fingerprint of the cases suggestions depend on: which cases wait for a team (registered) and
 * which were just sent one (dispatched, so their team is taken). It changes when the stream moves a
 * case into or out of those states, and not when it changes anything else about the open cases.
 */
export function suggestionInputsKey(cases: readonly Incident[]): string {
  let count = 0;
  let sum = 0;
  for (const c of cases) {
    if (c.status !== 'registered' && c.status !== 'dispatched') continue;
    count++;
    // Order-free (rows move when cases close): a sum of per-case hashes.
    let h = c.status === 'registered' ? 0x811c9dc5 : 0x1b873593;
    for (let k = 0; k < c.id.length; k++) h = Math.imul(h ^ c.id.charCodeAt(k), 0x01000193);
    sum = (sum + (h >>> 0)) % 0x100000000;
  }
  return `${count}:${sum}`;
}

/**
 * The suggestions still open by what the stream says since they were computed: a case dispatched
 * (or moved on) elsewhere is no longer waiting, and the version to send is the newest one known.
 */
export function currentSuggestions(batch: SuggestionBatch | null, board: CaseBoard): { s: Suggestion; version: number }[] {
  const out: { s: Suggestion; version: number }[] = [];
  for (const s of batch?.suggestions ?? []) {
    const held = board.get(s.caseId);
    if (held && held.version > s.version && held.status !== 'registered') continue;
    out.push({ s, version: held && held.version > s.version ? held.version : s.version });
  }
  return out;
}

/** A suggestion drawn on the map like the first of a case's candidates. */
export function suggestionAsCandidate(s: Suggestion): Candidate | null {
  return s.teamId === null ? null : { teamId: s.teamId, unitCode: s.unitCode, teamName: s.teamName, etaSeconds: s.etaSeconds, distanceMeters: s.distanceMeters, workload: s.workload, route: s.route };
}

/**
 * A case's candidates for the map with the suggested team first (its route drawn strongest): the
 * fresh ranking's entry for that team when it has one, else the suggestion's own route.
 */
export function candidatesWithSuggestionFirst(s: Suggestion, fresh: readonly Candidate[] | null): Candidate[] {
  const own = suggestionAsCandidate(s);
  if (!own) return fresh ? [...fresh] : [];
  const list = fresh ?? [];
  const same = list.find((c) => c.teamId === own.teamId);
  return [same ?? own, ...list.filter((c) => c.teamId !== own.teamId)];
}

export interface SuggestionPanelProps {
  suggestions: SuggestionsState;
  board: CaseBoard;
  /** Bumped when the board changes. */
  boardVersion: number;
  teams: TeamBoard | null;
  teamName: (id: string) => string;
  unitName: (code: string) => string;
  categories: ReadonlyMap<string, Category>;
  townName: (code: string) => string;
  /** Now on the server's clock (ms), for the ages. */
  now: number;
  /** The case open in the console. */
  openedId: string | null;
  /** A row was clicked: open its case and show the suggested route. */
  onSelect: (s: Suggestion) => void;
  /** A case the panel dispatched, as the server answered it. */
  onDispatched: (c: Incident) => void;
  onUnauthenticated: () => void;
  errorText: (err: unknown) => string;
}

type Message = { kind: 'ok' | 'error'; text: string };

/**
 * 派遣建议: the oldest registered cases, each with the team to send (no team twice), one click to
 * dispatch one, or all of them after a confirmation. Dispatching is the ordinary dispatch action with
 * the case's current version; when someone acted first (409) the suggestions are computed again.
 */
export function SuggestionPanel(props: SuggestionPanelProps) {
  const { suggestions, board, boardVersion, teams, teamName, unitName, categories, townName, now, openedId, onSelect, onDispatched, onUnauthenticated, errorText } = props;
  const { t, i18n } = useTranslation();
  const { batch, loading, error, refresh } = suggestions;
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);

  // boardVersion: the board changed in place.
  const rows = useMemo(() => currentSuggestions(batch, board), [batch, board, boardVersion]);
  const teamAvailable = (id: string) => {
    if (!teams) return true;
    const row = teams.rowOfId(id);
    return row < 0 || teams.status[row] === 'available';
  };
  const dispatchable = rows.filter((r) => r.s.teamId !== null);

  /** Sends one dispatch; resolves with what became of it. */
  const send = async (s: Suggestion, version: number): Promise<'ok' | 'conflict' | 'failed'> => {
    try {
      // A suggested crew, else the unit responsible itself (its desk sends a crew).
      const target = s.teamId !== null ? { teamId: s.teamId } : { unitCode: s.unitCode! };
      const res = await postCaseAction(s.caseId, { action: 'dispatch', ...target, version });
      onDispatched(res.case);
      return 'ok';
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        onUnauthenticated();
        return 'failed';
      }
      if (err instanceof ApiError && (err.code === 'version_conflict' || err.code === 'invalid_transition')) return 'conflict';
      setMessage({ kind: 'error', text: errorText(err) });
      return 'failed';
    }
  };

  const dispatchOne = async (s: Suggestion, version: number) => {
    if (busy || (s.teamId === null && s.unitCode === null)) return;
    setBusy(s.caseId);
    setMessage(null);
    const outcome = await send(s, version);
    setBusy(null);
    const to = s.teamId !== null ? teamName(s.teamId) : unitName(s.unitCode!);
    if (outcome === 'ok') setMessage({ kind: 'ok', text: t('dispatch.suggestions.dispatched', { team: to }) });
    if (outcome === 'conflict') setMessage({ kind: 'error', text: t('dispatch.suggestions.conflict') });
    refresh();
  };

  const dispatchAll = async () => {
    setConfirming(false);
    if (busy) return;
    setBusy('*');
    setMessage(null);
    let done = 0;
    let failed = 0;
    for (const { s, version } of dispatchable) {
      const outcome = await send(s, version);
      if (outcome === 'ok') done++;
      else failed++;
    }
    setBusy(null);
    setMessage(
      failed === 0
        ? { kind: 'ok', text: t('dispatch.suggestions.allDone', { done }) }
        : { kind: 'error', text: t('dispatch.suggestions.someFailed', { done, failed }) },
    );
    refresh();
  };

  return (
    <div className="suggestions" data-testid="suggestions">
      <div className="suggestions-head">
        <span className="muted small" data-testid="suggestions-waiting">
          {batch ? t('dispatch.suggestions.waiting', { count: batch.waiting }) : '\u00a0'}
        </span>
        <span className="muted small">{batch ? t('dispatch.suggestions.updatedAt', { time: timeText(batch.at) }) : ''}</span>
        <button type="button" className="act small" data-testid="suggestions-refresh" disabled={loading} onClick={refresh}>
          {loading ? t('dispatch.suggestions.loading') : t('dispatch.suggestions.refresh')}
        </button>
      </div>
      <p className="muted small suggestions-hint">{t('dispatch.suggestions.hintLive')}</p>
      {error && !batch && (
        <p className="action-message error" role="alert">
          {errorText(error)}
        </p>
      )}
      {batch && rows.length === 0 && (
        <p className="muted" data-testid="suggestions-empty">
          {t('dispatch.suggestions.empty')}
        </p>
      )}
      <ol className="suggestion-list">
        {rows.map(({ s, version }) => {
          const free = s.teamId === null || teamAvailable(s.teamId);
          return (
            <li
              key={s.caseId}
              data-testid="suggestion-row"
              data-id={s.caseId}
              data-team={s.teamId ?? ''}
              className={`suggestion-row${s.caseId === openedId ? ' opened' : ''}${s.teamId === null ? ' unassigned' : ''}`}
              onClick={() => onSelect(s)}
            >
              <div className="queue-line" title={`${categoryName(categories, s.categoryCode, i18n.language)} · ${townName(s.townCode)}${s.teamId ? ` → ${teamName(s.teamId)}` : ''}`}>
                <span className="queue-cat">{categoryName(categories, s.categoryCode, i18n.language)}</span>
                <span className="queue-town">{townName(s.townCode)}</span>
                <span className="suggestion-age" title={s.reportedAt}>
                  {t('dispatch.suggestions.age', { time: durationText(t, now - Date.parse(s.reportedAt)) })}
                </span>
              </div>
              <div className="queue-line sub">
                {s.teamId === null ? (
                  <>
                    <span className="suggestion-none">{t(`dispatch.suggestions.reasons.${s.reason}`)}</span>
                    {s.unitCode !== null && (
                      <>
                        <span className="suggestion-team" data-testid="suggestion-unit">
                          → {unitName(s.unitCode)}
                        </span>
                        <button
                          type="button"
                          className="act small"
                          data-testid="suggestion-dispatch-unit"
                          disabled={busy !== null}
                          onClick={(e) => {
                            e.stopPropagation();
                            void dispatchOne(s, version);
                          }}
                        >
                          {busy === s.caseId ? t('dispatch.working') : t('dispatch.units.dispatchToUnit')}
                        </button>
                      </>
                    )}
                  </>
                ) : (
                  <>
                    <span className="suggestion-team">→ {teamName(s.teamId)}</span>
                    <span className="cand-eta">{t('dispatch.eta', { minutes: Math.max(1, Math.round(s.etaSeconds / 60)) })}</span>
                    <span>{t('dispatch.km', { km: kmText(s.distanceMeters) })}</span>
                    {!free && <span className="badge">{t('dispatch.suggestions.teamBusy')}</span>}
                    <button
                      type="button"
                      className="act main small"
                      data-testid="suggestion-dispatch"
                      disabled={busy !== null}
                      onClick={(e) => {
                        e.stopPropagation();
                        void dispatchOne(s, version);
                      }}
                    >
                      {busy === s.caseId ? t('dispatch.working') : t('dispatch.dispatchTo')}
                    </button>
                  </>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      {dispatchable.length > 0 && (
        <div className="suggestions-foot">
          {confirming ? (
            <div className="suggestions-confirm" role="alertdialog" aria-label={t('dispatch.suggestions.confirmAll', { count: dispatchable.length })}>
              <span>{t('dispatch.suggestions.confirmAll', { count: dispatchable.length })}</span>
              <button type="button" className="act main" data-testid="suggestions-confirm" onClick={() => void dispatchAll()}>
                {t('dispatch.suggestions.confirm')}
              </button>
              <button type="button" className="act" onClick={() => setConfirming(false)}>
                {t('dispatch.suggestions.cancel')}
              </button>
            </div>
          ) : (
            <button type="button" className="act" data-testid="suggestions-dispatch-all" disabled={busy !== null} onClick={() => setConfirming(true)}>
              {busy === '*' ? t('dispatch.working') : t('dispatch.suggestions.dispatchAll', { count: dispatchable.length })}
            </button>
          )}
        </div>
      )}
      {message && (
        <p className={`action-message ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="suggestions-message">
          {message.text}
        </p>
      )}
    </div>
  );
}
