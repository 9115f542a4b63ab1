import type { TFunction } from 'i18next';
import type { SiteWithStats } from '../../shared/index.js';

/** A site's name in the language on screen. */
export function siteName(s: Pick<SiteWithStats, 'name'>, language: 'zh-CN' | 'en'): string {
  return language === 'en' ? s.name.en : s.name.zh;
}

/** A rate per hectare as people read it: two significant figures, at most one decimal past ten. */
export function rateText(rate: number): string {
  return rate >= 10 ? rate.toFixed(0) : rate >= 1 ? rate.toFixed(1) : rate.toFixed(2);
}

/** The change against the window before, as an arrow and a percentage; "new" when only this window has any, a dash when neither has. */
export function trendText(change: number | null, current: number, t: TFunction): string {
  if (change === null) return current > 0 ? t('sites.trendNew') : '–';
  const pct = Math.round(change * 100);
  return pct === 0 ? '±0%' : `${pct > 0 ? '▲' : '▼'} ${Math.abs(pct)}%`;
}

/** A date in China time, YYYY-MM-DD. */
export function dayText(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The lines of a site's tooltip on the map: name, kind and status, incidents and rate, rank among its kind. */
export function siteTooltip(s: SiteWithStats, t: TFunction, language: 'zh-CN' | 'en', rank: { rank: number; of: number }): string {
  return [
    siteName(s, language),
    `${t(`sites.kind.${s.kind}`)} · ${t(`sites.status.${s.status}`)}`,
    t('sites.tooltipCounts', { inside: s.stats.inside, withinBuffer: s.stats.withinBuffer }),
    t('sites.tooltipRate', { rate: rateText(s.stats.ratePerHa), rank: rank.rank, total: rank.of }),
  ].join('\n');
}
