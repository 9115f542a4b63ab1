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
import { MapView } from '../map/MapView.js';
import { LayerPanel, type LayerVisibility } from '../map/LayerPanel.js';
import { useIncidentPoints } from '../layers/useIncidentPoints.js';
import { useCameras, useCoverage } from '../coverage/useCoverage.js';
import { countPatrolAges } from '../coverage/patrolAge.js';
import type { Theme } from '../map/palette.js';
import { applyTheme, savedTheme } from '../theme.js';
import { CALENDAR_PATH, DISPATCH_PATH, HOTLINE_PATH, Link, SHIFTS_PATH } from '../routing.js';

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
    heatmap: !wall,
    hexagons: false,
    grid: false,
    components: true,
    patrol: wall,
    cameras: false,
  }));
  const [timeWindow, setTimeWindow] = useState<TimeWindow>('7d');
  const density = useIncidentPoints(timeWindow, visible.heatmap || visible.hexagons || visible.grid);
  const points = density.points;
  const cases = useCaseSummary(() => onSignOutRef.current('unauthenticated'));
  const coverage = useCoverage(visible.patrol, () => onSignOutRef.current('unauthenticated'));
  const [connects, setConnects] = useState(0);
  const cameras = useCameras(visible.cameras, connects);
  // Time moves cells from one patrol-age class to the next: repaint every minute while shown.
  const minute = useMinute(visible.patrol);
  const mapCoverage = useMemo(() => ({ store: coverage.store, feed: coverage.feed, version: coverage.version, minute }), [coverage.store, coverage.feed, coverage.version, minute]);
  const patrolCounts = useMemo(
    () => (visible.patrol && coverage.store.cellCount > 0 ? countPatrolAges(coverage.store.lastPatrolAt, coverage.store.serverNow()) : null),
    [visible.patrol, coverage.store, coverage.version, minute],
  );
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
      onEvents: cases.onEvents,
      onOverdue: cases.onOverdue,
      onReload: cases.refresh,
      onConnect: () => {
        coverage.feed.connected();
        setConnects((n) => n + 1);
      },
      onCoverageCells: (frame) => coverage.feed.frame(frame),
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
        {(user.permissions.includes('case.dispatch') || user.permissions.includes('case.verify') || user.permissions.includes('settings.manage')) && (
          <nav className="nav">
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
            cameras={visible.cameras ? cameras : null}
          />
        )}
        <LayerPanel
          visible={visible}
          onToggle={(k) => setVisible((v) => ({ ...v, [k]: !v[k] }))}
          window={timeWindow}
          onWindow={setTimeWindow}
          pointCount={points?.count ?? null}
          theme={theme}
          patrolCounts={patrolCounts}
          cameraCounts={cameras ? { live: cameras.live, silent: cameras.silent } : null}
        />
      </section>
      <aside>
      <section className="stats">
        <div>
          <b>{city?.towns.length ?? '–'}</b>
          {t('stats.towns')}
        </div>
        <div>
          <b>{city?.layers.find((l) => l.name === 'grid')?.featureCount.toLocaleString('zh-CN') ?? '–'}</b>
          {t('stats.cells')}
        </div>
        <div>
          <b>{feed.headSeq.toLocaleString('zh-CN')}</b>
          {t('stats.seq')}
        </div>
        <div>
          <b>{feed.received}</b>
          {t('stats.received')}
        </div>
      </section>
      <CaseCounters summary={cases.summary} recentOverdue={cases.recentOverdue} />
      <section className="feed">
        <h2>{t('feed.title')}</h2>
        <ol data-testid="feed">
          {feed.recent.map((i) => (
            <li key={i.id} data-id={i.id}>
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
