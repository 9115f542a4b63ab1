import { useTranslation } from 'react-i18next';
import { barPercent, formatMeasure, isWarning } from './campaignFormat.js';
import { useCampaigns } from './useCampaigns.js';
import './campaign.css';

/**
 * The wall's compact line of the running campaigns (专项整治): each one's name, state and a bar of
 * the way done from baseline to target. Nothing while none is running.
 */
export function CampaignStrip({ onUnauthenticated }: { onUnauthenticated: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const { answer } = useCampaigns(onUnauthenticated);
  const active = (answer?.items ?? []).filter((c) => c.status === 'active');
  if (active.length === 0) return null;
  return (
    <section className="campaign-strip" data-testid="campaign-strip">
      <h2>{t('campaign.strip')}</h2>
      {active.map((c) => {
        const p = c.progress;
        const percent = barPercent(p.fraction);
        return (
          <div key={c.id} className="strip-item" data-testid="campaign-strip-item" data-id={c.id} data-state={p.state} title={`${t(`campaign.measure.${c.target.measure.kind}`)} ${formatMeasure(c.target.measure.kind, p.current)} → ${formatMeasure(c.target.measure.kind, p.target)}`}>
            <div className="strip-name">
              <span>{zh ? c.name.zh : c.name.en}</span>
              <span className={`campaign-state ${p.state}`}>{t(`campaign.state.${p.state}`)}</span>
            </div>
            <div className={`campaign-bar${isWarning(p.state) ? ' warn' : p.state === 'met' ? ' met' : ''}`}>
              <i style={{ width: `${percent}%` }} />
            </div>
          </div>
        );
      })}
    </section>
  );
}
