import { useEffect, useState } from 'react';
import type { Category, CityMeta } from '../shared/index.js';
import { useIncidentFeed, type LinkState } from './live/useIncidentFeed.js';
import { MapView } from './map/MapView.js';
import type { Theme } from './map/palette.js';

const LINK_LABEL: Record<LinkState, string> = {
  connecting: '连接中 Connecting',
  replaying: '同步中 Catching up',
  live: '实时 Live',
  offline: '已断开 Offline',
};

const SOURCE_LABEL: Record<string, string> = {
  inspector: '监督员',
  hotline_12345: '12345热线',
  citizen_app: '市民App',
  sensor: '感知设备',
  video_ai: '视频AI',
};

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}

/**
 * The first screen until the live map lands: the city, the link state and the newest incidents, so
 * that an operator can see at a glance that the server is up and the stream is flowing.
 */
export function App() {
  const feed = useIncidentFeed();
  const [city, setCity] = useState<CityMeta | null>(null);
  const [categories, setCategories] = useState<Map<string, Category>>(new Map());
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem('gridwatch.theme') === 'light' ? 'light' : 'dark'));
  useEffect(() => {
    localStorage.setItem('gridwatch.theme', theme);
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    void fetch('/api/city').then(async (r) => setCity((await r.json()) as CityMeta));
    void fetch('/api/categories').then(async (r) => {
      const list = (await r.json()) as Category[];
      setCategories(new Map(list.map((c) => [c.code, c])));
    });
  }, []);

  const townName = (code: string) => city?.towns.find((t) => t.code === code)?.name.zh ?? code;

  return (
    <main>
      <header>
        <h1>
          GridWatch <span>{city ? `${city.name.zh} · 数字化城市管理指挥中心` : '数字化城市管理指挥中心'}</span>
        </h1>
        <button type="button" className="theme" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
          {theme === 'dark' ? '浅色 Light' : '深色 Dark'}
        </button>
        <div className={`link link-${feed.link}`} data-testid="link-state">
          {LINK_LABEL[feed.link]}
          {feed.link === 'offline' && feed.lostAt ? ` · 自 ${timeOf(feed.lostAt.toISOString())} 起数据未更新` : ''}
        </div>
      </header>
      <div className="body">
      <section className="map-pane">{city && <MapView city={city} theme={theme} incidents={feed.open} />}</section>
      <aside>
      <section className="stats">
        <div>
          <b>{city?.towns.length ?? '–'}</b>镇街 Towns
        </div>
        <div>
          <b>{city?.layers.find((l) => l.name === 'grid')?.featureCount.toLocaleString('zh-CN') ?? '–'}</b>单元网格 Grid cells
        </div>
        <div>
          <b>{feed.headSeq.toLocaleString('zh-CN')}</b>事件序号 Event seq
        </div>
        <div>
          <b>{feed.received}</b>本次接收 Received
        </div>
      </section>
      <section className="feed">
        <h2>最新案件 Latest incidents</h2>
        <ol data-testid="feed">
          {feed.recent.map((i) => (
            <li key={i.id}>
              <time>{timeOf(i.reportedAt)}</time>
              <span className="cat">{categories.get(i.categoryCode)?.name.zh ?? i.categoryCode}</span>
              <span className="town">{townName(i.townCode)}</span>
              <span className="src">{SOURCE_LABEL[i.source] ?? i.source}</span>
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
