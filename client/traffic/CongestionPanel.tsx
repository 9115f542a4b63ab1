import type { ECharts } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONGESTION_LEVELS, congestionLevelIndex, CongestionSummary, type CongestionArea } from '../../shared/index.js';
import { CONGESTION_COLOURS } from '../layers/congestionLayer.js';
import type { Theme } from '../map/palette.js';

/** Read again this often while shown: a new 5-minute slot, the levels now. */
const REFRESH_MS = 60_000;
/** After the map's speeds change (a frame), read again, but not more often than this. */
const AFTER_CHANGE_MS = 10_000;

const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

/**
 * The congestion index (拥堵指数) of the centre and of each town, now against the same time a week
 * ago, most congested first, and a chart of the centre's day against the same weekday last week:
 * what a leader asks first ("is today worse than usual?").
 */
export function CongestionPanel(props: {
  theme: Theme;
  onUnauthenticated: () => void;
  /** The page's road speeds version: a frame moved some roads, so the areas' index may have moved too. */
  changed?: number;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const [summary, setSummary] = useState<CongestionSummary | null>(null);
  const onUnauthenticated = useRef(props.onUnauthenticated);
  onUnauthenticated.current = props.onUnauthenticated;
  const reload = useRef<() => void>(() => undefined);
  const lastLoad = useRef(0);
  useEffect(() => {
    const abort = new AbortController();
    const load = () => {
      lastLoad.current = Date.now();
      return fetch('/api/roads/congestion', { signal: abort.signal, cache: 'no-store' })
        .then(async (r) => {
          if (r.status === 401) return onUnauthenticated.current();
          if (!r.ok) return;
          const parsed = CongestionSummary.safeParse(await r.json());
          if (parsed.success) setSummary(parsed.data);
          else console.warn('congestion: an answer that is not a congestion summary', parsed.error.issues.slice(0, 3));
        })
        .catch(() => undefined);
    };
    reload.current = () => void load();
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      abort.abort();
      clearInterval(timer);
    };
  }, []);
  useEffect(() => {
    if (props.changed === undefined) return;
    const wait = Math.max(0, lastLoad.current + AFTER_CHANGE_MS - Date.now());
    const timer = setTimeout(() => reload.current(), wait);
    return () => clearTimeout(timer);
  }, [props.changed]);

  const centre = summary?.areas.find((a) => a.kind === 'centre') ?? null;
  const chartEl = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  useEffect(() => {
    if (!centre || !chartEl.current) return;
    let cancelled = false;
    const el = chartEl.current;
    void import('./congestionChart.js').then(({ drawCentreChart }) => {
      if (cancelled) return;
      chart.current = drawCentreChart(
        el,
        { today: centre.today, lastWeek: centre.lastWeek, labels: { today: t('congestionPanel.today'), lastWeek: t('congestionPanel.lastWeekSeries') }, theme: props.theme },
        chart.current ?? undefined,
      );
    });
    return () => {
      cancelled = true;
    };
  }, [centre, props.theme, t]);
  useEffect(() => () => chart.current?.dispose(), []);

  const areas = summary ? [...summary.areas].sort((a, b) => (a.kind === 'centre' ? -1 : b.kind === 'centre' ? 1 : a.index - b.index)) : [];
  const name = (a: CongestionArea) => (zh ? a.name.zh : a.name.en);
  return (
    <section className="congestion" data-testid="congestion-panel">
      <h2>
        {t('congestionPanel.title')}
        {summary && <span className="muted"> · {new Date(summary.at).toLocaleTimeString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })}</span>}
      </h2>
      <p className="muted hint">{t('congestionPanel.hint')}</p>
      <table className="congestion-areas" data-testid="congestion-areas">
        <thead>
          <tr>
            <th>{t('congestionPanel.area')}</th>
            <th>{t('congestionPanel.now')}</th>
            <th>{t('congestionPanel.lastWeek')}</th>
            <th>{t('congestionPanel.change')}</th>
          </tr>
        </thead>
        <tbody>
          {areas.map((a) => {
            // Rounded as shown, so a change too small to see reads 0.00, never −0.00.
            const delta = a.lastWeekNow === null ? null : Math.round((a.index - a.lastWeekNow) * 100) / 100 || 0;
            return (
              <tr key={a.code} data-testid="congestion-area" data-area={a.code} className={a.kind === 'centre' ? 'centre' : undefined}>
                <td>{name(a)}</td>
                <td>
                  <span className="level-dot" style={{ background: rgb(CONGESTION_COLOURS[props.theme][congestionLevelIndex(a.index)]!) }} />
                  {a.index.toFixed(2)} <span className="muted">{t(`congestionLevel.${a.level}`)}</span>
                </td>
                <td>{a.lastWeekNow === null ? '–' : a.lastWeekNow.toFixed(2)}</td>
                {/* A lower index is slower: a fall is worse than last week. */}
                <td className={delta === null ? undefined : delta < -0.02 ? 'worse' : delta > 0.02 ? 'better' : undefined}>
                  {delta === null ? '–' : `${delta > 0 ? '+' : ''}${delta.toFixed(2)}`}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {centre && <h3>{t('congestionPanel.chart', { name: name(centre) })}</h3>}
      <div className="congestion-chart" ref={chartEl} data-testid="congestion-chart" />
      {summary && (
        <div className="muted levels" data-testid="congestion-levels">
          {CONGESTION_LEVELS.map((l) => `${t(`congestionLevel.${l}`)} ${summary.levels[l]!.km} km`).join(' · ')}
        </div>
      )}
    </section>
  );
}
