import { useTranslation } from 'react-i18next';
import { ComponentState, HOTSPOT_THEMES, IncidentSource, TimeWindow, type Category, type HotspotTheme } from '../../shared/index.js';
import { CategoryPicker } from './CategoryPicker.js';
import { categoriesWithinTheme } from './categoryChoice.js';
import { COMPONENT_LAYER_DEFAULTS, COMPONENT_STATE_COLOURS } from '../layers/componentLayer.js';
import { DENSITY_PERCENTILES, densityClassColour } from '../layers/densityRamp.js';
import type { DensityFilter } from '../layers/useIncidentPoints.js';
import { EMERGING_LEGEND, GI_STAR_LEGEND, hotspotColour } from '../layers/hotspotLayer.js';
import { EMERGING_WEEKS, type HotspotMode } from '../hotspot/useHotspots.js';
import { CAMERA_COLOURS } from '../layers/cameraLayer.js';
import { BLIND_SPOT_COLOURS, CAMERA_SHARE_COLOURS, PATROL_AGE_COLOURS } from '../layers/cellClassLayer.js';
import { PATROL_AGE_CLASSES } from '../coverage/patrolAge.js';
import { BLIND_SPOT_CLASSES, CAMERA_SHARE_CLASSES } from '../coverage/cellClasses.js';
import type { CoverageMap } from './coverageLayers.js';
import type { Rgba } from '../coverage/cellClassColours.js';
import { PALETTES, type Theme } from './palette.js';
import { SiteLegend } from '../site/SiteLegend.js';
import { CONGESTION_COLOURS } from '../layers/congestionLayer.js';
import { CONGESTION_LEVELS } from '../../shared/traffic/congestionLevels.js';

export interface LayerVisibility {
  incidents: boolean;
  heatmap: boolean;
  hexagons: boolean;
  grid: boolean;
  /** The component inventory, drawn from zoom 16. */
  components: boolean;
  /** Time since each cell was last patrolled (巡查时效), streamed live. */
  patrol: boolean;
  /** The cameras' fields of view, live or silent, over the share of each cell a live one sees. */
  cameras: boolean;
  /** The blind-spot score of each cell (盲区指数), with the ranking of the worst cells and towns. */
  blindSpots: boolean;
  /** The roads coloured by congestion level (路况), streamed live, with the areas' congestion index. */
  congestion: boolean;
  /** Where congestion sits as an area (拥堵区域): the roads below free flow, weighted by length, ranked. */
  congestionArea: boolean;
  /** Vacant lots and material yards (闲置地块, 堆物堆料) by incidents per hectare, outlined by status, with their ranking. */
  sites: boolean;
  /** The theme's hot and cold spots (Gi* with the FDR correction), or its emerging hotspots over weeks. */
  hotspots: boolean;
}

const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
const rgba = (c: readonly number[]) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${(c[3]! / 255).toFixed(2)})`;

/** A translucent map colour as it shows over the basemap's ground, so that a legend swatch matches the map. */
function overBasemap(c: readonly number[], theme: Theme): string {
  const hex = PALETTES[theme].background;
  const ground = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const a = c[3]! / 255;
  return rgb(ground.map((g, i) => Math.round(c[i]! * a + g * (1 - a))));
}

/** Switches layers, sets the time window, and explains every colour on the map. */
export function LayerPanel(props: {
  visible: LayerVisibility;
  onToggle: (layer: keyof LayerVisibility) => void;
  window: TimeWindow;
  onWindow: (w: TimeWindow) => void;
  /** The density layers' theme and filters, and the towns to pick from. */
  filter: DensityFilter;
  onFilter: (f: DensityFilter) => void;
  towns: { code: string; name: string }[];
  /** The category catalog, for the category filter (empty until loaded). */
  catalog?: ReadonlyMap<string, Category>;
  pointCount: number | null;
  /** The look on screen, for the colours the legend explains. */
  theme: Theme;
  /** Which hotspots are shown, and the cells in each class. */
  hotspotMode?: HotspotMode;
  onHotspotMode?: (m: HotspotMode) => void;
  hotspotClasses?: Record<string, number> | null;
  /** Starts the time playback of the window (when its points are loaded). */
  onPlayback?: () => void;
  /** Cells in each class of each coverage map, once the coverage has loaded. */
  coverageCounts?: Partial<Record<CoverageMap, readonly number[] | null>>;
  /** Cameras live and silent, once the list has loaded. */
  cameraCounts?: { live: number; silent: number } | null;
  /** Road segments at each congestion level, once the speeds have loaded. */
  congestionCounts?: readonly number[] | null;
}) {
  const { t } = useTranslation();
  const density = props.visible.heatmap || props.visible.hexagons || props.visible.grid;
  return (
    <div className="layer-panel" data-testid="layer-panel">
      <h3>{t('layers.title')}</h3>
      {(Object.keys(props.visible) as (keyof LayerVisibility)[]).map((k) => (
        <label key={k}>
          <input type="checkbox" checked={props.visible[k]} onChange={() => props.onToggle(k)} data-testid={`layer-${k}`} />
          {t(`layers.${k}`)}
        </label>
      ))}
      <label className="window">
        {t('layers.window')}
        <select value={props.window} onChange={(e) => props.onWindow(e.target.value as TimeWindow)} data-testid="time-window">
          {TimeWindow.options.map((w) => (
            <option key={w} value={w}>
              {t(`layers.windows.${w}`)}
            </option>
          ))}
        </select>
      </label>
      {(density || props.visible.hotspots) && (
        <div className="density-filters" data-testid="density-filters">
          <label>
            {t('layers.theme')}
            <select
              value={props.filter.theme}
              onChange={(e) => {
                const theme = e.target.value as HotspotTheme;
                // Categories outside the new theme would select nothing: they go.
                props.onFilter({ ...props.filter, theme, categories: categoriesWithinTheme(props.filter.categories, theme) });
              }}
              data-testid="density-theme"
            >
              {HOTSPOT_THEMES.map((k) => (
                <option key={k} value={k}>
                  {t(`themes.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('layers.family')}
            <select value={props.filter.family ?? ''} onChange={(e) => props.onFilter({ ...props.filter, family: (e.target.value || undefined) as DensityFilter['family'] })} data-testid="density-family">
              <option value="">{t('layers.all')}</option>
              <option value="E">{t('legend.event')}</option>
              <option value="C">{t('legend.component')}</option>
            </select>
          </label>
          <label>
            {t('layers.source')}
            <select
              value={props.filter.sources?.[0] ?? ''}
              onChange={(e) => props.onFilter({ ...props.filter, sources: e.target.value ? [e.target.value as IncidentSource] : undefined })}
              data-testid="density-source"
            >
              <option value="">{t('layers.all')}</option>
              {IncidentSource.options.map((s) => (
                <option key={s} value={s}>
                  {t(`source.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('layers.town')}
            <select value={props.filter.town ?? ''} onChange={(e) => props.onFilter({ ...props.filter, town: e.target.value || undefined })} data-testid="density-town">
              <option value="">{t('layers.all')}</option>
              {props.towns.map((town) => (
                <option key={town.code} value={town.code}>
                  {town.name}
                </option>
              ))}
            </select>
          </label>
          {props.onPlayback && (
            <button type="button" className="playback-start" onClick={props.onPlayback} data-testid="playback-start">
              ▶ {t('playback.start')}
            </button>
          )}
        </div>
      )}
      {(density || props.visible.hotspots) && props.catalog && props.catalog.size > 0 && (
        <CategoryPicker catalog={props.catalog} theme={props.filter.theme} chosen={props.filter.categories} onChange={(categories) => props.onFilter({ ...props.filter, categories })} />
      )}
      <div className="legend" data-testid="legend">
        {props.visible.incidents && (
          <div className="legend-row">
            <span className="dot" style={{ background: 'rgb(255, 112, 67)' }} /> {t('legend.event')}
            <span className="dot" style={{ background: 'rgb(66, 165, 245)' }} /> {t('legend.component')}
          </div>
        )}
        {props.visible.incidents && (
          <div className="legend-row">
            <span className="dot cluster" style={{ background: 'linear-gradient(90deg, rgb(255, 112, 67) 50%, rgb(66, 165, 245) 50%)' }}>n</span>
            {t('legend.cluster')}
          </div>
        )}
        {props.visible.components && (
          <div className="legend-row wrap" data-testid="legend-components">
            {t('legend.components', { zoom: COMPONENT_LAYER_DEFAULTS.minZoom.value })}
            {ComponentState.options.map((s) => (
              <span key={s} className="legend-item">
                <span className="dot small" style={{ background: rgba(COMPONENT_STATE_COLOURS[props.theme][s]) }} />
                {t(`componentState.${s}`)}
              </span>
            ))}
          </div>
        )}
        {props.visible.patrol && (
          <ClassLegend
            testId="legend-patrol"
            title={t('legend.patrol')}
            classes={PATROL_AGE_CLASSES}
            label={(k) => t(`patrolAge.${k}`)}
            colours={PATROL_AGE_COLOURS[props.theme]}
            counts={props.coverageCounts?.patrol}
            theme={props.theme}
          />
        )}
        {props.visible.hotspots && (
          <div className="legend-block" data-testid="legend-hotspots">
            <div className="legend-title">
              <select value={props.hotspotMode ?? 'gistar'} onChange={(e) => props.onHotspotMode?.(e.target.value as HotspotMode)} data-testid="hotspot-mode">
                <option value="gistar">{t('legend.hotspotsGiStar')}</option>
                <option value="gistarHex">{t('legend.hotspotsGiStarHex')}</option>
                <option value="emerging">{t('legend.hotspotsEmerging', { weeks: EMERGING_WEEKS })}</option>
              </select>
            </div>
            <div className="legend-classes">
              {((props.hotspotMode ?? 'gistar') !== 'emerging' ? GI_STAR_LEGEND : EMERGING_LEGEND).map((k) => (
                <div key={k} className="legend-class" data-testid={`legend-hotspot-${k}`}>
                  <span className="swatch" style={{ background: overBasemap(hotspotColour(k), props.theme) }} />
                  <span>{t(`hotspotClass.${k}`)}</span>
                  <b className="legend-count">{props.hotspotClasses ? (props.hotspotClasses[k] ?? 0).toLocaleString('zh-CN') : '–'}</b>
                </div>
              ))}
            </div>
            <div className="muted">{t('legend.hotspotsNote')}</div>
          </div>
        )}
        {props.visible.blindSpots && (
          <ClassLegend
            testId="legend-blindSpots"
            title={t('legend.blindSpots')}
            classes={BLIND_SPOT_CLASSES}
            label={(k) => t(`blindSpotClass.${k}`)}
            colours={BLIND_SPOT_COLOURS[props.theme]}
            counts={props.coverageCounts?.blindSpots}
            theme={props.theme}
          />
        )}
        {props.visible.cameras && (
          <div className="legend-block" data-testid="legend-cameras">
            <div className="legend-title">{t('legend.cameras')}</div>
            <div className="legend-classes">
              {(['live', 'silent'] as const).map((s) => (
                <div key={s} className="legend-class">
                  <span
                    className={`swatch sector ${s}`}
                    style={{ background: overBasemap(CAMERA_COLOURS[props.theme][s].fill, props.theme), borderColor: rgb(CAMERA_COLOURS[props.theme][s].line) }}
                  />
                  <span>{t(`cameraState.${s}`)}</span>
                  <b className="legend-count">{props.cameraCounts ? props.cameraCounts[s] : '–'}</b>
                </div>
              ))}
            </div>
          </div>
        )}
        {props.visible.cameras && (
          <ClassLegend
            testId="legend-cameraShare"
            title={t('legend.cameraShare')}
            classes={CAMERA_SHARE_CLASSES}
            label={(k) => t(`cameraShareClass.${k}`)}
            colours={CAMERA_SHARE_COLOURS[props.theme]}
            counts={props.coverageCounts?.cameraShare}
            theme={props.theme}
          />
        )}
        {props.visible.congestion && (
          <ClassLegend
            testId="legend-congestion"
            title={t('legend.congestion')}
            classes={CONGESTION_LEVELS}
            label={(k) => t(`congestionLevel.${k}`)}
            colours={CONGESTION_COLOURS[props.theme]}
            counts={props.congestionCounts}
            theme={props.theme}
          />
        )}
        {props.visible.congestionArea && (
          <div className="legend-block" data-testid="legend-congestionArea">
            <div className="legend-title" title={t('legend.congestionAreaFormula')}>
              {t('legend.congestionArea')}
            </div>
            <div className="legend-classes">
              {DENSITY_PERCENTILES.map((q, i) => (
                <div key={q} className="legend-class">
                  <span className="swatch" style={{ background: overBasemap(densityClassColour(i + 1, 210), props.theme) }} />
                  <span>{t('legend.densityTop', { percent: Math.round((1 - q) * 100) })}</span>
                </div>
              ))}
            </div>
            <div className="muted">{t('legend.congestionAreaNote')}</div>
          </div>
        )}
        {props.visible.sites && <SiteLegend theme={props.theme} />}
        {density && (
          <div className="legend-block" data-testid="legend-density">
            <div className="legend-title">{t('legend.densityClasses')}</div>
            <div className="legend-classes">
              {DENSITY_PERCENTILES.map((q, i) => (
                <div key={q} className="legend-class">
                  <span className="swatch" style={{ background: overBasemap(densityClassColour(i + 1, 230), props.theme) }} />
                  <span>{t('legend.densityTop', { percent: Math.round((1 - q) * 100) })}</span>
                </div>
              ))}
            </div>
            <div className="muted">
              {t('legend.densityBottom')}
              {props.pointCount !== null && <> · {t('legend.count', { count: props.pointCount })}</>}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

/** A coverage map's classes: a swatch as the colour shows over the basemap, its name and its cells. */
function ClassLegend<K extends string>(props: {
  testId: string;
  title: string;
  classes: readonly K[];
  label: (k: K) => string;
  colours: readonly Rgba[];
  counts: readonly number[] | null | undefined;
  theme: Theme;
}) {
  return (
    <div className="legend-block" data-testid={props.testId}>
      <div className="legend-title">{props.title}</div>
      <div className="legend-classes">
        {props.classes.map((k, i) => (
          <div key={k} className="legend-class" data-testid={`${props.testId}-${k}`}>
            <span className={`swatch${props.colours[i]![3] === 0 ? ' empty' : ''}`} style={{ background: overBasemap(props.colours[i]!, props.theme) }} />
            <span>{props.label(k)}</span>
            <b className="legend-count">{props.counts ? props.counts[i]!.toLocaleString('zh-CN') : '–'}</b>
          </div>
        ))}
      </div>
    </div>
  );
}
