import { nextDueAt, type Incident, type IncidentStatus } from '../../shared/index.js';

/** Which cases the queue shows by state: a preset or one state. */
export type StateFilter = 'needs-action' | 'all-open' | 'overdue' | IncidentStatus;

export interface QueueFilter {
  /** A town code, or '' for all. */
  town: string;
  /** A category code, or '' for all. */
  category: string;
  state: StateFilter;
  /** An incident source, or '' for all. */
  source: string;
}

export const DEFAULT_FILTER: QueueFilter = { town: '', category: '', state: 'needs-action', source: '' };

/**
 * States that wait on the command center rather than on a field team: intake, registration,
 * dispatch, verification, closure and suspended cases. Dispatched and handling cases wait on a team
 * and show under "needs action" only once overdue (to urge, extend or reassign).
 */
const WAITING_ON_CENTER: ReadonlySet<IncidentStatus> = new Set(['reported', 'accepted', 'registered', 'handled', 'verified', 'suspended']);

/** Past the limit of its stage or its handling deadline (a suspended case's clocks are stopped). */
export function isOverdue(i: Incident, now: number): boolean {
  const due = nextDueAt(i);
  return due !== null && due < now;
}

function matchesState(i: Incident, state: StateFilter, overdue: boolean): boolean {
  switch (state) {
    case 'all-open':
      return true;
    case 'needs-action':
      // A unit's application waits for the centre's decision, whatever the case's state.
      return WAITING_ON_CENTER.has(i.status) || overdue || i.application !== null;
    case 'overdue':
      return overdue;
    default:
      return i.status === state;
  }
}

/**
 * The queue: the cases that pass the filter, most urgent first. Overdue cases come first; then by
 * the category's priority (1 = urgent); then by the time left to the next deadline (the stage's or
 * the handling's), least first; suspended cases (their clocks stopped) after the others of their priority. Keys are computed once per case, so thousands
 * sort in a few milliseconds.
 */
export function buildQueue(cases: readonly Incident[], filter: QueueFilter, priorityOf: (code: string) => number, now: number): Incident[] {
  const keyed: { i: Incident; overdue: number; priority: number; suspended: number; deadline: number }[] = [];
  for (const i of cases) {
    if (filter.town && i.townCode !== filter.town) continue;
    if (filter.category && i.categoryCode !== filter.category) continue;
    if (filter.source && i.source !== filter.source) continue;
    const due = nextDueAt(i);
    // No clock runs (suspended, or not yet registered with no stage clock): last in its group.
    const deadline = due ?? Number.POSITIVE_INFINITY;
    const overdue = due !== null && due < now;
    if (!matchesState(i, filter.state, overdue)) continue;
    keyed.push({ i, overdue: overdue ? 0 : 1, priority: priorityOf(i.categoryCode), suspended: i.status === 'suspended' ? 1 : 0, deadline });
  }
  keyed.sort(
    (a, b) =>
      a.overdue - b.overdue ||
      a.priority - b.priority ||
      a.suspended - b.suspended ||
      a.deadline - b.deadline ||
      a.i.reportedAt.localeCompare(b.i.reportedAt) ||
      a.i.id.localeCompare(b.i.id),
  );
  return keyed.map((k) => k.i);
}
