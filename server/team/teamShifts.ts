import type { Shift, Team, TeamShiftView } from '../../shared/index.js';
import type { AuditContext } from '../auth/authService.js';
import { oneAtATime, writeAudited } from '../auth/auditedChange.js';
import { Refusal } from '../refusal.js';
import type { Store, StoredShift } from '../store/store.js';

export interface TeamShiftServiceDeps {
  /** The roster's teams, with their default shifts (teamRoster.defaultShift). */
  roster: readonly Team[];
  /** Where the edited shifts are kept, and changes with their audit entries written. */
  store: Pick<Store, 'teams' | 'transaction'>;
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
 * hours is off duty, and is no longer offered for dispatch. Changes are made one at a time.
 */
export class TeamShiftService {
  private readonly edited = new Map<string, EditedShift>();
  private readonly defaults: ReadonlyMap<string, Shift>;
  private readonly serially = oneAtATime();

  /** The service with the shifts admins have set, as the store keeps them. */
  static async load(deps: TeamShiftServiceDeps): Promise<TeamShiftService> {
    return new TeamShiftService(deps, await deps.store.teams.shifts());
  }

  private constructor(
    private readonly deps: TeamShiftServiceDeps,
    stored: readonly StoredShift[],
  ) {
    this.defaults = new Map(deps.roster.map((t) => [t.id, t.shift]));
    for (const s of stored) {
      // A team that has left the roster (a base removed from the city) keeps its row but is not listed.
      if (!this.defaults.has(s.teamId)) continue;
      this.edited.set(s.teamId, { shift: s.shift, at: s.updatedAt, by: s.updatedBy });
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
  setShift(teamId: string, shift: Shift, ctx: AuditContext): Promise<TeamShiftView> {
    return this.serially(async () => {
      const before = this.known(teamId);
      const at = this.deps.now();
      const by = ctx.principal?.name ?? 'anonymous';
      await writeAudited(this.deps.store, { ctx, action: 'team.shift.update', objectType: 'team', objectId: teamId, detail: { from: before, to: shift }, at }, (tx) =>
        tx.teams.putShift({ teamId, shift, updatedAt: at, updatedBy: by }),
      );
      this.edited.set(teamId, { shift, at, by });
      this.deps.applyShift(teamId, shift);
      return this.view(teamId);
    });
  }

  /** Restores a team's default hours. 404 for an unknown team; restoring a default in force is a no-op. */
  restoreDefault(teamId: string, ctx: AuditContext): Promise<TeamShiftView> {
    return this.serially(async () => {
      const before = this.known(teamId);
      if (!this.edited.has(teamId)) return this.view(teamId);
      const shift = this.defaults.get(teamId)!;
      const at = this.deps.now();
      await writeAudited(this.deps.store, { ctx, action: 'team.shift.restore', objectType: 'team', objectId: teamId, detail: { from: before, to: shift }, at }, (tx) =>
        tx.teams.removeShift(teamId),
      );
      this.edited.delete(teamId);
      this.deps.applyShift(teamId, shift);
      return this.view(teamId);
    });
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
