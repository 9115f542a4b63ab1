import type { ReplayAnswer } from '../../shared/schema/replay.js';
import { request } from '../cases/caseApi.js';

/** What to replay: a local day, or one case's story. */
export type ReplaySubject = { day: string } | { caseId: string };

/** `GET /api/replay` for a day or a case. */
export function fetchReplay(subject: ReplaySubject, signal?: AbortSignal): Promise<ReplayAnswer> {
  const q = 'day' in subject ? `day=${encodeURIComponent(subject.day)}` : `caseId=${encodeURIComponent(subject.caseId)}`;
  return request<ReplayAnswer>(`/api/replay?${q}`, { signal });
}
