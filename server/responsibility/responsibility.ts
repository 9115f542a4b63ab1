import type { AssignmentScope, ResponsibilityPerson, ResponsibilityRole } from '../../shared/index.js';
import type { CellDirectory } from './cells.js';
import type { DefaultRoster } from './defaultRoster.js';

export const RESPONSIBILITY_ROLES: readonly ResponsibilityRole[] = ['inspector', 'grid_worker', 'grid_head'];

/** An assignment as the index reads it (the store's StoredAssignment is one). */
export interface Assignment {
  scope: AssignmentScope;
  code: string;
  role: ResponsibilityRole;
  personId: string | null;
}

const NOBODY = -1;

/**
 * Who answers for each cell, per role: a cell's own assignment for the role if it has one, else its
 * responsibility grid's, else nobody. Pure and immutable, built from plain data (the store's people
 * and assignments, or the default roster); lookups by cell index (the grid layer's order, as
 * GridIndex.locate answers) are array reads. Assignments naming a code or a person that does not
 * exist are ignored (a city whose cells changed under an old roster).
 */
export class Responsibility {
  private readonly people: readonly ResponsibilityPerson[];
  private readonly personIndex = new Map<string, number>();
  /** Per role, per cell: the index of the person in `people`, or NOBODY. */
  private readonly holders: Record<ResponsibilityRole, Int32Array>;

  constructor(
    readonly cells: CellDirectory,
    people: readonly ResponsibilityPerson[],
    assignments: readonly Assignment[],
  ) {
    this.people = people;
    people.forEach((p, i) => this.personIndex.set(p.id, i));
    const n = cells.size;
    this.holders = { inspector: new Int32Array(n).fill(NOBODY), grid_worker: new Int32Array(n).fill(NOBODY), grid_head: new Int32Array(n).fill(NOBODY) };
    const holderOf = (a: Assignment) => (a.personId === null ? NOBODY : (this.personIndex.get(a.personId) ?? NOBODY));
    // Grids first, then cells over them.
    for (const a of assignments) {
      if (a.scope !== 'grid') continue;
      const h = holderOf(a);
      for (const i of cells.cellsOfGrid(a.code) ?? []) this.holders[a.role][i] = h;
    }
    for (const a of assignments) {
      if (a.scope !== 'cell') continue;
      const i = cells.indexOf(a.code);
      if (i >= 0) this.holders[a.role][i] = holderOf(a);
    }
  }

  /** Who holds a role in a cell (by its index in the grid layer), or null. */
  personOf(cellIndex: number, role: ResponsibilityRole): ResponsibilityPerson | null {
    const h = this.holders[role][cellIndex] ?? NOBODY;
    return h === NOBODY ? null : this.people[h]!;
  }

  /** The inspector (监督员) who answers for a cell, or null: nobody patrols it. */
  inspectorOfCell(cellIndex: number): ResponsibilityPerson | null {
    return this.personOf(cellIndex, 'inspector');
  }

  /** Whether two indexes name the same person in every role of a cell. */
  sameHolders(cellIndex: number, other: Responsibility): boolean {
    return RESPONSIBILITY_ROLES.every((r) => this.personOf(cellIndex, r)?.id === other.personOf(cellIndex, r)?.id);
  }

  person(id: string): ResponsibilityPerson | undefined {
    const i = this.personIndex.get(id);
    return i === undefined ? undefined : this.people[i];
  }

  allPeople(): readonly ResponsibilityPerson[] {
    return this.people;
  }

  /** Per person id: how many cells they answer for, and in how many responsibility grids those lie. */
  loads(): Map<string, { cells: number; grids: number }> {
    const cells = new Map<string, number>();
    const grids = new Map<string, Set<string>>();
    for (const role of RESPONSIBILITY_ROLES) {
      const held = this.holders[role];
      for (let i = 0; i < held.length; i++) {
        if (held[i] === NOBODY) continue;
        const id = this.people[held[i]!]!.id;
        cells.set(id, (cells.get(id) ?? 0) + 1);
        let g = grids.get(id);
        if (!g) grids.set(id, (g = new Set()));
        g.add(this.cells.cells[i]!.responsibilityGridCode);
      }
    }
    return new Map(this.people.map((p) => [p.id, { cells: cells.get(p.id) ?? 0, grids: grids.get(p.id)?.size ?? 0 }]));
  }
}

/** The default roster as assignments: one per responsibility grid and role. */
export function rosterAssignments(roster: DefaultRoster): Assignment[] {
  return roster.grids.flatMap((g) => [
    { scope: 'grid' as const, code: g.responsibilityGridCode, role: 'inspector' as const, personId: g.inspectorId },
    { scope: 'grid' as const, code: g.responsibilityGridCode, role: 'grid_worker' as const, personId: g.gridWorkerId },
    { scope: 'grid' as const, code: g.responsibilityGridCode, role: 'grid_head' as const, personId: g.gridHeadId },
  ]);
}

/** Who answers for the cells under the default roster alone (before any admin's edit): the simulator's view. */
export function defaultResponsibility(cells: CellDirectory, roster: DefaultRoster): Responsibility {
  return new Responsibility(cells, roster.people, rosterAssignments(roster));
}

/** The inspector of a cell under a responsibility (`r.inspectorOfCell`), as a free function. */
export function inspectorOfCell(r: Responsibility, cellIndex: number): ResponsibilityPerson | null {
  return r.inspectorOfCell(cellIndex);
}
