import { buildWorkCalendar, DAY_MS } from '../../shared/workflow/workCalendar.js';

/** What a day of the calendar page is: as its weekday says, a holiday (休), or an adjusted workday (班). */
export type DayKind = 'normal' | 'holiday' | 'workday';

/** A click moves a day on: normal → holiday → adjusted workday → normal. */
export function nextKind(kind: DayKind): DayKind {
  return kind === 'normal' ? 'holiday' : kind === 'holiday' ? 'workday' : 'normal';
}

/** A year's special days, by ISO date. */
export type YearMarks = ReadonlyMap<string, Exclude<DayKind, 'normal'>>;

export function marksOf(holidays: readonly string[], adjustedWorkdays: readonly string[]): Map<string, Exclude<DayKind, 'normal'>> {
  const marks = new Map<string, Exclude<DayKind, 'normal'>>();
  for (const d of holidays) marks.set(d, 'holiday');
  for (const d of adjustedWorkdays) marks.set(d, 'workday');
  return marks;
}

export function listsOf(marks: YearMarks): { holidays: string[]; adjustedWorkdays: string[] } {
  const all = [...marks].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { holidays: all.filter(([, k]) => k === 'holiday').map(([d]) => d), adjustedWorkdays: all.filter(([, k]) => k === 'workday').map(([d]) => d) };
}

export function sameMarks(a: YearMarks, b: YearMarks): boolean {
  if (a.size !== b.size) return false;
  for (const [d, k] of a) if (b.get(d) !== k) return false;
  return true;
}

const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);

/** Saturday or Sunday. */
export const isWeekend = (date: string) => {
  const w = new Date(`${date}T00:00:00Z`).getUTCDay();
  return w === 0 || w === 6;
};

/** A month as weeks of seven cells, Monday first (as Chinese calendars are); null outside the month. */
export function monthWeeks(year: number, month: number): (string | null)[][] {
  const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
  const lead = (first + 6) % 7;
  const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const cells: (string | null)[] = [...Array<null>(lead).fill(null)];
  for (let d = 1; d <= days; d++) cells.push(iso(year, month, d));
  while (cells.length % 7) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/** Working days in the year with these marks, counted by the same calendar code the server uses. */
export function workingDaysOf(year: number, marks: YearMarks, workingPeriods: [string, string][]): number {
  const { holidays, adjustedWorkdays } = listsOf(marks);
  const cal = buildWorkCalendar({ timezoneOffsetMinutes: 0, workingPeriods, holidays: { [year]: holidays }, adjustedWorkdays: { [year]: adjustedWorkdays } });
  let n = 0;
  for (let day = Date.UTC(year, 0, 1) / DAY_MS, end = Date.UTC(year + 1, 0, 1) / DAY_MS; day < end; day++) if (cal.isWorkingDay(day)) n++;
  return n;
}
