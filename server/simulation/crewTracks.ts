import type { Team, TeamStatus } from '../../shared/index.js';
import { onDuty } from '../../shared/workflow/teamShift.js';
import { edgeTimesAt, metresBetween, type EdgeTimes, type RoadGraph } from '../dispatch/roadGraph.js';
import type { HistoricalIncident } from '../incident/intake.js';
import { SeededRandom } from '../seededRandom.js';
import type { TrackPoint } from '../store/store.js';
import { driveBetween, positionAlong, type Drive } from '../team/fleet.js';
import { modelFactors } from '../traffic/roadSpeeds.js';

/**
 * The crews' tracks of the simulated past: each crew drives over the road graph to the cases the
 * history gave it, arriving when the case's `arrive` step says (or as soon as it can when it is
 * still busy elsewhere), works there while the case is being handled unless the next case calls it
 * away, and goes back to its base when it has time to. Pure: the same visits and seed, the same points.
 */

/** A crew's call at a case: where, from when it may set off, when it is due there, and until when it can still come. */
export interface CrewVisit {
  teamId: string;
  lon: number;
  lat: number;
  /** When the case was given to this crew (dispatch or assign). */
  release: number;
  /** When the history says it arrived (or started the rework). */
  due: number;
  /** When it reported the case handled; the end of the history for a case still being handled. */
  until: number;
}

/** A fix every 30 s while driving: the replay draws straight lines between fixes, the coverage walks them. */
export const MOVING_FIX_MS = 30_000;
/**
 * Standing still, a fix every 150 s: under the replay's three-minute silence (a gap longer than that
 * is drawn as a crew not reporting), and two fifths of the fix a minute a live tracker keeps, since
 * nothing moves.
 */
export const STANDING_FIX_MS = 150_000;
/** The least a crew stays on a site before the next case may call it away. */
const MIN_ON_SITE_MS = 4 * 60_000;
/** A crew with less than this to spare at its base after the drive there waits where it is. */
const BASE_WORTH_MS = 20 * 60_000;
/** Speeds for the go-back-to-base estimate (straight line × detour, at a city crawl). */
const DETOUR = 1.4;
const ESTIMATE_MPS = 7;
/** Road speeds change every quarter of an hour in the model; drives set off within one share its times. */
const SPEED_SLOT_MS = 15 * 60_000;

/**
 * The calls the crews made for one past case, from its steps: the crew named by the last dispatch or
 * assignment before each `arrive` (a crew that sent the case back made none), and after a rework the
 * same crew again until its next handled report. Only calls still open at or after `since`.
 */
export function visitsOfCase(record: HistoricalIncident, endMs: number, since: number): CrewVisit[] {
  const out: CrewVisit[] = [];
  let team: string | null = null;
  let release = 0;
  let open: CrewVisit | null = null;
  for (const step of record.transitions) {
    const a = step.action;
    const at = Date.parse(step.at);
    if (!a) continue;
    if (a.teamId) {
      team = a.teamId;
      release = at;
    }
    if (a.name === 'return') team = null;
    if ((a.name === 'arrive' || a.name === 'rework') && team) {
      open = { teamId: team, lon: record.report.lon, lat: record.report.lat, release: a.name === 'arrive' ? release : at, due: a.name === 'arrive' ? at : at + 30 * 60_000, until: endMs };
    }
    if (a.name === 'report-handled' && open) {
      open.until = at;
      if (open.until >= since) out.push(open);
      open = null;
    }
  }
  if (open && open.until >= since) out.push(open);
  return out;
}

/** Collects the crews' calls from the history as it streams into the import, without holding the records. */
export class CrewVisitLog {
  readonly visits: CrewVisit[] = [];

  constructor(
    private readonly teamIds: ReadonlySet<string>,
    private readonly endMs: number,
    private readonly since: number,
  ) {}

  *tap(records: Iterable<HistoricalIncident>): Generator<HistoricalIncident> {
    for (const r of records) {
      for (const v of visitsOfCase(r, this.endMs, this.since)) if (this.teamIds.has(v.teamId)) this.visits.push(v);
      yield r;
    }
  }
}

/** Edge times of the traffic model, one set per quarter hour, worked out once each. */
function speedsOf(g: RoadGraph, seed: number): (ms: number) => EdgeTimes {
  const cache = new Map<number, EdgeTimes>();
  return (ms) => {
    const slot = Math.floor(ms / SPEED_SLOT_MS);
    let t = cache.get(slot);
    if (!t) {
      t = edgeTimesAt(g, modelFactors(g.roads, seed, slot * SPEED_SLOT_MS));
      cache.set(slot, t);
    }
    return t;
  };
}

interface Place {
  lon: number;
  lat: number;
}

/**
 * The tracks of `teams` in [from, to): each crew starts at its base at `warmFrom` (before `from`, so
 * that the first hours show crews already out, not all leaving at midnight) and makes the `visits`
 * it can; only points in [from, to) are returned, team by team, each oldest first. `missed` counts
 * the calls a crew could not make before the case was handled (a crew the history gave more cases
 * than one vehicle can reach).
 */
export function crewTrackPoints(opts: {
  g: RoadGraph;
  teams: readonly Team[];
  visits: readonly CrewVisit[];
  seed: number;
  warmFrom: number;
  from: number;
  to: number;
}): { points: TrackPoint[]; made: number; missed: number } {
  const { g, from, to } = opts;
  const timesAt = speedsOf(g, opts.seed);
  const byTeam = new Map<string, CrewVisit[]>();
  for (const v of opts.visits) {
    // A crew that got there before the warm-up (a long work still going on) made its call unseen.
    if (v.until <= opts.warmFrom || v.due < opts.warmFrom || v.due >= to) continue;
    const mine = byTeam.get(v.teamId);
    if (mine) mine.push(v);
    else byTeam.set(v.teamId, [v]);
  }
  const points: TrackPoint[] = [];
  let made = 0;
  let missed = 0;
  for (const team of opts.teams) {
    if (!team.position) continue;
    const base: Place = { lon: team.position.lon, lat: team.position.lat };
    const rng = SeededRandom.derive(opts.seed, 'crew-track', team.id);
    const out: TrackPoint[] = [];
    let lastAt = -Infinity;
    const fix = (at: number, p: Place, status: TeamStatus) => {
      const t = Math.round(at / 1000) * 1000;
      if (t <= lastAt || t < from || t >= to) return;
      out.push({ teamId: team.id, at: t, lon: p.lon, lat: p.lat, status });
      lastAt = t;
    };
    const freeStatus = (at: number): TeamStatus => (onDuty(team.shift, at) ? 'available' : 'off_duty');
    /** Standing at `p` over [a, b): `status` while before `workUntil`, free after it. */
    const stand = (a: number, b: number, p: Place, workUntil: number) => {
      for (let t = a; t < b; t += STANDING_FIX_MS) {
        const end = Math.min(b, t + STANDING_FIX_MS);
        fix(t, p, t < workUntil ? 'on_site' : freeStatus(t));
        // The moment the work ends is a point of its own: the status changes there.
        if (workUntil > t && workUntil < end) fix(workUntil, p, freeStatus(workUntil));
      }
    };
    /** Drives from `a` to `b` setting off at `at`; returns when it arrives. */
    const drive = (a: Place, b: Place, at: number, status: (t: number) => TeamStatus, planned?: Drive | null): number => {
      const d = planned === undefined ? driveBetween(g, a, b, timesAt(at)) : planned;
      if (!d) return at;
      const total = d.atSeconds[d.atSeconds.length - 1]! * 1000;
      for (let s = 0; s < total; s += MOVING_FIX_MS) fix(at + s, positionAlong(d, s / 1000), status(at + s));
      // The arrival's own fix is the caller's: it carries the status the crew has there.
      return at + total;
    };
    const estimate = (a: Place, b: Place) => (metresBetween(a.lon, a.lat, b.lon, b.lat) * DETOUR * 1000) / ESTIMATE_MPS;

    const pending = (byTeam.get(team.id) ?? []).sort((a, b) => a.due - b.due || a.release - b.release);
    let here: Place = base;
    let atBase = true;
    // Where the crew is is known up to `t`; it may set off again from `ready`.
    let t = opts.warmFrom;
    let ready = t;
    // The work going on where the crew stands: on site until then.
    let workUntil = -Infinity;
    let k = 0;
    while (k < pending.length) {
      // The calls already due when the crew is ready: the one whose case is handled soonest goes first.
      let pick = k;
      for (let j = k + 1; j < pending.length && pending[j]!.due <= ready; j++) if (pending[j]!.until < pending[pick]!.until) pick = j;
      const v = pending[pick]!;
      pending.splice(pick, 1);
      pending.splice(k, 0, v);
      k++;
      const site: Place = { lon: v.lon, lat: v.lat };
      if (Math.max(ready, v.release) + estimate(here, site) >= v.until) {
        missed++;
        continue;
      }
      // Back to the base in between, when the crew has time to spare there.
      const leaveBy = v.due - estimate(here, site);
      const free = Math.max(ready, workUntil);
      if (!atBase && leaveBy - free > estimate(here, base) + estimate(base, site) + BASE_WORTH_MS) {
        stand(t, free, here, workUntil);
        t = ready = drive(here, base, free, freeStatus);
        fix(t, base, freeStatus(t));
        here = base;
        atBase = true;
      }
      const earliest = Math.max(ready, v.release);
      const onWay = driveBetween(g, here, site, timesAt(Math.max(earliest, v.due - 10 * 60_000)));
      const travel = onWay ? onWay.atSeconds[onWay.atSeconds.length - 1]! * 1000 : 0;
      const depart = Math.max(earliest, v.due - travel);
      if (depart + travel >= v.until) {
        missed++;
        continue;
      }
      stand(t, depart, here, workUntil);
      t = drive(here, site, depart, () => 'en_route', onWay);
      fix(t, site, 'on_site');
      made++;
      here = site;
      atBase = false;
      workUntil = v.until;
      // At least a few minutes' work before another case may call the crew away; a little more when none is waiting yet.
      const waiting = k < pending.length && pending[k]!.due <= t + MIN_ON_SITE_MS;
      ready = t + MIN_ON_SITE_MS + (waiting ? 0 : Math.round(rng.range(0, 6) * 60_000));
    }
    // The last call done: the work finishes, then home to the base for the rest of the window.
    const free = Math.max(ready, workUntil);
    if (!atBase && free < to) {
      stand(t, free, here, workUntil);
      t = drive(here, base, free, freeStatus);
      fix(t, base, freeStatus(t));
      here = base;
    }
    stand(t, to, here, workUntil);
    points.push(...out);
  }
  return { points, made, missed };
}
