import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Appeal, Exclusion, Unit } from '../../shared/index.js';
import { ApiError, getJson } from '../cases/caseApi.js';
import { refusalText } from '../i18n/refusal.js';
import { excludeCase, fetchAppeals, fetchExclusions, revokeExclusion } from './rulesApi.js';
import './caseAssessment.css';

const when = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

/**
 * A case's standing in the assessment, beside its timeline on the review: whether it is excluded
 * (不纳入考核) and why, with the exclusion and its revocation for admins (evaluation.manage), and the
 * units' appeals (申诉) on it with their decisions. A change reloads the ranking through `onChanged`.
 */
export function CaseAssessment({ caseId, canManage, onChanged, onUnauthenticated }: { caseId: string; canManage: boolean; onChanged: () => void; onUnauthenticated: () => void }) {
  const { t, i18n } = useTranslation();
  const [exclusion, setExclusion] = useState<Exclusion | null | undefined>(undefined);
  const [appeals, setAppeals] = useState<Appeal[] | null>(null);
  const [units, setUnits] = useState<Map<string, Unit>>(new Map());
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const failed = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) return onUnauthenticated();
      setMessage({ ok: false, text: refusalText(err, t) });
    },
    [onUnauthenticated, t],
  );
  const load = useCallback(
    () =>
      Promise.all([fetchExclusions(), fetchAppeals(caseId)]).then(([excluded, filed]) => {
        setExclusion(excluded.find((e) => e.caseId === caseId) ?? null);
        setAppeals(filed);
      }, failed),
    [caseId, failed],
  );
  useEffect(() => {
    setExclusion(undefined);
    setAppeals(null);
    setReason('');
    setMessage(null);
    void load();
  }, [load]);
  useEffect(() => {
    getJson<Unit[]>('/api/units').then((list) => setUnits(new Map(list.map((u) => [u.code, u]))), () => undefined);
  }, []);
  const unitName = (code: string) => {
    const u = units.get(code);
    return u ? (i18n.language === 'en' ? u.name.en : u.name.zh) : code;
  };

  const change = async (write: () => Promise<Exclusion>, done: (e: Exclusion) => string) => {
    setBusy(true);
    setMessage(null);
    try {
      const e = await write();
      setReason('');
      setMessage({ ok: true, text: done(e) });
      onChanged();
    } catch (err) {
      failed(err);
    } finally {
      await load();
      setBusy(false);
    }
  };
  const exclude = () => {
    // The server refuses an empty reason too; saying so here spares the round trip.
    if (!reason.trim()) return setMessage({ ok: false, text: t('review.caseAssessment.reasonRequired') });
    void change(() => excludeCase(caseId, reason.trim()), (e) => t('review.rules.excludedOk', { number: e.caseNumber ?? e.caseId }));
  };

  return (
    <section className="case-assessment" data-testid="case-assessment" data-excluded={exclusion ? 'yes' : exclusion === null ? 'no' : ''}>
      <h3>{t('review.caseAssessment.title')}</h3>
      {exclusion === undefined ? null : exclusion ? (
        <p className="badge alarm" data-testid="case-exclusion">
          {t('review.caseAssessment.excluded', { reason: exclusion.reason, by: exclusion.by, at: when(exclusion.at) })}
        </p>
      ) : (
        <p className="muted small" data-testid="case-exclusion">
          {t('review.caseAssessment.counted')}
        </p>
      )}
      {canManage && exclusion !== undefined && (
        <div className="case-form">
          {exclusion ? (
            <button type="button" className="act" disabled={busy} onClick={() => void change(() => revokeExclusion(caseId), () => t('review.caseAssessment.revoked'))} data-testid="case-exclusion-revoke">
              {t('review.rules.revoke')}
            </button>
          ) : (
            <>
              <textarea rows={2} maxLength={500} value={reason} placeholder={t('review.caseAssessment.reasonPlaceholder')} onChange={(e) => setReason(e.target.value)} data-testid="case-exclusion-reason" />
              <button type="button" className="act main" disabled={busy} onClick={exclude} data-testid="case-exclude">
                {t('review.rules.exclude')}
              </button>
            </>
          )}
        </div>
      )}
      {message && (
        <p className={`action-message ${message.ok ? 'ok' : 'error'}`} role="status" data-testid="case-assessment-message">
          {message.text}
        </p>
      )}
      <h4>{t('review.caseAssessment.appeals')}</h4>
      {appeals && appeals.length === 0 && <p className="muted small">{t('review.caseAssessment.noAppeals')}</p>}
      {appeals && appeals.length > 0 && (
        <ul className="case-appeals" data-testid="case-appeals">
          {appeals.map((a) => (
            <li key={a.id} data-testid="case-appeal" data-id={a.id} data-status={a.status}>
              <b>{t(`review.appeals.status.${a.status}`)}</b> · {t(`review.appeals.judgements.${a.judgement}`)} · {unitName(a.unitCode)} · {a.reason} · {when(a.filedAt)}
              {a.decidedBy && (
                <div className="muted small">
                  {a.decidedBy} {a.decidedAt ? when(a.decidedAt) : ''}
                  {a.decisionNote ? ` · ${t('review.caseAssessment.decision', { note: a.decisionNote })}` : ''}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
