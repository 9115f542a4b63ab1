import type Database from 'better-sqlite3';
import type { AppealJudgement, AppealStatus, EvaluationRules } from '../../../shared/index.js';
import { AppealPendingError, type AssessmentRepository, type StoredAppeal, type StoredExclusion, type StoredRules } from '../assessmentStore.js';

interface AppealRow {
  id: number;
  case_id: string;
  case_number: string | null;
  unit_code: string;
  judgement: AppealJudgement;
  reason: string;
  status: AppealStatus;
  filed_by: string;
  filed_at: number;
  decided_by: string | null;
  decided_at: number | null;
  decision_note: string | null;
}

interface ExclusionRow {
  case_id: string;
  case_number: string | null;
  reason: string;
  excluded_by: string;
  excluded_at: number;
}

const appealOf = (r: AppealRow): StoredAppeal => ({
  id: r.id, caseId: r.case_id, caseNumber: r.case_number, unitCode: r.unit_code, judgement: r.judgement, reason: r.reason, status: r.status,
  filedBy: r.filed_by, filedAt: r.filed_at, decidedBy: r.decided_by, decidedAt: r.decided_at, decisionNote: r.decision_note,
});

const exclusionOf = (r: ExclusionRow): StoredExclusion => ({ caseId: r.case_id, caseNumber: r.case_number, reason: r.reason, by: r.excluded_by, at: r.excluded_at });

const APPEAL_COLUMNS = 'id, case_id, case_number, unit_code, judgement, reason, status, filed_by, filed_at, decided_by, decided_at, decision_note';

/** The evaluation's rules, exclusions and appeals: `evaluation_rules`, `assessment_exclusions`, `case_appeals` (migration 20). */
export class SqliteAssessmentRepository implements AssessmentRepository {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      rules: db.prepare('SELECT rules, updated_at, updated_by FROM evaluation_rules WHERE id = 1'),
      putRules: db.prepare(`INSERT INTO evaluation_rules (id, rules, updated_at, updated_by) VALUES (1, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      exclusions: db.prepare('SELECT case_id, case_number, reason, excluded_by, excluded_at FROM assessment_exclusions ORDER BY excluded_at, case_id'),
      exclusion: db.prepare('SELECT case_id, case_number, reason, excluded_by, excluded_at FROM assessment_exclusions WHERE case_id = ?'),
      addExclusion: db.prepare('INSERT INTO assessment_exclusions (case_id, case_number, reason, excluded_by, excluded_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING'),
      removeExclusion: db.prepare('DELETE FROM assessment_exclusions WHERE case_id = ?'),
      appeals: db.prepare(`SELECT ${APPEAL_COLUMNS} FROM case_appeals ORDER BY id`),
      appeal: db.prepare(`SELECT ${APPEAL_COLUMNS} FROM case_appeals WHERE id = ?`),
      fileAppeal: db.prepare(`INSERT INTO case_appeals (case_id, case_number, unit_code, judgement, reason, status, filed_by, filed_at)
        VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`),
      decideAppeal: db.prepare("UPDATE case_appeals SET status = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ? AND status = 'pending'"),
    };
  }

  async rules(): Promise<StoredRules | undefined> {
    const r = this.q.rules.get() as { rules: string; updated_at: number; updated_by: string } | undefined;
    return r && { rules: JSON.parse(r.rules) as EvaluationRules, updatedAt: r.updated_at, updatedBy: r.updated_by };
  }

  async putRules(r: StoredRules): Promise<void> {
    this.q.putRules.run(JSON.stringify(r.rules), r.updatedAt, r.updatedBy);
  }

  async exclusions(): Promise<StoredExclusion[]> {
    return (this.q.exclusions.all() as ExclusionRow[]).map(exclusionOf);
  }

  async addExclusion(e: StoredExclusion): Promise<boolean> {
    return this.q.addExclusion.run(e.caseId, e.caseNumber, e.reason, e.by, e.at).changes === 1;
  }

  async removeExclusion(caseId: string): Promise<StoredExclusion | undefined> {
    const r = this.q.exclusion.get(caseId) as ExclusionRow | undefined;
    if (!r) return undefined;
    this.q.removeExclusion.run(caseId);
    return exclusionOf(r);
  }

  async appeals(): Promise<StoredAppeal[]> {
    return (this.q.appeals.all() as AppealRow[]).map(appealOf);
  }

  async appeal(id: number): Promise<StoredAppeal | undefined> {
    const r = this.q.appeal.get(id) as AppealRow | undefined;
    return r && appealOf(r);
  }

  async fileAppeal(a: Omit<StoredAppeal, 'id' | 'status' | 'decidedBy' | 'decidedAt' | 'decisionNote'>): Promise<StoredAppeal> {
    try {
      const id = Number(this.q.fileAppeal.run(a.caseId, a.caseNumber, a.unitCode, a.judgement, a.reason, a.filedBy, a.filedAt).lastInsertRowid);
      return { ...a, id, status: 'pending', decidedBy: null, decidedAt: null, decisionNote: null };
    } catch (err) {
      // The partial unique index (one pending appeal per case, unit and judgement) is the last word
      // when two requests race.
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new AppealPendingError();
      throw err;
    }
  }

  async decideAppeal(id: number, status: 'upheld' | 'rejected', by: string, at: number, note: string | null): Promise<StoredAppeal | undefined> {
    if (this.q.decideAppeal.run(status, by, at, note, id).changes !== 1) return undefined;
    return this.appeal(id);
  }
}
