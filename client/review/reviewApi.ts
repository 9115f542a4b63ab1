import type { EvaluationAnswer, EvaluationLevel, IncidentPage } from '../../shared/index.js';
import { request } from '../cases/caseApi.js';

const read = <T>(url: string, signal?: AbortSignal) => request<T>(url, signal ? { signal } : undefined);

/** `GET /api/evaluation` for a level and period (and the rows within a town). */
export function fetchEvaluation(level: EvaluationLevel, period: string, town: string | null, signal?: AbortSignal): Promise<EvaluationAnswer> {
  const q = new URLSearchParams({ level, period });
  if (town) q.set('town', town);
  return read<EvaluationAnswer>(`/api/evaluation?${q}`, signal);
}

/** The cases reported in a box over a span (a cell's cases for the period), newest first. */
export function fetchCasesIn(bbox: [number, number, number, number], since: string, until: string, signal?: AbortSignal): Promise<IncidentPage> {
  const q = new URLSearchParams({ bbox: bbox.join(','), since, until, limit: '200' });
  return read<IncidentPage>(`/api/incidents?${q}`, signal);
}

/** The export of what the table shows: CSV, XLSX (number formats, the formulas on a second sheet) or PDF. */
export function evaluationExportUrl(level: EvaluationLevel, period: string, town: string | null, format: 'csv' | 'xlsx' | 'pdf' = 'csv'): string {
  const q = new URLSearchParams({ level, period, format });
  if (town) q.set('town', town);
  return `/api/evaluation/export?${q}`;
}
