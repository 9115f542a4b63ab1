import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  CommunityProps,
  PersonRef,
  ResponsibilityCellView,
  ResponsibilityChangeAnswer,
  ResponsibilityGapsAnswer,
  ResponsibilityPersonView,
  ResponsibilityRole,
  SessionUser,
} from '../../shared/index.js';
import type { SignOutReason } from '../auth/session.js';
import { ApiError } from '../cases/caseApi.js';
import { refusalText } from '../i18n/refusal.js';
import { isEnglish } from '../cases/format.js';
import { useCityAndCategories } from '../cases/useCityAndCategories.js';
import { useDocumentTheme } from '../theme.js';
import { RESPONSIBILITY_PATH } from '../routing.js';
import { AdminHeader } from './AdminHeader.js';
import { fetchCommunities, fetchGaps, fetchGridCells, fetchResponsibilityCells, fetchRoster, saveResponsibility } from './responsibilityApi.js';
import { ResponsibilityMap } from './ResponsibilityMap.js';
import {
  assignmentOf,
  boundsOf,
  cellAt,
  cellPlaces,
  EMPTY_SELECTION,
  holdersOf,
  KEEP_ALL,
  selectedCells,
  selectionReducer,
  type GridCell,
  type RoleChoice,
  type RoleChoices,
  type SelectionMode,
} from './responsibilitySelection.js';

const ROLES: readonly ResponsibilityRole[] = ['inspector', 'grid_worker', 'grid_head'];
const MODES: readonly SelectionMode[] = ['area', 'polygon', 'cell'];
/** A role select's values besides a person's id (ids start with a letter, so neither can be one). */
const KEEP = '';
const NOBODY = '-';
/** The polygon is drawn only while it is the pick (switching keeps it for coming back). */
const NO_VERTICES: readonly [number, number][] = [];
/** How many holders of a role the summary of a pick names; the rest are counted. */
const HOLDERS_SHOWN = 4;

/** What the last save (or read of the inspected cell) came to; worded at render, in the language shown then. */
type Message = { kind: 'saved'; answer: ResponsibilityChangeAnswer } | { kind: 'saveFailed' | 'readFailed'; error: unknown };


const choiceValue = (c: RoleChoice) => (c.kind === 'keep' ? KEEP : c.kind === 'nobody' ? NOBODY : c.id);
const choiceOf = (value: string): RoleChoice => (value === KEEP ? { kind: 'keep' } : value === NOBODY ? { kind: 'nobody' } : { kind: 'person', id: value });

/**
 * 责任网格 编辑, the admins' responsibility editor: pick cells (a town, a community, a polygon drawn on
 * the map, or cells clicked one by one), name their inspector (监督员), grid worker (网格员) and grid
 * head (网格长), or nobody, and save them in one all-or-nothing change. The map shows in red the
 * cells no inspector answers for, so what is left to assign is in sight; a clicked cell's holders are
 * in the side panel. The selection is a pure reducer (responsibilitySelection.ts) whose preview
 * selects cells as the server will.
 */
export function ResponsibilityPage({ user, onSignOut }: { user: SessionUser; onSignOut: (reason?: SignOutReason) => void }) {
  const { t, i18n } = useTranslation();
  const en = isEnglish(i18n.language);
  const language = en ? 'en' : 'zh-CN';
  const theme = useDocumentTheme();
  const onSignOutRef = useRef(onSignOut);
  onSignOutRef.current = onSignOut;
  const { city, units } = useCityAndCategories(() => onSignOutRef.current('unauthenticated'));

  const [cells, setCells] = useState<GridCell[] | null>(null);
  const [communities, setCommunities] = useState<CommunityProps[]>([]);
  const [roster, setRoster] = useState<ResponsibilityPersonView[]>([]);
  const [gaps, setGaps] = useState<ResponsibilityGapsAnswer | null>(null);
  const [selection, dispatch] = useReducer(selectionReducer, EMPTY_SELECTION);
  const [roles, setRoles] = useState<RoleChoices>(KEEP_ALL);
  const [find, setFind] = useState('');
  const [inspected, setInspected] = useState(-1);
  const [inspectedView, setInspectedView] = useState<ResponsibilityCellView | null>(null);
  const [holders, setHolders] = useState<ResponsibilityCellView[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  /** Bumped by each save: what the map and the panels show is read again. */
  const [version, setVersion] = useState(0);

  /** A refusal's words: the page's own for the codes it knows (what a pick lacks), the general ones for the rest. */
  const failureText = (err: unknown) => refusalText(err, t, { scope: 'responsibility.errors' });
  // Set once: the reads below do not run again when the language changes.
  const failed = useCallback((err: unknown) => {
    if (err instanceof ApiError && err.status === 401) onSignOutRef.current('unauthenticated');
  }, []);

  useEffect(() => {
    const loadFailed = (err: unknown) => {
      failed(err);
      setLoadError(err);
    };
    fetchGridCells().then(setCells, loadFailed);
    fetchCommunities().then(setCommunities, loadFailed);
  }, [failed]);
  // The roster's loads and the gaps move with every save.
  useEffect(() => {
    const loadFailed = (err: unknown) => {
      failed(err);
      setLoadError(err);
    };
    fetchRoster().then(setRoster, loadFailed);
    fetchGaps().then(setGaps, loadFailed);
  }, [version, failed]);

  const places = useMemo(() => (cells ? cellPlaces(cells) : []), [cells]);
  const indexByCode = useMemo(() => new Map(places.map((c, i) => [c.code, i])), [places]);
  const selected = useMemo(() => selectedCells(places, selection), [places, selection]);
  const gapIndices = useMemo(() => (gaps ? gaps.items.map((g) => indexByCode.get(g.gridCode) ?? -1).filter((i) => i >= 0) : []), [gaps, indexByCode]);
  const assignment = assignmentOf(selection, roles);

  // A town or community just picked is brought into view; only then (not at each vertex or click), so
  // the memo follows the picked area, whose cells `selected` holds in the same render.
  const areaKey = selection.mode === 'area' ? (selection.community ?? selection.town) : null;
  const focus = useMemo(() => (areaKey ? boundsOf(places, selected) : null), [areaKey, places]);

  // Who answers for a picked town or community now (the polygon's and single cells' are on the map and in the panel).
  useEffect(() => {
    setHolders(null);
    if (!areaKey) return;
    let current = true;
    const q = selection.community ? { community: selection.community } : { town: selection.town! };
    fetchResponsibilityCells(q).then(
      (a) => current && setHolders(a.items),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [areaKey, version]);

  // The inspected cell's holders, read again after a save.
  const inspectedCode = inspected >= 0 ? (places[inspected]?.code ?? null) : null;
  useEffect(() => {
    if (!inspectedCode) {
      setInspectedView(null);
      return;
    }
    let current = true;
    fetchResponsibilityCells({ grid: inspectedCode }).then(
      (a) => current && setInspectedView(a.items.find((c) => c.gridCode === inspectedCode) ?? null),
      (err: unknown) => {
        failed(err);
        if (current) setMessage({ kind: 'readFailed', error: err });
      },
    );
    return () => {
      current = false;
    };
  }, [inspectedCode, version, failed]);

  const onMapClick = (lon: number, lat: number) => {
    if (selection.mode === 'polygon') {
      dispatch({ type: 'vertex', at: [lon, lat] });
      return;
    }
    if (!cells) return;
    const i = cellAt(cells, places, lon, lat);
    setInspected(i);
    if (i >= 0 && selection.mode === 'cell') dispatch({ type: 'toggleCell', code: places[i]!.code });
  };

  const save = async () => {
    if (!assignment) return;
    setBusy(true);
    setMessage(null);
    try {
      const answer: ResponsibilityChangeAnswer = await saveResponsibility({ assign: [assignment] });
      setMessage({ kind: 'saved', answer });
      setVersion((v) => v + 1);
    } catch (err) {
      failed(err);
      setMessage({ kind: 'saveFailed', error: err });
    } finally {
      setBusy(false);
    }
  };

  const townName = (code: string) => {
    const town = city?.towns.find((x) => x.code === code);
    return town ? (en ? town.name.en : town.name.zh) : code;
  };
  const communityByCode = useMemo(() => new Map(communities.map((c) => [c.code, c])), [communities]);
  const communityName = (code: string) => {
    const c = communityByCode.get(code);
    return c ? (en ? c.name.en : c.name.zh) : code;
  };
  const unitName = (code: string) => {
    const u = units.get(code);
    return u ? (en ? u.name.en : u.name.zh) : code;
  };
  const personText = (p: PersonRef | null) => (p ? `${p.name}（${p.id}）` : t('responsibility.nobody'));

  const needle = find.trim().toLowerCase();
  const rosterOf = (role: ResponsibilityRole) => {
    const chosen = roles[role];
    return roster.filter((p) => p.role === role && (!needle || p.name.toLowerCase().includes(needle) || p.id.includes(needle) || (chosen.kind === 'person' && chosen.id === p.id)));
  };

  return (
    <main className="responsibility-page">
      <AdminHeader title={t('responsibility.title')} here={RESPONSIBILITY_PATH} user={user} onSignOut={() => onSignOutRef.current()} />
      {loadError !== null && (
        <p className="shifts-message shifts-message-error" role="alert">
          {t('responsibility.loadFailed', { reason: failureText(loadError) })}
        </p>
      )}
      <div className="body">
        <div className="map-pane">
          {city && (
            <ResponsibilityMap
              city={city}
              theme={theme}
              language={language}
              cells={cells}
              selected={selected}
              gaps={gapIndices}
              inspected={inspected}
              vertices={selection.mode === 'polygon' ? selection.vertices : NO_VERTICES}
              closed={selection.closed}
              drawing={selection.mode === 'polygon'}
              focus={focus}
              onClick={onMapClick}
              onFinish={() => dispatch({ type: 'close' })}
            />
          )}
          <div className="responsibility-legend" data-testid="responsibility-legend">
            <div>
              <span className="swatch swatch-gap" /> {t('responsibility.legendGap')}
            </div>
            <div>
              <span className="swatch swatch-pick" /> {t('responsibility.legendSelected')}
            </div>
            <div>
              <span className="swatch swatch-inspected" /> {t('responsibility.legendInspected')}
            </div>
          </div>
        </div>

        <aside className="responsibility-side">
          <section className="responsibility-box" data-testid="responsibility-gaps" data-count={gaps?.count ?? ''}>
            <h2>{t('responsibility.gapsTitle')}</h2>
            {gaps ? (
              <p>
                <b className={gaps.count > 0 ? 'responsibility-gap-count' : undefined}>{t('responsibility.gaps', { count: gaps.count })}</b>
                <br />
                <span className="muted">{t('responsibility.gapsDetail', { workers: gaps.withoutGridWorker, heads: gaps.withoutGridHead })}</span>
              </p>
            ) : (
              <p className="muted">{t('responsibility.loading')}</p>
            )}
          </section>

          <section className="responsibility-box">
            <h2>{t('responsibility.pick')}</h2>
            <div className="segmented responsibility-modes" role="radiogroup" aria-label={t('responsibility.pick')}>
              {MODES.map((m) => (
                <button
                  key={m}
                  type="button"
                  role="radio"
                  aria-checked={selection.mode === m}
                  className={selection.mode === m ? 'checked' : undefined}
                  data-testid={`responsibility-mode-${m}`}
                  onClick={() => dispatch({ type: 'mode', mode: m })}
                >
                  {t(`responsibility.modes.${m}`)}
                </button>
              ))}
            </div>

            {selection.mode === 'area' && (
              <div className="responsibility-fields">
                <label>
                  {t('responsibility.town')}
                  <select data-testid="responsibility-town" value={selection.town ?? ''} onChange={(e) => dispatch({ type: 'town', town: e.target.value || null })}>
                    <option value="">{t('responsibility.chooseTown')}</option>
                    {(city?.towns ?? []).map((x) => (
                      <option key={x.code} value={x.code}>
                        {en ? x.name.en : x.name.zh}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t('responsibility.community')}
                  <select
                    data-testid="responsibility-community"
                    value={selection.community ?? ''}
                    disabled={!selection.town}
                    onChange={(e) => dispatch({ type: 'community', community: e.target.value || null })}
                  >
                    <option value="">{t('responsibility.wholeTown')}</option>
                    {communities
                      .filter((c) => c.townCode === selection.town)
                      .map((c) => (
                        <option key={c.code} value={c.code}>
                          {en ? c.name.en : c.name.zh}
                        </option>
                      ))}
                  </select>
                </label>
              </div>
            )}
            {selection.mode === 'polygon' && (
              <div className="responsibility-fields">
                <p className="muted">{t('responsibility.drawHint')}</p>
                <p>
                  <span data-testid="responsibility-vertices">{t('responsibility.vertices', { count: selection.vertices.length })}</span>
                  {selection.closed && <span className="responsibility-closed"> · {t('responsibility.closed')}</span>}
                </p>
                <div className="responsibility-buttons">
                  <button type="button" className="act" data-testid="responsibility-finish" disabled={selection.closed || selection.vertices.length < 3} onClick={() => dispatch({ type: 'close' })}>
                    {t('responsibility.finish')}
                  </button>
                  <button type="button" className="act" data-testid="responsibility-clear" disabled={selection.vertices.length === 0} onClick={() => dispatch({ type: 'clear' })}>
                    {t('responsibility.clear')}
                  </button>
                </div>
              </div>
            )}
            {selection.mode === 'cell' && (
              <div className="responsibility-fields">
                <p className="muted">{t('responsibility.cellHint')}</p>
                <div className="responsibility-buttons">
                  <button type="button" className="act" data-testid="responsibility-clear" disabled={selection.cells.length === 0} onClick={() => dispatch({ type: 'clear' })}>
                    {t('responsibility.clear')}
                  </button>
                </div>
              </div>
            )}

            <p className="responsibility-count" data-testid="responsibility-count" data-count={selected.length}>
              {selected.length > 0 ? t('responsibility.selected', { count: selected.length }) : t('responsibility.noneSelected')}
            </p>
            {holders && holders.length > 0 && (
              <dl className="responsibility-holders" data-testid="responsibility-holders">
                {ROLES.map((role) => {
                  const list = holdersOf(holders, role);
                  return (
                    <div key={role}>
                      <dt>{t(`responsibility.roles.${role}`)}</dt>
                      <dd>
                        {list
                          .slice(0, HOLDERS_SHOWN)
                          .map((h) => t('responsibility.holderCells', { name: h.person ? h.person.name : t('responsibility.nobody'), count: h.cells }))
                          .join('、')}
                        {list.length > HOLDERS_SHOWN && t('responsibility.holdersMore', { count: list.length - HOLDERS_SHOWN })}
                      </dd>
                    </div>
                  );
                })}
              </dl>
            )}
          </section>

          <section className="responsibility-box">
            <h2>{t('responsibility.people')}</h2>
            <div className="responsibility-fields">
              <label>
                {t('responsibility.find')}
                <input type="search" data-testid="responsibility-find" value={find} placeholder={t('responsibility.findPlaceholder')} onChange={(e) => setFind(e.target.value)} />
              </label>
              {ROLES.map((role) => (
                <label key={role}>
                  {t(`responsibility.roles.${role}`)}
                  <select
                    data-testid={`responsibility-${role}`}
                    value={choiceValue(roles[role])}
                    onChange={(e) => {
                      setRoles((prev) => ({ ...prev, [role]: choiceOf(e.target.value) }));
                      setMessage(null);
                    }}
                  >
                    <option value={KEEP}>{t('responsibility.keep')}</option>
                    <option value={NOBODY}>{t('responsibility.unassign')}</option>
                    {rosterOf(role).map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.name}（{p.id}）· {t('responsibility.load', { grids: p.grids, cells: p.cells })}
                      </option>
                    ))}
                  </select>
                </label>
              ))}
            </div>
            <div className="responsibility-save">
              <button type="button" className="act main" data-testid="responsibility-save" disabled={!assignment || busy} onClick={() => void save()}>
                {busy ? t('responsibility.saving') : t('responsibility.save')}
              </button>
              {!assignment && !message && <span className="muted">{t('responsibility.saveHint')}</span>}
            </div>
            {message && (
              <p
                className={`shifts-message shifts-message-${message.kind === 'saved' ? 'ok' : 'error'}`}
                role={message.kind === 'saved' ? 'status' : 'alert'}
                data-testid="responsibility-message"
              >
                {message.kind === 'saved'
                  ? t('responsibility.saved', { changed: message.answer.cellsChanged, selected: message.answer.cellsSelected })
                  : t(`responsibility.${message.kind}`, { reason: failureText(message.error) })}
              </p>
            )}
          </section>

          <section className="responsibility-box" data-testid="responsibility-cell">
            <h2>{t('responsibility.cell')}</h2>
            {inspected < 0 || !inspectedCode ? (
              <p className="muted">{t('responsibility.cellEmpty')}</p>
            ) : (
              <dl className="responsibility-cell">
                <dt>{t('responsibility.gridCode')}</dt>
                <dd data-testid="responsibility-cell-code">{inspectedCode}</dd>
                <dt>{t('responsibility.place')}</dt>
                <dd>
                  {townName(places[inspected]!.townCode)} · {communityName(places[inspected]!.communityCode)}
                </dd>
                <dt>{t('responsibility.responsibilityGrid')}</dt>
                <dd>{places[inspected]!.responsibilityGridCode}</dd>
                <dt>{t('responsibility.roles.inspector')}</dt>
                <dd data-testid="responsibility-cell-inspector">{inspectedView ? personText(inspectedView.inspector) : '…'}</dd>
                <dt>{t('responsibility.roles.grid_worker')}</dt>
                <dd data-testid="responsibility-cell-worker">{inspectedView ? personText(inspectedView.gridWorker) : '…'}</dd>
                <dt>{t('responsibility.roles.grid_head')}</dt>
                <dd data-testid="responsibility-cell-head">{inspectedView ? personText(inspectedView.gridHead) : '…'}</dd>
                <dt>{t('responsibility.units')}</dt>
                <dd>{inspectedView ? inspectedView.units.map(unitName).join('、') || '–' : '…'}</dd>
              </dl>
            )}
          </section>
        </aside>
      </div>
    </main>
  );
}
