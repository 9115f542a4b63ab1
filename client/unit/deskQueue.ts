import { nextDueAt, type Incident } from '../../shared/index.js';

/**
 * Where a case stands for a unit's desk: waiting for the desk to send a crew (待派单), with a crew
 * (处置中), handled and waiting for the centre's check (待核查), suspended (挂账).
 */
export type DeskGroup = 'toAssign' | 'withCrew' | 'handled' | 'suspended';

export function deskGroupOf(c: Pick<Incident, 'status' | 'teamId'>): DeskGroup {
  if (c.status === 'suspended') return 'suspended';
  if (c.status === 'handled' || c.status === 'verified') return 'handled';
  return c.status === 'dispatched' && c.teamId === null ? 'toAssign' : 'withCrew';
}

const ORDER: Record<DeskGroup, number> = { toAssign: 0, withCrew: 1, handled: 2, suspended: 3 };

/**
 * The desk's queue: the cases waiting for a crew first, then those with a crew, then the handled and
 * the suspended; within a group, overdue first, then the earliest next deadline (ties by id). Pure.
 */
export function sortDeskQueue(cases: readonly Incident[], now: number): Incident[] {
  const keyed = cases.map((c) => {
    const due = nextDueAt(c) ?? Number.POSITIVE_INFINITY;
    return { c, group: ORDER[deskGroupOf(c)], overdue: due < now ? 0 : 1, due };
  });
  keyed.sort((a, b) => a.group - b.group || a.overdue - b.overdue || a.due - b.due || (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0));
  return keyed.map((k) => k.c);
}
