import type { Appeal, AppealDecision, AppealQuery, AppealRequest, EvaluationRules, EvaluationRulesView, Exclusion, UnitClosedAnswer, UnitClosedQuery } from '../../shared/index.js';
import type { AuditContext } from '../auth/authService.js';
import { oneAtATime, writeAudited } from '../auth/auditedChange.js';
import { may } from '../auth/principal.js';
import { Refusal } from '../refusal.js';
import { AppealPendingError, type StoredAppeal, type StoredExclusion, type StoredRules } from '../store/assessmentStore.js';
import type { Store } from '../store/store.js';
import { adjustmentsOf, type Adjustments } from './adjustments.js';
import { closedCasesOfUnit, judgementStands } from './appealableCases.js';
import type { CaseFacts } from './caseFacts.js';
import { DEFAULT_RULES, rulesProblem } from './rules.js';

export interface AssessmentDeps {
  store: Pick<Store, 'assessment' | 'incidents' | 'transaction'>;
  /** A case's facts as the evaluation folded them (undefined for an unknown case). */
  factsOf(caseId: string): CaseFacts | undefined;
  /** Every case's facts (read to find a unit's recently closed cases). */
  allFacts(): Iterable<CaseFacts>;
  now: () => number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const appealView = (a: StoredAppeal): Appeal => ({ ...a, filedAt: iso(a.filedAt)!, decidedAt: iso(a.decidedAt) });
const exclusionView = (e: StoredExclusion): Exclusion => ({ caseId: e.caseId, caseNumber: e.caseNumber, reason: e.reason, by: e.by, at: iso(e.at)! });

/**
 * 考核 as the centre keeps it, beside the log: the rules an admin set, the cases excluded from
 * assessment, and the units' appeals and the centre's decisions on them. Each change is written with
 * its audit entry in one transaction and takes effect for the evaluation once committed (the
 * evaluation reads `rules` and `adjustments` at each request). Changes are made one at a time.
 */
export class AssessmentService {
  private stored: StoredRules | undefined;
  private readonly excluded = new Map<string, StoredExclusion>();
  private readonly filed = new Map<number, StoredAppeal>();
  private adj: Adjustments;
  private readonly serially = oneAtATime();

  static async load(deps: AssessmentDeps): Promise<AssessmentService> {
    const { assessment } = deps.store;
    return new AssessmentService(deps, await assessment.rules(), await assessment.exclusions(), await assessment.appeals());
  }

  private constructor(
    private readonly deps: AssessmentDeps,
    rules: StoredRules | undefined,
    exclusions: readonly StoredExclusion[],
    appeals: readonly StoredAppeal[],
  ) {
    this.stored = rules;
    for (const e of exclusions) this.excluded.set(e.caseId, e);
    for (const a of appeals) this.filed.set(a.id, a);
    this.adj = this.adjust();
  }

  /** The rules in force. */
  get rules(): EvaluationRules {
    return this.stored?.rules ?? DEFAULT_RULES;
  }

  /** What exclusions and upheld appeals take out of the evaluation now. */
  get adjustments(): Adjustments {
    return this.adj;
  }

  rulesView(): EvaluationRulesView {
    return { ...this.rules, updatedAt: iso(this.stored?.updatedAt ?? null), updatedBy: this.stored?.updatedBy ?? null };
  }

  /** Replaces the rules (already checked against the schema); 422 with a code where they make no sense. */
  putRules(rules: EvaluationRules, ctx: AuditContext): Promise<EvaluationRulesView> {
    return this.serially(async () => {
      const problem = rulesProblem(rules);
      if (problem) throw new Refusal(422, problem.code, problem.message, problem.details);
      const at = this.deps.now();
      const by = ctx.principal?.name ?? 'anonymous';
      const next = { rules, updatedAt: at, updatedBy: by };
      await writeAudited(this.deps.store, { ctx, action: 'evaluation.rules.update', objectType: 'evaluation_rules', objectId: 'composite', detail: { from: this.rules, to: rules }, at }, (tx) =>
        tx.assessment.putRules(next),
      );
      this.stored = next;
      return this.rulesView();
    });
  }

  /** Every exclusion in force, oldest first. */
  exclusions(): Exclusion[] {
    return [...this.excluded.values()].map(exclusionView);
  }

  /** The exclusions of these cases (a period's), oldest first. */
  exclusionsOf(isOfPeriod: (caseId: string) => boolean): Exclusion[] {
    return [...this.excluded.values()].filter((e) => isOfPeriod(e.caseId)).map(exclusionView);
  }

  /** Excludes a case from assessment. 404 for an unknown case, 409 when it is excluded already. */
  exclude(caseId: string, reason: string, ctx: AuditContext): Promise<Exclusion> {
    return this.serially(async () => {
      const c = await this.deps.store.incidents.get(caseId);
      if (!c) throw new Refusal(404, 'not_found', `No case ${caseId}.`);
      if (this.excluded.has(caseId)) throw new Refusal(409, 'already_excluded', 'The case is excluded from assessment already; revoke it first to change the reason.');
      const at = this.deps.now();
      const e: StoredExclusion = { caseId, caseNumber: c.number ?? null, reason, by: ctx.principal?.name ?? 'anonymous', at };
      await writeAudited(this.deps.store, { ctx, action: 'case.exclusion.add', objectType: 'case', objectId: caseId, detail: { caseNumber: e.caseNumber, reason }, at }, async (tx) => {
        if (!(await tx.assessment.addExclusion(e))) throw new Refusal(409, 'already_excluded', 'The case is excluded from assessment already.');
      });
      this.excluded.set(caseId, e);
      this.adj = this.adjust();
      return exclusionView(e);
    });
  }

  /** Revokes a case's exclusion; 404 `not_excluded` when it has none. */
  revoke(caseId: string, ctx: AuditContext): Promise<Exclusion> {
    return this.serially(async () => {
      const before = this.excluded.get(caseId);
      if (!before) throw new Refusal(404, 'not_excluded', 'The case is not excluded from assessment.');
      const at = this.deps.now();
      await writeAudited(this.deps.store, { ctx, action: 'case.exclusion.revoke', objectType: 'case', objectId: caseId, detail: { caseNumber: before.caseNumber, reason: before.reason, excludedBy: before.by, excludedAt: iso(before.at) }, at }, async (tx) => {
        if (!(await tx.assessment.removeExclusion(caseId))) throw new Refusal(404, 'not_excluded', 'The case is not excluded from assessment.');
      });
      this.excluded.delete(caseId);
      this.adj = this.adjust();
      return exclusionView(before);
    });
  }

  /** The appeals a caller may see, oldest first: a unit desk its own unit's, the centre every one. */
  appeals(q: AppealQuery, ctx: AuditContext): Appeal[] {
    const p = ctx.principal;
    const unit = may(p, 'evaluation.decide') || may(p, 'analytics.read') ? null : p?.unitCode;
    if (unit === undefined) throw new Refusal(403, 'not_your_unit', 'Appeals are read by the centre and by the units that filed them.');
    return [...this.filed.values()]
      .filter((a) => (unit === null || a.unitCode === unit) && (!q.status || a.status === q.status) && (!q.caseId || a.caseId === q.caseId))
      .map(appealView);
  }

  /**
   * The closed cases a unit had a turn with, for its desk to appeal: a unit desk reads its own unit's,
   * the centre's readers of the analytics any unit's; anyone else 403 `not_your_unit`.
   */
  async closedOfUnit(unitCode: string, q: UnitClosedQuery, ctx: AuditContext): Promise<UnitClosedAnswer> {
    const p = ctx.principal;
    if (!may(p, 'analytics.read') && p?.unitCode !== unitCode) throw new Refusal(403, 'not_your_unit', 'A unit desk reads only the cases of its own unit.');
    const now = this.deps.now();
    const { total, items } = closedCasesOfUnit(this.deps.allFacts(), unitCode, now - q.days * 86_400_000, now, q.limit);
    // The number and category are not facts the evaluation keeps: read them for the page only.
    const cases = await Promise.all(items.map((i) => this.deps.store.incidents.get(i.facts.id)));
    return {
      total,
      items: items.map((i, k) => ({
        caseId: i.facts.id,
        number: cases[k]?.number ?? null,
        categoryCode: cases[k]?.categoryCode ?? '',
        townCode: i.facts.townCode,
        closedAt: iso(i.facts.closedAt)!,
        judgements: i.judgements,
      })),
    };
  }

  /**
   * A unit's appeal against a judgement on its own turn with a case. 404 for a case the unit never
   * had (whether it exists is none of its business), 422 `no_such_judgement` where the judgement does
   * not stand, 422 `appeal_pending` while one of the same judgement is pending.
   */
  appeal(caseId: string, req: AppealRequest, ctx: AuditContext): Promise<Appeal> {
    return this.serially(async () => {
      const unitCode = ctx.principal?.unitCode;
      if (!unitCode) throw new Refusal(403, 'not_your_unit', 'Only a unit desk appeals, for its own unit.');
      const f = this.deps.factsOf(caseId);
      if (!f || !f.stints.some((s) => s.unitCode === unitCode)) throw new Refusal(404, 'not_found', `No case ${caseId} of your unit.`);
      const at = this.deps.now();
      if (!judgementStands(f, unitCode, req.judgement, at)) {
        throw new Refusal(422, 'no_such_judgement', `Your unit's turn with this case was not judged ${req.judgement}.`, { judgement: req.judgement });
      }
      const pending = () => new Refusal(422, 'appeal_pending', 'An appeal of this judgement on this case is pending already.', { judgement: req.judgement });
      if ([...this.filed.values()].some((a) => a.caseId === caseId && a.unitCode === unitCode && a.judgement === req.judgement && a.status === 'pending')) throw pending();
      const c = await this.deps.store.incidents.get(caseId);
      const filedBy = ctx.principal?.name ?? 'anonymous';
      let stored: StoredAppeal;
      try {
        stored = await writeAudited(this.deps.store, { ctx, action: 'case.appeal.file', objectType: 'case', objectId: caseId, detail: { unitCode, judgement: req.judgement, reason: req.reason }, at }, (tx) =>
          tx.assessment.fileAppeal({ caseId, caseNumber: c?.number ?? null, unitCode, judgement: req.judgement, reason: req.reason, filedBy, filedAt: at }),
        );
      } catch (err) {
        if (err instanceof AppealPendingError) throw pending();
        throw err;
      }
      this.filed.set(stored.id, stored);
      return appealView(stored);
    });
  }

  /** The centre upholds or rejects a pending appeal; 404 for none, 409 `already_decided`. */
  decide(id: number, d: AppealDecision, ctx: AuditContext): Promise<Appeal> {
    return this.serially(async () => {
      const before = this.filed.get(id);
      if (!before) throw new Refusal(404, 'not_found', `No appeal ${id}.`);
      const decided = () => new Refusal(409, 'already_decided', `The appeal was ${before.status} already.`, { status: before.status });
      if (before.status !== 'pending') throw decided();
      const at = this.deps.now();
      const status = d.decision === 'uphold' ? 'upheld' : 'rejected';
      const by = ctx.principal?.name ?? 'anonymous';
      const after = await writeAudited(
        this.deps.store,
        { ctx, action: `case.appeal.${d.decision}`, objectType: 'case', objectId: before.caseId, detail: { appeal: id, unitCode: before.unitCode, judgement: before.judgement, from: 'pending', to: status, note: d.note ?? null }, at },
        async (tx) => {
          const a = await tx.assessment.decideAppeal(id, status, by, at, d.note ?? null);
          if (!a) throw decided();
          return a;
        },
      );
      this.filed.set(id, after);
      if (status === 'upheld') this.adj = this.adjust();
      return appealView(after);
    });
  }

  private adjust(): Adjustments {
    return adjustmentsOf(this.excluded.keys(), [...this.filed.values()].filter((a) => a.status === 'upheld'));
  }
}
