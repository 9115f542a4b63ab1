import { z } from 'zod';

/** One year of the working calendar as `GET /api/calendar` and `PUT /api/calendar/{year}` answer it. */
export const CalendarYearView = z.object({
  year: z.number().int(),
  timezoneOffsetMinutes: z.number().int(),
  workingPeriods: z.array(z.tuple([z.string(), z.string()])),
  holidays: z.array(z.string()),
  adjustedWorkdays: z.array(z.string()),
  /** Working days in the year under this calendar. */
  workingDays: z.number().int().nonnegative(),
  /** `edited` by an admin; `default` from the shipped file; `none`: no holidays known (weekends only). */
  source: z.enum(['edited', 'default', 'none']),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  /** The years that can be read and edited. */
  yearRange: z.tuple([z.number().int(), z.number().int()]),
});
export type CalendarYearView = z.infer<typeof CalendarYearView>;
