import { z } from 'zod';
import { IncidentSource, TimeWindow } from '../schema/incident.js';

/**
 * The theme maps a leader reviews (专题图), each a filter of the incidents with the place it is about:
 * - main-road garbage (主干道暴露垃圾): the garbage categories within 50 m of an arterial or an
 *   expressway, the first target the city names;
 * - vacant lots (闲置地块): what gathers on and around them (weeds, dumping, piled waste, shacks),
 *   within 50 m of a lot;
 * - material yards and construction waste (堆物堆料与建筑垃圾), wherever they lie;
 * - street order (市容秩序): vending and occupied roads;
 * - congestion (交通拥堵): drawn from road speeds, not from reports (E0601 reports stay ordinary
 *   cases), so its filter selects nothing and the map shows the road layer instead;
 * - all incidents.
 */
export const HOTSPOT_THEMES = ['all', 'main_road_garbage', 'vacant_lots', 'material_yards', 'street_order', 'congestion'] as const;
export const HotspotTheme = z.enum(HOTSPOT_THEMES);
export type HotspotTheme = z.infer<typeof HotspotTheme>;

/** Where a theme's incidents must lie, beyond their category. */
export type ThemePlace = 'near_main_road' | 'near_vacant_lot';

export interface ThemeDefinition {
  /** The categories it takes; null for all. */
  categories: readonly string[] | null;
  place: ThemePlace | null;
  /** The distance that counts as near, metres. */
  nearM: number;
}

export const THEME_DEFINITIONS: Record<HotspotTheme, ThemeDefinition> = {
  all: { categories: null, place: null, nearM: 0 },
  // 暴露垃圾, 积存垃圾渣土, 道路不洁, 偷倒垃圾, 垃圾满溢, 道路遗撒
  main_road_garbage: { categories: ['E0102', 'E0103', 'E0104', 'E0108', 'E0109', 'E0304'], place: 'near_main_road', nearM: 50 },
  // 私搭乱建, 积存垃圾渣土, 绿地脏乱, 偷倒垃圾, 闲置地块杂草丛生, 焚烧垃圾树叶, 乱堆物堆料, 空闲地块围挡
  vacant_lots: { categories: ['E0101', 'E0103', 'E0106', 'E0108', 'E0112', 'E0127', 'E0507', 'C0503'], place: 'near_vacant_lot', nearM: 50 },
  // 积存垃圾渣土, 道路遗撒, 施工废弃料, 工地未围挡, 渣土车违规运输, 乱堆物堆料
  material_yards: { categories: ['E0103', 'E0304', 'E0305', 'E0307', 'E0308', 'E0507'], place: null, nearM: 0 },
  // 无照经营游商, 占道废品收购, 店外经营, 占道经营, 占道洗车, 露天烧烤
  street_order: { categories: ['E0501', 'E0503', 'E0504', 'E0508', 'E0509', 'E0510'], place: null, nearM: 0 },
  congestion: { categories: [], place: null, nearM: 0 },
};

const CodeList = z
  .string()
  .max(2000)
  .transform((s) => s.split(',').filter((x) => x.length > 0))
  .pipe(z.array(z.string().regex(/^[CE]\d{4}$/, 'a category code such as E0102')).max(200));

/**
 * `GET /api/incidents/points`: the window, and the filters of every density layer: a theme, the
 * family (E events, C components), categories, sources and a town. The filters narrow the theme.
 */
export const PointsQuery = z
  .object({
    window: TimeWindow.default('24h'),
    theme: HotspotTheme.default('all'),
    family: z.enum(['E', 'C']).optional(),
    categories: CodeList.optional(),
    sources: z
      .string()
      .max(200)
      .transform((s) => s.split(',').filter((x) => x.length > 0))
      .pipe(z.array(IncidentSource).max(10))
      .optional(),
    town: z.string().regex(/^\d{9}$/).optional(),
  })
  .strict();
export type PointsQuery = z.infer<typeof PointsQuery>;
