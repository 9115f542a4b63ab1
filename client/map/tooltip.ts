import type { TFunction } from 'i18next';
import type { CameraView, Category, ComponentProps, GridCellProps, Incident } from '../../shared/index.js';

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

/** A cell's coverage tooltip: grid code, town, last patrol (or never: a blind spot), passes in the last day, camera share. */
export function coverageCellTooltip(
  cell: GridCellProps,
  coverage: { lastPatrolAt: number; passes: number; cameraShare: number; score: number | null },
  ctx: TooltipContext,
): string {
  const last = Number.isNaN(coverage.lastPatrolAt)
    ? ctx.t('tooltip.neverPatrolled')
    : ctx.t('tooltip.lastPatrol', { age: ageText(ctx.t, new Date(coverage.lastPatrolAt).toISOString(), ctx.now) });
  return [
    ctx.t('tooltip.grid', { code: cell.code }),
    ctx.townName(cell.townCode),
    last,
    ctx.t('tooltip.passes', { count: coverage.passes }),
    ctx.t('tooltip.cameraShare', { percent: Math.round((coverage.cameraShare / 255) * 100) }),
    ...(coverage.score === null ? [] : [ctx.t('tooltip.blindScore', { score: (coverage.score / 255).toFixed(2) })]),
  ].join('\n');
}

/** A camera's tooltip: which camera, what kind and range, and whether it is live (or since when silent). */
export function cameraTooltip(c: CameraView['properties'], ctx: TooltipContext): string {
  const state =
    c.state === 'live'
      ? c.lastHeartbeatAt
        ? ctx.t('tooltip.cameraLive', { age: ageText(ctx.t, c.lastHeartbeatAt, ctx.now) })
        : ctx.t('cameraState.live')
      : c.silentSince
        ? ctx.t('tooltip.cameraSilent', { age: ageText(ctx.t, c.silentSince, ctx.now) })
        : ctx.t('cameraState.silent');
  return [ctx.t('tooltip.camera', { id: c.id }), ctx.t(`cameraKind.${c.kind}`, { fov: c.fovDeg, range: Math.round(c.rangeM) }), state].join('\n');
}
