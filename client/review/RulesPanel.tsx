import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EvaluationAnswer, EvaluationRulesView } from '../../shared/index.js';
import { searchCasesByNumber } from '../cases/caseApi.js';
import { refusalText } from '../i18n/refusal.js';
import { excludeCase, fetchRules, revokeExclusion, saveRules } from './rulesApi.js';
import { draftOf, rulesFromDraft, type RulesDraft } from './rulesDraft.js';

const when = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });


/**
 * 考核规则 on the review: the period's cases excluded from assessment (不纳入考核) with their reasons,
 * and, for admins, the exclusion of a case by its number and the weights of the level shown, the
 * rule for indicators with nothing due and the grade bounds. A change takes effect at once:
 * `onChanged` reloads the ranking.
 */
export function RulesPanel({ answer, canManage, onChanged }: { answer: EvaluationAnswer; canManage: boolean; onChanged: () => void }) {
  const { t, i18n } = useTranslation();
  const refusal = (err: unknown) => refusalText(err, t);
  const zh = i18n.language !== 'en';
  const [rules, setRules] = useState<EvaluationRulesView | null>(null);
  const [draft, setDraft] = useState<RulesDraft | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [number, setNumber] = useState('');
  const [reason, setReason] = useState('');
  const level = answer.level;

  useEffect(() => {
    if (!canManage) return;
    fetchRules().then(setRules, (err: unknown) => setMessage({ ok: false, text: refusal(err) }));
  }, [canManage]);
  useEffect(() => {
    if (rules) setDraft(draftOf(rules, level, answer.formulas));
  }, [rules, level, answer.formulas]);

  const save = async () => {
    if (!rules || !draft) return;
    const next = rulesFromDraft(rules, level, draft);
    if (!next) return setMessage({ ok: false, text: t('review.rules.notANumber') });
    try {
      setRules(await saveRules(next));
      setMessage({ ok: true, text: t('review.rules.saved') });
      onChanged();
    } catch (err) {
      setMessage({ ok: false, text: refusal(err) });
    }
  };
  const exclude = async () => {
    try {
      const [c] = await searchCasesByNumber(number.trim(), 1);
      if (!c || (c.number !== number.trim() && c.id !== number.trim())) return setMessage({ ok: false, text: t('review.rules.noSuchCase', { number }) });
      await excludeCase(c.id, reason);
      setNumber('');
      setReason('');
      setMessage({ ok: true, text: t('review.rules.excludedOk', { number: c.number ?? c.id }) });
      onChanged();
    } catch (err) {
      setMessage({ ok: false, text: refusal(err) });
    }
  };
  const revoke = async (caseId: string) => {
    try {
      await revokeExclusion(caseId);
      onChanged();
    } catch (err) {
      setMessage({ ok: false, text: refusal(err) });
    }
  };

  return (
    <section className="review-rules" data-testid="review-rules">
      <h3>{t('review.rules.excluded', { count: answer.excluded.count })}</h3>
      {answer.excluded.count > 0 && (
        <ul className="review-excluded" data-testid="review-excluded">
          {answer.excluded.cases.map((e) => (
            <li key={e.caseId} data-testid="review-excluded-case" data-id={e.caseId}>
              {e.caseNumber ?? e.caseId} · {e.reason} · {e.by} · {when(e.at)}
              {canManage && (
                <button type="button" className="linkish" onClick={() => void revoke(e.caseId)} data-testid="review-revoke">
                  {t('review.rules.revoke')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canManage && (
        <form className="review-exclude" onSubmit={(e) => { e.preventDefault(); void exclude(); }}>
          <input value={number} onChange={(e) => setNumber(e.target.value)} placeholder={t('review.rules.caseNumber')} required data-testid="review-exclude-number" />
          <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('review.rules.reason')} required maxLength={500} data-testid="review-exclude-reason" />
          <button type="submit" className="act" data-testid="review-exclude">{t('review.rules.exclude')}</button>
        </form>
      )}
      {canManage && draft && (
        <details className="review-weights" data-testid="review-weights">
          <summary>{t('review.rules.title', { level: t(`review.levels.${level}`) })}</summary>
          <div className="review-weights-grid">
            {answer.formulas.filter((f) => f.kind === 'rate').map((f) => (
              <label key={f.id}>
                {zh ? f.name.zh : f.name.en}
                <input type="number" min={0} step="any" value={draft.weights[f.id] ?? '0'} onChange={(e) => setDraft({ ...draft, weights: { ...draft.weights, [f.id]: e.target.value } })} data-testid={`review-weight-${f.id}`} />
              </label>
            ))}
            {(['excellent', 'good', 'pass'] as const).map((g) => (
              <label key={g}>
                {t(`review.grades.${g}`)} ≥
                <input type="number" min={0} max={100} step="any" value={draft.grades[g]} onChange={(e) => setDraft({ ...draft, grades: { ...draft.grades, [g]: e.target.value } })} data-testid={`review-grade-${g}`} />
              </label>
            ))}
            <label className="wide">
              {t('review.rules.nothingDue')}
              <select value={draft.nothingDue} onChange={(e) => setDraft({ ...draft, nothingDue: e.target.value as RulesDraft['nothingDue'] })}>
                <option value="leaveOut">{t('review.rules.leaveOut')}</option>
                <option value="fullMarks">{t('review.rules.fullMarks')}</option>
              </select>
            </label>
          </div>
          <button type="button" className="act main" onClick={() => void save()} data-testid="review-save-weights">{t('review.rules.save')}</button>
          {rules?.updatedBy && <span className="muted small"> {t('review.rules.updated', { by: rules.updatedBy, at: when(rules.updatedAt!) })}</span>}
        </details>
      )}
      {message && <p className={`action-message ${message.ok ? 'ok' : 'error'}`} role="status" data-testid="review-rules-message">{message.text}</p>}
    </section>
  );
}
