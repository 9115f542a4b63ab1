import { useTranslation } from 'react-i18next';
import type { CaseSummary } from '../../shared/index.js';
import { boardFigures, type BoardFigures } from '../live/caseCounts.js';

/** In the order of the loop: reported today, waiting on the center, in the field, verification, closed today. */
const ORDER: (keyof BoardFigures)[] = ['reportedToday', 'toAccept', 'toDispatch', 'handling', 'toVerify', 'toClose', 'closedToday', 'suspended', 'overdue'];

/**
 * The board's case counters (案件统计): where today's work stands, following every step live. Overdue
 * is drawn as an alarm, and flashes while cases have just gone overdue.
 */
export function CaseCounters({ summary, recentOverdue }: { summary: CaseSummary | null; recentOverdue: number }) {
  const { t } = useTranslation();
  const figures = summary ? boardFigures(summary) : null;
  return (
    <section className="case-counters" data-testid="case-counters" aria-label={t('counters.title')}>
      {ORDER.map((key) => (
        <div
          key={key}
          data-testid={`count-${key}`}
          data-value={figures ? figures[key] : ''}
          className={`counter counter-${key}${key === 'overdue' && figures && figures.overdue > 0 ? ' alarm' : ''}${key === 'overdue' && recentOverdue > 0 ? ' flash' : ''}`}
        >
          <b>{figures ? figures[key].toLocaleString('zh-CN') : '–'}</b>
          <span>{t(`counters.${key}`)}</span>
        </div>
      ))}
    </section>
  );
}
