import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWorkCalendar, WorkCalendarData, type WorkCalendar } from '../../shared/workflow/workCalendar.js';
import type { CalendarYearView } from '../../shared/index.js';
import type { AuditContext } from '../auth/authService.js';
import { oneAtATime, writeAudited } from '../auth/auditedChange.js';
import { SHIPPED_DATA_DIR } from '../paths.js';
import type { Store, StoredCalendarYear } from '../store/store.js';
import { MAX_YEAR, MIN_YEAR, parseYearChange, workingDaysIn } from './calendarRules.js';

/** The shipped calendar (data/calendar/holidays-cn.json): the defaults admins edit. */
export function loadCalendarDefaults(): WorkCalendarData {
  return WorkCalendarData.parse(JSON.parse(readFileSync(join(SHIPPED_DATA_DIR, 'calendar', 'holidays-cn.json'), 'utf8')));
}

export interface WorkCalendarServiceDeps {
  defaults: WorkCalendarData;
  /** Where the edited years are kept, and changes with their audit entries written. */
  store: Pick<Store, 'calendar' | 'transaction'>;
  now: () => number;
}

interface EditedYear {
  holidays: string[];
  adjustedWorkdays: string[];
  updatedAt: number;
  updatedBy: string;
}

/**
 * The working calendar deadlines are counted against: the shipped defaults with the years admins
 * have edited replacing theirs. `current` is always the calendar as of the last committed change, so
 * a deadline computed after an edit uses it; deadlines already set are never recomputed.
 */
export class WorkCalendarService {
  private readonly edited = new Map<number, EditedYear>();
  private calendar: WorkCalendar;
  private readonly serially = oneAtATime();

  /** The service with the years admins have edited, as the store keeps them. */
  static async load(deps: WorkCalendarServiceDeps): Promise<WorkCalendarService> {
    return new WorkCalendarService(deps, await deps.store.calendar.years());
  }

  private constructor(
    private readonly deps: WorkCalendarServiceDeps,
    stored: readonly StoredCalendarYear[],
  ) {
    for (const { year, ...edit } of stored) this.edited.set(year, edit);
    this.calendar = buildWorkCalendar(this.data());
  }

  /** The calendar now in force. Read it at each use: an edit replaces it. */
  get current(): WorkCalendar {
    return this.calendar;
  }

  /** The calendar data now in force: the defaults, each edited year replaced by its edit. */
  data(): WorkCalendarData {
    const { defaults } = this.deps;
    const holidays = { ...defaults.holidays };
    const adjustedWorkdays = { ...defaults.adjustedWorkdays };
    for (const [year, e] of this.edited) {
      holidays[String(year)] = e.holidays;
      adjustedWorkdays[String(year)] = e.adjustedWorkdays;
    }
    return { ...defaults, holidays, adjustedWorkdays };
  }

  /** One year: its working periods, holidays, adjusted workdays and count of working days. */
  year(year: number): CalendarYearView {
    const { defaults } = this.deps;
    const e = this.edited.get(year);
    const key = String(year);
    const holidays = e ? e.holidays : [...(defaults.holidays[key] ?? [])].sort();
    const adjustedWorkdays = e ? e.adjustedWorkdays : [...(defaults.adjustedWorkdays[key] ?? [])].sort();
    return {
      year,
      timezoneOffsetMinutes: defaults.timezoneOffsetMinutes,
      workingPeriods: defaults.workingPeriods,
      holidays: [...holidays],
      adjustedWorkdays: [...adjustedWorkdays],
      workingDays: workingDaysIn(year, this.calendar),
      source: e ? 'edited' : key in defaults.holidays || key in defaults.adjustedWorkdays ? 'default' : 'none',
      updatedAt: e ? new Date(e.updatedAt).toISOString() : null,
      updatedBy: e?.updatedBy ?? null,
      yearRange: [MIN_YEAR, MAX_YEAR],
    };
  }

  /** The year that local time is in now (the calendar's offset). */
  currentYear(): number {
    return new Date(this.deps.now() + this.deps.defaults.timezoneOffsetMinutes * 60_000).getUTCFullYear();
  }

  /**
   * Replaces a year's holidays and adjusted workdays. The body is checked first (a Refusal says what
   * is wrong, and nothing is written); then the days, the year's marker and the audit entry are
   * written in one transaction, and only after it commits does `current` change. Changes are made
   * one at a time, each against the calendar the one before left.
   */
  async replaceYear(year: number, body: unknown, ctx: AuditContext): Promise<CalendarYearView> {
    const change = parseYearChange(year, body);
    return this.serially(async () => {
      const before = this.year(year);
      const at = this.deps.now();
      const actor = ctx.principal?.name ?? 'anonymous';
      const detail = {
        holidays: diff(before.holidays, change.holidays),
        adjustedWorkdays: diff(before.adjustedWorkdays, change.adjustedWorkdays),
      };
      const edit = { holidays: change.holidays, adjustedWorkdays: change.adjustedWorkdays, updatedAt: at, updatedBy: actor };
      await writeAudited(this.deps.store, { ctx, action: 'calendar.update', objectType: 'calendar', objectId: String(year), detail, at }, (tx) =>
        tx.calendar.putYear({ year, ...edit }),
      );
      this.edited.set(year, edit);
      this.calendar = buildWorkCalendar(this.data());
      return this.year(year);
    });
  }
}

function diff(before: string[], after: string[]): { added: string[]; removed: string[] } {
  const b = new Set(before);
  const a = new Set(after);
  return { added: after.filter((d) => !b.has(d)), removed: before.filter((d) => !a.has(d)) };
}
