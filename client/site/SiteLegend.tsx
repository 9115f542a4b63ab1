import { useTranslation } from 'react-i18next';
import { SiteStatus } from '../../shared/index.js';
import { SITE_RATE_CLASSES, SITE_RATE_COLOURS, SITE_STATUS_COLOURS } from '../layers/siteLayer.js';
import type { Theme } from '../map/palette.js';

const rgba = (c: readonly number[]) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${(c[3]! / 255).toFixed(2)})`;

/** The sites layer's legend: the rate classes, worst first, then the outline of each status. */
export function SiteLegend({ theme }: { theme: Theme }) {
  const { t } = useTranslation();
  return (
    <div className="legend-block" data-testid="legend-sites">
      <div className="legend-title">{t('sites.legendRate')}</div>
      <div className="legend-classes">
        {[...SITE_RATE_CLASSES].reverse().map((k) => (
          <div key={k} className="legend-class" data-testid={`legend-sites-${k}`}>
            <span className="swatch" style={{ background: rgba(SITE_RATE_COLOURS[theme][SITE_RATE_CLASSES.indexOf(k)]!) }} />
            <span>{t(`sites.rateClass.${k}`)}</span>
            <span />
          </div>
        ))}
      </div>
      <div className="legend-title">{t('sites.legendStatus')}</div>
      <div className="legend-row wrap">
        {SiteStatus.options.map((s) => (
          <span key={s} className="legend-item">
            <span className="swatch outline" style={{ borderColor: rgba(SITE_STATUS_COLOURS[theme][s]), borderWidth: s === 'idle' ? 3 : 2 }} />
            {t(`sites.status.${s}`)}
          </span>
        ))}
      </div>
    </div>
  );
}
