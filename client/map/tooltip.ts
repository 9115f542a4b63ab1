import type { TFunction } from 'i18next';
import type { Category, ComponentProps, Incident } from '../../shared/index.js';

/** What a tooltip needs to name things, in the language on screen. */
export interface TooltipContext {
  t: TFunction;
  language: 'zh-CN' | 'en';
  categoryOf: (code: string) => Category | undefined;
  townName: (code: string) => string;
  now: number;
}

/** How long ago, in the largest whole unit that reads well on a wall: minutes, hours, then days. */
export function ageText(t: TFunction, fromIso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 60_000));
  if (minutes < 60) return t('age.minutes', { count: minutes });
  if (minutes < 48 * 60) return t('age.hours', { count: Math.floor(minutes / 60) });
  return t('age.days', { count: Math.floor(minutes / 1440) });
}

/** The lines of an incident's tooltip: category, grid code, town, source and age. */
export function incidentTooltip(i: Incident, ctx: TooltipContext): string {
  const c = ctx.categoryOf(i.categoryCode);
  const name = c ? (ctx.language === 'en' ? c.name.en : c.name.zh) : i.categoryCode;
  return [
    `${name} (${i.categoryCode})`,
    ctx.t('tooltip.grid', { code: i.gridCode }),
    ctx.townName(i.townCode),
    `${ctx.t(`source.${i.source}`)} · ${ageText(ctx.t, i.reportedAt, ctx.now)}`,
  ].join('\n');
}

/** A cluster's tooltip: how many, split by family, and how to see them one by one. */
export function clusterTooltip(count: number, eventShare: number, t: TFunction): string {
  const events = Math.round(count * eventShare);
  return [t('tooltip.cluster', { count }), t('tooltip.families', { events, components: count - events }), t('tooltip.zoomIn')].join('\n');
}

/** A component's tooltip: its category, its 16-digit code, its state and its grid cell. */
export function componentTooltip(c: ComponentProps, ctx: TooltipContext): string {
  const category = ctx.categoryOf(c.categoryCode);
  const name = category ? (ctx.language === 'en' ? category.name.en : category.name.zh) : c.categoryCode;
  return [
    `${name} (${c.categoryCode})`,
    ctx.t('tooltip.component', { code: c.code }),
    `${ctx.t(`componentState.${c.state}`)} · ${ctx.townName(c.townCode)}`,
    ctx.t('tooltip.grid', { code: c.gridCode }),
  ].join('\n');
}
