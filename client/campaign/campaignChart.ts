import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { CampaignDetail } from '../../shared/index.js';
import type { Theme } from '../map/palette.js';
import { chinaDate, formatMeasure } from './campaignFormat.js';

use([LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

/** The review's chart colours (client/review/reviewCharts.ts), so the two read as one page. */
const INK: Record<Theme, { text: string; split: string; value: string; path: string; target: string; baseline: string }> = {
  dark: { text: '#9fb6cc', split: '#1c3247', value: '#3fb5ff', path: '#ffd166', target: '#7bd88f', baseline: '#8aa3bb' },
  light: { text: '#4a5a6a', split: '#dde3ea', value: '#1f77b4', path: '#d4a000', target: '#2ca02c', baseline: '#7a8a9a' },
};

export interface CampaignChartLabels {
  value: string;
  expected: string;
  target: string;
  baseline: string;
}

/**
 * A campaign's weekly values from its start against the straight path to the target, with the
 * target and the baseline as lines across: a leader sees at once whether the weeks keep to the path.
 */
export function drawCampaignSeries(el: HTMLElement, c: CampaignDetail, labels: CampaignChartLabels, theme: Theme, chart?: ECharts): ECharts {
  const ch = chart ?? init(el, undefined, { renderer: 'canvas' });
  const ink = INK[theme];
  const kind = c.target.measure.kind;
  const fmt = (v: number | null) => formatMeasure(kind, v);
  const round = (v: number | null) => (v === null ? null : kind === 'source_share' ? Math.round(v * 1000) / 10 : Math.round(v * 1000) / 1000);
  const axis = c.series.map((w) => `${chinaDate(w.start).slice(5)}${w.partial ? '*' : ''}`);
  const lines: { name: string; yAxis: number; colour: string }[] = [];
  if (c.progress.target !== null) lines.push({ name: labels.target, yAxis: round(c.progress.target)!, colour: ink.target });
  if (c.progress.baseline !== null) lines.push({ name: labels.baseline, yAxis: round(c.progress.baseline)!, colour: ink.baseline });
  ch.setOption(
    {
      animation: false,
      grid: { left: 48, right: 100, top: 36, bottom: 28 },
      legend: { top: 0, textStyle: { color: ink.text } },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? (kind === 'source_share' ? `${v}%` : String(v)) : '–'),
      },
      xAxis: { type: 'category', data: axis, axisLabel: { color: ink.text } },
      // The axis holds the target and the baseline too: a line off the axis is not drawn at all.
      yAxis: {
        type: 'value',
        min: (v: { min: number }) => niceFloor(Math.min(v.min, ...lines.map((l) => l.yAxis))),
        max: (v: { max: number }) => niceCeil(Math.max(v.max, ...lines.map((l) => l.yAxis))),
        axisLabel: { color: ink.text, formatter: kind === 'source_share' ? '{value}%' : '{value}' },
        splitLine: { lineStyle: { color: ink.split } },
      },
      series: [
        {
          name: labels.value,
          type: 'line',
          data: c.series.map((w) => round(w.value)),
          itemStyle: { color: ink.value },
          lineStyle: { width: 3 },
          symbolSize: 7,
          markLine: {
            symbol: 'none',
            silent: true,
            data: lines.map((l) => ({ name: l.name, yAxis: l.yAxis, lineStyle: { color: l.colour, type: 'solid', width: 1.5 }, label: { color: l.colour, formatter: `${l.name} ${fmt(kind === 'source_share' ? l.yAxis / 100 : l.yAxis)}`, position: 'end' } })),
          },
        },
        { name: labels.expected, type: 'line', data: c.series.map((w) => round(w.expected)), itemStyle: { color: ink.path }, lineStyle: { type: 'dashed' }, symbol: 'none' },
      ],
    },
    { notMerge: true },
  );
  return ch;
}

/** A round bound below or above a value, to a tenth of its order of magnitude (an index 0.673 → 0.67, 1106 → 1200). */
function niceFloor(v: number): number {
  const step = stepOf(v);
  return Math.max(0, Math.floor(v / step) * step);
}

function niceCeil(v: number): number {
  const step = stepOf(v);
  return Math.ceil(v / step) * step;
}

function stepOf(v: number): number {
  const a = Math.abs(v);
  return a === 0 ? 1 : 10 ** (Math.floor(Math.log10(a)) - 1);
}
