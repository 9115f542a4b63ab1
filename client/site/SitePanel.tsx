import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SiteKind, SitesAnswer } from '../../shared/index.js';
import { drawnSites, SITE_RATE_COLOURS, SITE_STATUS_COLOURS } from '../layers/siteLayer.js';
import type { Theme } from '../map/palette.js';
import { Link, sitePath } from '../routing.js';
import { rateText, siteName, trendText } from './siteFormat.js';

/** Sites listed before "all" is asked for: the worst dozen is what a review starts from. */
const WORST = 12;

const rgba = (c: readonly number[]) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${(Math.max(c[3]!, 160) / 255).toFixed(2)})`;

/**
 * The ranked list of vacant lots and material yards (闲置地块与堆物堆料排行) beside the map while its
 * layer is on: highest rate per hectare first, each with its class colour as on the map, its status,
 * its incidents and its trend, linked to the site's own page.
 */
export function SitePanel({ answer, theme }: { answer: SitesAnswer | null; theme: Theme }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  // Lots first: a yard's rate is not a lot's (small, busy ground), so each kind is ranked on its own, as the map classes them.
  const [kind, setKind] = useState<SiteKind | 'all'>('vacant_lot');
  const [all, setAll] = useState(false);
  // Classes over every site, as the map draws them, whatever the list shows.
  const classOf = useMemo(() => new Map(drawnSites(answer?.items ?? []).map((d) => [d.site.id, d.rateClass])), [answer]);
  const shown = (answer?.items ?? []).filter((s) => kind === 'all' || s.kind === kind);
  return (
    <section className="site-panel" data-testid="site-panel">
      <h2>{t('sites.panelTitle')}</h2>
      <div className="site-panel-controls">
        {(['vacant_lot', 'material_yard', 'all'] as const).map((k) => (
          <button key={k} type="button" className={k === kind ? 'active' : ''} aria-pressed={k === kind} onClick={() => setKind(k)} data-testid={`site-kind-${k}`}>
            {k === 'all' ? t('layers.all') : t(`sites.kind.${k}`)}
          </button>
        ))}
      </div>
      {answer && (
        <p className="muted">
          {t('sites.panelNote', { window: t(`layers.windows.${answer.window}`), buffer: answer.bufferM })}
        </p>
      )}
      {!answer ? (
        <p className="muted">{t('sites.loading')}</p>
      ) : (
        <ol className="site-list" data-testid="site-list">
          {(all ? shown : shown.slice(0, WORST)).map((s, i) => (
            <li key={s.id} data-id={s.id}>
              <span className="site-rank">{i + 1}</span>
              <span
                className="swatch"
                style={{ background: rgba(SITE_RATE_COLOURS[theme][classOf.get(s.id) ?? 0]!), borderColor: rgba(SITE_STATUS_COLOURS[theme][s.status]) }}
              />
              <Link to={sitePath(s.id)} className="site-name" data-testid={`site-link-${s.id}`}>
                {siteName(s, language)}
              </Link>
              <span className={`site-status status-${s.status}`}>{t(`sites.status.${s.status}`)}</span>
              <span className="site-figures">
                <b>{s.stats.withinBuffer}</b> {t('sites.incidentsShort')} · {rateText(s.stats.ratePerHa)}
                {t('sites.perHa')}
              </span>
              <span className={`site-trend${s.stats.change !== null && s.stats.change > 0 ? ' up' : ''}`}>{trendText(s.stats.change, s.stats.withinBuffer, t)}</span>
            </li>
          ))}
        </ol>
      )}
      {answer && shown.length > WORST && (
        <button type="button" className="link-button" onClick={() => setAll((a) => !a)} data-testid="site-list-all">
          {all ? t('sites.showWorst', { count: WORST }) : t('sites.showAll', { count: shown.length })}
        </button>
      )}
    </section>
  );
}
