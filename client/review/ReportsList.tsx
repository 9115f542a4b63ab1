import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportEntry, ReportList } from '../../shared/index.js';
import { request } from '../cases/caseApi.js';
import { noticePeriodLabel } from './NoticePeriods.js';

const kb = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;
const localTime = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

/** The scheduled reports kept (周报, 月报), newest first, each with its files to download. */
export function ReportsList({ onError }: { onError: (err: unknown) => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  const [reports, setReports] = useState<ReportEntry[] | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    request<ReportList>('/api/reports', { signal: abort.signal }).then(
      (l) => setReports(l.reports),
      (err: unknown) => !abort.signal.aborted && onError(err),
    );
    return () => abort.abort();
  }, [onError]);
  return (
    <section className="notice-section" data-testid="reports-list">
      <h2>{t('notice.reports')}</h2>
      <p className="muted small">{t('notice.reportsHint')}</p>
      {reports === null ? (
        <p className="muted">{t('dispatch.loading')}</p>
      ) : reports.length === 0 ? (
        <p className="muted">{t('notice.noReports')}</p>
      ) : (
        <table className="review-table notice-table">
          <thead>
            <tr>
              <th>{t('notice.kind')}</th>
              <th>{t('notice.period')}</th>
              <th>{t('notice.generatedAt')}</th>
              <th>{t('notice.download')}</th>
            </tr>
          </thead>
          <tbody>
            {reports.map((r) => (
              <tr key={r.id} data-testid="report-row" data-id={r.id}>
                <td>{t(`notice.kinds.${r.kind}`)}</td>
                <td>{noticePeriodLabel(r.period, zh)}</td>
                <td>{localTime(r.generatedAt)}</td>
                <td>
                  {r.files.map((f) => (
                    <a key={f.format} className="nav-link" href={`/api/reports/${encodeURIComponent(r.id)}/download?format=${f.format}`} data-testid={`report-download-${f.format}`}>
                      {f.format.toUpperCase()} · {kb(f.bytes)}
                    </a>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
