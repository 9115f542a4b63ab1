import type { IncidentSource, IncidentStatus } from '../../shared/index.js';
import type { ScopedCase } from './campaignMeasures.js';

/**
 * The cases the open-case measure reads, from what the server holds in memory: the evaluation's facts
 * of every case (its category, position and source as reported, its state now), folded live from the
 * log; so a recount reads no page of the store.
 */

/** What the measure reads of a case's facts (server/evaluation/caseFacts.ts CaseFacts has it). */
export interface CaseStateFacts {
  id: string;
  reportedAt: number;
  categoryCode: string;
  lon: number;
  lat: number;
  source: IncidentSource;
  townCode: string;
  closedAt: number | null;
  /** `duplicate` for a report merged into another case (only a merge closes so). */
  closureKind: string | null;
  last: { status: IncidentStatus };
}

/** Statuses of a case still open; a case in one of them counts whenever it was reported. */
const OPEN_STATUSES: ReadonlySet<IncidentStatus> = new Set(['registered', 'dispatched', 'handling', 'handled', 'verified', 'suspended']);

export class CampaignCases {
  constructor(
    private readonly deps: {
      /** Every case's facts, current (EvaluationService.allFacts). */
      allFacts(): Iterable<CaseStateFacts>;
    },
  ) {}

  /** Cases of the categories (null: all) reported since `since`, and those open now whenever reported. */
  async casesOf(categories: ReadonlySet<string> | null, since: number): Promise<ScopedCase[]> {
    const out: ScopedCase[] = [];
    for (const f of this.deps.allFacts()) {
      if (categories && !categories.has(f.categoryCode)) continue;
      if (f.reportedAt < since && !OPEN_STATUSES.has(f.last.status)) continue;
      out.push({
        reportedAt: f.reportedAt,
        categoryCode: f.categoryCode,
        source: f.source,
        townCode: f.townCode,
        lon: f.lon,
        lat: f.lat,
        status: f.last.status,
        closedAt: f.closedAt,
        merged: f.closureKind === 'duplicate',
      });
    }
    return out;
  }
}
