import type { Incident, IncidentEvent, TeamPositionsMessage } from '../../shared/index.js';
import type { Principal } from '../auth/principal.js';
import type { CaseService } from '../case/caseService.js';
import type { Logger } from '../log.js';
import { SeededRandom } from '../seededRandom.js';
import type { Fleet } from '../team/fleet.js';
import type { Store } from '../store/store.js';
import { crewName, deskName } from './staff.js';

export interface TeamSimulatorOptions {
  fleet: Fleet;
  cases: CaseService;
  store: { incidents: Pick<Store['incidents'], 'get'>; cases: Pick<Store['cases'], 'ofTeam' | 'ofUnit'> };
  /** The codes of the units responsible, whose desks are simulated too. */
  units: readonly string[];
  seed: number;
  /** Simulated seconds per real second. */
  speed: number;
  log: Pick<Logger, 'debug' | 'info'>;
  tickMs?: number;
}

/**
 * Drives the field teams when no GPS gateway does: a free team on duty patrols the roads around its
 * base (off duty, it drives back to its base and stays there);
 * a team a case is dispatched to acknowledges it, drives there at the roads' speed, arrives, stays a
 * plausible while (10–40 minutes) and reports it handled, then takes up the next case waiting for it
 * (see `resume`) or patrols again. A case dispatched to a unit without a crew named waits at the
 * unit's desk, which assigns the crew of the unit that can be there first once one is free. It acts
 * through the case service as the team's crew or the unit's desk, like a real phone or desk would.
 * Seeded: the same seed, the same choices.
 */
export function startTeamSimulator(o: TeamSimulatorOptions) {
  const rng = new SeededRandom(o.seed ^ 0x7ea3);
  const tickMs = o.tickMs ?? 1000;
  const crews = new Map<string, Principal>(
    o.fleet.teams(0).map((t) => [
      t.id,
      { kind: 'token', name: crewName(t), displayName: t.name.zh, role: 'field', userId: null, tokenId: null, teamId: t.id, unitCode: null, sessionHash: null },
    ]),
  );
  // Each unit's desk (二级派遣), simulated like its crews: it assigns the case to its nearest free crew.
  const desks = new Map<string, Principal>();
  const deskOf = (unitCode: string): Principal => {
    let desk = desks.get(unitCode);
    if (!desk) {
      desk = { kind: 'token', name: deskName(unitCode), displayName: deskName(unitCode), role: 'unit', userId: null, tokenId: null, teamId: null, unitCode, sessionHash: null };
      desks.set(unitCode, desk);
    }
    return desk;
  };
  /** Cases waiting at a unit's desk for a crew; looked at again while no crew of the unit is free. */
  const atDesk = new Set<string>();
  let deskBusy = false;

  /** The desk assigns each waiting case to the crew of its unit that can be there first, when one is free. */
  async function assignWaiting(): Promise<void> {
    if (deskBusy || atDesk.size === 0) return;
    deskBusy = true;
    try {
      for (const caseId of [...atDesk]) {
        const current = await o.store.incidents.get(caseId);
        if (!current || current.status !== 'dispatched' || current.teamId !== null || current.unitCode === null) {
          atDesk.delete(caseId);
          continue;
        }
        const desk = deskOf(current.unitCode);
        try {
          const [best] = await o.cases.candidates(caseId, desk);
          if (!best) continue;
          await o.cases.act(caseId, { action: 'assign', version: current.version, teamId: best.teamId }, desk);
          atDesk.delete(caseId);
        } catch (err) {
          o.log.debug({ err, caseId }, 'simulated desk did not assign');
        }
      }
    } finally {
      deskBusy = false;
    }
  }

  async function act(teamId: string, caseId: string, action: 'acknowledge' | 'arrive' | 'report-handled', note?: string): Promise<boolean> {
    const current = await o.store.incidents.get(caseId);
    if (!current || current.teamId !== teamId) return false;
    try {
      await o.cases.act(caseId, { action, version: current.version, ...(note ? { note } : {}) }, crews.get(teamId)!);
      return true;
    } catch (err) {
      // A dispatcher acted at the same moment, or the case moved on: the crew lets it go.
      o.log.debug({ err, teamId, caseId, action }, 'simulated crew action not taken');
      return false;
    }
  }

  /**
   * Whether the crew still has to go to a case: dispatched (not yet acknowledged), or acknowledged
   * but not reached. A case being handled whose crew has been there is work in progress (a back-filled
   * one may run for days, as long works do): sending crews back to all of those at start would keep
   * the whole fleet busy for hours and leave live dispatch with no available team.
   */
  const awaitsCrew = (c: Incident) => c.status === 'dispatched' || (c.status === 'handling' && c.arrivedAt === null);

  /** A free team takes up the most urgent case waiting for it (casesOfTeam: earliest deadline first). */
  async function takeUp(teamId: string): Promise<boolean> {
    const next = (await o.store.cases.ofTeam(teamId)).find(awaitsCrew);
    // A dispatch may have sent the team elsewhere while the store was read.
    if (!next || o.fleet.caseOf(teamId) !== null) return false;
    o.fleet.sendTo(teamId, next.id, next.lon, next.lat);
    if (next.status === 'dispatched') void act(teamId, next.id, 'acknowledge');
    return true;
  }

  let ticks = 0;
  const timer = setInterval(() => {
    // The desks look at their queues every few seconds, as a person at a desk would.
    if (++ticks % 5 === 0) void assignWaiting();
    const seconds = (tickMs / 1000) * o.speed;
    for (const e of o.fleet.step(seconds)) {
      if (e.kind === 'patrol_done') o.fleet.patrol(e.teamId, rng, Date.now());
      else {
        o.fleet.stayOnSite(e.teamId, rng.range(10, 40) * 60);
        void act(e.teamId, e.caseId, 'arrive');
      }
    }
    for (const teamId of o.fleet.doneOnSite()) {
      const caseId = o.fleet.caseOf(teamId);
      o.fleet.release(teamId);
      if (caseId) void act(teamId, caseId, 'report-handled', '已处置完毕（模拟）').then(() => takeUp(teamId));
    }
  }, tickMs);
  timer.unref();
  o.log.info({ seed: o.seed, speed: o.speed }, 'team simulator started');

  return {
    /** Follows the cases: a new dispatch sends its team; a case taken from a team frees it. */
    onCommitted(events: IncidentEvent[]): void {
      for (const { incident: i } of events) {
        if (i.status === 'dispatched' && !i.teamId && i.unitCode) atDesk.add(i.id);
        if (i.status === 'dispatched' && i.teamId && o.fleet.caseOf(i.teamId) !== i.id) {
          const teamId = i.teamId;
          o.fleet.sendTo(teamId, i.id, i.lon, i.lat);
          void act(teamId, i.id, 'acknowledge');
        }
        for (const onIt of o.fleet.teamsOnCase(i.id)) {
          if (i.teamId !== onIt || ['registered', 'suspended', 'closed', 'rejected'].includes(i.status)) {
            o.fleet.release(onIt);
            void takeUp(onIt);
          }
        }
      }
    },
    /**
     * Picks up where the store left off (after a back-fill or a restart): each team in roster order
     * takes up its most urgent case still waiting for a crew, so the fleet's picture agrees with the
     * cases; the rest follow one after another. Resolves with how many teams set off.
     */
    async resume(): Promise<number> {
      for (const u of o.units) for (const c of await o.store.cases.ofUnit(u)) if (c.status === 'dispatched' && c.teamId === null) atDesk.add(c.id);
      let sent = 0;
      for (const t of o.fleet.teams(0)) if (o.fleet.caseOf(t.id) === null && (await takeUp(t.id))) sent++;
      o.log.info({ teams: sent }, 'teams took up their open cases');
      return sent;
    },
    stop: () => clearInterval(timer),
  };
}

export type { TeamPositionsMessage };
