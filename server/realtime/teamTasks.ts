import type { Server } from 'socket.io';
import type { ClientToServerEvents, Incident, IncidentEvent, ServerToClientEvents, TaskChangedMessage } from '../../shared/index.js';
import { TERMINAL_STATUSES } from '../../shared/index.js';
import { socketPrincipal } from './socketAuth.js';

type GwServer = Server<ClientToServerEvents, ServerToClientEvents>;

/** The room of a team's field accounts. */
export const teamRoom = (teamId: string) => `team:${teamId}`;

/**
 * Team-scoped push to field phones. Every socket of an account with a team (field accounts) joins
 * `team:<teamId>` on connect; every committed change to a case of a team sends `task:changed`
 * (ids and state only, no personal data) to that team's room, and to the old team's room when the
 * case is taken from it (dispatched elsewhere, returned). The phone then reads its tasks again.
 *
 * The events carry the case as it is now, not the team it had: the team each open case was last
 * known with is kept here (seeded from the store at start, updated from the events), so a case taken
 * away is still announced to the team that lost it.
 */
export class TeamTasks {
  /** Open case → the team it was last seen dispatched to. */
  private readonly teamOf = new Map<string, string>();

  constructor(private readonly io: GwServer) {
    io.on('connection', (socket) => {
      const teamId = socketPrincipal(socket)?.teamId;
      if (teamId) void socket.join(teamRoom(teamId));
    });
  }

  /** Remembers which team open cases belong to (at start: the open cases of every team). */
  track(cases: readonly Incident[]): void {
    for (const c of cases) if (c.teamId && !TERMINAL_STATUSES.includes(c.status)) this.teamOf.set(c.id, c.teamId);
  }

  /** Sends one `task:changed` per case and team affected by a committed batch, the latest state of each. */
  publish(events: readonly IncidentEvent[]): void {
    const out = new Map<string, { room: string; msg: TaskChangedMessage }>();
    for (const e of events) {
      const i = e.incident;
      const before = this.teamOf.get(i.id);
      if (!i.teamId && !before) continue;
      const msg: TaskChangedMessage = { caseId: i.id, teamId: i.teamId, status: i.status, version: i.version, action: e.action?.name ?? null };
      for (const teamId of new Set([before, i.teamId])) if (teamId) out.set(`${teamId}\u0000${i.id}`, { room: teamRoom(teamId), msg });
      if (i.teamId && !TERMINAL_STATUSES.includes(i.status)) this.teamOf.set(i.id, i.teamId);
      else this.teamOf.delete(i.id);
    }
    for (const { room, msg } of out.values()) this.io.to(room).emit('task:changed', msg);
  }

  /** How many open cases are tracked (for tests and diagnostics). */
  get tracked(): number {
    return this.teamOf.size;
  }
}
