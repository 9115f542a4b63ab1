import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { dateTimeText } from '../cases/format.js';
import type { useNumberSearch } from './useCaseLookups.js';

/**
 * The header's case-number box: Enter looks the number (or its start) up; one match opens in the
 * detail pane, several are listed to pick from, none is said.
 */
export function CaseNumberSearch({ search }: { search: ReturnType<typeof useNumberSearch> }) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const s = search.state;
  return (
    <div className="number-search">
      <input
        type="search"
        data-testid="number-search"
        aria-label={t('dispatch.numberSearch.label')}
        placeholder={t('dispatch.numberSearch.placeholder')}
        value={text}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') search.search(text);
          else if (e.key === 'Escape') search.clear();
        }}
      />
      {s.phase !== 'idle' && (
        <div className="number-results" data-testid="number-results" data-phase={s.phase} role="status">
          {s.phase === 'searching' && <p className="muted">{t('dispatch.numberSearch.searching')}</p>}
          {s.phase === 'none' && <p className="muted">{t('dispatch.numberSearch.none', { query: s.query })}</p>}
          {s.phase === 'error' && <p className="error">{t('errors.other', { code: s.code })}</p>}
          {s.phase === 'several' && (
            <ul>
              {s.items.map((c) => (
                <li key={c.id}>
                  <button type="button" data-testid="number-result" data-id={c.id} onClick={() => search.pick(c.id)}>
                    <span className="mono">{c.number}</span> {t(`status.${c.status}`)} · {dateTimeText(c.reportedAt, i18n.language)}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
