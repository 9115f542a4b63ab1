import type {
  PersonRef,
  ResponsibilityAssignment,
  ResponsibilityCellsAnswer,
  ResponsibilityCellsQuery,
  ResponsibilityChange,
  ResponsibilityChangeAnswer,
  ResponsibilityGapsAnswer,
  ResponsibilityPerson,
  ResponsibilityPersonView,
  ResponsibilityRole,
} from '../../shared/index.js';
import type { AuditContext } from '../auth/authService.js';
import { oneAtATime, writeAudited } from '../auth/auditedChange.js';
import { Refusal } from '../refusal.js';
import type { StoredAssignment, StoredPerson, Store } from '../store/store.js';
import type { CellDirectory } from './cells.js';
import { Responsibility, type Assignment } from './responsibility.js';
import { applyToCells, assignmentKey, rolesOf, selectCells } from './selection.js';

export interface ResponsibilityServiceDeps {
  /** The roster and assignments; a change, its account checks and its audit entry are one transaction. */
  store: Pick<Store, 'responsibility' | 'transaction'>;
  cells: CellDirectory;
  /** The units responsible per cell (by index) and in every cell (cellUnits.ts). */
  units: { perCell: readonly (readonly string[])[]; citywide: readonly string[] };
  now: () => number;
}

const FIELD_OF_ROLE: Record<ResponsibilityRole, string> = { inspector: 'inspectorId', grid_worker: 'gridWorkerId', grid_head: 'gridHeadId' };
/** How many codes of each selector the audit entry keeps (the count is always there). */
const AUDIT_CODES = 50;

/**
 * Who answers for each cell (责任网格): the roster and the assignments as the store keeps them, held
 * in memory for reads (`current`, rebuilt after every committed change), and the admins' changes:
 * checked in full before anything is written, then written with their audit entry in one transaction,
 * one change at a time.
 */
export class ResponsibilityService {
  private people: Map<string, StoredPerson>;
  private assignments: Map<string, StoredAssignment>;
  private index: Responsibility;
  private readonly serially = oneAtATime();
  private readonly listeners: ((changedCells: readonly number[]) => void)[] = [];

  static async load(deps: ResponsibilityServiceDeps): Promise<ResponsibilityService> {
    return new ResponsibilityService(deps, await deps.store.responsibility.people(), await deps.store.responsibility.assignments());
  }

  private constructor(
    private readonly deps: ResponsibilityServiceDeps,
    people: readonly StoredPerson[],
    assignments: readonly StoredAssignment[],
  ) {
    this.people = new Map(people.map((p) => [p.id, p]));
    this.assignments = new Map(assignments.map((a) => [assignmentKey(a), a]));
    this.index = this.build(this.people, this.assignments);
  }

  /** Who answers for each cell now. Read it at each use: a change replaces it. */
  get current(): Responsibility {
    return this.index;
  }

  /**
   * Calls `listener` after each committed change with the cells (indices in the grid layer) whose
   * inspector, grid worker or grid head changed: for the coverage and blind spots to follow.
   */
  onChange(listener: (changedCells: readonly number[]) => void): void {
    this.listeners.push(listener);
  }

  /** The inspector of a cell (its index in the grid layer) now, or null. */
  inspectorOfCell(cellIndex: number): ResponsibilityPerson | null {
    return this.index.inspectorOfCell(cellIndex);
  }

  /** The cells of a town, a community and a grid (a cell's code or a responsibility grid's), each optional, with who answers for them. */
  cells(q: ResponsibilityCellsQuery): ResponsibilityCellsAnswer {
    const r = this.index;
    const items: ResponsibilityCellsAnswer['items'] = [];
    for (const i of this.matching(q)) {
      const c = this.deps.cells.cells[i]!;
      items.push({
        gridCode: c.code,
        responsibilityGridCode: c.responsibilityGridCode,
        inspector: ref(r.personOf(i, 'inspector')),
        gridWorker: ref(r.personOf(i, 'grid_worker')),
        gridHead: ref(r.personOf(i, 'grid_head')),
        units: [...this.deps.units.perCell[i]!],
      });
    }
    return { count: items.length, citywideUnits: [...this.deps.units.citywide], items };
  }

  /** The roster, by id, with each person's load; accounts only when `withUsernames`. */
  roster(role: ResponsibilityRole | undefined, withUsernames: boolean): ResponsibilityPersonView[] {
    const loads = this.index.loads();
    return [...this.people.values()]
      .filter((p) => role === undefined || p.role === role)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((p) => ({
        id: p.id,
        name: p.name,
        role: p.role,
        ...(withUsernames ? { username: p.username } : {}),
        ...(loads.get(p.id) ?? { cells: 0, grids: 0 }),
      }));
  }

  /** The cells no inspector answers for (of a town or community when given): blind spots in themselves. */
  gaps(q: { town?: string; community?: string }): ResponsibilityGapsAnswer {
    const r = this.index;
    const items: ResponsibilityGapsAnswer['items'] = [];
    let withoutGridWorker = 0;
    let withoutGridHead = 0;
    for (const i of this.matching(q)) {
      const c = this.deps.cells.cells[i]!;
      if (!r.personOf(i, 'inspector')) items.push({ gridCode: c.code, responsibilityGridCode: c.responsibilityGridCode, townCode: c.townCode, communityCode: c.communityCode });
      if (!r.personOf(i, 'grid_worker')) withoutGridWorker += 1;
      if (!r.personOf(i, 'grid_head')) withoutGridHead += 1;
    }
    return { count: items.length, items, withoutGridWorker, withoutGridHead };
  }

  /**
   * An admin's bulk change: people added or changed, then the assignments in order, each on the
   * cells it selects. Everything is checked before anything is written (422 for an unknown person,
   * code or account, a person of another role, a selection of no cells); then the people, the
   * assignments and one audit entry are written in one transaction, and only after it commits do the
   * reads change. Answers how many cells were selected and how many now have someone else in a role.
   */
  async change(change: ResponsibilityChange, ctx: AuditContext): Promise<ResponsibilityChangeAnswer> {
    return this.serially(async () => {
      const at = this.deps.now();
      const by = ctx.principal?.name ?? 'anonymous';
      const people = new Map(this.people);
      const changedPeople: StoredPerson[] = [];
      for (const p of change.people ?? []) {
        const before = people.get(p.id);
        if (before && before.role !== p.role) {
          throw new Refusal(422, 'role_change', `${p.id} is a ${before.role}; a person's role does not change: add a new person.`, { id: p.id });
        }
        const username = p.username === undefined ? (before?.username ?? null) : p.username;
        if (username !== null) {
          const holder = [...people.values()].find((o) => o.username === username && o.id !== p.id);
          if (holder) throw new Refusal(422, 'username_in_use', `The account ${username} is ${holder.id}'s already.`, { id: p.id, username, holder: holder.id });
        }
        const stored: StoredPerson = { id: p.id, name: p.name, role: p.role, username, updatedAt: at, updatedBy: by };
        people.set(p.id, stored);
        changedPeople.push(stored);
      }

      const working = new Map<string, Assignment>(this.assignments);
      const selected = new Set<number>();
      const summary: unknown[] = [];
      (change.assign ?? []).forEach((a, n) => {
        const picked = selectCells(this.deps.cells, a);
        if ('unknown' in picked) {
          const codes = picked.unknown.flatMap((u) => u.codes);
          throw new Refusal(422, 'unknown_selection', `Assignment ${n + 1} names what the city does not have: ${codes.slice(0, 5).join(', ')}.`, { assignment: n, unknown: picked.unknown });
        }
        if (picked.cells.length === 0) throw new Refusal(422, 'empty_selection', `Assignment ${n + 1} selects no cell.`, { assignment: n });
        const roles = rolesOf(a);
        for (const { role, personId } of roles) {
          if (personId === null) continue;
          const person = people.get(personId);
          if (!person) throw new Refusal(422, 'unknown_person', `Nobody on the roster has the id ${personId}.`, { assignment: n, id: personId });
          if (person.role !== role) {
            throw new Refusal(422, 'wrong_role', `${personId} is a ${person.role}, not a ${role}.`, { assignment: n, id: personId, field: FIELD_OF_ROLE[role] });
          }
        }
        applyToCells(this.deps.cells, working, picked.cells, roles);
        picked.cells.forEach((i) => selected.add(i));
        summary.push({ ...describeSelection(a), ...Object.fromEntries(roles.map((r) => [FIELD_OF_ROLE[r.role], r.personId])), cells: picked.cells.length });
      });

      // What to write: the assignments that are new or name someone else; what to remove: those gone.
      const puts: StoredAssignment[] = [];
      const nextAssignments = new Map<string, StoredAssignment>();
      for (const [key, a] of working) {
        const before = this.assignments.get(key);
        if (before && before.personId === a.personId) {
          nextAssignments.set(key, before);
          continue;
        }
        const stored: StoredAssignment = { scope: a.scope, code: a.code, role: a.role, personId: a.personId, updatedAt: at, updatedBy: by };
        puts.push(stored);
        nextAssignments.set(key, stored);
      }
      const removed = [...this.assignments.values()].filter((a) => !working.has(assignmentKey(a)));
      const next = this.build(people, nextAssignments);
      const changedCells = [...selected].filter((i) => !next.sameHolders(i, this.index)).sort((a, b) => a - b);
      const cellsChanged = changedCells.length;
      const towns = [...new Set([...selected].map((i) => this.deps.cells.cells[i]!.townCode))].sort();
      const detail = {
        people: changedPeople.map((p) => ({ id: p.id, name: p.name, role: p.role, username: p.username })).slice(0, AUDIT_CODES),
        peopleCount: changedPeople.length,
        assign: summary,
        cellsSelected: selected.size,
        cellsChanged,
      };

      await writeAudited(this.deps.store, { ctx, action: 'responsibility.update', objectType: 'responsibility', objectId: towns.length > 0 ? towns.join(',') : 'roster', detail, at }, async (tx) => {
        for (const p of changedPeople) {
          if (p.username !== null && !(await tx.auth.userByName(p.username))) {
            throw new Refusal(422, 'unknown_user', `No account has the username ${p.username}.`, { id: p.id, username: p.username });
          }
        }
        if (changedPeople.length > 0) await tx.responsibility.putPeople(changedPeople);
        if (puts.length > 0) await tx.responsibility.putAssignments(puts);
        if (removed.length > 0) await tx.responsibility.removeAssignments(removed);
      });
      this.people = people;
      this.assignments = nextAssignments;
      this.index = next;
      if (changedCells.length > 0) for (const listener of this.listeners) listener(changedCells);
      return { cellsSelected: selected.size, cellsChanged, people: changedPeople.length };
    });
  }

  private build(people: ReadonlyMap<string, StoredPerson>, assignments: ReadonlyMap<string, Assignment>): Responsibility {
    const roster: ResponsibilityPerson[] = [...people.values()].map((p) => ({ id: p.id, name: p.name, role: p.role, username: p.username }));
    return new Responsibility(this.deps.cells, roster, [...assignments.values()]);
  }

  /** The indices of the cells a query names (every condition given must hold). */
  private matching(q: { town?: string; community?: string; grid?: string }): readonly number[] {
    const dir = this.deps.cells;
    let base: readonly number[];
    if (q.grid !== undefined) {
      const i = /^\d{15}$/.test(q.grid) ? dir.indexOf(q.grid) : -1;
      base = i >= 0 ? [i] : (dir.cellsOfGrid(q.grid) ?? []);
    } else if (q.community !== undefined) base = dir.cellsOfCommunity(q.community) ?? [];
    else if (q.town !== undefined) base = dir.cellsOfTown(q.town) ?? [];
    else return dir.cells.map((_, i) => i);
    return base.filter((i) => {
      const c = dir.cells[i]!;
      return (q.town === undefined || c.townCode === q.town) && (q.community === undefined || c.communityCode === q.community);
    });
  }
}

const ref = (p: ResponsibilityPerson | null): PersonRef | null => (p ? { id: p.id, name: p.name } : null);

/** What an assignment selected, for the audit log: each selector with its codes (the first 50) and count. */
function describeSelection(a: ResponsibilityAssignment): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (a.responsibilityGridCodes) out.responsibilityGridCodes = { count: a.responsibilityGridCodes.length, codes: a.responsibilityGridCodes.slice(0, AUDIT_CODES) };
  if (a.cells) out.cellCodes = { count: a.cells.length, codes: a.cells.slice(0, AUDIT_CODES) };
  if (a.town !== undefined) out.town = a.town;
  if (a.community !== undefined) out.community = a.community;
  if (a.polygon) out.polygon = { type: a.polygon.type, vertices: a.polygon.type === 'Polygon' ? a.polygon.coordinates.flat().length : a.polygon.coordinates.flat(2).length };
  return out;
}
