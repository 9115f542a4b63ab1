import { useTranslation } from 'react-i18next';
import type { Incident } from '../../shared/index.js';
import { dateTimeText } from '../cases/format.js';

/**
 * A unit's application waiting for the centre (申请延期 / 挂账 / 回退): what it asks, why, who asked
 * and when; a dispatcher approves or denies it (the note field above says why, if anything). Until
 * decided the case keeps running, so the clock above still counts.
 */
export function ApplicationDecision({
  application: a,
  mayDecide,
  busy,
  onDecide,
}: {
  application: NonNullable<Incident['application']>;
  mayDecide: boolean;
  busy: boolean;
  onDecide: (decision: 'approve' | 'deny') => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <div className="application" data-testid="application" data-kind={a.kind}>
      <h3>{t(`application.kind.${a.kind}`)}</h3>
      <p>
        {a.kind === 'extension' && a.extendHours !== null && <b>{t('application.hours', { hours: a.extendHours })} </b>}
        <span className="note">{a.reason}</span>
      </p>
      <p className="muted">{t('application.by', { actor: a.by, time: dateTimeText(a.at, i18n.language) })}</p>
      {mayDecide ? (
        <div className="case-actions">
          <button type="button" className="act main" data-testid="application-approve" disabled={busy} onClick={() => onDecide('approve')}>
            {t('application.approve')}
          </button>
          <button type="button" className="act" data-testid="application-deny" disabled={busy} onClick={() => onDecide('deny')}>
            {t('application.deny')}
          </button>
        </div>
      ) : (
        <p className="muted">{t('application.waiting')}</p>
      )}
    </div>
  );
}
