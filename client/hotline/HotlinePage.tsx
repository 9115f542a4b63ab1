import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type Dispatch } from 'react';
import { useTranslation } from 'react-i18next';
import type { Incident, SessionUser } from '../../shared/index.js';
import { LookButtons, SignedInUser } from '../auth/HeaderControls.js';
import type { SignOutReason } from '../auth/session.js';
import { ApiError } from '../cases/caseApi.js';
import { refusalText } from '../i18n/refusal.js';
import { dateTimeText, isEnglish } from '../cases/format.js';
import { useCityAndCategories } from '../cases/useCityAndCategories.js';
import type { Theme } from '../map/palette.js';
import { DASHBOARD_PATH, DISPATCH_PATH, Link } from '../routing.js';
import { applyTheme, savedTheme } from '../theme.js';
import {
  CALL_NATURES,
  deskReducer,
  EMPTY_DESK,
  matchCategories,
  missingFields,
  NEARBY_RADIUS_M,
  nearbyCases,
  nearbyKey,
  reportOf,
  saveGate,
  type DeskAction,
  type DeskState,
  type NearbyCase,
} from './hotlineDesk.js';
import { fetchNearby, fileReport, joinCase } from './hotlineApi.js';
import { usePlaceResults } from './usePlaceResults.js';
import { HotlineMap } from './HotlineMap.js';
import { CategorySearchBox, PlaceSearchBox } from './PlaceAndCategoryBoxes.js';

interface PageProps {
  user: SessionUser;
  onSignOut: (reason?: SignOutReason) => void;
}

/** How long typing pauses before the nearby check asks the server. */
const NEARBY_DEBOUNCE_MS = 250;

/** Looks for open cases of the category around the spot whenever either changes (answers for an old spot are dropped). */
function useNearbyCheck(desk: DeskState, dispatch: Dispatch<DeskAction>, describe: (err: unknown) => string): void {
  const key = nearbyKey(desk);
  const point = desk.point;
  const category = desk.categoryCode;
  useEffect(() => {
    if (!key || !point || !category) return;
    dispatch({ type: 'nearbyLoading', key });
    const timer = setTimeout(() => {
      fetchNearby(category, point[0], point[1]).then(
        (cases) => dispatch({ type: 'nearbyLoaded', key, cases }),
        (err: unknown) => dispatch({ type: 'nearbyFailed', key, message: describe(err) }),
      );
    }, NEARBY_DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // The key says everything the check depends on.
  }, [key]);
}

/** How a case is named to a caller: its short number (WJ-20261206-0042), or the end of its id where it has none. */
const caseRef = (i: Pick<Incident, 'id' | 'number'>) => i.number ?? i.id.slice(-8);

/**
 * 12345热线受理台, the hotline desk: the operator takes a call — the caller's name and number, the
 * nature of the call, where (found by typing an address, road, landmark or grid code over the city's
 * own names, then fixed on the map), the category and what is wrong. Before filing, the open cases of
 * the same category within 200 m are listed, so a repeat call joins its case (the call is filed and
 * merged into it) instead of becoming a duplicate; the operator may still file a new case.
 * State lives in one reducer (hotlineDesk.ts); this component renders and runs the requests.
 */
export function HotlinePage({ user, onSignOut }: PageProps) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const en = isEnglish(language);
  const onSignOutRef = useRef(onSignOut);
  onSignOutRef.current = onSignOut;
  const unauthenticated = useCallback(() => onSignOutRef.current('unauthenticated'), []);
  const [theme, setTheme] = useState<Theme>(savedTheme);
  useEffect(() => applyTheme(theme), [theme]);
  const mayReport = user.permissions.includes('incident.report');

  const { city, categories } = useCityAndCategories(unauthenticated);
  const catalog = useMemo(() => [...categories.values()], [categories]);
  const [desk, dispatch] = useReducer(deskReducer, EMPTY_DESK);

  const errorText = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError) {
        if (err.status === 401) unauthenticated();
        if (err.code === 'outside_city') return t('hotline.outside_city');
      }
      // The consoles' words for a case's refusals (errors.*: 案件不存在, …), the general ones for the rest.
      return refusalText(err, t, { scope: 'errors' });
    },
    [t, unauthenticated],
  );

  const places = usePlaceResults(desk.placeQuery, unauthenticated);
  useNearbyCheck(desk, dispatch, errorText);
  const nearby = nearbyCases(desk);
  const gate = saveGate(desk);
  const categoryOptions = useMemo(() => matchCategories(catalog, desk.categoryQuery), [catalog, desk.categoryQuery]);

  async function file(joinInto: Incident | null) {
    dispatch({ type: 'saving', joining: joinInto?.id ?? null });
    let filed;
    try {
      filed = await fileReport(reportOf(desk));
    } catch (err) {
      dispatch({ type: 'saveFailed', message: errorText(err) });
      return;
    }
    if (!joinInto) {
      dispatch({ type: 'saved', incident: filed, joined: null });
      return;
    }
    try {
      await joinCase(filed, joinInto.id);
      dispatch({ type: 'saved', incident: filed, joined: caseRef(joinInto) });
    } catch (err) {
      // Filed but not joined: the form is cleared all the same, so the call is not filed twice.
      dispatch({ type: 'saved', incident: filed, joined: caseRef(joinInto), joinError: errorText(err) });
    }
  }

  const placeStatus =
    places.status === 'failed' ? t('hotline.placeFailed', { reason: places.message }) : places.status === 'done' ? t('hotline.placeNone') : t('hotline.placeSearching');
  const busy = desk.save.state === 'saving';

  return (
    <main className="hotline">
      <header>
        <h1>
          GridWatch <span data-testid="page-title">{t('hotline.title')}</span>
        </h1>
        <nav className="nav">
          <Link to={DASHBOARD_PATH} className="nav-link" data-testid="nav-dashboard">
            {t('nav.dashboard')}
          </Link>
          {user.permissions.includes('case.dispatch') && (
            <Link to={DISPATCH_PATH} className="nav-link" data-testid="nav-dispatch">
              {t('nav.dispatch')}
            </Link>
          )}
        </nav>
        <LookButtons theme={theme} onTheme={setTheme} />
        <SignedInUser user={user} onSignOut={() => onSignOutRef.current()} />
      </header>

      <div className="hotline-body">
        <form
          className="hotline-form"
          aria-label={t('hotline.title')}
          onSubmit={(e) => {
            e.preventDefault();
            if (mayReport && gate === 'file') void file(null);
          }}
        >
          {!mayReport && (
            <p className="hotline-notice" role="note" data-testid="hotline-no-report">
              {t('hotline.noReport')}
            </p>
          )}
          <fieldset className="hotline-caller">
            <legend>{t('hotline.caller')}</legend>
            <label>
              {t('hotline.callerName')}
              <input data-testid="caller-name" type="text" autoComplete="off" maxLength={50} placeholder={t('hotline.callerNamePlaceholder')} value={desk.callerName} onChange={(e) => dispatch({ type: 'callerName', value: e.target.value })} />
            </label>
            <label>
              {t('hotline.callerPhone')}
              <input data-testid="caller-phone" type="tel" autoComplete="off" maxLength={20} value={desk.callerPhone} onChange={(e) => dispatch({ type: 'callerPhone', value: e.target.value })} />
            </label>
          </fieldset>

          <fieldset className="hotline-nature">
            <legend>{t('hotline.nature')}</legend>
            <div className="nature-options">
              {CALL_NATURES.map((n) => (
                <label key={n} className={desk.nature === n ? 'checked' : undefined}>
                  <input type="radio" name="call-nature" value={n} data-testid={`nature-${n}`} checked={desk.nature === n} onChange={() => dispatch({ type: 'nature', nature: n })} />
                  {t(`hotline.natures.${n}`)}
                </label>
              ))}
            </div>
          </fieldset>

          <PlaceSearchBox
            id="hotline-place"
            label={t('hotline.place')}
            placeholder={t('hotline.placePlaceholder')}
            query={desk.placeQuery}
            onQuery={(query) => dispatch({ type: 'placeQuery', query })}
            options={places.items}
            status={placeStatus}
            onPick={(place, label) => dispatch({ type: 'placePicked', place, label })}
          />
          <p className="hotline-point small muted" data-testid="hotline-point">
            {desk.point ? `${t('hotline.point', { lon: desk.point[0].toFixed(6), lat: desk.point[1].toFixed(6) })} · ${t('hotline.pointHint')}` : t('hotline.noPoint')}
          </p>

          <CategorySearchBox
            id="hotline-category"
            label={t('hotline.category')}
            placeholder={t('hotline.categoryPlaceholder')}
            query={desk.categoryQuery}
            onQuery={(query) => dispatch({ type: 'categoryQuery', query })}
            options={categoryOptions}
            status={t('hotline.categoryNone')}
            onPick={(category, label) => dispatch({ type: 'categoryPicked', category, label })}
          />

          <label className="hotline-description">
            {t('hotline.description')}
            <textarea data-testid="description" rows={4} maxLength={2000} placeholder={t('hotline.descriptionPlaceholder')} value={desk.description} onChange={(e) => dispatch({ type: 'description', value: e.target.value })} />
          </label>

          <SaveBar desk={desk} gate={gate} mayReport={mayReport} busy={busy} nearbyCount={nearby.length} onFileAnyway={() => dispatch({ type: 'fileAnyway' })} onNextCall={() => dispatch({ type: 'nextCall' })} />
        </form>

        <section className="hotline-side">
          <div className="hotline-map-pane">
            {city && (
              <HotlineMap
                city={city}
                theme={theme}
                language={en ? 'en' : 'zh-CN'}
                place={desk.place}
                point={desk.point}
                nearby={nearby}
                onPoint={(lon, lat) => dispatch({ type: 'pointMoved', lon, lat })}
              />
            )}
            <div className="hotline-map-legend small">{t('hotline.mapLegend', { radius: NEARBY_RADIUS_M })}</div>
          </div>
          <NearbyPanel desk={desk} cases={nearby} language={language} mayJoin={mayReport && gate !== 'incomplete' && gate !== 'check' && !busy} onJoin={(i) => void file(i)} />
        </section>
      </div>
    </main>
  );
}

/** The foot of the form: what is missing, the check running, the cases to review first, or the button that files. */
function SaveBar(props: { desk: DeskState; gate: ReturnType<typeof saveGate>; mayReport: boolean; busy: boolean; nearbyCount: number; onFileAnyway: () => void; onNextCall: () => void }) {
  const { desk, gate, mayReport, busy, nearbyCount, onFileAnyway, onNextCall } = props;
  const { t } = useTranslation();
  const save = desk.save;
  const missing = missingFields(desk);
  let message: { kind: 'ok' | 'error' | 'muted'; text: string } | null = null;
  if (save.state === 'saved') {
    message = save.joinError
      ? { kind: 'error', text: t('hotline.joinFailed', { id: caseRef(save.incident), into: save.joined ?? '', reason: save.joinError }) }
      : save.joined
        ? { kind: 'ok', text: t('hotline.joined', { into: save.joined }) }
        : { kind: 'ok', text: t('hotline.saved', { id: caseRef(save.incident) }) };
  } else if (save.state === 'failed') message = { kind: 'error', text: t('hotline.saveFailed', { reason: save.message }) };
  else if (gate === 'incomplete') message = { kind: 'muted', text: t('hotline.missing', { fields: missing.map((f) => t(`hotline.fields.${f}`)).join('、') }) };
  else if (gate === 'check') message = { kind: 'muted', text: t('hotline.checking') };
  else if (gate === 'review') message = { kind: 'error', text: t('hotline.reviewFirst', { count: nearbyCount }) };
  return (
    <div className="hotline-save">
      <p
        className={`action-message ${message?.kind ?? ''}`}
        role="status"
        data-testid="save-message"
        data-case-id={save.state === 'saved' ? save.incident.id : undefined}
        title={save.state === 'saved' ? save.incident.id : undefined}
      >
        {message?.text}
      </p>
      <div className="case-actions">
        {gate === 'review' ? (
          // Keyed apart from the submit button: were React to reuse this element and make it a submit
          // button while its click is still being dispatched, that click would file the call at once.
          <button key="file-anyway" type="button" className="act" data-testid="file-anyway" disabled={!mayReport} onClick={onFileAnyway}>
            {t('hotline.fileAnyway')}
          </button>
        ) : (
          <button key="file-call" type="submit" className="act main" data-testid="file-call" disabled={!mayReport || gate !== 'file'}>
            {busy ? t('hotline.saving') : t('hotline.save')}
          </button>
        )}
        {save.state === 'saved' && (
          <button type="button" className="act" data-testid="next-call" onClick={onNextCall}>
            {t('hotline.nextCall')}
          </button>
        )}
      </div>
    </div>
  );
}

/** The open cases of the category near the spot, nearest first, each with what the caller is told and a button to join it. */
function NearbyPanel({ desk, cases, language, mayJoin, onJoin }: { desk: DeskState; cases: NearbyCase[]; language: string; mayJoin: boolean; onJoin: (i: Incident) => void }) {
  const { t } = useTranslation();
  const check = desk.nearby;
  const current = check.state !== 'idle' && check.key === nearbyKey(desk);
  let status: string;
  if (!current) status = t('hotline.nearbyWaiting');
  else if (check.state === 'loading') status = t('hotline.nearbyChecking');
  else if (check.state === 'failed') status = t('hotline.nearbyFailed', { reason: check.message });
  else status = cases.length === 0 ? t('hotline.nearbyNone') : t('hotline.nearbyHint');
  return (
    <section className="hotline-nearby" aria-label={t('hotline.nearbyTitle', { radius: NEARBY_RADIUS_M })} data-testid="nearby" data-state={current ? check.state : 'idle'}>
      <h2>
        {t('hotline.nearbyTitle', { radius: NEARBY_RADIUS_M })}
        {current && check.state === 'done' && <span className="count">{cases.length}</span>}
      </h2>
      <p className={`small ${cases.length > 0 ? 'nearby-hint' : 'muted'}`} data-testid="nearby-status">
        {status}
      </p>
      {cases.length > 0 && (
        <ol className="nearby-list">
          {cases.map(({ incident: i, distanceM }) => (
            <li key={i.id} data-testid="nearby-case" data-case-id={i.id}>
              <div className="queue-line">
                <span className="dup-id" title={i.id}>
                  {caseRef(i)}
                </span>
                <span className={`state state-${i.status}`}>{t(`status.${i.status}`)}</span>
                <span className="muted">{t('hotline.reported', { time: dateTimeText(i.reportedAt, language) })}</span>
                <span className="nearby-distance">{t('hotline.distance', { meters: Math.round(distanceM) })}</span>
                <span className="muted">{t(`source.${i.source}`)}</span>
              </div>
              {i.description && <p className="nearby-desc">{i.description}</p>}
              <button type="button" className="act small" data-testid="join-case" disabled={!mayJoin} onClick={() => onJoin(i)}>
                {t('hotline.join')}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
