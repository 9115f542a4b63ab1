import { useTranslation } from 'react-i18next';
import { TimeWindow } from '../../shared/index.js';
import { DENSITY_RAMP } from '../layers/densityRamp.js';

export interface LayerVisibility {
  incidents: boolean;
  heatmap: boolean;
  hexagons: boolean;
  grid: boolean;
}

const rgb = (c: readonly number[]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

/** Switches layers, sets the time window, and explains every colour on the map. */
export function LayerPanel(props: {
  visible: LayerVisibility;
  onToggle: (layer: keyof LayerVisibility) => void;
  window: TimeWindow;
  onWindow: (w: TimeWindow) => void;
  pointCount: number | null;
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
