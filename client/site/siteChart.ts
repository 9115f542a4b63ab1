import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { SiteWeek } from '../../shared/index.js';
import type { Theme } from '../map/palette.js';
import { weekOfTreatment } from './siteHistory.js';

use([BarChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

/**
 * The series' colours, by rank of the class's share of the site's incidents: the largest class the
 * strongest colour (the lot's own problem, dumping or piles, reads first), the rest quieter.
 */
const SERIES_COLOURS: Record<Theme, string[]> = {
  dark: ['#fd8d3c', '#6baed6', '#9e9ac8', '#74c476', '#fdd0a2', '#bdbdbd'],
  light: ['#e6550d', '#3182bd', '#756bb1', '#31a354', '#fdae6b', '#969696'],
};
const MARK: Record<Theme, string> = { dark: '#4cd964', light: '#1e8c3c' };

export interface SiteChartData {
  weeks: readonly SiteWeek[];
  /** Category classes (E01, C02, …) in the order to stack them, with their names. */
  classes: readonly { code: string; name: string }[];
  treatedAt: string | null;
  labels: { treated: string; week: (startIso: string) => string };
  theme: Theme;
}

/**
 * Incidents per week within the site's buffer, stacked by category class, with the treatment date
 * marked on its week. Loaded on demand: ECharts stays out of the first screen's bundle.
 */
export function drawSiteChart(el: HTMLElement, data: SiteChartData, chart?: ECharts): ECharts {
  const c = chart ?? init(el, undefined, { renderer: 'canvas' });
  const dark = data.theme === 'dark';
  const text = dark ? '#9fb6cc' : '#4a5a6a';
  const colours = SERIES_COLOURS[data.theme];
  const categories = data.weeks.map((w) => data.labels.week(w.start));
  const treatedWeek = data.treatedAt ? weekOfTreatment(data.weeks, data.treatedAt) : -1;
  c.setOption(
    {
      animation: false,
      grid: { left: 36, right: 24, top: 52, bottom: 28 },
      legend: { top: 0, textStyle: { color: text }, data: data.classes.map((k) => k.name) },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: categories, axisLabel: { color: text, interval: 3 }, axisTick: { alignWithLabel: true } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { color: text }, splitLine: { lineStyle: { color: dark ? '#1c3247' : '#dde3ea' } } },
      series: data.classes.map((k, i) => ({
        name: k.name,
        type: 'bar',
        stack: 'weeks',
        barCategoryGap: '25%',
        itemStyle: { color: colours[Math.min(i, colours.length - 1)] },
        data: data.weeks.map((w) => w.byClass[k.code] ?? 0),
        ...(i === 0 && treatedWeek >= 0
          ? {
              markLine: {
                silent: true,
                symbol: 'none',
                lineStyle: { color: MARK[data.theme], width: 2, type: 'solid' },
                label: { formatter: data.labels.treated, color: MARK[data.theme], position: 'end', fontWeight: 'bold' },
                data: [{ xAxis: categories[treatedWeek] }],
              },
            }
          : {}),
      })),
    },
    true,
  );
  return c;
}
