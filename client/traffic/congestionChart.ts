import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { CONGESTION_BOUNDS, type CongestionPoint } from '../../shared/index.js';
import { CONGESTION_COLOURS } from '../layers/congestionLayer.js';
import type { Theme } from '../map/palette.js';

use([LineChart, GridComponent, LegendComponent, TooltipComponent, MarkAreaComponent, CanvasRenderer]);

const LOCAL_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
/** Minutes since local midnight: both days on one time-of-day axis. */
const minuteOfDay = (iso: string) => Math.round((((Date.parse(iso) + LOCAL_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS / 60_000);
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const rgba = (c: readonly number[], a: number) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${a})`;

export interface CentreChartData {
  today: readonly CongestionPoint[];
  lastWeek: readonly CongestionPoint[];
  labels: { today: string; lastWeek: string };
  theme: Theme;
}

/**
 * The centre's congestion index through the day, today against the same weekday a week before, on
 * one axis of local time; the level bands behind the lines in the map's own colours (faint), so a
 * dip reads as "slow" or "congested" the way the map says it. Loaded on demand: ECharts stays out
 * of the first screen's bundle.
 */
export function drawCentreChart(el: HTMLElement, data: CentreChartData, chart?: ECharts): ECharts {
  const c = chart ?? init(el, undefined, { renderer: 'canvas' });
  const dark = data.theme === 'dark';
  const text = dark ? '#9fb6cc' : '#4a5a6a';
  const colours = CONGESTION_COLOURS[data.theme];
  const bands = [1, ...CONGESTION_BOUNDS, 0];
  c.setOption(
    {
      animation: false,
      grid: { left: 36, right: 10, top: 28, bottom: 24 },
      legend: { top: 0, textStyle: { color: text }, data: [data.labels.today, data.labels.lastWeek] },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toFixed(2) : String(v)) },
      xAxis: { type: 'value', min: 0, max: 1440, interval: 180, axisLabel: { color: text, formatter: (m: number) => hhmm(m) }, splitLine: { show: false } },
      yAxis: { type: 'value', min: 0, max: 1, interval: 0.25, axisLabel: { color: text }, splitLine: { lineStyle: { color: dark ? '#1c3247' : '#dde3ea' } } },
      series: [
        {
          name: data.labels.lastWeek,
          type: 'line',
          showSymbol: false,
          data: data.lastWeek.map((p) => [minuteOfDay(p.at), p.index]),
          lineStyle: { width: 1.5, type: 'dashed', color: dark ? '#7f93a8' : '#8a96a3' },
          itemStyle: { color: dark ? '#7f93a8' : '#8a96a3' },
          markArea: {
            silent: true,
            data: bands.slice(0, -1).map((top, k) => [{ yAxis: bands[k + 1], itemStyle: { color: rgba(colours[k]!, 0.12) } }, { yAxis: top }]),
          },
        },
        {
          name: data.labels.today,
          type: 'line',
          showSymbol: false,
          data: data.today.map((p) => [minuteOfDay(p.at), p.index]),
          lineStyle: { width: 2.5, color: dark ? '#e6eef7' : '#1d2b3a' },
          itemStyle: { color: dark ? '#e6eef7' : '#1d2b3a' },
        },
      ],
    },
    true,
  );
  return c;
}
