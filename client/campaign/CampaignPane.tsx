import type { ECharts } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CampaignDetail, CampaignWithProgress, CityMeta, Unit } from '../../shared/index.js';
import { useCityAndCategories } from '../cases/useCityAndCategories.js';
import type { Theme } from '../map/palette.js';
import { fetchCampaign } from './campaignApi.js';
import { CampaignForm } from './CampaignForm.js';
import { drawCampaignSeries } from './campaignChart.js';
import { barPercent, chinaDate, formatMeasure, isWarning } from './campaignFormat.js';
import { useCampaigns } from './useCampaigns.js';
import './campaign.css';

/**
 * The review's 专项整治 tab: every campaign with its scope, unit, deadline and a bar of the way done
 * from baseline to target, its state (on track, behind, met, missed); the one picked with its weeks
 * charted against the straight path to the target. Whoever holds campaign.manage creates one, edits,
 * closes or reopens the one picked.
 */
export function CampaignPane({ theme, canManage, onUnauthenticated }: { theme: Theme; canManage: boolean; onUnauthenticated: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const { city, units, categories } = useCityAndCategories(onUnauthenticated);
  const { answer, error, reload } = useCampaigns(onUnauthenticated);
  // The form open: a new campaign, or the one picked being edited.
  const [editing, setEditing] = useState<'new' | 'picked' | null>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [detail, setDetail] = useState<CampaignDetail | null>(null);
  const shown = picked ?? answer?.items[0]?.id ?? null;
  const shownItem = answer?.items.find((c) => c.id === shown) ?? null;

  useEffect(() => {
    if (!shown) return;
    const abort = new AbortController();
    fetchCampaign(shown, abort.signal).then(setDetail, () => undefined);
    return () => abort.abort();
  }, [shown, answer]);

  const chartEl = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  useEffect(() => {
    if (!chartEl.current || !detail) return;
    const labels = { value: t('campaign.seriesValue'), expected: t('campaign.seriesExpected'), target: t('campaign.seriesTarget'), baseline: t('campaign.seriesBaseline') };
    chart.current = drawCampaignSeries(chartEl.current, detail, labels, theme, chart.current ?? undefined);
  }, [detail, theme, t]);
  useEffect(() => {
    const resize = () => chart.current?.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  return (
    <div className="campaign-pane" data-testid="campaign-pane">
      <section className="campaign-list-pane">
        {error && <p className="action-message error" role="alert">{error}</p>}
        {canManage && editing === null && (
          <div className="case-actions">
            <button type="button" className="act main" onClick={() => setEditing('new')} data-testid="campaign-new">
              {t('campaign.form.new')}
            </button>
            {shownItem && (
              <button type="button" className="act" onClick={() => setEditing('picked')} data-testid="campaign-edit">
                {t('campaign.form.edit')}
              </button>
            )}
          </div>
        )}
        {canManage && editing !== null && units.size > 0 && (
          <CampaignForm
            key={editing === 'new' ? 'new' : shown}
            campaign={editing === 'picked' ? shownItem : null}
            city={city}
            units={units}
            categories={categories}
            onSaved={(saved) => {
              setEditing(null);
              setPicked(saved.id);
              setDetail(saved);
              reload();
            }}
            onCancel={() => setEditing(null)}
            onUnauthenticated={onUnauthenticated}
          />
        )}
        {!answer ? (
          <p className="muted">{t('campaign.loading')}</p>
        ) : answer.items.length === 0 ? (
          <p className="muted">{t('campaign.none')}</p>
        ) : (
          <ul className="campaign-list" data-testid="campaign-list">
            {answer.items.map((c) => (
              <CampaignItem key={c.id} c={c} picked={c.id === shown} onPick={() => setPicked(c.id)} zh={zh} city={city} units={units} />
            ))}
          </ul>
        )}
      </section>
      <section className="campaign-detail">
        {detail && (
          <>
            <h3>
              {zh ? detail.name.zh : detail.name.en} · {t('campaign.series')}
            </h3>
            <p className="muted small">{detail.description}</p>
          </>
        )}
        <div ref={chartEl} className="campaign-chart" data-testid="campaign-chart" data-id={detail?.id ?? ''} data-weeks={detail?.series.length ?? 0} />
        {detail?.series.some((w) => w.partial) && <p className="muted small">* {t('campaign.partial')}</p>}
      </section>
    </div>
  );
}

function CampaignItem({ c, picked, onPick, zh, city, units }: { c: CampaignWithProgress; picked: boolean; onPick: () => void; zh: boolean; city: CityMeta | null; units: ReadonlyMap<string, Unit> }) {
  const { t } = useTranslation();
  const p = c.progress;
  const kind = c.target.measure.kind;
  const unit = units.get(c.unitCode);
  const townName = (code: string) => {
    const town = city?.towns.find((x) => x.code === code);
    return town ? (zh ? town.name.zh : town.name.en) : code;
  };
  const area = c.scope.area.kind === 'towns' ? c.scope.area.towns.map(townName).join('、') : t(`campaign.area.${c.scope.area.kind}`);
  const goal = c.target.value !== null ? `${t(`campaign.goal.${c.target.direction}`)} ${formatMeasure(kind, c.target.value)}` : t('campaign.change', { pct: `${c.target.change! > 0 ? '+' : ''}${Math.round(c.target.change! * 100)}%` });
  const percent = barPercent(p.fraction);
  return (
    <li
      className={`campaign-item${picked ? ' picked' : ''}`}
      data-testid="campaign-item"
      data-id={c.id}
      data-state={p.state}
      data-percent={percent}
      data-current={p.current ?? ''}
      onClick={onPick}
    >
      <h3>
        <span>{zh ? c.name.zh : c.name.en}</span>
        <span className={`campaign-state ${p.state}`} data-testid="campaign-state">
          {c.status === 'closed' ? `${t('campaign.closed')} · ` : ''}
          {t(`campaign.state.${p.state}`)}
        </span>
      </h3>
      <p className="campaign-meta">
        {t(`campaign.measure.${kind}`)} · {area} · {goal} · {t('campaign.unit')} {unit ? (zh ? unit.name.zh : unit.name.en) : c.unitCode} · {t('campaign.deadline')} {chinaDate(new Date(Date.parse(c.deadlineAt) - 1).toISOString())}
      </p>
      <div className={`campaign-bar${isWarning(p.state) ? ' warn' : p.state === 'met' ? ' met' : ''}`} title={`${t('campaign.progress')} ${percent}%`}>
        <i style={{ width: `${percent}%` }} />
      </div>
      <div className="campaign-figures">
        <span>
          {t('campaign.baseline')} <b>{formatMeasure(kind, p.baseline)}</b>
        </span>
        <span>
          {t('campaign.current')} <b data-testid="campaign-current">{formatMeasure(kind, p.current)}</b>
        </span>
        <span>
          {t('campaign.expected')} <b>{formatMeasure(kind, p.expected)}</b>
        </span>
        <span>
          {t('campaign.target')} <b>{formatMeasure(kind, p.target)}</b>
        </span>
        <span>
          {t('campaign.progress')} <b>{p.fraction === null ? '–' : `${percent}%`}</b>
        </span>
      </div>
    </li>
  );
}
