import type Database from 'better-sqlite3';
import type { Shift, Team, TeamShiftView } from '../../shared/index.js';
import type { AuditContext } from '../auth/authService.js';
import { writeAudited, type AuditFn } from '../auth/auditedChange.js';
import { Refusal } from '../refusal.js';

export interface TeamShiftServiceDeps {
  /** The roster's teams, with their default shifts (teamRoster.defaultShift). */
  roster: readonly Team[];
  /** The store's SQLite connection (migration 9 made its table). */
  db: Database.Database;
  audit: AuditFn;
  /** Puts a shift into force for the live fleet (Fleet.setShift). */
  applyShift(teamId: string, shift: Shift): void;
  now: () => number;
}

interface EditedShift {
  shift: Shift;
  at: number;
  by: string;
}

/**
 * Teams' working hours as admins keep them: the roster gives each team its department's default
 * (a squad or two per department round the clock), and an admin may set other hours for a team or
 * restore the default. Every change is written with its audit entry in one transaction, and only
 * once it has committed does the fleet work to it: from that moment a free team outside its new
 * hours is off duty, and is no longer offered for dispatch.
 */
export class TeamShiftService {
  private readonly edited = new Map<string, EditedShift>();
  private readonly defaults: ReadonlyMap<string, Shift>;
  private readonly q;

  constructor(private readonly deps: TeamShiftServiceDeps) {
    this.defaults = new Map(deps.roster.map((t) => [t.id, t.shift]));
    const db = deps.db;
    this.q = {
      all: db.prepare('SELECT team_id, shift_start, shift_end, updated_at, updated_by FROM team_shifts'),
      upsert: db.prepare(`INSERT INTO team_shifts (team_id, shift_start, shift_end, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (team_id) DO UPDATE SET shift_start = excluded.shift_start, shift_end = excluded.shift_end,
          updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      remove: db.prepare('DELETE FROM team_shifts WHERE team_id = ?'),
    };
    const rows = this.q.all.all() as { team_id: string; shift_start: string; shift_end: string; updated_at: number; updated_by: string }[];
    for (const r of rows) {
      // A team that has left the roster (a base removed from the city) keeps its row but is not listed.
      if (!this.defaults.has(r.team_id)) continue;
      this.edited.set(r.team_id, { shift: { start: r.shift_start, end: r.shift_end }, at: r.updated_at, by: r.updated_by });
    }
  }

  /** The roster's teams with the shifts in force: what the fleet starts from. */
  teamsInForce(): Team[] {
    return this.deps.roster.map((t) => ({ ...t, shift: this.shiftOf(t.id) }));
  }

  /** Every team's shift, default and edit, in the roster's order. */
  list(): TeamShiftView[] {
    return this.deps.roster.map((t) => this.view(t.id));
  }

  /** Sets a team's working hours (already checked against the Shift schema). 404 for an unknown team. */
  setShift(teamId: string, shift: Shift, ctx: AuditContext): TeamShiftView {
    const before = this.known(teamId);
    const at = this.deps.now();
    const by = ctx.principal?.name ?? 'anonymous';
    writeAudited(this.deps.db, this.deps.audit, { ctx, action: 'team.shift.update', objectType: 'team', objectId: teamId, detail: { from: before, to: shift } }, () =>
      this.q.upsert.run(teamId, shift.start, shift.end, at, by),
    );
    this.edited.set(teamId, { shift, at, by });
    this.deps.applyShift(teamId, shift);
    return this.view(teamId);
  }

  /** Restores a team's default hours. 404 for an unknown team; restoring a default in force is a no-op. */
  restoreDefault(teamId: string, ctx: AuditContext): TeamShiftView {
    const before = this.known(teamId);
    if (!this.edited.has(teamId)) return this.view(teamId);
    const shift = this.defaults.get(teamId)!;
    writeAudited(this.deps.db, this.deps.audit, { ctx, action: 'team.shift.restore', objectType: 'team', objectId: teamId, detail: { from: before, to: shift } }, () =>
      this.q.remove.run(teamId),
    );
    this.edited.delete(teamId);
    this.deps.applyShift(teamId, shift);
    return this.view(teamId);
  }

  private shiftOf(teamId: string): Shift {
    return this.edited.get(teamId)?.shift ?? this.defaults.get(teamId)!;
  }

  private known(teamId: string): Shift {
    if (!this.defaults.has(teamId)) throw new Refusal(404, 'not_found', `No team has the id ${teamId}.`);
    return this.shiftOf(teamId);
  }

  private view(teamId: string): TeamShiftView {
    const e = this.edited.get(teamId);
    return {
      teamId,
      shift: this.shiftOf(teamId),
      defaultShift: this.defaults.get(teamId)!,
      edited: e ? { by: e.by, at: new Date(e.at).toISOString() } : null,
    };
  }
}
