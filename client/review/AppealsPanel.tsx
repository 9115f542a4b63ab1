import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Appeal, Unit } from '../../shared/index.js';
import { getJson } from '../cases/caseApi.js';
import { refusalText } from '../i18n/refusal.js';
import { decideAppeal, fetchAppeals } from './rulesApi.js';

const when = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

/**
 * The units' appeals (申诉) on the review: pending first, each with 支持 / 驳回 for the centre, the
 * decided ones below with who decided. An upheld appeal changes the units' figures: `onDecided`
 * reloads the ranking.
 */
export function AppealsPanel({ canDecide, onDecided }: { canDecide: boolean; onDecided: () => void }) {
  const { t, i18n } = useTranslation();
  const [appeals, setAppeals] = useState<Appeal[] | null>(null);
  // The units' names (an appeal carries the unit's code).
  const [units, setUnits] = useState<Map<string, Unit>>(new Map());
  useEffect(() => {
    getJson<Unit[]>('/api/units').then((list) => setUnits(new Map(list.map((u) => [u.code, u]))), () => undefined);
  }, []);
  const unitName = (code: string) => {
    const u = units.get(code);
    return u ? (i18n.language === 'en' ? u.name.en : u.name.zh) : code;
  };
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => fetchAppeals().then(setAppeals, (err: unknown) => setError(refusalText(err, t))), [t]);
  useEffect(() => void load(), [load]);

  const decide = async (a: Appeal, decision: 'uphold' | 'reject') => {
    try {
      await decideAppeal(a.id, decision);
      setError(null);
      await load();
      onDecided();
    } catch (err) {
      setError(refusalText(err, t));
    }
  };
  if (!appeals) return null;
  const ordered = [...appeals].sort((x, y) => Number(y.status === 'pending') - Number(x.status === 'pending') || y.id - x.id);
  return (
    <section className="review-appeals" data-testid="review-appeals">
      <h3>{t('review.appeals.title', { pending: appeals.filter((a) => a.status === 'pending').length })}</h3>
      {ordered.length === 0 && <p className="muted small">{t('review.appeals.none')}</p>}
      <ul>
        {ordered.slice(0, 30).map((a) => (
          <li key={a.id} data-testid="review-appeal" data-id={a.id} data-status={a.status}>
            {a.caseNumber ?? a.caseId} · {unitName(a.unitCode)} · {t(`review.appeals.judgements.${a.judgement}`)} · {a.reason} · {when(a.filedAt)}
            {' · '}
            {a.status === 'pending' && canDecide ? (
              <>
                <button type="button" className="act main" onClick={() => void decide(a, 'uphold')} data-testid="review-appeal-uphold">{t('review.appeals.uphold')}</button>{' '}
                <button type="button" className="act" onClick={() => void decide(a, 'reject')} data-testid="review-appeal-reject">{t('review.appeals.reject')}</button>
              </>
            ) : (
              <b>{t(`review.appeals.status.${a.status}`)}{a.decidedBy ? ` (${a.decidedBy})` : ''}</b>
            )}
          </li>
        ))}
      </ul>
      {error && <p className="action-message error" role="alert">{error}</p>}
    </section>
  );
}
