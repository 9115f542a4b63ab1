import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { setLanguage } from './i18n/index.js';
import type { Category, CityMeta, TimeWindow } from '../shared/index.js';
import { ArrivalLog } from './live/arrivals.js';
import { IncidentColumns } from './live/incidentColumns.js';
import { useIncidentFeed } from './live/useIncidentFeed.js';
import { MapView } from './map/MapView.js';
import { LayerPanel, type LayerVisibility } from './map/LayerPanel.js';
import { useIncidentPoints } from './layers/useIncidentPoints.js';
import type { Theme } from './map/palette.js';

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}

/**
 * The dashboard: the live map of the city with its layer panel, the connection state, the key
 * figures and the newest incidents. Theme and language are remembered on this device.
 */
export function App() {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const [city, setCity] = useState<CityMeta | null>(null);
  const [settings, setSettings] = useState<{ basemapStyle: string | null } | null>(null);
  const [categories, setCategories] = useState<Map<string, Category>>(new Map());
  const categoriesRef = useRef(categories);
  categoriesRef.current = categories;
  const columns = useMemo(() => new IncidentColumns((code) => categoriesRef.current.get(code)?.priority ?? 2), []);
  const arrivals = useMemo(() => new ArrivalLog(), []);
  const [arrivalsVersion, setArrivalsVersion] = useState(0);
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem('gridwatch.theme') === 'light' ? 'light' : 'dark'));
  const [visible, setVisible] = useState<LayerVisibility>({ incidents: true, heatmap: true, hexagons: false, grid: false });
  const [timeWindow, setTimeWindow] = useState<TimeWindow>('7d');
  const density = useIncidentPoints(timeWindow, visible.heatmap || visible.hexagons || visible.grid);
  const points = density.points;
  const feed = useIncidentFeed(columns, (created) => {
    const now = performance.now();
    for (const i of created) arrivals.add(i.lon, i.lat, now);
    setArrivalsVersion(arrivals.version);
    density.append(created);
  });
  useEffect(() => {
    localStorage.setItem('gridwatch.theme', theme);
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    void fetch('/api/city').then(async (r) => setCity((await r.json()) as CityMeta));
    void fetch('/api/settings').then(async (r) => setSettings((await r.json()) as { basemapStyle: string | null }));
    void fetch('/api/categories').then(async (r) => {
      const list = (await r.json()) as Category[];
      setCategories(new Map(list.map((c) => [c.code, c])));
    });
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
        <button type="button" className="theme" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
          {theme === 'dark' ? t('ui.themeLight') : t('ui.themeDark')}
        </button>
        <button type="button" className="theme" data-testid="language" onClick={() => setLanguage(zh ? 'en' : 'zh-CN')}>
          {t('ui.language')}
        </button>
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
          />
        )}
        <LayerPanel
          visible={visible}
          onToggle={(k) => setVisible((v) => ({ ...v, [k]: !v[k] }))}
          window={timeWindow}
          onWindow={setTimeWindow}
          pointCount={points?.count ?? null}
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
