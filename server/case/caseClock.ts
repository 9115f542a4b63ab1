import { computeDeadline } from '../../shared/workflow/deadlines.js';
import { DAY_MS, type WorkCalendar } from '../../shared/workflow/workCalendar.js';
import { stageLimitOf, type CaseStage, type Category, type StageLimitsByUrgency, type WorkflowContext } from '../../shared/index.js';

const HOUR_MS = 3_600_000;

/**
 * Every deadline a case has, counted in its limit's own kind of time against the working calendar:
 * the handling deadline (the category's limit), each stage's deadline (the catalog's stage limits by
 * urgency), and extensions. The calendar is read at each call, so an admin's edit applies to every
 * deadline set afterwards (deadlines already set stay as they were).
 */
export class CaseClock {
  constructor(
    private readonly stageLimits: StageLimitsByUrgency,
    private readonly calendar: () => WorkCalendar,
  ) {}

  /** When a case of this category dispatched at startMs must be handled. */
  handlingDeadline(category: Category, startMs: number): number {
    return computeDeadline(startMs, category.timeLimit, this.calendar());
  }

  /** When a case of this category registered at startMs must be closed. */
  closeDeadline(category: Category, startMs: number): number {
    return computeDeadline(startMs, category.closeLimit, this.calendar());
  }

  /** The workflow's arithmetic for one case of this category at `now` (shared/workflow/caseWorkflow.ts). */
  contextFor(category: Category, now: number, actor?: string): WorkflowContext {
    return {
      now,
      actor,
      addLimitHours: (from, hours) => this.addLimitHours(category, from, hours),
      stageDeadline: (stage, from) => this.stageDeadline(category, stage, from),
      handlingDeadline: (from) => this.handlingDeadline(category, from),
      closeDeadline: (from) => this.closeDeadline(category, from),
    };
  }

  /** When a stage entered at startMs must be done. */
  stageDeadline(category: Category, stage: Exclude<CaseStage, 'handle'>, startMs: number): number {
    return computeDeadline(startMs, stageLimitOf(stage, category, this.stageLimits), this.calendar());
  }

  /** Local midnight (the calendar's time zone) of the day holding `ms`: where "today" starts for the counters. */
  localDayStart(ms: number): number {
    const { offsetMs } = this.calendar();
    return Math.floor((ms + offsetMs) / DAY_MS) * DAY_MS - offsetMs;
  }

  /** `hours` after fromMs in the category's kind of time: working hours for working limits, else the clock (extensions, 延期). */
  addLimitHours(category: Category, fromMs: number, hours: number): number {
    const working = category.timeLimit.kind === 'working_hours' || category.timeLimit.kind === 'working_days';
    return working ? computeDeadline(fromMs, { kind: 'working_hours', amount: hours }, this.calendar()) : fromMs + hours * HOUR_MS;
  }
}
