import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Notice, NoticeLevel, SessionUser } from '../../shared/index.js';
import { AdminHeader } from '../admin/AdminHeader.js';
import { ApiError, request } from '../cases/caseApi.js';
import { refusalText } from '../i18n/refusal.js';
import { Link, REVIEW_NOTICE_PATH, REVIEW_PATH } from '../routing.js';
import { noticePeriodLabel, noticePeriods } from './NoticePeriods.js';
import { NoticeMap } from './NoticeMap.js';
import { ReportsList } from './ReportsList.js';

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const localTime = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

/** One list of the notice: the worst towns or units by one measure. */
function NoticeList({ title, level, rows, testId }: { title: string; level: NoticeLevel; rows: NoticeLevel['byScore']; testId: string }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  return (
    <div className="notice-list">
      <h3>{title}</h3>
      <table className="review-table notice-table" data-testid={testId}>
        <thead>
          <tr>
            <th>{t('review.rank')}</th>
            <th>{t('review.name')}</th>
            <th>{t('review.score')}</th>
            <th>{zh ? level.rule.onTimeName.zh : level.rule.onTimeName.en}</th>
            <th>{t('notice.previousRank')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.code} data-testid="notice-row" data-code={r.code}>
              <td>{r.rank ?? '–'}</td>
              <td>{zh ? r.name.zh : r.name.en}</td>
              <td>{r.score === null ? '–' : r.score.toFixed(1)}</td>
              <td>{pct(r.onTimeRate)}</td>
              <td>{r.previousRank ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * 通报 (/review/notice): for a week or month, the worst towns and units by composite and by on-time
 * rate, the open cases longest past their deadline, the exports (PDF with the towns' map, XLSX), and
 * the weekly and monthly reports the server keeps.
 */
export function NoticePage({ user, onSignOut }: { user: SessionUser; onSignOut: () => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const periods = useMemo(() => noticePeriods(Date.now()), []);
  const [period, setPeriod] = useState(periods[0]!.id);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const failed = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) onSignOut();
      setError(refusalText(err, t));
    },
    [onSignOut, t],
  );
  useEffect(() => {
    const abort = new AbortController();
    setError(null);
    setNotice(null);
    request<Notice>(`/api/reports/notice?${new URLSearchParams({ period })}`, { signal: abort.signal }).then(setNotice, (err: unknown) => !abort.signal.aborted && failed(err));
    return () => abort.abort();
  }, [period, failed]);
  const exportUrl = (format: 'pdf' | 'xlsx') => `/api/reports/notice/export?${new URLSearchParams({ period, format })}`;

  return (
    <main className="review notice">
      <AdminHeader title={t('notice.title')} here={REVIEW_NOTICE_PATH} user={user} onSignOut={onSignOut} />
      <div className="review-controls">
        <Link to={REVIEW_PATH} className="nav-link" data-testid="notice-back">
          {t('notice.back')}
        </Link>
        <label>
          {t('notice.period')}
          <select value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="notice-period">
            {periods.map((p) => (
              <option key={p.id} value={p.id}>
                {noticePeriodLabel(p.id, zh)}
              </option>
            ))}
          </select>
        </label>
        <a className="nav-link" href={exportUrl('pdf')} data-testid="notice-export-pdf">
          {t('notice.exportPdf')}
        </a>
        <a className="nav-link" href={exportUrl('xlsx')} data-testid="notice-export-xlsx">
          {t('notice.exportXlsx')}
        </a>
      </div>
      {error && <p className="action-message error" role="alert">{error}</p>}
      <div className="notice-body">
        {notice === null ? (
          !error && <p className="muted">{t('dispatch.loading')}</p>
        ) : (
          <>
            <p className="muted small" data-testid="notice-as-of">
              {noticePeriodLabel(notice.period.id, zh)} · {notice.period.running ? t('review.asOfNow') : t('review.asOfEnd')} · {t('notice.generated', { at: localTime(notice.generatedAt) })}
            </p>
            <section className="notice-section">
              <h2>{t('notice.towns')}</h2>
              <NoticeMap notice={notice} title={t('notice.mapTitle', { name: zh ? notice.towns.rule.onTimeName.zh : notice.towns.rule.onTimeName.en })} noData={t('notice.mapNoData')} />
              <div className="notice-lists">
                <NoticeList title={t('notice.byScore', { n: notice.towns.rule.limit })} level={notice.towns} rows={notice.towns.byScore} testId="notice-towns-score" />
                <NoticeList title={t('notice.byOnTime', { name: zh ? notice.towns.rule.onTimeName.zh : notice.towns.rule.onTimeName.en, n: notice.towns.rule.limit })} level={notice.towns} rows={notice.towns.byOnTime} testId="notice-towns-ontime" />
              </div>
            </section>
            <section className="notice-section">
              <h2>{t('notice.units')}</h2>
              <div className="notice-lists">
                <NoticeList title={t('notice.byScore', { n: notice.units.rule.limit })} level={notice.units} rows={notice.units.byScore} testId="notice-units-score" />
                <NoticeList title={t('notice.byOnTime', { name: zh ? notice.units.rule.onTimeName.zh : notice.units.rule.onTimeName.en, n: notice.units.rule.limit })} level={notice.units} rows={notice.units.byOnTime} testId="notice-units-ontime" />
              </div>
            </section>
            <section className="notice-section">
              <h2>{t('notice.overdue', { count: notice.overdue.length })}</h2>
              <p className="muted small" data-testid="notice-overdue-as-of" data-as-of={notice.asOf}>
                {t('notice.overdueAsOf', { at: localTime(notice.asOf) })}
              </p>
              {notice.overdue.length === 0 ? (
                <p className="muted">{t('notice.noOverdue')}</p>
              ) : (
                <table className="review-table notice-table" data-testid="notice-overdue">
                  <thead>
                    <tr>
                      <th>{t('notice.caseNumber')}</th>
                      <th>{t('notice.category')}</th>
                      <th>{t('notice.town')}</th>
                      <th>{t('notice.unit')}</th>
                      <th>{t('notice.dueAt')}</th>
                      <th>{t('notice.hoursOverdue')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {notice.overdue.map((c) => (
                      <tr key={c.id} data-testid="notice-case" data-id={c.id}>
                        <td>{c.number ?? c.id}</td>
                        <td>{zh ? c.category.zh : c.category.en}</td>
                        <td>{zh ? c.town.zh : c.town.en}</td>
                        <td>{c.unit ? (zh ? c.unit.zh : c.unit.en) : '–'}</td>
                        <td>{localTime(c.dueAt)}</td>
                        <td>{c.hoursOverdue.toFixed(1)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </>
        )}
        <ReportsList onError={failed} />
      </div>
    </main>
  );
}
