import type { ECharts } from 'echarts/core';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SiteStatus, SiteWindow, type SessionUser, type SiteDetail } from '../../shared/index.js';
import { AdminHeader } from '../admin/AdminHeader.js';
import type { SignOutReason } from '../auth/session.js';
import { ApiError } from '../cases/caseApi.js';
import { useCityAndCategories } from '../cases/useCityAndCategories.js';
import { siteRateClassByRank } from '../layers/siteLayer.js';
import { useDocumentTheme } from '../theme.js';
import { DASHBOARD_PATH, Link, sitePath } from '../routing.js';
import { fetchSite, saveSite } from './siteApi.js';
import { changeOf, draftOf, editDraft } from './siteEdit.js';
import { dayText, rateText, siteName, trendText } from './siteFormat.js';
import { classesByWeight } from './siteHistory.js';
import { SiteMap } from './SiteMap.js';

/** The buffer the page asks for: the server's default, the dashboard's too. */
const SITE_BUFFER_M = 50;

/** The site and its figures over a window, read again on demand (after a save). */
function useSiteDetail(id: string, window: SiteWindow, onUnauthenticated: () => void) {
  const [detail, setDetail] = useState<SiteDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const onUnauthenticatedRef = useRef(onUnauthenticated);
  onUnauthenticatedRef.current = onUnauthenticated;
  useEffect(() => {
    let live = true;
    fetchSite(id, window).then(
      (d) => {
        if (!live) return;
        setDetail(d);
        setError(null);
      },
      (err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.status === 401) onUnauthenticatedRef.current();
        else setError(err instanceof ApiError ? err.code : 'network');
      },
    );
    return () => {
      live = false;
    };
  }, [id, window, version]);
  return { detail, error, reload: useCallback(() => setVersion((v) => v + 1), []) };
}

/**
 * A vacant lot's or material yard's own page (/sites/:id): where it is, its figures over a window,
 * its incidents week by week with the treatment date marked, before against after, its status
 * history, and for admins (city.manage) the form that changes its status, owner and treatment date.
 */
export function SitePage({ user, id, onSignOut }: { user: SessionUser; id: string; onSignOut: (reason?: SignOutReason) => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language === 'en' ? 'en' : 'zh-CN';
  const onUnauthenticated = useCallback(() => onSignOut('unauthenticated'), [onSignOut]);
  const [window, setWindow] = useState<SiteWindow>('30d');
  const { city, categories } = useCityAndCategories(onUnauthenticated);
  const { detail, error, reload } = useSiteDetail(id, window, onUnauthenticated);
  // The look is the page's own (AdminHeader switches it); the map and the chart follow the document's.
  const theme = useDocumentTheme();
  const townName = (code: string) => {
    const town = city?.towns.find((x) => x.code === code);
    return town ? (language === 'en' ? town.name.en : town.name.zh) : code;
  };
  // Stable between renders, so that the chart redraws only when its data changes.
  const className = useMemo(() => {
    const names = new Map([...categories.values()].map((c) => [`${c.code[0]}${c.classCode}`, language === 'en' ? c.className.en : c.className.zh]));
    return (code: string) => names.get(code) ?? code;
  }, [categories, language]);
  const categoryName = (code: string) => {
    const c = categories.get(code);
    return c ? (language === 'en' ? c.name.en : c.name.zh) : code;
  };

  return (
    <main className="site-page-main">
      <AdminHeader title={t('sites.pageTitle')} here={sitePath(id)} user={user} onSignOut={() => onSignOut()} />
      {error && (
        <p className="login-error" role="alert" data-testid="site-error">
          {error === 'not_found' ? t('sites.notFound') : t('sites.loadFailed')} <Link to={DASHBOARD_PATH}>{t('nav.dashboard')}</Link>
        </p>
      )}
      {detail && (
        <div className="site-page" data-testid="site-page">
          <section className="site-head">
            <h2 data-testid="site-title">{siteName(detail, language)}</h2>
            <span className={`site-status status-${detail.status}`} data-testid="site-status">
              {t(`sites.status.${detail.status}`)}
            </span>
            <span className="muted">
              {t(`sites.kind.${detail.kind}`)} · {townName(detail.townCode)} · {detail.id}
            </span>
            <label className="site-window">
              {t('layers.window')}
              <select value={window} onChange={(e) => setWindow(e.target.value as SiteWindow)} data-testid="site-window">
                {SiteWindow.options.map((w) => (
                  <option key={w} value={w}>
                    {t(`layers.windows.${w}`)}
                  </option>
                ))}
              </select>
            </label>
          </section>
          <div className="site-columns">
            <div className="site-left">
              <div className="site-map-pane">
                {city && (
                  <SiteMap city={city} site={detail} rateClass={siteRateClassByRank(detail.stats.rank, detail.rankAmong, detail.stats.ratePerHa)} theme={theme} language={language} />
                )}
              </div>
              <dl className="site-facts" data-testid="site-facts">
                <dt>{t('sites.owner')}</dt>
                <dd>{detail.owner ?? t('sites.noOwner')}</dd>
                <dt>{t('sites.area')}</dt>
                <dd>{t('sites.areaValue', { m2: Math.round(detail.areaM2).toLocaleString('zh-CN'), ha: (detail.areaM2 / 10_000).toFixed(2) })}</dd>
                <dt>{t('sites.treatedAt')}</dt>
                <dd>{detail.treatedAt ? dayText(detail.treatedAt) : t('sites.untreated')}</dd>
                <dt>{t('sites.updated')}</dt>
                <dd>
                  {dayText(detail.updatedAt)} · {detail.updatedBy}
                </dd>
              </dl>
            </div>
            <div className="site-right">
              <section className="site-figures-grid" data-testid="site-figures">
                <div>
                  <b data-testid="site-within">{detail.stats.withinBuffer}</b>
                  {t('sites.withinBuffer', { buffer: SITE_BUFFER_M })}
                </div>
                <div>
                  <b>{detail.stats.inside}</b>
                  {t('sites.inside')}
                </div>
                <div>
                  <b data-testid="site-rate">{rateText(detail.stats.ratePerHa)}</b>
                  {t('sites.ratePerHa')}
                </div>
                <div>
                  <b data-testid="site-rank">
                    {detail.stats.rank}/{detail.rankAmong}
                  </b>
                  {t('sites.rankOf', { kind: t(`sites.kind.${detail.kind}`) })}
                </div>
                <div>
                  <b className={detail.stats.change !== null && detail.stats.change > 0 ? 'up' : ''}>{trendText(detail.stats.change, detail.stats.withinBuffer, t)}</b>
                  {t('sites.trendVs', { previous: detail.stats.previous })}
                </div>
              </section>
              {Object.keys(detail.stats.byCategory).length > 0 && (
                <p className="site-categories">
                  {Object.entries(detail.stats.byCategory)
                    .sort((a, b) => b[1] - a[1])
                    .slice(0, 6)
                    .map(([code, n]) => `${categoryName(code)} ${n}`)
                    .join(' · ')}
                </p>
              )}
              <section className="site-chart-block">
                <h3>{t('sites.weeklyTitle')}</h3>
                <SiteWeeksChart detail={detail} theme={theme} className={className} />
              </section>
              <BeforeAfter detail={detail} />
              <section className="site-history">
                <h3>{t('sites.historyTitle')}</h3>
                {detail.statusChanges.length === 0 ? (
                  <p className="muted">{t('sites.noChanges')}</p>
                ) : (
                  <ol data-testid="site-status-changes">
                    {[...detail.statusChanges].reverse().map((c) => (
                      <li key={`${c.at}-${c.to}`}>
                        <time>{dayText(c.at)}</time> {t(`sites.status.${c.from}`)} → <b>{t(`sites.status.${c.to}`)}</b> · {c.by}
                      </li>
                    ))}
                  </ol>
                )}
              </section>
              {user.permissions.includes('city.manage') && <SiteEditForm detail={detail} onSaved={reload} />}
            </div>
          </div>
        </div>
      )}
    </main>
  );
}

function SiteWeeksChart({ detail, theme, className }: { detail: SiteDetail; theme: 'dark' | 'light'; className: (code: string) => string }) {
  const { t } = useTranslation();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  useEffect(() => {
    let live = true;
    void import('./siteChart.js').then(({ drawSiteChart }) => {
      if (!live || !el.current) return;
      chart.current = drawSiteChart(
        el.current,
        {
          weeks: detail.weeks,
          classes: classesByWeight(detail.weeks).map((code) => ({ code, name: className(code) })),
          treatedAt: detail.treatedAt,
          labels: { treated: t('sites.treatedMark'), week: (iso) => dayText(iso).slice(5) },
          theme,
        },
        chart.current ?? undefined,
      );
      el.current.dataset.drawn = 'true';
    });
    return () => {
      live = false;
    };
  }, [detail, theme, className, t]);
  useEffect(() => () => chart.current?.dispose(), []);
  return <div className="site-chart" ref={el} data-testid="site-chart" />;
}

/** A ratio as a signed percentage: +40%, −25%. */
function signedPercent(x: number): string {
  const pct = Math.round(x * 100);
  return `${pct > 0 ? '+' : pct < 0 ? '−' : '±'}${Math.abs(pct)}%`;
}

function BeforeAfter({ detail }: { detail: SiteDetail }) {
  const { t } = useTranslation();
  const ba = detail.stats.beforeAfter;
  return (
    <section className="site-before-after" data-testid="site-before-after">
      <h3>{t('sites.beforeAfterTitle')}</h3>
      {!ba ? (
        <p className="muted">{t('sites.beforeAfterNone')}</p>
      ) : (
        <div className="site-figures-grid">
          <div>
            <b>{ba.beforePer30d.toFixed(1)}</b>
            {t('sites.before')}
          </div>
          <div>
            <b>{ba.afterPer30d === null ? '–' : ba.afterPer30d.toFixed(1)}</b>
            {t('sites.after', { days: Math.round(ba.afterDays) })}
          </div>
          <div>
            <b>{ba.afterPer30d === null || ba.beforePer30d === 0 ? '–' : signedPercent((ba.afterPer30d - ba.beforePer30d) / ba.beforePer30d)}</b>
            {t('sites.afterVsBefore')}
          </div>
        </div>
      )}
    </section>
  );
}

function SiteEditForm({ detail, onSaved }: { detail: SiteDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const [draft, dispatch] = useReducer(editDraft, detail, draftOf);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // A fresh read of the site (after a save, or another window) starts the form from it.
  useEffect(() => dispatch({ type: 'reset', site: detail }), [detail]);
  const change = changeOf(detail, draft);
  const save = async () => {
    if (!change) return;
    setSaving(true);
    try {
      await saveSite(detail.id, change);
      setMessage({ ok: true, text: t('sites.saved') });
      onSaved();
    } catch (err) {
      setMessage({ ok: false, text: t('sites.saveFailed', { code: err instanceof ApiError ? err.code : 'network' }) });
    } finally {
      setSaving(false);
    }
  };
  return (
    <section className="site-edit" data-testid="site-edit">
      <h3>{t('sites.editTitle')}</h3>
      <label>
        {t('sites.statusLabel')}
        <select value={draft.status} onChange={(e) => dispatch({ type: 'status', status: e.target.value as SiteStatus })} data-testid="site-edit-status">
          {SiteStatus.options.map((s) => (
            <option key={s} value={s}>
              {t(`sites.status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('sites.owner')}
        <input value={draft.owner} maxLength={80} onChange={(e) => dispatch({ type: 'owner', owner: e.target.value })} data-testid="site-edit-owner" />
      </label>
      <label>
        {t('sites.treatedAt')}
        <input type="date" value={draft.treatedDay} onChange={(e) => dispatch({ type: 'treatedDay', day: e.target.value })} data-testid="site-edit-treated" />
      </label>
      <p className="muted">{t('sites.editHint')}</p>
      <button type="button" disabled={!change || saving} onClick={() => void save()} data-testid="site-edit-save">
        {t('sites.save')}
      </button>
      {message && (
        <span className={message.ok ? 'site-saved' : 'login-error'} role="status" data-testid="site-edit-message">
          {message.text}
        </span>
      )}
    </section>
  );
}
