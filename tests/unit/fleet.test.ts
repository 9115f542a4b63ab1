import { beforeAll, describe, expect, it } from 'vitest';
import { edgeTimesAt, metresBetween, type EdgeTimes, type RoadGraph } from '../../server/dispatch/roadGraph.js';
import { rankCandidates } from '../../server/dispatch/candidates.js';
import { SeededRandom } from '../../server/seededRandom.js';
import { driveBetween, Fleet, GPS_SILENT_MS, positionAlong, REPLAN_SECONDS } from '../../server/team/fleet.js';
import type { City, Team } from '../../shared/index.js';
import { cityWithTeams } from '../support/cityWithTeams.js';

let city: City;
let g: RoadGraph;
let teams: Team[];
/** An instant given in local time (UTC+8). */
const local = (iso: string) => Date.parse(`${iso}+08:00`);
/** Every default team is on duty at noon. */
const NOON = local('2026-03-02T12:00:00');
beforeAll(() => {
  ({ city, g, teams } = cityWithTeams());
});

describe('a drive over the roads', () => {
  it('starts where the team is, ends at the case, and takes as long as the route says, never faster than the roads allow', () => {
    const from = teams[0]!.position!;
    const to = { lon: city.meta.center[0] + 0.03, lat: city.meta.center[1] - 0.02 };
    const d = driveBetween(g, from, to)!;
    expect(positionAlong(d, 0)).toMatchObject({ lon: from.lon, lat: from.lat, done: false });
    const total = d.atSeconds[d.atSeconds.length - 1]!;
    expect(positionAlong(d, total)).toEqual({ lon: to.lon, lat: to.lat, done: true });
    for (let k = 1; k < d.atSeconds.length; k++) expect(d.atSeconds[k]).toBeGreaterThanOrEqual(d.atSeconds[k - 1]!);
    // No road in the city is faster than 100 km/h, and off the road it is 5 m/s: no leg is faster.
    for (let k = 1; k < d.lon.length; k++) {
      const metres = metresBetween(d.lon[k - 1]!, d.lat[k - 1]!, d.lon[k]!, d.lat[k]!);
      const seconds = d.atSeconds[k]! - d.atSeconds[k - 1]!;
      expect(metres).toBeLessThanOrEqual((100 / 3.6) * seconds + 1e-3);
    }
    // Halfway in time lies between the two ends.
    const mid = positionAlong(d, total / 2);
    expect(metresBetween(mid.lon, mid.lat, from.lon, from.lat)).toBeGreaterThan(0);
  });
});

describe('the fleet', () => {
  it('sends a team to a case, reports it arrived once, and keeps it on site for its time', () => {
    const fleet = new Fleet(g, teams);
    const t = teams[3]!;
    const target = { lon: t.position!.lon + 0.01, lat: t.position!.lat + 0.008 };
    fleet.sendTo(t.id, 'case-1', target.lon, target.lat);
    expect(fleet.teams(0).find((x) => x.id === t.id)!.status).toBe('en_route');
    const arrivals = [];
    for (let i = 0; i < 3600 && arrivals.length === 0; i++) arrivals.push(...fleet.step(1).filter((e) => e.kind === 'arrived'));
    expect(arrivals).toEqual([{ kind: 'arrived', teamId: t.id, caseId: 'case-1' }]);
    const there = fleet.teams(0).find((x) => x.id === t.id)!.position!;
    expect(metresBetween(there.lon, there.lat, target.lon, target.lat)).toBeLessThan(1);
    fleet.stayOnSite(t.id, 600);
    fleet.step(599);
    expect(fleet.doneOnSite()).toEqual([]);
    fleet.step(1);
    expect(fleet.doneOnSite()).toEqual([t.id]);
    fleet.release(t.id);
    expect(fleet.message(NOON).teams.find((r) => r[0] === t.id)).toEqual([t.id, expect.any(Number), expect.any(Number), 'available', null]);
  });

  it('patrols near the base, the same way for the same seed', () => {
    const run = () => {
      const fleet = new Fleet(g, teams);
      const rng = new SeededRandom(42);
      for (let i = 0; i < 600; i++) for (const e of fleet.step(5)) if (e.kind === 'patrol_done') fleet.patrol(e.teamId, rng, NOON);
      return fleet.message(NOON).teams;
    };
    const a = run();
    expect(run()).toEqual(a);
    for (const [teamId, lon, lat] of a) {
      const base = teams.find((t) => t.id === teamId)!.position!;
      expect(metresBetween(lon, lat, base.lon, base.lat)).toBeLessThan(3000);
    }
    // They did move.
    expect(a.filter(([teamId, lon]) => lon !== teams.find((t) => t.id === teamId)!.position!.lon).length).toBeGreaterThan(teams.length / 2);
  });
});

describe('shifts and off duty', () => {
  const DAY = { start: '08:00', end: '20:00' };
  const dayTeams = () => teams.map((t) => ({ ...t, shift: DAY }));
  const statusOf = (fleet: Fleet, id: string, at: number) => fleet.teams(at).find((x) => x.id === id)!.status;

  it('a free team is off duty outside its shift and available again the moment it starts', () => {
    const fleet = new Fleet(g, dayTeams());
    const id = teams[0]!.id;
    expect(statusOf(fleet, id, local('2026-03-02T07:59:00'))).toBe('off_duty');
    expect(statusOf(fleet, id, local('2026-03-02T08:00:00'))).toBe('available');
    expect(statusOf(fleet, id, local('2026-03-02T19:59:59'))).toBe('available');
    expect(statusOf(fleet, id, local('2026-03-02T20:00:00'))).toBe('off_duty');
    expect(fleet.statusAt(id, local('2026-03-02T23:00:00'))).toBe('off_duty');
    expect(fleet.message(local('2026-03-02T23:00:00')).teams.every((r) => r[3] === 'off_duty')).toBe(true);
    expect(fleet.teams(NOON).every((t) => t.status === 'available' && t.shift === DAY)).toBe(true);
  });

  it('keeps its shift as GET /api/teams shows it; a round-the-clock team is never off duty', () => {
    const fleet = new Fleet(g, teams);
    const night = local('2026-03-02T03:00:00');
    for (const t of fleet.teams(night)) {
      expect(t.shift).toEqual(teams.find((x) => x.id === t.id)!.shift);
      if (t.shift.start === '00:00' && t.shift.end === '24:00') expect(t.status).toBe('available');
    }
    expect(fleet.teams(night).filter((t) => t.status === 'off_duty').length).toBeGreaterThan(teams.length / 2);
  });

  it('a team still on a case at the end of its shift finishes it first, then goes off duty', () => {
    const fleet = new Fleet(g, dayTeams());
    const t = teams[3]!;
    fleet.sendTo(t.id, 'case-late', t.position!.lon + 0.005, t.position!.lat + 0.004);
    const evening = local('2026-03-02T20:30:00');
    expect(statusOf(fleet, t.id, evening)).toBe('en_route');
    fleet.stayOnSite(t.id, 600);
    expect(statusOf(fleet, t.id, evening)).toBe('on_site');
    expect(fleet.message(evening).teams.find((r) => r[0] === t.id)![4]).toBe('case-late');
    fleet.release(t.id);
    expect(statusOf(fleet, t.id, evening)).toBe('off_duty');
    expect(statusOf(fleet, t.id, local('2026-03-03T08:00:00'))).toBe('available');
  });

  it('off-duty teams are not dispatch candidates', () => {
    const fleet = new Fleet(g, dayTeams());
    const t = teams.find((x) => x.categories.includes('E0102'))!;
    const c = { lon: t.position!.lon + 0.002, lat: t.position!.lat, categoryCode: 'E0102' };
    expect(rankCandidates(g, c, fleet.teams(NOON), () => 0).length).toBeGreaterThan(0);
    expect(rankCandidates(g, c, fleet.teams(local('2026-03-02T22:00:00')), () => 0)).toEqual([]);
  });

  it('off-duty teams do not patrol: they drive back to their base and stay there', () => {
    const fleet = new Fleet(g, dayTeams());
    const t = teams[5]!;
    const base = t.position!;
    fleet.sendTo(t.id, 'case-1', base.lon + 0.01, base.lat - 0.008);
    for (let i = 0; i < 3600 && !fleet.step(1).some((e) => e.kind === 'arrived'); i++);
    fleet.release(t.id);
    const night = local('2026-03-02T23:00:00');
    const rng = new SeededRandom(7);
    const where = () => fleet.teams(night).find((x) => x.id === t.id)!.position!;
    expect(metresBetween(where().lon, where().lat, base.lon, base.lat)).toBeGreaterThan(500);
    for (let i = 0; i < 3600; i++) for (const e of fleet.step(1)) if (e.kind === 'patrol_done' && e.teamId === t.id) fleet.patrol(e.teamId, rng, night);
    expect(metresBetween(where().lon, where().lat, base.lon, base.lat)).toBeLessThan(1);
    // Still there an hour later, off duty all along.
    for (let i = 0; i < 600; i++) for (const e of fleet.step(6)) if (e.kind === 'patrol_done' && e.teamId === t.id) fleet.patrol(e.teamId, rng, night);
    expect(metresBetween(where().lon, where().lat, base.lon, base.lat)).toBeLessThan(1);
    expect(fleet.statusAt(t.id, night)).toBe('off_duty');
    // In the morning it patrols again.
    fleet.patrol(t.id, rng, NOON);
    fleet.step(120);
    expect(metresBetween(where().lon, where().lat, base.lon, base.lat)).toBeGreaterThan(0);
  });

  it('a team whose GPS reports stop is offline until it reports again; a reported status holds', () => {
    const fleet = new Fleet(g, teams.map((t) => ({ ...t, shift: { start: '00:00', end: '24:00' } })));
    const id = teams[1]!.id;
    // Never reported (simulated): never offline.
    expect(fleet.statusAt(id, NOON + 10 * GPS_SILENT_MS)).toBe('available');
    expect(fleet.report(id, 119.95, 31.7, undefined, NOON)).toBe(true);
    expect(fleet.teams(NOON + 60_000).find((x) => x.id === id)!.position).toEqual({ lon: 119.95, lat: 31.7, at: new Date(NOON).toISOString() });
    expect(fleet.statusAt(id, NOON + GPS_SILENT_MS)).toBe('available');
    expect(fleet.statusAt(id, NOON + GPS_SILENT_MS + 1)).toBe('offline');
    expect(rankCandidates(g, { lon: 119.95, lat: 31.7, categoryCode: teams[1]!.categories[0]! }, fleet.teams(NOON + GPS_SILENT_MS + 1), () => 0).map((c) => c.teamId)).not.toContain(id);
    fleet.report(id, 119.951, 31.701, undefined, NOON + 2 * GPS_SILENT_MS);
    expect(fleet.statusAt(id, NOON + 2 * GPS_SILENT_MS + 1000)).toBe('available');
    fleet.report(id, 119.951, 31.701, 'off_duty', NOON + 2 * GPS_SILENT_MS + 2000);
    expect(fleet.statusAt(id, NOON + 2 * GPS_SILENT_MS + 3000)).toBe('off_duty');
    expect(fleet.report('team-none', 0, 0, undefined, NOON)).toBe(false);
  });
});

describe('a drive planned again on the way', () => {
  /** Sends one team to a case and steps second by second until it arrives: the seconds it took. */
  function secondsToArrive(fleet: Fleet, t: Team, target: { lon: number; lat: number }, onStep?: (second: number) => void): number {
    fleet.sendTo(t.id, 'case-r', target.lon, target.lat);
    for (let s = 1; s <= 4 * 3600; s++) {
      onStep?.(s);
      if (fleet.step(1).some((e) => e.kind === 'arrived')) return s;
    }
    throw new Error('never arrived');
  }

  it('changes nothing while the speeds stay as they were: the same arrival, to the second', () => {
    const t = teams[5]!;
    const target = { lon: t.position!.lon + 0.05, lat: t.position!.lat - 0.04 };
    const planned = driveBetween(g, t.position!, target)!;
    const total = planned.atSeconds[planned.atSeconds.length - 1]!;
    expect(total).toBeGreaterThan(4 * REPLAN_SECONDS); // long enough to be planned again several times
    const replanned = secondsToArrive(new Fleet(g, teams, { replanSeconds: 60 }), t, target);
    const never = secondsToArrive(new Fleet(g, teams, { replanSeconds: 0 }), t, target);
    expect(never).toBe(Math.ceil(total));
    expect(Math.abs(replanned - never)).toBeLessThanOrEqual(1);
  });

  it('follows the speeds of the moment: a jam that starts on the way makes it later, but never as late as crawling the old way', () => {
    const t = teams[5]!;
    const target = { lon: t.position!.lon + 0.05, lat: t.position!.lat - 0.04 };
    const total = (() => {
      const d = driveBetween(g, t.position!, target)!;
      return d.atSeconds[d.atSeconds.length - 1]!;
    })();
    // Every road at a fifth of its speed from one minute after setting off.
    let times: EdgeTimes | undefined;
    const jam = edgeTimesAt(g, new Float64Array(g.roads.count).fill(0.2));
    const fleet = new Fleet(g, teams, { roadTimes: () => times, replanSeconds: 60 });
    const took = secondsToArrive(fleet, t, target, (s) => {
      if (s === 61) times = jam;
    });
    // Without planning again it would arrive on the free-flow schedule, as if there were no jam.
    expect(took).toBeGreaterThan(total * 2);
    // The first minute (and the stretch to the next crossing) at free flow, the rest at most 5× as slow.
    expect(took).toBeLessThanOrEqual(Math.ceil(total * 5));
  });
});
