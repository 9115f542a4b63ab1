import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppealJudgement, type Appeal } from '../../shared/index.js';
import { refusalText } from '../i18n/refusal.js';
import { fetchAppeals, fileAppeal } from '../review/rulesApi.js';

/**
 * A unit desk's appeal (申诉) against a judgement on its turn with a case (overdue, rework, extension,
 * return), with its grounds; the case's appeals so far and the centre's decisions below. The server
 * says whether the judgement stands and refuses a second pending appeal of it.
 */
export function AppealForm({ caseId, judgements }: { caseId: string; judgements?: readonly AppealJudgement[] }) {
  const { t } = useTranslation();
  const first = judgements?.[0] ?? 'overdue';
  const [judgement, setJudgement] = useState<AppealJudgement>(first);
  const [reason, setReason] = useState('');
  const [appeals, setAppeals] = useState<Appeal[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    setReason('');
    setMessage(null);
    setJudgement(first);
    fetchAppeals(caseId).then(setAppeals, () => setAppeals([]));
  }, [caseId, first]);

  const send = async () => {
    try {
      const a = await fileAppeal(caseId, judgement, reason.trim());
      setAppeals((list) => [...list, a]);
      setReason('');
      setMessage({ ok: true, text: t('review.appeals.sent') });
    } catch (err) {
      setMessage({ ok: false, text: refusalText(err, t) });
    }
  };
  return (
    <form className="case-form" data-testid="desk-appeal" onSubmit={(e) => { e.preventDefault(); void send(); }}>
      <h3>{t('review.appeals.file')}</h3>
      <div className="nature-options">
        {AppealJudgement.options.map((j) => (
          <label key={j} className={[j === judgement ? 'checked' : '', judgements?.includes(j) ? 'judged' : ''].join(' ').trim()}>
            <input type="radio" name="appeal-judgement" value={j} checked={j === judgement} onChange={() => setJudgement(j)} />
            {t(`review.appeals.judgements.${j}`)}
          </label>
        ))}
      </div>
      <label>
        {t('review.appeals.reason')}
        <textarea data-testid="desk-appeal-reason" rows={2} maxLength={500} value={reason} required onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="submit" className="act" data-testid="desk-appeal-submit" disabled={!reason.trim()}>
        {t('review.appeals.send')}
      </button>
      {message && <p className={`action-message ${message.ok ? 'ok' : 'error'}`} role="status" data-testid="desk-appeal-message">{message.text}</p>}
      {appeals.length > 0 && (
        <ul className="desk-appeals" data-testid="desk-appeals">
          {appeals.map((a) => (
            <li key={a.id} data-status={a.status}>
              {t(`review.appeals.judgements.${a.judgement}`)} · {a.reason} · <b>{t(`review.appeals.status.${a.status}`)}</b>
              {a.decisionNote ? ` · ${a.decisionNote}` : ''}
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
