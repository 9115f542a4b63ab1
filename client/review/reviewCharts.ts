import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { Theme } from '../map/palette.js';

use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const INK: Record<Theme, { text: string; split: string; bar: string; low: string }> = {
  dark: { text: '#9fb6cc', split: '#1c3247', bar: '#3fb5ff', low: '#f0616d' },
  light: { text: '#4a5a6a', split: '#dde3ea', bar: '#1f77b4', low: '#c62828' },
};
const SERIES: Record<Theme, string[]> = {
  dark: ['#3fb5ff', '#7bd88f', '#ffd166', '#f0616d', '#c792ea', '#ff9f43'],
  light: ['#1f77b4', '#2ca02c', '#d4a000', '#c62828', '#8e44ad', '#e67e22'],
};

/** The rows' composite scores as a bar each, best first; the bottom fifth in the warning colour. */
export function drawScoreBars(el: HTMLElement, rows: readonly { name: string; score: number | null }[], theme: Theme, chart?: ECharts): ECharts {
  const c = chart ?? init(el, undefined, { renderer: 'canvas' });
  const ink = INK[theme];
  const scored = rows.filter((r) => r.score !== null);
  const lowFrom = Math.ceil(scored.length * 0.8);
  c.setOption(
    {
      animation: false,
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      // From a little under the lowest score: scores cluster (80–90), and bars from 0 would all look alike.
      xAxis: { type: 'value', min: (v: { min: number }) => Math.max(0, Math.floor((v.min - 5) / 5) * 5), max: 100, axisLabel: { color: ink.text }, splitLine: { lineStyle: { color: ink.split } } },
      yAxis: { type: 'category', inverse: true, data: scored.map((r) => r.name), axisLabel: { color: ink.text } },
      series: [
        {
          type: 'bar',
          data: scored.map((r, i) => ({ value: Math.round(r.score! * 10) / 10, itemStyle: { color: i >= lowFrom ? ink.low : ink.bar } })),
          barMaxWidth: 18,
        },
      ],
    },
    { notMerge: true },
  );
  return c;
}

/** Composite scores over the last periods, a line per row (the best and the worst few). */
export function drawScoreTrend(
  el: HTMLElement,
  periods: readonly string[],
  lines: readonly { name: string; scores: (number | null)[] }[],
  theme: Theme,
  chart?: ECharts,
): ECharts {
  const c = chart ?? init(el, undefined, { renderer: 'canvas' });
  const ink = INK[theme];
  c.setOption(
    {
      animation: false,
      color: SERIES[theme],
      grid: { left: 36, right: 16, top: 36, bottom: 24 },
      legend: { top: 0, textStyle: { color: ink.text } },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: periods, axisLabel: { color: ink.text } },
      yAxis: { type: 'value', min: (v: { min: number }) => Math.max(0, Math.floor(v.min - 5)), max: 100, axisLabel: { color: ink.text }, splitLine: { lineStyle: { color: ink.split } } },
      series: lines.map((l) => ({ name: l.name, type: 'line', data: l.scores.map((s) => (s === null ? null : Math.round(s * 10) / 10)), connectNulls: true })),
    },
    { notMerge: true },
  );
  return c;
}
