import { useReducer } from 'react';
import { useTranslation } from 'react-i18next';
import { Satisfaction, type CallbackAnswer, type Incident } from '../../shared/index.js';
import { dateTimeText } from '../cases/format.js';

/** What the dispatcher has filled in so far. */
export interface CallbackDraft {
  reached: boolean | null;
  satisfaction: Satisfaction | null;
  note: string;
}

export const EMPTY_CALLBACK: CallbackDraft = { reached: null, satisfaction: null, note: '' };

/** Pure: one field changed (not reached clears the satisfaction). */
export function callbackDraftUpdate(draft: CallbackDraft, change: Partial<CallbackDraft>): CallbackDraft {
  const next = { ...draft, ...change };
  return next.reached === true ? next : { ...next, satisfaction: null };
}

/** The answer to send, or null while the draft is not complete. */
export function callbackAnswerOf(draft: CallbackDraft): CallbackAnswer | null {
  if (draft.reached === false) return { reached: false };
  if (draft.reached === true && draft.satisfaction) return { reached: true, satisfaction: draft.satisfaction };
  return null;
}

/** 回访: was the reporter reached and, if so, how satisfied; a note. Sent through the console's action path. */
export function CallbackForm({ busy, onSubmit }: { busy: boolean; onSubmit: (answer: CallbackAnswer, note: string) => void }) {
  const { t } = useTranslation();
  const [draft, change] = useReducer(callbackDraftUpdate, EMPTY_CALLBACK);
  const answer = callbackAnswerOf(draft);
  return (
    <fieldset className="callback-form" data-testid="callback-form">
      <legend>{t('dispatch.callback.title')}</legend>
      <div className="choice" role="radiogroup" aria-label={t('dispatch.callback.reached')}>
        <span>{t('dispatch.callback.reached')}</span>
        {([true, false] as const).map((r) => (
          <label key={String(r)}>
            <input type="radio" name="callback-reached" data-testid={`callback-reached-${r ? 'yes' : 'no'}`} checked={draft.reached === r} onChange={() => change({ reached: r })} />
            {t(r ? 'dispatch.callback.yes' : 'dispatch.callback.no')}
          </label>
        ))}
      </div>
      {draft.reached && (
        <div className="choice" role="radiogroup" aria-label={t('dispatch.callback.satisfaction')}>
          <span>{t('dispatch.callback.satisfaction')}</span>
          {Satisfaction.options.map((s) => (
            <label key={s}>
              <input type="radio" name="callback-satisfaction" data-testid={`callback-${s}`} checked={draft.satisfaction === s} onChange={() => change({ satisfaction: s })} />
              {t(`satisfaction.${s}`)}
            </label>
          ))}
        </div>
      )}
      <textarea data-testid="callback-note" rows={2} maxLength={2000} value={draft.note} placeholder={t('dispatch.callback.notePlaceholder')} onChange={(e) => change({ note: e.target.value })} />
      <button type="button" className="act main" data-testid="callback-submit" disabled={busy || !answer} onClick={() => answer && onSubmit(answer, draft.note.trim())}>
        {t('dispatch.callback.submit')}
      </button>
    </fieldset>
  );
}

/** The last callback on the case, as a line of its facts. */
export function LastCallback({ callback }: { callback: NonNullable<Incident['callback']> }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <dt>{t('dispatch.callback.last')}</dt>
      <dd data-testid="case-callback" data-reached={callback.reached} data-satisfaction={callback.satisfaction ?? ''}>
        {callback.reached ? t(`satisfaction.${callback.satisfaction ?? 'satisfied'}`) : t('dispatch.callback.notReached')} · {dateTimeText(callback.at, i18n.language)}
      </dd>
    </>
  );
}
