import { Router } from 'express';
import { z } from 'zod';
import { addressOf, principalOf } from '../auth/httpAuth.js';
import { CalendarYear } from '../calendar/calendarRules.js';
import type { WorkCalendarService } from '../calendar/workCalendarService.js';
import { parseOr400 } from './errors.js';

const CalendarQuery = z.strictObject({ year: CalendarYear.optional() });

/**
 * The working calendar: `GET /api/calendar?year=YYYY` for anyone who reads the city (the current
 * year when none is given), `PUT /api/calendar/{year}` for admins, replacing that year's holidays and
 * adjusted workdays. Who may call which is in the access rules.
 */
export function calendarRouter(calendar: WorkCalendarService): Router {
  const r = Router();
  r.get('/calendar', (req, res) => {
    const q = parseOr400(CalendarQuery, req.query, 'query');
    res.set('Cache-Control', 'no-cache').json(calendar.year(q.year ?? calendar.currentYear()));
  });
  r.put('/calendar/:year', async (req, res) => {
    const year = parseOr400(CalendarYear, req.params.year, 'year');
    res.json(await calendar.replaceYear(year, req.body, { principal: principalOf(res), address: addressOf(req) }));
  });
  return r;
}
