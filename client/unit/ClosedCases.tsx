import { useTranslation } from 'react-i18next';
import type { UnitClosedAnswer, UnitClosedCase } from '../../shared/index.js';
import { dateTimeText } from '../cases/format.js';

/**
 * The unit's recently closed cases (已办结), newest first with the judgements that stand against its
 * turns: a case judged overdue or reworked is usually closed by the time the ranking comes out, and
 * this is where the desk finds it to appeal (申诉).
 */
export function ClosedCases({
  answer,
  days,
  openedId,
  categoryName,
  townName,
  onOpen,
}: {
  answer: UnitClosedAnswer | null;
  days: number;
  openedId: string | null;
  categoryName: (code: string) => string;
  townName: (code: string) => string;
  onOpen: (c: UnitClosedCase) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <section className="unit-closed" aria-label={t('unitClosed.title', { days })}>
      <h2>
        {t('unitClosed.title', { days })}{' '}
        {answer && (
          <span className="count" data-testid="closed-count">
            {t('unitClosed.count', { shown: answer.items.length, total: answer.total })}
          </span>
        )}
      </h2>
      {answer && answer.items.length === 0 ? (
        <p className="muted" data-testid="closed-empty">
          {t('unitClosed.empty', { days })}
        </p>
      ) : (
        <p className="muted hint">{t('unitClosed.hint')}</p>
      )}
      <ol className="desk-list" data-testid="closed-list">
        {(answer?.items ?? []).map((c) => (
          <li key={c.caseId} className={c.caseId === openedId ? 'desk-row opened' : 'desk-row'} data-testid="closed-case" data-id={c.caseId} data-judgements={c.judgements.join(' ')}>
            <button type="button" onClick={() => onOpen(c)}>
              <span className="desk-group desk-group-closed">{t('timeLeft.closed')}</span>
              <span className="desk-title">
                {categoryName(c.categoryCode)} · {townName(c.townCode)}
              </span>
              <span className="desk-number">{c.number ?? c.caseId.slice(-8)}</span>
              <span className="left">{t('unitClosed.closedAt', { time: dateTimeText(c.closedAt, i18n.language) })}</span>
              <span className="desk-judgements">
                {c.judgements.length === 0 ? (
                  <span className="muted">{t('unitClosed.noJudgement')}</span>
                ) : (
                  c.judgements.map((j) => (
                    <span key={j} className="desk-judgement">
                      {t(`review.appeals.judgements.${j}`)}
                    </span>
                  ))
                )}
              </span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
