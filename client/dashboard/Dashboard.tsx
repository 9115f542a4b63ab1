import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LookButtons, SignedInUser } from '../auth/HeaderControls.js';
import type { Category, CityMeta, SessionUser, TimeWindow } from '../../shared/index.js';
import type { SignOutReason } from '../auth/session.js';
import { ArrivalLog } from '../live/arrivals.js';
import { IncidentColumns } from '../live/incidentColumns.js';
import { useIncidentFeed } from '../live/useIncidentFeed.js';
import { CaseCounters } from './CaseCounters.js';
import { useCaseSummary } from './useCaseSummary.js';
import { BoardTiles } from './BoardTiles.js';
import { CampaignStrip } from '../campaign/CampaignStrip.js';
import { useBoardSummary } from './useBoardSummary.js';
import { LeaderCaseActions } from '../cases/LeaderCaseActions.js';
import { CaseNumberSearch } from '../dispatch/CaseNumberSearch.js';
import { useNumberSearch } from '../dispatch/useCaseLookups.js';
import { MapView } from '../map/MapView.js';
import { LayerPanel, type LayerVisibility } from '../map/LayerPanel.js';
import { pointsInRows, useIncidentPoints, type DensityFilter } from '../layers/useIncidentPoints.js';
import { playbackSteps, rowsInStep } from '../hotspot/playback.js';
import { PlaybackBar } from '../hotspot/PlaybackBar.js';
import { useHotspots, type HotspotMode } from '../hotspot/useHotspots.js';
import { useCameras, useCoverage } from '../coverage/useCoverage.js';
import { patrolAgeClassOf, PATROL_AGE_CLASSES } from '../coverage/patrolAge.js';
import { BLIND_SPOT_CLASSES, blindSpotClassOf, CAMERA_SHARE_CLASSES, cameraShareClassOf, countClasses } from '../coverage/cellClasses.js';
import { BlindSpotPanel } from '../coverage/BlindSpotPanel.js';
import { PatrolAlerts } from '../coverage/PatrolAlerts.js';
import { useCongestion } from '../traffic/useCongestion.js';
import { CongestionPanel } from '../traffic/CongestionPanel.js';
import { useCameraAlerts, usePatrolAlerts } from '../coverage/patrolAlerts.js';
import type { MapFocus } from '../map/mapFocus.js';
import type { Theme } from '../map/palette.js';
import { applyTheme, savedTheme } from '../theme.js';
import { SitePanel } from '../site/SitePanel.js';
import { siteWindowOf, useSites } from '../site/siteApi.js';
import { CALENDAR_PATH, DISPATCH_PATH, HOTLINE_PATH, Link, RESPONSIBILITY_PATH, REVIEW_PATH, SHIFTS_PATH } from '../routing.js';

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}

/** The minute of the clock, moving on while `on`. */
function useMinute(on: boolean): number {
  const [minute, setMinute] = useState(() => Math.floor(Date.now() / 60_000));
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setMinute(Math.floor(Date.now() / 60_000)), 5_000);
    return () => clearInterval(timer);
  }, [on]);
  return minute;
}

/**
 * The dashboard: the live map of the city with its layer panel, the connection state, the key
 * figures and the newest incidents. Theme and language are remembered on this device. `onSignOut`
 * takes the page back to the login page: with no reason when the user signs out, with the server's
 * reason when it ended the session.
 */
export function Dashboard({ user, onSignOut }: { user: SessionUser; onSignOut: (reason?: SignOutReason) => void }) {
  const { t, i18n } = useTranslation();
  const onSignOutRef = useRef(onSignOut);
  onSignOutRef.current = onSignOut;
  const zh = i18n.language !== 'en';
  const [city, setCity] = useState<CityMeta | null>(null);
  const [settings, setSettings] = useState<{ basemapStyle: string | null } | null>(null);
  const [categories, setCategories] = useState<Map<string, Category>>(new Map());
  const categoriesRef = useRef(categories);
  categoriesRef.current = categories;
  const columns = useMemo(() => new IncidentColumns((code) => categoriesRef.current.get(code)?.priority ?? 2), []);
  const arrivals = useMemo(() => new ArrivalLog(), []);
  const [arrivalsVersion, setArrivalsVersion] = useState(0);
  const [theme, setTheme] = useState<Theme>(savedTheme);
  // A wall shows where patrols have not been (巡查时效) from the start, in place of the heatmap (two
  // area layers over each other read as neither); a desk switches it on.
  const wall = user.role === 'wall';
  const [visible, setVisible] = useState<LayerVisibility>(() => ({
    incidents: true,
    // The cells in density classes by rank (a leader reads where the top tenth is); the kernel heatmap
    // is there to switch on, but it cannot show ranks.
    heatmap: false,
    hexagons: false,
    grid: !wall,
    components: true,
    patrol: wall,
    cameras: false,
    blindSpots: false,
    congestion: false,
    congestionArea: false,
    sites: false,
    hotspots: false,
  }));
  const [focus, setFocus] = useState<MapFocus | null>(null);
  const [timeWindow, setTimeWindow] = useState<TimeWindow>('7d');
  const [densityFilter, setDensityFilter] = useState<DensityFilter>({ theme: 'all' });
  const density = useIncidentPoints(timeWindow, densityFilter, visible.heatmap || visible.hexagons || visible.grid);
  const [hotspotMode, setHotspotMode] = useState<HotspotMode>('gistar');
  // Time playback: the window's steps, one shown at a time (null: the whole window).
  const [playback, setPlayback] = useState<{ index: number; playing: boolean } | null>(null);
  const windowPoints = density.points;
  const steps = useMemo(() => (windowPoints ? playbackSteps(timeWindow, windowPoints.sinceMs) : []), [timeWindow, windowPoints?.sinceMs]);
  const step = playback ? (steps[Math.min(playback.index, steps.length - 1)] ?? null) : null;
  const points = useMemo(() => (windowPoints && step ? pointsInRows(windowPoints, rowsInStep(windowPoints.t, windowPoints.count, windowPoints.sinceMs, step)) : windowPoints), [windowPoints, step]);
  const hotspots = useHotspots(visible.hotspots, hotspotMode, timeWindow, densityFilter, () => onSignOutRef.current('unauthenticated'), hotspotMode !== 'emerging' ? step : null);
  const cases = useCaseSummary(() => onSignOutRef.current('unauthenticated'));
  const board = useBoardSummary(() => onSignOutRef.current('unauthenticated'));
  // A case opened from the map, the latest list or its number: a leader urges (督办) and instructs
  // (批示) there; others read its timeline. An unattended wall opens nothing.
  const mayOpenCases = !wall;
  const [openCaseId, setOpenCaseId] = useState<string | null>(null);
  const numberSearch = useNumberSearch(setOpenCaseId, () => onSignOutRef.current('unauthenticated'));
  const coverageShown = visible.patrol || visible.blindSpots || visible.cameras;
  const coverage = useCoverage(coverageShown, () => onSignOutRef.current('unauthenticated'));
  const congestion = useCongestion(visible.congestion || visible.congestionArea, () => onSignOutRef.current('unauthenticated'));
  // Vacant lots and material yards with their figures over the dashboard's window (a week for 24 h).
  const sites = useSites(visible.sites, siteWindowOf(timeWindow), () => onSignOutRef.current('unauthenticated'));
  const [connects, setConnects] = useState(0);
  const cameras = useCameras(visible.cameras, connects);
  // Patrol alerts go to the wall and to those who send people (the live picture's watchers).
  const patrolAlerts = usePatrolAlerts(true, connects);
  const cameraAlerts = useCameraAlerts(true, connects);
  // Time moves cells from one patrol-age class to the next: repaint every minute while shown.
  const minute = useMinute(visible.patrol);
  const mapCoverage = useMemo(() => ({ store: coverage.store, feed: coverage.feed, version: coverage.version, minute }), [coverage.store, coverage.feed, coverage.version, minute]);
  const coverageCounts = useMemo(() => {
    const { store } = coverage;
    const n = store.cellCount;
    if (n === 0) return {};
    return {
      patrol: visible.patrol ? countClasses(patrolAgeClassOf(store, store.serverNow()), n, PATROL_AGE_CLASSES.length) : null,
      blindSpots: visible.blindSpots && store.hasScore ? countClasses(blindSpotClassOf(store), n, BLIND_SPOT_CLASSES.length) : null,
      cameraShare: visible.cameras ? countClasses(cameraShareClassOf(store), n, CAMERA_SHARE_CLASSES.length) : null,
    };
    // coverage.version: the store changed in place; minute: patrol ages move with the clock.
  }, [visible.patrol, visible.blindSpots, visible.cameras, coverage.store, coverage.version, minute]);
  const feed = useIncidentFeed(
    columns,
    (created) => {
      const now = performance.now();
      for (const i of created) arrivals.add(i.lon, i.lat, now);
      setArrivalsVersion(arrivals.version);
      density.append(created);
    },
    (reason) => onSignOutRef.current(reason),
    {
      onEvents: (events) => {
        cases.onEvents(events);
        board.changed();
      },
      onOverdue: (msg) => {
        cases.onOverdue(msg);
        board.changed();
      },
      onReload: () => {
        cases.refresh();
        board.changed();
      },
      onConnect: () => {
        coverage.feed.connected();
        congestion.feed.connected();
        setConnects((n) => n + 1);
      },
      onCoverageCells: (frame) => coverage.feed.frame(frame),
      onRoadSpeeds: (frame) => congestion.feed.frame(frame),
      onCoverageAlert: patrolAlerts.onAlert,
      onCameraAlert: cameraAlerts.onAlert,
    },
  );
  useEffect(() => applyTheme(theme), [theme]);

  useEffect(() => {
    // A 401 means the session ended between the sign-in and now: back to the login page.
    const load = async <T,>(url: string, then: (body: T) => void) => {
      const r = await fetch(url);
      if (r.status === 401) onSignOutRef.current('unauthenticated');
      else then((await r.json()) as T);
    };
    void load<CityMeta>('/api/city', setCity);
    void load<{ basemapStyle: string | null }>('/api/settings', setSettings);
    void load<Category[]>('/api/categories', (list) => setCategories(new Map(list.map((c) => [c.code, c]))));
  }, []);

  const townName = (code: string) => {
    const town = city?.towns.find((x) => x.code === code);
    return town ? (zh ? town.name.zh : town.name.en) : code;
  };

  return (
    <main>
      <header>
        <h1>
          GridWatch <span>{city ? `${zh ? city.name.zh : city.name.en} · ${t('app.title')}` : t('app.title')}</span>
        </h1>
        {(user.permissions.includes('case.dispatch') || user.permissions.includes('case.verify') || user.permissions.includes('settings.manage') || user.permissions.includes('analytics.read')) && (
          <nav className="nav">
            {user.permissions.includes('analytics.read') && (
              <Link to={REVIEW_PATH} className="nav-link" data-testid="nav-review">
                {t('review.nav')}
              </Link>
            )}
            {/* An inspector (case.verify without case.dispatch) gets the same console as the verification desk. */}
            {(user.permissions.includes('case.dispatch') || user.permissions.includes('case.verify')) && (
              <Link to={DISPATCH_PATH} className="nav-link" data-testid="nav-dispatch">
                {user.permissions.includes('case.dispatch') ? t('nav.dispatch') : t('nav.verify')}
              </Link>
            )}
            {user.permissions.includes('personal.read') && (
              <Link to={HOTLINE_PATH} className="nav-link" data-testid="nav-hotline">
                {t('nav.hotline')}
              </Link>
            )}
            {user.permissions.includes('settings.manage') && (
              <Link to={CALENDAR_PATH} className="nav-link" data-testid="nav-calendar">
                {t('calendar.nav')}
              </Link>
            )}
            {user.permissions.includes('city.manage') && (
              <Link to={RESPONSIBILITY_PATH} className="nav-link" data-testid="nav-responsibility">
                {t('responsibility.nav')}
              </Link>
            )}
            {user.permissions.includes('team.manage') && (
              <Link to={SHIFTS_PATH} className="nav-link" data-testid="nav-shifts">
                {t('shifts.nav')}
              </Link>
            )}
          </nav>
        )}
        <LookButtons theme={theme} onTheme={setTheme} />
        {/* An unattended wall display has nobody to sign out. */}
        <SignedInUser user={user} onSignOut={user.role === 'wall' ? undefined : () => onSignOutRef.current()} />
        <div className={`link link-${feed.link}`} data-testid="link-state">
          {t(`link.${feed.link}`)}
          {feed.link !== 'live' && feed.lostAt ? ` · ${t('link.staleSince', { time: timeOf(feed.lostAt.toISOString()) })}` : ''}
        </div>
      </header>
      <div className="body">
      <section className="map-pane">
        {city && settings && (
          <MapView
            city={city}
            basemapStyle={settings.basemapStyle}
            theme={theme}
            columns={columns}
            columnsVersion={feed.columnsVersion}
            arrivals={arrivals}
            arrivalsVersion={arrivalsVersion}
            categories={categories}
            townName={townName}
            language={zh ? 'zh-CN' : 'en'}
            visible={visible}
            points={points}
            coverage={mapCoverage}
            congestion={congestion.overlay}
            cameras={visible.cameras ? cameras : null}
            sites={sites?.items ?? null}
            focus={focus}
            hotspots={hotspots}
            onIncident={mayOpenCases ? setOpenCaseId : undefined}
          />
        )}
        <LayerPanel
          visible={visible}
          onToggle={(k) => {
            setVisible((v) => ({ ...v, [k]: !v[k] }));
            // The outline of a ranked cell goes with the ranking.
            if (k === 'blindSpots') setFocus(null);
          }}
          window={timeWindow}
          onWindow={setTimeWindow}
          filter={densityFilter}
          onFilter={setDensityFilter}
          hotspotMode={hotspotMode}
          onHotspotMode={setHotspotMode}
          hotspotClasses={hotspots?.classes ?? null}
          towns={(city?.towns ?? []).map((town) => ({ code: town.code, name: zh ? town.name.zh : town.name.en }))}
          catalog={categories}
          pointCount={points?.count ?? null}
          theme={theme}
          coverageCounts={coverageCounts}
          cameraCounts={cameras ? { live: cameras.live, silent: cameras.silent } : null}
          congestionCounts={congestion.levelCounts}
          onPlayback={windowPoints ? () => setPlayback({ index: 0, playing: true }) : undefined}
        />
        {playback && step && (
          <PlaybackBar
            window={timeWindow}
            steps={steps}
            index={step.index}
            playing={playback.playing}
            count={points?.count ?? null}
            onIndex={(index) => setPlayback((p) => (p ? { ...p, index } : p))}
            onPlaying={(playing) => setPlayback((p) => (p ? { ...p, playing } : p))}
            onClose={() => setPlayback(null)}
          />
        )}
      </section>
      <aside>
      <BoardTiles summary={board.summary} townName={townName} />
      <CampaignStrip onUnauthenticated={() => onSignOutRef.current('unauthenticated')} />
      {mayOpenCases && <CaseNumberSearch search={numberSearch} />}
      {openCaseId && (
        <LeaderCaseActions
          caseId={openCaseId}
          categories={categories}
          townName={townName}
          onClose={() => setOpenCaseId(null)}
          onUnauthenticated={() => onSignOutRef.current('unauthenticated')}
        />
      )}
      <PatrolAlerts alerts={patrolAlerts.alerts} cameras={cameraAlerts.cameras} townName={townName} onTown={(townCode) => setFocus({ kind: 'town', townCode })} />
      {visible.congestion && <CongestionPanel theme={theme} changed={congestion.version} onUnauthenticated={() => onSignOutRef.current('unauthenticated')} />}
      {visible.sites && <SitePanel answer={sites} theme={theme} />}
      {visible.blindSpots && (
        <BlindSpotPanel
          townName={townName}
          onCell={(cell) => setFocus({ kind: 'cell', cell })}
          onTown={(townCode) => setFocus({ kind: 'town', townCode })}
          onUnauthenticated={() => onSignOutRef.current('unauthenticated')}
        />
      )}
      <CaseCounters summary={cases.summary} recentOverdue={cases.recentOverdue} />
      <section className="feed">
        <h2>{t('feed.title')}</h2>
        {/* The stream's own figures stay as attributes for the benchmarks; a leader reads the tiles. */}
        <ol data-testid="feed" data-received={feed.received} data-head-seq={feed.headSeq}>
          {feed.recent.map((i) => (
            <li
              key={i.id}
              data-id={i.id}
              className={mayOpenCases ? 'openable' : undefined}
              {...(mayOpenCases
                ? {
                    role: 'button',
                    tabIndex: 0,
                    onClick: () => setOpenCaseId(i.id),
                    onKeyDown: (e: React.KeyboardEvent) => {
                      if (e.key === 'Enter') setOpenCaseId(i.id);
                    },
                  }
                : {})}
            >
              <time>{timeOf(i.reportedAt)}</time>
              <span className="cat">{(zh ? categories.get(i.categoryCode)?.name.zh : categories.get(i.categoryCode)?.name.en) ?? i.categoryCode}</span>
              <span className="town">{townName(i.townCode)}</span>
              <span className="src">{t(`source.${i.source}`)}</span>
              <span className="desc">{i.description}</span>
            </li>
          ))}
        </ol>
      </section>
      </aside>
      </div>
    </main>
  );
}
