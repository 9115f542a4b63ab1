import { beforeAll, describe, expect, it } from 'vitest';
import { metresBetween, type RoadGraph } from '../../server/dispatch/roadGraph.js';
import { SeededRandom } from '../../server/seededRandom.js';
import { driveBetween, Fleet, positionAlong } from '../../server/team/fleet.js';
import type { City, Team } from '../../shared/index.js';
import { cityWithTeams } from '../support/cityWithTeams.js';

let city: City;
let g: RoadGraph;
let teams: Team[];
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
    expect(fleet.message(0).teams.find((r) => r[0] === t.id)).toEqual([t.id, expect.any(Number), expect.any(Number), 'available', null]);
  });

  it('patrols near the base, the same way for the same seed', () => {
    const run = () => {
      const fleet = new Fleet(g, teams);
      const rng = new SeededRandom(42);
      for (let i = 0; i < 600; i++) for (const e of fleet.step(5)) if (e.kind === 'patrol_done') fleet.patrol(e.teamId, rng);
      return fleet.message(0).teams;
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
