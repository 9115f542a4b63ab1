import type { ECharts } from 'echarts/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CityLayer, CityMeta, EvaluationAnswer, EvaluationLevel, Incident, SessionUser } from '../../shared/index.js';
import { AdminHeader } from '../admin/AdminHeader.js';
import { ApiError } from '../cases/caseApi.js';
import { refusalText } from '../i18n/refusal.js';
import { LeaderCaseActions } from '../cases/LeaderCaseActions.js';
import { useCityAndCategories } from '../cases/useCityAndCategories.js';
import { fetchCityLayer } from '../map/cityMap.js';
import { Link, REPLAY_PATH, REVIEW_NOTICE_PATH, REVIEW_PATH } from '../routing.js';
import { useDocumentTheme } from '../theme.js';
import { RegionMap } from './RegionMap.js';
import { AppealsPanel } from './AppealsPanel.js';
import { CaseAssessment } from './CaseAssessment.js';
import { RulesPanel } from './RulesPanel.js';
import { CampaignPane } from '../campaign/CampaignPane.js';
import { drawScoreBars, drawScoreTrend } from './reviewCharts.js';
import { evaluationExportUrl, fetchCasesIn, fetchEvaluation } from './reviewApi.js';
import { monthBefore, monthIdOf, periodLabel, rankChange, reviewPeriods } from './reviewPeriods.js';

type GridCell = CityLayer<'grid'>['features'][number];

/** The levels a leader ranks, in the tabs' order: regions, units, positions. */
const LEVELS: EvaluationLevel[] = ['town', 'unit', 'inspector', 'acceptor', 'shiftLead', 'dispatcher'];
/** Months of the trend chart. */
const TREND_MONTHS = 6;

/** Where the drill-down stands: the district's towns, a town's communities, a community's cells, a cell's cases. */
interface Drill {
  town: string | null;
  community: string | null;
  cell: string | null;
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);

/**
 * The leaders' review (综合评价, /review): the ranking of towns, units and positions for a period with
 * each one's change of rank, the formulas stated, the towns (or a town's communities) on a map by any
 * indicator, the scores' distribution and trend in ECharts, and the drill-down town → community →
 * cell → its cases → a case's timeline. The CSV export is what the table shows.
 */
export function ReviewPage({ user, onSignOut }: { user: SessionUser; onSignOut: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const { city, categories } = useCityAndCategories(() => onSignOut());
  const theme = useDocumentTheme();
  const periods = useMemo(() => reviewPeriods(Date.now()), []);
  const [period, setPeriod] = useState(periods[0]!.id);
  const [level, setLevel] = useState<EvaluationLevel>('town');
  // 专项整治: a tab of its own beside the levels (the campaigns have no period or level).
  const [campaignsShown, setCampaignsShown] = useState(false);
  const [drill, setDrill] = useState<Drill>({ town: null, community: null, cell: null });
  const [answer, setAnswer] = useState<EvaluationAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [indicator, setIndicator] = useState<string | null>(null);
  // Bumped when an admin changes the rules or an exclusion, or the centre decides an appeal: the ranking is read again.
  const [revision, setRevision] = useState(0);
  const reload = useCallback(() => setRevision((r) => r + 1), []);

  // The rows' level follows the drill-down for the regions.
  const shownLevel: EvaluationLevel = level !== 'town' ? level : drill.community ? 'cell' : drill.town ? 'community' : 'town';
  useEffect(() => {
    const abort = new AbortController();
    setError(null);
    fetchEvaluation(shownLevel, period, level === 'town' ? drill.town : null, abort.signal).then(setAnswer, (err: unknown) => {
      if (abort.signal.aborted) return;
      if (err instanceof ApiError && err.status === 401) onSignOut();
      setError(refusalText(err, t));
    });
    return () => abort.abort();
  }, [shownLevel, period, level, drill.town, onSignOut, revision, t]);

  const rows = useMemo(() => {
    const all = answer?.rows ?? [];
    return drill.community && shownLevel === 'cell' ? all.filter((r) => r.code.startsWith(drill.community!)) : all;
  }, [answer, drill.community, shownLevel]);
  const rateFormulas = useMemo(() => (answer?.formulas ?? []).filter((f) => f.kind === 'rate'), [answer]);
  const shownFormulas = useMemo(() => (answer?.formulas ?? []).filter((f) => f.weight > 0 || f.kind === 'count').slice(0, 7), [answer]);
  const mapIndicator = rateFormulas.find((f) => f.id === indicator) ?? rateFormulas.find((f) => f.weight > 0) ?? rateFormulas[0] ?? null;

  // Charts: the scores of the rows shown, and the trend of the best and worst three over six months.
  const barsEl = useRef<HTMLDivElement>(null);
  const trendEl = useRef<HTMLDivElement>(null);
  const bars = useRef<ECharts | null>(null);
  const trend = useRef<ECharts | null>(null);
  useEffect(() => {
    if (!barsEl.current || rows.length === 0) return;
    bars.current = drawScoreBars(barsEl.current, rows.slice(0, 30).map((r) => ({ name: zh ? r.name.zh : r.name.en, score: r.score })), theme, bars.current ?? undefined);
  }, [rows, theme, zh]);
  const [trendData, setTrendData] = useState<{ periods: string[]; lines: { name: string; scores: (number | null)[] }[] } | null>(null);
  useEffect(() => {
    if (!/^\d{4}-\d{2}$/.test(period) || (shownLevel !== 'town' && shownLevel !== 'unit')) {
      setTrendData(null);
      return;
    }
    const abort = new AbortController();
    const months = Array.from({ length: TREND_MONTHS }, (_, i) => monthBefore(period, TREND_MONTHS - 1 - i));
    Promise.all(months.map((m) => fetchEvaluation(shownLevel, m, null, abort.signal))).then(
      (answers) => {
        // A request aborted while its body was read resolves with no answer: the effect has moved on.
        if (abort.signal.aborted) return;
        const last = answers.at(-1)!.rows.filter((r) => r.rank !== null);
        const picked = [...last.slice(0, 3), ...last.slice(-3)].filter((r, i, a) => a.findIndex((x) => x.code === r.code) === i);
        setTrendData({
          periods: months.map((m) => periodLabel(m, zh)),
          lines: picked.map((r) => ({ name: zh ? r.name.zh : r.name.en, scores: answers.map((a) => a.rows.find((x) => x.code === r.code)?.score ?? null) })),
        });
      },
      () => undefined,
    );
    return () => abort.abort();
  }, [period, shownLevel, zh]);
  useEffect(() => {
    if (!trendEl.current || !trendData) return;
    trend.current = drawScoreTrend(trendEl.current, trendData.periods, trendData.lines, theme, trend.current ?? undefined);
  }, [trendData, theme]);
  useEffect(() => {
    const resize = () => {
      bars.current?.resize();
      trend.current?.resize();
    };
    window.addEventListener('resize', resize);
    return () => window.removeEventListener('resize', resize);
  }, []);

  // A cell's cases in the period, and one case's timeline.
  const [cells, setCells] = useState<GridCell[] | null>(null);
  const [cases, setCases] = useState<Incident[] | null>(null);
  const [opened, setOpened] = useState<string | null>(null);
  // The case opened stays open when the ranking is read again (after an exclusion), not when the cell changes.
  useEffect(() => setOpened(null), [drill.cell]);
  useEffect(() => {
    setCases(null);
    if (!drill.cell || !answer) return;
    const abort = new AbortController();
    void (async () => {
      const grid = cells ?? (await fetchCityLayer('grid'));
      if (!cells) setCells(grid);
      const cell = grid.find((c) => c.properties.code === drill.cell);
      if (!cell) return;
      const ring = cell.geometry.type === 'Polygon' ? cell.geometry.coordinates[0]! : cell.geometry.coordinates[0]![0]!;
      const xs = ring.map((p) => p[0]!);
      const ys = ring.map((p) => p[1]!);
      const page = await fetchCasesIn([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], answer.period.from, answer.period.until, abort.signal);
      setCases(page.items.filter((i) => i.gridCode === drill.cell));
    })().catch(() => undefined);
    return () => abort.abort();
  }, [drill.cell, answer, cells]);

  const nameOf = (code: string | null) => {
    if (!code || !city) return code ?? '';
    const town = (city as CityMeta).towns.find((x) => x.code === code);
    return town ? (zh ? town.name.zh : town.name.en) : code;
  };
  const pickRow = (code: string) => {
    if (level !== 'town') return;
    if (shownLevel === 'town') setDrill({ town: code, community: null, cell: null });
    else if (shownLevel === 'community') setDrill((d) => ({ ...d, community: code, cell: null }));
    else setDrill((d) => ({ ...d, cell: code }));
  };
  const mapValues = useMemo(() => new Map((shownLevel === 'town' || shownLevel === 'community' ? rows : []).map((r) => [r.code, mapIndicator ? (r.indicators[mapIndicator.id] ?? null) : null])), [rows, shownLevel, mapIndicator]);

  return (
    <main className="review">
      <AdminHeader title={t('review.title')} here={REVIEW_PATH} user={user} onSignOut={onSignOut} />
      <div className="review-controls">
        <div className="pane-tabs" role="tablist">
          {LEVELS.map((l) => (
            <button key={l} type="button" role="tab" aria-selected={!campaignsShown && level === l} className={!campaignsShown && level === l ? 'active' : ''} onClick={() => { setCampaignsShown(false); setLevel(l); setDrill({ town: null, community: null, cell: null }); }} data-testid={`review-level-${l}`}>
              {t(`review.levels.${l}`)}
            </button>
          ))}
          <button type="button" role="tab" aria-selected={campaignsShown} className={campaignsShown ? 'active' : ''} onClick={() => setCampaignsShown(true)} data-testid="review-campaigns">
            {t('campaign.tab')}
          </button>
        </div>
        {/* The campaigns run on their own dates and have no ranking to export: their tab hides the period and the exports. */}
        {!campaignsShown && (
          <>
            <label>
              {t('review.period')}
              <select value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="review-period">
                {periods.map((p) => (
                  <option key={p.id} value={p.id}>
                    {periodLabel(p.id, zh)}
                    {p.id === monthIdOf(Date.now()) ? ` (${t('review.running')})` : ''}
                  </option>
                ))}
              </select>
            </label>
            {rateFormulas.length > 0 && (
              <label>
                {t('review.indicator')}
                <select value={mapIndicator?.id ?? ''} onChange={(e) => setIndicator(e.target.value)} data-testid="review-indicator">
                  {rateFormulas.map((f) => (
                    <option key={f.id} value={f.id}>
                      {zh ? f.name.zh : f.name.en}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <a className="nav-link" href={evaluationExportUrl(shownLevel, period, level === 'town' ? drill.town : null)} data-testid="review-export">
              {t('review.exportCsv')}
            </a>
            <a className="nav-link" href={evaluationExportUrl(shownLevel, period, level === 'town' ? drill.town : null, 'xlsx')} data-testid="review-export-xlsx">
              {t('notice.exportXlsx')}
            </a>
            <a className="nav-link" href={evaluationExportUrl(shownLevel, period, level === 'town' ? drill.town : null, 'pdf')} data-testid="review-export-pdf">
              {t('notice.exportPdf')}
            </a>
          </>
        )}
        <Link to={REVIEW_NOTICE_PATH} className="nav-link" data-testid="nav-notice">
          {t('notice.nav')}
        </Link>
        <Link to={REPLAY_PATH} className="nav-link" data-testid="nav-replay">
          {t('replay.nav')}
        </Link>
      </div>
      {level === 'town' && !campaignsShown && (
        <nav className="review-crumbs" data-testid="review-crumbs">
          <button type="button" className="linkish" onClick={() => setDrill({ town: null, community: null, cell: null })}>{t('review.district')}</button>
          {drill.town && (
            <>
              {' › '}
              <button type="button" className="linkish" onClick={() => setDrill({ town: drill.town, community: null, cell: null })}>{nameOf(drill.town)}</button>
            </>
          )}
          {drill.community && <> › {drill.community}</>}
          {drill.cell && <> › {drill.cell}</>}
        </nav>
      )}
      {error && <p className="action-message error" role="alert">{error}</p>}
      {campaignsShown && <CampaignPane theme={theme} canManage={user.permissions.includes('campaign.manage')} onUnauthenticated={onSignOut} />}
      <div className="review-body" style={campaignsShown ? { display: 'none' } : undefined}>
        <section className="review-table-pane">
          {answer && (
            <p className="muted small" data-testid="review-as-of">
              {periodLabel(answer.period.id, zh)} · {answer.period.running ? t('review.asOfNow') : t('review.asOfEnd')} · {zh ? answer.composite.zh : answer.composite.en}
            </p>
          )}
          <table className="review-table" data-testid="review-table">
            <thead>
              <tr>
                <th>{t('review.rank')}</th>
                <th>{t('review.name')}</th>
                <th>{t('review.score')}</th>
                <th>{t('review.grade')}</th>
                <th>{t('review.change')}</th>
                {shownFormulas.map((f) => (
                  <th key={f.id} title={zh ? f.formula.zh : f.formula.en}>
                    {zh ? f.name.zh : f.name.en}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const change = rankChange(r.rank, r.previous?.rank);
                return (
                  <tr key={r.code} data-testid="review-row" data-code={r.code} data-rank={r.rank ?? ''} className={r.code === drill.cell ? 'picked' : undefined} onClick={() => pickRow(r.code)}>
                    <td>{r.rank ?? '–'}</td>
                    <td>{zh ? r.name.zh : r.name.en}</td>
                    <td>{r.score === null ? '–' : r.score.toFixed(1)}</td>
                    <td className={r.grade ? `grade-${r.grade}` : ''} data-testid="review-grade">{r.grade ? t(`review.grades.${r.grade}`) : '–'}</td>
                    <td className={change === null ? '' : change > 0 ? 'up' : change < 0 ? 'down' : ''}>{change === null ? '–' : change > 0 ? `↑${change}` : change < 0 ? `↓${-change}` : '='}</td>
                    {shownFormulas.map((f) => (
                      <td key={f.id}>{f.kind === 'rate' ? pct(r.indicators[f.id]) : (r.indicators[f.id]?.toFixed(f.kind === 'count' ? 0 : 1) ?? '–')}</td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {answer && (
            <details className="review-formulas">
              <summary>{t('review.formulas')}</summary>
              <ul>
                {answer.formulas.map((f) => (
                  <li key={f.id}>
                    <b>{zh ? f.name.zh : f.name.en}</b> = {zh ? f.formula.zh : f.formula.en}
                    {f.weight > 0 && ` · ${t('review.weight', { weight: f.weight })}`}
                  </li>
                ))}
              </ul>
            </details>
          )}
          {answer && <RulesPanel answer={answer} canManage={user.permissions.includes('evaluation.manage')} onChanged={reload} />}
          <AppealsPanel canDecide={user.permissions.includes('evaluation.decide')} onDecided={reload} />
        </section>
        <section className="review-side">
          {city && level === 'town' && shownLevel !== 'cell' && mapIndicator && (
            <RegionMap
              city={city}
              theme={theme}
              town={drill.town}
              values={mapValues}
              higherIsBetter={mapIndicator.higherIsBetter}
              picked={drill.town}
              onPick={pickRow}
            />
          )}
          <div ref={barsEl} className="review-chart" data-testid="review-bars" />
          {trendData && <div ref={trendEl} className="review-chart" data-testid="review-trend" />}
          {drill.cell && (
            <div className="review-cases" data-testid="review-cases">
              <h3>{t('review.casesOf', { cell: drill.cell })}</h3>
              {cases === null ? (
                <p className="muted">{t('dispatch.loading')}</p>
              ) : (
                <ol>
                  {cases.map((c) => (
                    <li key={c.id} data-testid="review-case" data-id={c.id}>
                      <button type="button" className="linkish" onClick={() => setOpened(c.id)}>
                        {c.number ?? c.id} · {t(`status.${c.status}`)} · {new Date(c.reportedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}
                      </button>
                    </li>
                  ))}
                </ol>
              )}
              {opened && (
                <div className="review-timeline" data-testid="review-timeline">
                  {/* The case with its timeline, and 督办 / 批示 for those who may: leaders act from the review. */}
                  <LeaderCaseActions caseId={opened} categories={categories} townName={nameOf} onClose={() => setOpened(null)} onUnauthenticated={onSignOut} replay>
                    <CaseAssessment caseId={opened} canManage={user.permissions.includes('evaluation.manage')} onChanged={reload} onUnauthenticated={onSignOut} />
                  </LeaderCaseActions>
                </div>
              )}
            </div>
          )}
        </section>
      </div>
    </main>
  );
}
