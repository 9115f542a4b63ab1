import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoadGraph } from '../../server/dispatch/roadGraph.js';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import { Fleet } from '../../server/team/fleet.js';
import { TrackRecorder } from '../../server/team/teamTrack.js';
import { mayReport, type Reporter } from '../../server/tracker/trackerAccess.js';
import { LIVE_MAX_AGE_MS, TrackerService, type ReportedFix } from '../../server/tracker/trackers.js';
import { fixesWorthKeeping, worthKeeping, type Fix } from '../../server/tracker/trackSampling.js';
import { trackerIdOf, trackerOf, TrackerPositionReport, type Team, type Tracker } from '../../shared/index.js';
import { makeDataDir, removeDataDir } from '../support/server.js';

const T0 = Date.parse('2026-12-06T02:00:00Z');
/** About 1.1 m of latitude per 1e-5 degree. */
const fix = (secondsIn: number, northMetres = 0, over: Partial<Fix> = {}): Fix => ({ at: T0 + secondsIn * 1000, lon: 119.95, lat: 31.7 + northMetres / 111_320, ...over });

describe('tracker ids', () => {
  it('name a team by its id and an inspector as inspector:<username>; a malformed inspector name is no tracker', () => {
    expect(trackerOf('team-7')).toEqual({ kind: 'team', teamId: 'team-7' });
    expect(trackerOf('team-7-2')).toEqual({ kind: 'team', teamId: 'team-7-2' });
    expect(trackerOf('inspector:zhang.wei')).toEqual({ kind: 'inspector', username: 'zhang.wei' });
    for (const bad of ['inspector:', 'inspector:Zhang Wei', 'inspector:张伟', '', 'team\n7', 'x'.repeat(65)]) expect(trackerOf(bad)).toBeNull();
    for (const id of ['team-7', 'inspector:zhang.wei']) expect(trackerIdOf(trackerOf(id)!)).toBe(id);
  });

  it('take a report of 1 to 1,000 fixes, strictly', () => {
    const one = { trackerId: 'team-1', lon: 119.95, lat: 31.7 };
    expect(TrackerPositionReport.safeParse({ positions: [one] }).success).toBe(true);
    expect(TrackerPositionReport.safeParse({ positions: [{ ...one, at: '2026-12-06T10:00:00+08:00', status: 'on_site' }] }).success).toBe(true);
    expect(TrackerPositionReport.safeParse({ positions: Array.from({ length: 1000 }, () => one) }).success).toBe(true);
    expect(TrackerPositionReport.safeParse({ positions: Array.from({ length: 1001 }, () => one) }).success).toBe(false);
    expect(TrackerPositionReport.safeParse({ positions: [] }).success).toBe(false);
    expect(TrackerPositionReport.safeParse({ positions: [{ ...one, speed: 3 }] }).success).toBe(false);
    expect(TrackerPositionReport.safeParse({ positions: [one], gateway: 'x' }).success).toBe(false);
    expect(TrackerPositionReport.safeParse({ positions: [{ ...one, at: '2026-12-06T10:00:00' }] }).success).toBe(false); // no offset
    expect(TrackerPositionReport.safeParse({ positions: [{ ...one, lat: 91 }] }).success).toBe(false);
    expect(TrackerPositionReport.safeParse({ positions: [{ ...one, status: 'asleep' }] }).success).toBe(false);
  });
});

describe('track sampling', () => {
  it('keeps a fix that moved 15 m, changed status or came a minute after the last kept; not GPS jitter', () => {
    const prev = fix(0, 0, { status: 'available' });
    expect(worthKeeping(undefined, fix(5))).toBe(true);
    expect(worthKeeping(prev, fix(5, 5.6, { status: 'available' }))).toBe(false);
    expect(worthKeeping(prev, fix(5, 22, { status: 'available' }))).toBe(true);
    expect(worthKeeping(prev, fix(5, 0, { status: 'en_route' }))).toBe(true);
    expect(worthKeeping(prev, fix(60, 0, { status: 'available' }))).toBe(true);
    // An inspector has no status: absent and null are the same.
    expect(worthKeeping(fix(0, 0, { status: null }), fix(5))).toBe(false);
  });

  it("continues a tracker's track from its last kept point, oldest fix first, whatever order they came in", () => {
    const last = fix(0);
    const fixes = [fix(30, 30), fix(10, 3), fix(20, 20), fix(80, 30), fix(100, 31)];
    const { kept, last: next } = fixesWorthKeeping(fixes, last);
    // 10 s: jitter; 20 s: 20 m; 30 s: 10 m from the 20 s point; 80 s: a minute since 20 s; 100 s: jitter.
    expect(kept.map((f) => f.at)).toEqual([T0 + 20_000, T0 + 80_000]);
    expect(next).toBe(kept.at(-1));
    expect(fixesWorthKeeping([], last)).toEqual({ kept: [], last });
  });

  it('fills in history with late fixes, judged among themselves, and leaves the last point as it was', () => {
    const last = fix(600);
    const late = [fix(0), fix(5, 2), fix(10, 40), fix(600, 40), fix(610, 80)];
    const { kept, last: next } = fixesWorthKeeping(late, last);
    expect(kept.map((f) => f.at)).toEqual([T0, T0 + 10_000, T0 + 600_000, T0 + 610_000]);
    // 610 s is after the last point: it continues the live track.
    expect(next!.at).toBe(T0 + 610_000);
    expect(fixesWorthKeeping([fix(0), fix(5)], last).last).toBe(last);
  });
});

describe('who may report a tracker', () => {
  const team: Tracker = { kind: 'team', teamId: 'team-1' };
  const otherTeam: Tracker = { kind: 'team', teamId: 'team-2' };
  const me: Tracker = { kind: 'inspector', username: 'zhang.wei' };
  const someoneElse: Tracker = { kind: 'inspector', username: 'li.na' };
  const user = (over: Partial<Reporter>): Reporter => ({ kind: 'user', name: 'zhang.wei', role: 'inspector', teamId: null, sessionHash: 'h', ...over });
  const token = (over: Partial<Reporter>): Reporter => ({ kind: 'token', name: 'gps gateway', role: 'field', teamId: null, sessionHash: null, ...over });
  const cases: [string, Reporter, [Tracker, boolean][]][] = [
    ['an inspector: itself only', user({}), [[me, true], [someoneElse, false], [team, false]]],
    // An inspector's token is not the inspector's phone, nor a gateway.
    ['an inspector role token: nothing', token({ role: 'inspector', name: 'zhang.wei' }), [[me, false], [team, false]]],
    ['a field account: its own team only', user({ name: 'crew', role: 'field', teamId: 'team-1' }), [[team, true], [otherTeam, false], [me, false]]],
    ['a field account without a team: nothing', user({ name: 'crew', role: 'field' }), [[team, false], [me, false]]],
    ['a gateway (a field token): any team, any inspector', token({}), [[team, true], [otherTeam, true], [me, true], [someoneElse, true]]],
    ['a field token through a kiosk session: nothing', token({ sessionHash: 'k' }), [[team, false], [me, false]]],
    ['a dispatcher, a wall, an admin: nothing', user({ name: 'd', role: 'dispatcher' }), [[team, false], [me, false]]],
    ['a wall token: nothing', token({ role: 'wall' }), [[team, false], [me, false]]],
    ['an admin named like the inspector: nothing', user({ role: 'admin' }), [[me, false]]],
  ];
  for (const [what, reporter, expectations] of cases) {
    it(what, () => {
      for (const [tracker, allowed] of expectations) expect([trackerIdOf(tracker), mayReport(reporter, tracker)]).toEqual([trackerIdOf(tracker), allowed]);
    });
  }
});

describe('the tracker service', () => {
  let dir: string;
  let store: SqliteStore;
  let fleet: Fleet;
  let now: number;
  let trackers: TrackerService;
  const team = (id: string): Team =>
    ({ id, name: { zh: id, en: id }, department: 'huanwei', unitCode: 'huanwei', baseId: 'b', townCode: 't', categories: [], members: 4, status: 'available', position: { lon: 119.95, lat: 31.7, at: new Date(T0).toISOString() }, shift: { start: '00:00', end: '24:00' } }) as Team;
  const gateway: Reporter = { kind: 'token', name: 'gps gateway', role: 'field', teamId: null, sessionHash: null };
  const inspector = (name: string): Reporter => ({ kind: 'user', name, role: 'inspector', teamId: null, sessionHash: 'h' });
  const at = (f: Partial<ReportedFix> & Pick<ReportedFix, 'tracker'>): ReportedFix => ({ lon: 119.95, lat: 31.7, ...f });
  const zhang: Tracker = { kind: 'inspector', username: 'zhang.wei' };

  beforeEach(async () => {
    dir = makeDataDir();
    store = new SqliteStore(join(dir, 'gw.db'));
    for (const username of ['zhang.wei', 'li.na']) await store.auth.createUser({ username, displayName: username, role: 'inspector', passwordHash: 'x', at: T0 });
    await store.auth.createUser({ username: 'wang.dispatch', displayName: 'w', role: 'dispatcher', passwordHash: 'x', at: T0 });
    // The fleet's road graph is for drives; reports, statuses and positions do not touch it.
    fleet = new Fleet({} as RoadGraph, [team('team-1'), team('team-2')]);
    now = T0 + 3_600_000;
    trackers = new TrackerService({
      store,
      fleet,
      teamTracks: new TrackRecorder(store.teams),
      isNearCity: (lon, lat) => Math.abs(lon - 119.95) < 0.1 && Math.abs(lat - 31.7) < 0.1,
      now: () => now,
    });
  });
  afterEach(async () => {
    await store.close();
    removeDataDir(dir);
  });

  it('refuses a whole report for one bad fix, and changes nothing', async () => {
    const good = at({ tracker: zhang, lat: 31.71 });
    const refusals: [ReportedFix, number, string][] = [
      [at({ tracker: { kind: 'team', teamId: 'team-9' } }), 422, 'unknown_team'],
      [at({ tracker: { kind: 'inspector', username: 'nobody' } }), 422, 'unknown_tracker'],
      // A dispatcher's account is no inspector.
      [at({ tracker: { kind: 'inspector', username: 'wang.dispatch' } }), 422, 'unknown_tracker'],
      [at({ tracker: { kind: 'team', teamId: 'team-1' }, lon: 121 }), 422, 'outside_city'],
      [at({ tracker: { kind: 'team', teamId: 'team-1' }, at: now + 61_000 }), 400, 'at_in_future'],
    ];
    for (const [bad, status, code] of refusals) {
      await expect(trackers.report(gateway, [good, bad])).rejects.toMatchObject({ status, code });
    }
    await expect(trackers.report(inspector('zhang.wei'), [good, at({ tracker: { kind: 'inspector', username: 'li.na' } })])).rejects.toMatchObject({ status: 403, code: 'not_your_tracker' });
    expect(trackers.list(60).trackers.filter((t) => t.kind === 'inspector')).toEqual([]);
    expect((await trackers.track('inspector:zhang.wei', { since: new Date(T0).toISOString() })).points).toEqual([]);
    expect(fleet.positionOf('team-1')).toEqual({ lon: 119.95, lat: 31.7 });
  });

  it('keeps an old fix on the track but not as the live position; a late fix does not move a tracker back', async () => {
    const recent = now - 60_000;
    const old = now - LIVE_MAX_AGE_MS - 60_000;
    await trackers.report(inspector('zhang.wei'), [at({ tracker: zhang, lat: 31.71, at: recent }), at({ tracker: zhang, lat: 31.72, at: old })]);
    await trackers.report(gateway, [at({ tracker: { kind: 'team', teamId: 'team-1' }, lat: 31.71, at: recent, status: 'on_site' }), at({ tracker: { kind: 'team', teamId: 'team-1' }, lat: 31.72, at: old })]);
    // Later, a fix from between the two arrives: history only.
    await trackers.report(inspector('zhang.wei'), [at({ tracker: zhang, lat: 31.73, at: recent - 30_000 })]);
    await trackers.report(gateway, [at({ tracker: { kind: 'team', teamId: 'team-1' }, lat: 31.73, at: recent - 30_000 })]);

    const live = trackers.list(10).trackers;
    expect(live.find((t) => t.trackerId === 'inspector:zhang.wei')).toEqual({ trackerId: 'inspector:zhang.wei', kind: 'inspector', lon: 119.95, lat: 31.71, at: new Date(recent).toISOString(), status: null });
    expect(live.find((t) => t.trackerId === 'team-1')).toMatchObject({ kind: 'team', lat: 31.71, at: new Date(recent).toISOString(), status: 'on_site' });
    const since = new Date(now - 3_600_000).toISOString();
    expect((await trackers.track('inspector:zhang.wei', { since })).points).toEqual([
      [119.95, 31.72, old, null],
      [119.95, 31.73, recent - 30_000, null],
      [119.95, 31.71, recent, null],
    ]);
    // A team's fix without a status has the team's status then (not offline: it was reporting).
    expect((await trackers.track('team-1', { since })).points).toEqual([
      [119.95, 31.72, old, 'available'],
      [119.95, 31.73, recent - 30_000, 'on_site'],
      [119.95, 31.71, recent, 'on_site'],
    ]);
  });

  it('takes a fix a little ahead as now, lists only trackers heard from lately, and prunes both kinds of track', async () => {
    await trackers.report(gateway, [at({ tracker: zhang, at: now + 30_000 }), at({ tracker: { kind: 'inspector', username: 'li.na' }, at: now - 5 * 60_000 })]);
    expect(trackers.list(10).trackers.filter((t) => t.kind === 'inspector').map((t) => [t.trackerId, t.at])).toEqual([
      ['inspector:li.na', new Date(now - 5 * 60_000).toISOString()],
      ['inspector:zhang.wei', new Date(now).toISOString()],
    ]);
    expect(trackers.list(2).trackers.filter((t) => t.kind === 'inspector').map((t) => t.trackerId)).toEqual(['inspector:zhang.wei']);
    await trackers.report(gateway, [at({ tracker: { kind: 'team', teamId: 'team-2' }, at: now - 5 * 60_000 })]);
    expect(await trackers.prune(now - 60_000)).toBe(2);
    expect(await trackers.prune(now + 1)).toBe(1);
  });

  it('forgets a disabled inspector within a minute', async () => {
    await trackers.report(inspector('li.na'), [at({ tracker: { kind: 'inspector', username: 'li.na' } })]);
    const user = (await store.auth.userByName('li.na'))!;
    await store.auth.updateUser(user.id, { disabled: true, at: now });
    // Still known from a moment ago…
    await trackers.report(gateway, [at({ tracker: { kind: 'inspector', username: 'li.na' }, lat: 31.71 })]);
    now += 61_000;
    await expect(trackers.report(gateway, [at({ tracker: { kind: 'inspector', username: 'li.na' }, lat: 31.72 })])).rejects.toMatchObject({ code: 'unknown_tracker' });
    // …and the track stays readable; an id of nobody is 404.
    expect((await trackers.track('inspector:li.na', {})).points.length).toBeGreaterThan(0);
    await expect(trackers.track('inspector:wang.dispatch', {})).rejects.toMatchObject({ status: 404 });
    await expect(trackers.track('team-9', {})).rejects.toMatchObject({ status: 404 });
    await expect(trackers.track('inspector:Bad Name', {})).rejects.toMatchObject({ status: 404 });
  });
});
