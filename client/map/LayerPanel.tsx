import { useTranslation } from 'react-i18next';
import { ComponentState, TimeWindow } from '../../shared/index.js';
import { COMPONENT_LAYER_DEFAULTS, COMPONENT_STATE_COLOURS } from '../layers/componentLayer.js';
import { DENSITY_RAMP } from '../layers/densityRamp.js';
import type { Theme } from './palette.js';

export interface LayerVisibility {
  incidents: boolean;
  heatmap: boolean;
  hexagons: boolean;
  grid: boolean;
  /** The component inventory, drawn from zoom 16. */
  components: boolean;
}

const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
const rgba = (c: readonly number[]) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${(c[3]! / 255).toFixed(2)})`;

/** Switches layers, sets the time window, and explains every colour on the map. */
export function LayerPanel(props: {
  visible: LayerVisibility;
  onToggle: (layer: keyof LayerVisibility) => void;
  window: TimeWindow;
  onWindow: (w: TimeWindow) => void;
  pointCount: number | null;
  /** The look on screen, for the colours the legend explains. */
  theme: Theme;
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
        {density && (
          <div className="legend-row">
            {t('legend.fewer')}
            <span className="ramp" style={{ background: `linear-gradient(to right, ${DENSITY_RAMP.map(rgb).join(', ')})` }} />
            {t('legend.more')}
            {props.pointCount !== null && <span className="muted"> · {t('legend.count', { count: props.pointCount })}</span>}
          </div>
        )}
      </div>
    </div>
  );
}
