import { Router } from 'express';
import { z } from 'zod';
import { AppealDecision, AppealQuery, AppealRequest, EvaluationRules, ExclusionRequest, UnitClosedQuery } from '../../shared/index.js';
import { addressOf, principalOf } from '../auth/httpAuth.js';
import type { AssessmentService } from '../evaluation/assessmentService.js';
import { parseOr400 } from './errors.js';

const CaseId = z.string().min(1).max(64).regex(/^[\w-]+$/);
const AppealId = z.coerce.number().int().positive();
const UnitCode = z.string().min(1).max(64).regex(/^[\w-]+$/);

/**
 * 考核规则 and what the centre decides beside the log: `GET/PUT /api/evaluation/weights` (the
 * composite's weights per level, its rule for indicators with nothing due, the grade bounds),
 * `POST/DELETE /api/cases/:id/exclusion` (不纳入考核), `GET /api/evaluation/exclusions`, and the
 * units' appeals: `POST /api/cases/:id/appeals` (申诉), `GET /api/appeals`, `POST /api/appeals/:id/decision`,
 * and `GET /api/units/:code/closed`, the unit's recently closed cases it may appeal.
 * Who may call which is in the access rules; a unit's own cases and appeals are checked by the service.
 */
export function evaluationRulesRouter(assessment: AssessmentService): Router {
  const r = Router();
  const ctx = (req: Parameters<typeof addressOf>[0], res: Parameters<typeof principalOf>[0]) => ({ principal: principalOf(res), address: addressOf(req) });
  r.get('/evaluation/weights', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(assessment.rulesView());
  });
  r.put('/evaluation/weights', async (req, res) => {
    const rules = parseOr400(EvaluationRules, req.body, 'body');
    res.json(await assessment.putRules(rules, ctx(req, res)));
  });
  r.get('/evaluation/exclusions', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ items: assessment.exclusions() });
  });
  r.post('/cases/:id/exclusion', async (req, res) => {
    const id = parseOr400(CaseId, req.params.id, 'case id');
    const { reason } = parseOr400(ExclusionRequest, req.body, 'body');
    res.status(201).json(await assessment.exclude(id, reason, ctx(req, res)));
  });
  r.delete('/cases/:id/exclusion', async (req, res) => {
    const id = parseOr400(CaseId, req.params.id, 'case id');
    res.json(await assessment.revoke(id, ctx(req, res)));
  });
  r.get('/appeals', (req, res) => {
    const q = parseOr400(AppealQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json({ items: assessment.appeals(q, ctx(req, res)) });
  });
  r.get('/units/:code/closed', async (req, res) => {
    const code = parseOr400(UnitCode, req.params.code, 'unit code');
    const q = parseOr400(UnitClosedQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await assessment.closedOfUnit(code, q, ctx(req, res)));
  });
  r.post('/cases/:id/appeals', async (req, res) => {
    const id = parseOr400(CaseId, req.params.id, 'case id');
    const body = parseOr400(AppealRequest, req.body, 'body');
    res.status(201).json(await assessment.appeal(id, body, ctx(req, res)));
  });
  r.post('/appeals/:id/decision', async (req, res) => {
    const id = parseOr400(AppealId, req.params.id, 'appeal id');
    const body = parseOr400(AppealDecision, req.body, 'body');
    res.json(await assessment.decide(id, body, ctx(req, res)));
  });
  return r;
}
