import { useEffect, useMemo, useReducer, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../shared/index.js';
import type { ReplayAnswer } from '../../shared/schema/replay.js';
import { AdminHeader } from '../admin/AdminHeader.js';
import { ApiError } from '../cases/caseApi.js';
import { refusalText } from '../i18n/refusal.js';
import { useCityAndCategories } from '../cases/useCityAndCategories.js';
import { REPLAY_PATH } from '../routing.js';
import { useDocumentTheme } from '../theme.js';
import { fetchReplay, type ReplaySubject } from './replayApi.js';
import { chinaTime, clockReducer, INITIAL_CLOCK, previousChinaDay, SPEEDS } from './replayClock.js';
import { CASE_STATUS_COLOUR, ReplayMap, type DrawnCase, type DrawnTeam } from './ReplayMap.js';
import { decodeTracks, eventsAround, isOpenStatus, ReplayCursor, statusName, storyOf, teamPositionAt, trailAt } from './replayState.js';
import './replay.css';

/** What "now" lists: the events of the last ten minutes of replay time. */
const NOW_SPAN_MS = 10 * 60_000;
/** A crew's trail: where it drove in the last quarter of an hour. */
const TRAIL_MS = 15 * 60_000;
const MAX_LISTED = 40;

/** The case a link asks for (`/replay?case=<id>`), else null: the day's replay. */
function caseOfLocation(): string | null {
  return new URLSearchParams(location.search).get('case');
}

/**
 * 复盘 (/replay): a local day, or one case, stepped through on one timeline at 1×–300×: the cases
 * appear and change stage on the city map, the crews drive with their trails, the clock and the
 * events of the moment beside it; picking a case follows its story (its steps highlighted, the map
 * on it). Everything is folded in the page from one answer of `GET /api/replay` (replayState.ts).
 */
export function ReplayPage({ user, onSignOut }: { user: SessionUser; onSignOut: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const { city, categories } = useCityAndCategories(() => onSignOut());
  const theme = useDocumentTheme();

  const today = useMemo(() => previousChinaDay(Date.now() + 86_400_000), []);
  const [day, setDay] = useState(() => previousChinaDay(Date.now()));
  const [caseId, setCaseId] = useState<string | null>(caseOfLocation);
  const subject: ReplaySubject = caseId ? { caseId } : { day };
  const [answer, setAnswer] = useState<ReplayAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [clock, dispatch] = useReducer(clockReducer, INITIAL_CLOCK);
  const [picked, setPicked] = useState<number | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    setError(null);
    setLoading(true);
    // The map stays as it is until the next answer is there: a remount would fetch the basemap again.
    fetchReplay(subject, abort.signal).then(
      (a) => {
        setLoading(false);
        setPicked(null);
        setAnswer(a);
        dispatch({ type: 'load', end: Date.parse(a.until) - Date.parse(a.since) });
        // A case's replay follows that case from the start.
        if (a.caseId !== null) setPicked(a.cases.id.indexOf(a.caseId));
      },
      (err: unknown) => {
        if (abort.signal.aborted) return;
        setLoading(false);
        if (err instanceof ApiError && err.status === 401) onSignOut();
        setError(err);
      },
    );
    return () => abort.abort();
    // The subject is `day` or `caseId`.
  }, [day, caseId, onSignOut]);

  // Playing: each animation frame moves the clock by the real time gone by, times the speed.
  useEffect(() => {
    if (!clock.playing) return;
    let last = performance.now();
    let frame = requestAnimationFrame(function step(now) {
      dispatch({ type: 'tick', realMs: now - last });
      last = now;
      frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [clock.playing]);

  const cursor = useMemo(() => (answer ? new ReplayCursor(answer) : null), [answer]);
  const tracks = useMemo(() => (answer ? decodeTracks(answer) : []), [answer]);
  const since = answer ? Date.parse(answer.since) : 0;

  // The moment shown: the cursor stepped to it, the open cases and the crews there.
  cursor?.seek(clock.t);
  const drawnCases = useMemo<DrawnCase[]>(() => {
    if (!answer || !cursor) return [];
    const out: DrawnCase[] = [];
    const s = cursor.states.status;
    for (let i = 0; i < s.length; i++) if (isOpenStatus(s[i]!)) out.push({ index: i, lon: answer.cases.lon[i]!, lat: answer.cases.lat[i]!, status: statusName(s[i]!)! });
    return out;
    // The cursor's position is what changes the states.
  }, [answer, cursor, cursor?.position]);
  const drawnTeams = useMemo<DrawnTeam[]>(
    () =>
      tracks.flatMap((tr) => {
        const p = teamPositionAt(tr, clock.t);
        return p ? [{ index: tr.team, lon: p.lon, lat: p.lat, status: p.status, trail: trailAt(tr, clock.t, TRAIL_MS) }] : [];
      }),
    [tracks, clock.t],
  );
  const happening = useMemo(() => (answer ? eventsAround(answer, clock.t, NOW_SPAN_MS).slice(0, MAX_LISTED) : []), [answer, clock.t]);
  const story = useMemo(() => (answer && picked !== null ? storyOf(answer, picked) : []), [answer, picked]);

  const categoryName = (code: string) => {
    const c = categories.get(code);
    return c ? (zh ? c.name.zh : c.name.en) : code;
  };
  const caseLabel = (i: number) => (answer ? `${answer.cases.number[i] ?? answer.cases.id[i]!.slice(-8)} · ${categoryName(answer.cases.category[i]!)}` : '');
  const teamName = (i: number) => {
    const team = answer?.teams[i];
    return team ? (zh ? team.name.zh : team.name.en) : '';
  };
  const eventLabel = (i: number) => {
    const e = answer!.events;
    const action = e.action[i];
    if (action) return t(`actions.${action}`);
    return e.status[i] === 'reported' ? t('replay.reported') : t('replay.statusChanged');
  };
  const actorOf = (i: number) => {
    const a = answer!.events.actor[i];
    return a === null || a === undefined ? null : answer!.actors[a];
  };

  const pickCase = (i: number) => setPicked((p) => (p === i ? null : i));

  return (
    <main className="replay">
      <AdminHeader title={t('replay.title')} here={REPLAY_PATH} user={user} onSignOut={onSignOut} />
      <div className="replay-controls">
        <label>
          {t('replay.day')}
          <input
            type="date"
            value={day}
            max={today}
            onChange={(e) => {
              if (!e.target.value) return;
              setCaseId(null);
              setDay(e.target.value);
            }}
            data-testid="replay-day"
          />
        </label>
        <button type="button" className="replay-play" onClick={() => dispatch({ type: clock.playing ? 'pause' : 'play' })} disabled={!answer} data-testid="replay-play" aria-pressed={clock.playing}>
          {clock.playing ? t('replay.pause') : t('replay.play')}
        </button>
        <span className="replay-speeds" role="group" aria-label={t('replay.speed')}>
          {SPEEDS.map((s) => (
            <button key={s} type="button" aria-pressed={clock.speed === s} className={clock.speed === s ? 'active' : ''} onClick={() => dispatch({ type: 'speed', speed: s })} data-testid={`replay-speed-${s}`}>
              {s}×
            </button>
          ))}
        </span>
        <input
          type="range"
          className="replay-slider"
          min={0}
          max={clock.end}
          step={1000}
          value={Math.floor(clock.t / 1000) * 1000}
          onChange={(e) => dispatch({ type: 'seek', t: Number(e.target.value) })}
          disabled={!answer}
          aria-label={t('replay.timeline')}
          data-testid="replay-slider"
        />
        <time className="replay-clock" data-testid="replay-clock" data-t={Math.round(clock.t)}>
          {answer ? chinaTime(since + clock.t, true) : '--:--:--'}
        </time>
      </div>
      {error !== null && <p className="action-message error" role="alert">{refusalText(error, t)}</p>}
      {loading && answer && <p className="muted small replay-reloading" data-testid="replay-reloading">{t('replay.loading')}</p>}
      <div className="replay-body">
        <section className="replay-map-pane">
          {city && answer ? (
            <ReplayMap city={city} theme={theme} answer={answer} cases={drawnCases} teams={drawnTeams} picked={picked} onPick={pickCase} teamName={teamName} caseLabel={caseLabel} />
          ) : (
            <p className="muted replay-loading" data-testid="replay-loading">{t('replay.loading')}</p>
          )}
          {answer && answer.day !== null && answer.trackPoints.stored === 0 && (
            // Said over the map, not only beside it: an empty map would otherwise read as crews standing idle.
            <p className="replay-no-tracks" role="status" data-testid="replay-no-tracks">
              {t('replay.noTracksDay')}
            </p>
          )}
          <ul className="replay-legend">
            {(['reported', 'registered', 'dispatched', 'handling', 'handled', 'verified', 'suspended'] as const).map((s) => (
              <li key={s}>
                <span className="dot" style={{ background: `rgb(${CASE_STATUS_COLOUR[s].join(',')})` }} />
                {t(`status.${s}`)}
              </li>
            ))}
          </ul>
        </section>
        <aside className="replay-side">
          <p className="replay-counts" data-testid="replay-open-count" data-count={drawnCases.length}>
            {t('replay.openCases', { count: drawnCases.length })} · {t('replay.teamsShown', { count: drawnTeams.length })}
          </p>
          {answer && (answer.trackPoints.stored > 0 || answer.day === null) && (
            <p className="muted small" data-testid="replay-track-points">
              {answer.trackPoints.stored === 0 ? t('replay.noTracks') : t('replay.trackPoints', { kept: answer.trackPoints.kept, stored: answer.trackPoints.stored, tolerance: answer.toleranceM })}
            </p>
          )}
          {answer && picked !== null && picked >= 0 && (
            <section className="replay-story" data-testid="replay-story">
              <h3>
                {t('replay.story')} · {caseLabel(picked)}
                {answer.caseId === null && (
                  <button type="button" className="linkish" onClick={() => setCaseId(answer.cases.id[picked]!)} data-testid="replay-whole-case">
                    {t('replay.wholeCase')}
                  </button>
                )}
                <button type="button" className="linkish" onClick={() => setPicked(null)} data-testid="replay-unfollow">
                  {t('replay.unfollow')}
                </button>
              </h3>
              <ol>
                {story.map((i) => {
                  const at = answer.events.t[i]!;
                  const state = at > clock.t ? 'future' : story.filter((j) => answer.events.t[j]! <= clock.t).at(-1) === i ? 'current' : 'past';
                  return (
                    <li key={i} className={`replay-step ${state}`} data-testid="replay-step" data-state={state}>
                      <button type="button" className="linkish" onClick={() => dispatch({ type: 'seek', t: at })}>
                        <time>{chinaTime(since + at)}</time> {eventLabel(i)} → {t(`status.${answer.events.status[i]!}`)}
                        {answer.events.team[i] !== null && answer.events.team[i] !== undefined && <> · {teamName(answer.events.team[i]!)}</>}
                        {actorOf(i) && <> · {actorOf(i)}</>}
                      </button>
                    </li>
                  );
                })}
              </ol>
            </section>
          )}
          <h3>{t('replay.happening')}</h3>
          {happening.length === 0 && <p className="muted small">{t('replay.quiet')}</p>}
          <ol className="replay-events" data-testid="replay-events">
            {happening.map((i) => {
              const c = answer!.events.case[i]!;
              return (
                <li key={i} data-testid="replay-event" className={c === picked ? 'picked' : ''}>
                  <button type="button" className="linkish" onClick={() => pickCase(c)}>
                    <time>{chinaTime(since + answer!.events.t[i]!)}</time>
                    <span className="dot" style={{ background: `rgb(${CASE_STATUS_COLOUR[answer!.events.status[i]!].join(',')})` }} />
                    {eventLabel(i)} · {caseLabel(c)}
                    {actorOf(i) && <span className="muted"> · {actorOf(i)}</span>}
                  </button>
                </li>
              );
            })}
          </ol>
        </aside>
      </div>
    </main>
  );
}
