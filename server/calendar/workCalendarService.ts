import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { buildWorkCalendar, WorkCalendarData, type WorkCalendar } from '../../shared/workflow/workCalendar.js';
import type { CalendarYearView } from '../../shared/index.js';
import type { AuditContext } from '../auth/authService.js';
import { writeAudited, type AuditFn } from '../auth/auditedChange.js';
import { SHIPPED_DATA_DIR } from '../paths.js';
import { MAX_YEAR, MIN_YEAR, parseYearChange, workingDaysIn } from './calendarRules.js';

/** The shipped calendar (data/calendar/holidays-cn.json): the defaults admins edit. */
export function loadCalendarDefaults(): WorkCalendarData {
  return WorkCalendarData.parse(JSON.parse(readFileSync(join(SHIPPED_DATA_DIR, 'calendar', 'holidays-cn.json'), 'utf8')));
}


export interface WorkCalendarServiceDeps {
  defaults: WorkCalendarData;
  /** The store's SQLite connection (migration 7 made its tables). */
  db: Database.Database;
  audit: AuditFn;
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
  private readonly q;

  constructor(private readonly deps: WorkCalendarServiceDeps) {
    const db = deps.db;
    this.q = {
      years: db.prepare('SELECT year, updated_at, updated_by FROM calendar_years'),
      days: db.prepare('SELECT day, year, kind FROM calendar_days ORDER BY day'),
      upsertYear: db.prepare(`INSERT INTO calendar_years (year, updated_at, updated_by) VALUES (?, ?, ?)
        ON CONFLICT (year) DO UPDATE SET updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      deleteDays: db.prepare('DELETE FROM calendar_days WHERE year = ?'),
      insertDay: db.prepare('INSERT INTO calendar_days (day, year, kind) VALUES (?, ?, ?)'),
    };
    for (const r of this.q.years.all() as { year: number; updated_at: number; updated_by: string }[]) {
      this.edited.set(r.year, { holidays: [], adjustedWorkdays: [], updatedAt: r.updated_at, updatedBy: r.updated_by });
    }
    for (const r of this.q.days.all() as { day: string; year: number; kind: 'holiday' | 'workday' }[]) {
      const y = this.edited.get(r.year);
      if (y) (r.kind === 'holiday' ? y.holidays : y.adjustedWorkdays).push(r.day);
    }
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
   * written in one transaction, and only after it commits does `current` change.
   */
  replaceYear(year: number, body: unknown, ctx: AuditContext): CalendarYearView {
    const change = parseYearChange(year, body);
    const before = this.year(year);
    const at = this.deps.now();
    const actor = ctx.principal?.name ?? 'anonymous';
    const detail = {
      holidays: diff(before.holidays, change.holidays),
      adjustedWorkdays: diff(before.adjustedWorkdays, change.adjustedWorkdays),
    };
    writeAudited(this.deps.db, this.deps.audit, { ctx, action: 'calendar.update', objectType: 'calendar', objectId: String(year), detail }, () => {
      this.q.upsertYear.run(year, at, actor);
      this.q.deleteDays.run(year);
      for (const d of change.holidays) this.q.insertDay.run(d, year, 'holiday');
      for (const d of change.adjustedWorkdays) this.q.insertDay.run(d, year, 'workday');
    });
    this.edited.set(year, { holidays: change.holidays, adjustedWorkdays: change.adjustedWorkdays, updatedAt: at, updatedBy: actor });
    this.calendar = buildWorkCalendar(this.data());
    return this.year(year);
  }
}

function diff(before: string[], after: string[]): { added: string[]; removed: string[] } {
  const b = new Set(before);
  const a = new Set(after);
  return { added: after.filter((d) => !b.has(d)), removed: before.filter((d) => !a.has(d)) };
}
