import type { CalendarYearView } from '../../shared/index.js';
import { ApiError, request } from '../cases/caseApi.js';

/** The working calendar endpoints: `GET /api/calendar?year=YYYY` and `PUT /api/calendar/{year}`. */
export type { CalendarYearView };
export { ApiError };

/** A year of the calendar; with null, the year it is now where the server is. */
export function fetchCalendarYear(year: number | null): Promise<CalendarYearView> {
  return request<CalendarYearView>(year === null ? '/api/calendar' : `/api/calendar?year=${year}`);
}

export function saveCalendarYear(year: number, change: { holidays: string[]; adjustedWorkdays: string[] }): Promise<CalendarYearView> {
  return request<CalendarYearView>(`/api/calendar/${year}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(change),
  });
}
