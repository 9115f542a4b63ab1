import type { EvaluationAnswer, Incident, Notice, OverdueCase } from '../../shared/index.js';
import type { CaseFacts } from '../evaluation/caseFacts.js';
import type { MapArea } from '../../shared/report/townMap.js';
import { longestOverdue, NOTICE_CASES, noticeOf } from './notice.js';

type Localized = { zh: string; en: string };

export interface NoticeDeps {
  evaluate(q: { level: 'town' | 'unit'; period?: string }): EvaluationAnswer;
  /** Every case's facts (the evaluation's, kept up to date from the stream). */
  facts(): Iterable<CaseFacts>;
  /** A case as stored, for its number and category. */
  caseOf(id: string): Promise<Incident | undefined>;
  categoryName(code: string): Localized | undefined;
  townName(code: string): Localized | undefined;
  unitName(code: string): Localized | undefined;
  /** The towns' polygons, for the map. */
  towns: readonly MapArea[];
  now: () => number;
}

/** Gathers a period's 通报: the evaluation's towns and units, the overdue cases with their names. */
export class NoticeService {
  constructor(private readonly deps: NoticeDeps) {}

  get towns(): readonly MapArea[] {
    return this.deps.towns;
  }

  /** The notice of a period (the running month by default); throws PeriodError like the evaluation. */
  async notice(period?: string): Promise<Notice> {
    const d = this.deps;
    const now = d.now();
    const q = period === undefined ? {} : { period };
    const towns = d.evaluate({ level: 'town', ...q });
    const units = d.evaluate({ level: 'unit', period: towns.period.id });
    // As the evaluation judges the period: at its end once it is over, now while it runs.
    const asOf = Date.parse(towns.period.asOf);
    const overdue: OverdueCase[] = [];
    for (const late of longestOverdue(d.facts(), asOf, NOTICE_CASES)) {
      const c = await d.caseOf(late.id);
      // A duplicate merged into another case is that case's business, not a case of its own.
      if (!c || c.mergedInto !== null) continue;
      // The unit that held it then, not the one that holds it now.
      const unitCode = late.unitCode;
      overdue.push({
        id: c.id,
        number: c.number ?? null,
        categoryCode: c.categoryCode,
        category: d.categoryName(c.categoryCode) ?? { zh: c.categoryCode, en: c.categoryCode },
        townCode: c.townCode,
        town: d.townName(c.townCode) ?? { zh: c.townCode, en: c.townCode },
        unitCode,
        unit: unitCode === null ? null : (d.unitName(unitCode) ?? { zh: unitCode, en: unitCode }),
        dueAt: new Date(late.dueAt).toISOString(),
        hoursOverdue: Math.round(late.hoursOverdue * 10) / 10,
      });
    }
    return noticeOf(towns, units, overdue, now);
  }
}
