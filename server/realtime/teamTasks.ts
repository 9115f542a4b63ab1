import type { Server } from 'socket.io';
import type { ClientToServerEvents, Incident, IncidentEvent, ServerToClientEvents, TaskChangedMessage } from '../../shared/index.js';
import { TERMINAL_STATUSES } from '../../shared/index.js';
import { socketPrincipal } from './socketAuth.js';

type GwServer = Server<ClientToServerEvents, ServerToClientEvents>;

/** The room of a team's field accounts. */
export const teamRoom = (teamId: string) => `team:${teamId}`;
/** The room of a unit's desk accounts. */
export const unitRoom = (unitCode: string) => `unit:${unitCode}`;

/**
 * Scoped push to field phones and unit desks. Every socket of an account with a team (field
 * accounts) joins `team:<teamId>` on connect, of a unit desk `unit:<unitCode>`; every committed
 * change to a case of a team or a unit sends `task:changed` (ids and state only, no personal data)
 * to that room, and to the old team's or unit's room when the case is taken from it (dispatched
 * elsewhere, returned). The phone or the desk then reads its cases again.
 *
 * The events carry the case as it is now, not the team or unit it had: the rooms each open case was
 * last known in are kept here (seeded from the store at start, updated from the events), so a case
 * taken away is still announced to the team or unit that lost it.
 */
export class TeamTasks {
  /** Open case → the rooms it was last seen in (its team's, its unit's). */
  private readonly roomsOf = new Map<string, string[]>();

  constructor(private readonly io: GwServer) {
    io.on('connection', (socket) => {
      const p = socketPrincipal(socket);
      if (p?.teamId) void socket.join(teamRoom(p.teamId));
      if (p?.unitCode) void socket.join(unitRoom(p.unitCode));
    });
  }

  /** Remembers which rooms open cases belong to (at start: the open cases of every team and unit). */
  track(cases: readonly Incident[]): void {
    for (const c of cases) if (!TERMINAL_STATUSES.includes(c.status)) this.roomsOf.set(c.id, roomsOfCase(c));
  }

  /** Sends one `task:changed` per case and room affected by a committed batch, the latest state of each. */
  publish(events: readonly IncidentEvent[]): void {
    const out = new Map<string, { room: string; msg: TaskChangedMessage }>();
    for (const e of events) {
      const i = e.incident;
      const before = this.roomsOf.get(i.id) ?? [];
      const now = roomsOfCase(i);
      if (before.length === 0 && now.length === 0) continue;
      const msg: TaskChangedMessage = { caseId: i.id, teamId: i.teamId, unitCode: i.unitCode, status: i.status, version: i.version, action: e.action?.name ?? null };
      for (const room of new Set([...before, ...now])) out.set(`${room}\u0000${i.id}`, { room, msg });
      if (now.length > 0 && !TERMINAL_STATUSES.includes(i.status)) this.roomsOf.set(i.id, now);
      else this.roomsOf.delete(i.id);
    }
    for (const { room, msg } of out.values()) this.io.to(room).emit('task:changed', msg);
  }

  /** How many open cases are tracked (for tests and diagnostics). */
  get tracked(): number {
    return this.roomsOf.size;
  }
}

function roomsOfCase(c: Pick<Incident, 'teamId' | 'unitCode'>): string[] {
  const rooms: string[] = [];
  if (c.teamId) rooms.push(teamRoom(c.teamId));
  if (c.unitCode) rooms.push(unitRoom(c.unitCode));
  return rooms;
}
