import type Database from 'better-sqlite3';
import type { AssignmentScope, ResponsibilityRole } from '../../../shared/index.js';
import type { AssignmentKey, ResponsibilityRepository, StoredAssignment, StoredPerson } from '../store.js';

interface PersonRow {
  id: string;
  name: string;
  role: ResponsibilityRole;
  username: string | null;
  updated_at: number;
  updated_by: string;
}

interface AssignmentRow {
  scope: AssignmentScope;
  code: string;
  role: ResponsibilityRole;
  person_id: string | null;
  updated_at: number;
  updated_by: string;
}

/** The responsibility roster and its assignments: `responsibility_people`, `responsibility_assignments` (migration 14). */
export class SqliteResponsibilityRepository implements ResponsibilityRepository {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    this.q = {
      people: db.prepare('SELECT id, name, role, username, updated_at, updated_by FROM responsibility_people ORDER BY id'),
      putPerson: db.prepare(`INSERT INTO responsibility_people (id, name, role, username, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, username = excluded.username,
          updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      assignments: db.prepare('SELECT scope, code, role, person_id, updated_at, updated_by FROM responsibility_assignments ORDER BY scope, code, role'),
      putAssignment: db.prepare(`INSERT INTO responsibility_assignments (scope, code, role, person_id, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (scope, code, role) DO UPDATE SET person_id = excluded.person_id, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      removeAssignment: db.prepare('DELETE FROM responsibility_assignments WHERE scope = ? AND code = ? AND role = ?'),
    };
  }

  async people(): Promise<StoredPerson[]> {
    return (this.q.people.all() as PersonRow[]).map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role,
      username: r.username,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    }));
  }

  async putPeople(people: readonly StoredPerson[]): Promise<void> {
    // All of them or none (a savepoint inside a transaction of the store's).
    this.db.transaction(() => {
      for (const p of people) this.q.putPerson.run(p.id, p.name, p.role, p.username, p.updatedAt, p.updatedBy);
    })();
  }

  async assignments(): Promise<StoredAssignment[]> {
    return (this.q.assignments.all() as AssignmentRow[]).map((r) => ({
      scope: r.scope,
      code: r.code,
      role: r.role,
      personId: r.person_id,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    }));
  }

  async putAssignments(assignments: readonly StoredAssignment[]): Promise<void> {
    this.db.transaction(() => {
      for (const a of assignments) this.q.putAssignment.run(a.scope, a.code, a.role, a.personId, a.updatedAt, a.updatedBy);
    })();
  }

  async removeAssignments(keys: readonly AssignmentKey[]): Promise<number> {
    return this.db.transaction(() => {
      let n = 0;
      for (const k of keys) n += this.q.removeAssignment.run(k.scope, k.code, k.role).changes;
      return n;
    })();
  }
}
