import type { AppealJudgement, AppealStatus, EvaluationRules } from '../../shared/index.js';

/**
 * The evaluation's own records beside the log (考核): the rules an admin set, the cases excluded from
 * assessment, and the units' appeals. Times in epoch ms.
 */
export interface StoredRules {
  rules: EvaluationRules;
  updatedAt: number;
  updatedBy: string;
}

export interface StoredExclusion {
  caseId: string;
  caseNumber: string | null;
  reason: string;
  by: string;
  at: number;
}

export interface StoredAppeal {
  id: number;
  caseId: string;
  caseNumber: string | null;
  unitCode: string;
  judgement: AppealJudgement;
  reason: string;
  status: AppealStatus;
  filedBy: string;
  filedAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionNote: string | null;
}

/** A pending appeal of the same case, unit and judgement exists (the store's unique index said so). */
export class AppealPendingError extends Error {
  constructor() {
    super('An appeal of this judgement on this case is already pending.');
  }
}

export interface AssessmentRepository {
  /** The rules an admin last set; undefined while the shipped default holds. */
  rules(): Promise<StoredRules | undefined>;
  putRules(r: StoredRules): Promise<void>;
  /** Every exclusion in force, oldest first. */
  exclusions(): Promise<StoredExclusion[]>;
  /** Excludes a case; false when it already was (nothing written). */
  addExclusion(e: StoredExclusion): Promise<boolean>;
  /** Revokes a case's exclusion; the exclusion it removed, or undefined when there was none. */
  removeExclusion(caseId: string): Promise<StoredExclusion | undefined>;
  /** Every appeal, oldest first. */
  appeals(): Promise<StoredAppeal[]>;
  appeal(id: number): Promise<StoredAppeal | undefined>;
  /** Files an appeal as pending; throws AppealPendingError when one of the same case, unit and judgement is. */
  fileAppeal(a: Omit<StoredAppeal, 'id' | 'status' | 'decidedBy' | 'decidedAt' | 'decisionNote'>): Promise<StoredAppeal>;
  /** Decides a pending appeal; undefined when it is not pending (already decided, or none). */
  decideAppeal(id: number, status: 'upheld' | 'rejected', by: string, at: number, note: string | null): Promise<StoredAppeal | undefined>;
}
