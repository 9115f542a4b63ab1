import type { Appeal, AppealDecision, AppealJudgement, EvaluationRules, EvaluationRulesView, Exclusion } from '../../shared/index.js';
import { request } from '../cases/caseApi.js';

const send = <T>(method: string, url: string, body?: unknown) =>
  request<T>(url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

/** `GET /api/evaluation/weights`: the rules in force. */
export const fetchRules = () => request<EvaluationRulesView>('/api/evaluation/weights');

/** `PUT /api/evaluation/weights` (admins). */
export const saveRules = (rules: EvaluationRules) => send<EvaluationRulesView>('PUT', '/api/evaluation/weights', rules);

/** `POST /api/cases/:id/exclusion` (admins): 不纳入考核. */
export const excludeCase = (caseId: string, reason: string) => send<Exclusion>('POST', `/api/cases/${encodeURIComponent(caseId)}/exclusion`, { reason });

/** `DELETE /api/cases/:id/exclusion` (admins). */
export const revokeExclusion = (caseId: string) => send<Exclusion>('DELETE', `/api/cases/${encodeURIComponent(caseId)}/exclusion`);

/** `GET /api/appeals`: the centre's every appeal, a unit desk's own. */
export const fetchAppeals = (caseId?: string) => request<{ items: Appeal[] }>(`/api/appeals${caseId ? `?caseId=${encodeURIComponent(caseId)}` : ''}`).then((a) => a.items);

/** `POST /api/cases/:id/appeals` (a unit desk): 申诉. */
export const fileAppeal = (caseId: string, judgement: AppealJudgement, reason: string) => send<Appeal>('POST', `/api/cases/${encodeURIComponent(caseId)}/appeals`, { judgement, reason });

/** `POST /api/appeals/:id/decision` (the centre): 支持 / 驳回. */
export const decideAppeal = (id: number, decision: AppealDecision['decision'], note?: string) => send<Appeal>('POST', `/api/appeals/${id}/decision`, note ? { decision, note } : { decision });

/** `GET /api/evaluation/exclusions` (analytics.read): every exclusion in force. */
export const fetchExclusions = () => request<{ items: Exclusion[] }>('/api/evaluation/exclusions').then((a) => a.items);
