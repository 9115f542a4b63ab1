import { ApiError } from '../cases/caseApi.js';

/**
 * The working calendar endpoints: `GET /api/calendar?year=YYYY` and `PUT /api/calendar/{year}`.
 * The answer's shape is server/calendar/workCalendarService.ts's CalendarYearView.
 */
export interface CalendarYearView {
  year: number;
  timezoneOffsetMinutes: number;
  workingPeriods: [string, string][];
  holidays: string[];
  adjustedWorkdays: string[];
  workingDays: number;
  source: 'edited' | 'default' | 'none';
  updatedAt: string | null;
  updatedBy: string | null;
  yearRange: [number, number];
}

export { ApiError };

async function send<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-store', ...init });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? res.statusText, error?.details);
  }
  return body as T;
}

/** A year of the calendar; with null, the year it is now where the server is. */
export function fetchCalendarYear(year: number | null): Promise<CalendarYearView> {
  return send<CalendarYearView>(year === null ? '/api/calendar' : `/api/calendar?year=${year}`);
}

export function saveCalendarYear(year: number, change: { holidays: string[]; adjustedWorkdays: string[] }): Promise<CalendarYearView> {
  return send<CalendarYearView>(`/api/calendar/${year}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(change),
  });
}
