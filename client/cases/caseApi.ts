import type { Candidate, CaseActionRequest, CaseView, Incident, IncidentEvent } from '../../shared/index.js';
import type { CaseUnit } from '../../shared/schema/unit.js';

/**
 * The case endpoints (`/api/cases/*`, `/api/tasks`, `/api/teams`) as the dispatch console and the
 * field view use them. Shared by both lazy chunks; nothing here touches React.
 */

// The wire types are defined once, in shared/.
export type { Candidate, CaseUnit, CaseView };

/** `POST /api/cases/:id/photos` (201). */
export interface UploadedPhoto {
  photoId: string;
  contentType: string;
  bytes: number;
}

/** A refused request: the server's `{error: {code, message, details}}`, or `network` when no answer came. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** No answer at all, or one that says to come back later: worth sending again. */
  get retriable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** A JSON request; a refusal or no answer throws ApiError. */
export async function request<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-store', ...init });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // a proxy's error page: not JSON
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? res.statusText, error?.details);
  }
  return body as T;
}

export const getJson = <T>(url: string) => request<T>(url);

export function fetchCase(id: string): Promise<CaseView> {
  return request<CaseView>(`/api/cases/${encodeURIComponent(id)}`);
}

export function fetchCandidates(id: string): Promise<Candidate[]> {
  return request<Candidate[]>(`/api/cases/${encodeURIComponent(id)}/candidates`);
}

/** `GET /api/cases/:id/units`: the units responsible for the case, each with its crews on duty. */
export function fetchCaseUnits(id: string): Promise<CaseUnit[]> {
  return request<CaseUnit[]>(`/api/cases/${encodeURIComponent(id)}/units`);
}

/** `GET /api/incidents?number=`: the cases whose number is or starts with `number`, newest first. */
export async function searchCasesByNumber(number: string, limit = 10): Promise<Incident[]> {
  const page = await request<{ items: Incident[] }>(`/api/incidents?number=${encodeURIComponent(number)}&limit=${limit}`);
  return page.items;
}

/** A fresh idempotency key: a retried request with the same key gets the first answer again. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * `POST /api/cases/:id/actions` with an `Idempotency-Key`, so that sending it again after a lost
 * answer cannot act twice.
 */
export function postCaseAction(id: string, body: CaseActionRequest, idempotencyKey = newIdempotencyKey()): Promise<{ case: Incident }> {
  return request<{ case: Incident }>(`/api/cases/${encodeURIComponent(id)}/actions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': idempotencyKey },
    body: JSON.stringify(body),
  });
}

/** `POST /api/cases/:id/photos` with the image itself as the body. */
export function uploadPhoto(caseId: string, image: Blob, idempotencyKey: string): Promise<UploadedPhoto> {
  return request<UploadedPhoto>(`/api/cases/${encodeURIComponent(caseId)}/photos`, {
    method: 'POST',
    headers: { 'Content-Type': image.type || 'image/jpeg', 'Idempotency-Key': idempotencyKey },
    body: image,
  });
}

export const photoUrl = (photoId: string) => `/api/photos/${encodeURIComponent(photoId)}`;

/** The photos attached along a timeline, newest last. */
export function attachmentsOf(timeline: readonly IncidentEvent[]): string[] {
  return timeline.flatMap((e) => e.action?.attachments ?? []);
}
