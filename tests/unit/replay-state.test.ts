import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chinaTime, clockReducer, INITIAL_CLOCK, previousChinaDay } from '../../client/replay/replayClock.js';
import { decodeTracks, eventsAround, foldStatesAt, openCases, ReplayCursor, statusName, storyOf, teamPositionAt, trailAt, type DecodedTrack } from '../../client/replay/replayState.js';
import { deltaCode, flatMetres, thinTrack, type TimedPoint } from '../../server/replay/trackThinning.js';
import { IncidentStatus, TERMINAL_STATUSES, type TeamStatus } from '../../shared/index.js';
import type { ReplayAnswer } from '../../shared/schema/replay.js';

/**
 * The after-action replay's pure parts (issue 15): the state at a moment is the opening folded with
 * the events up to it, however the cursor got there; crews move on straight lines between the kept
 * points of a track thinned within its tolerance.
 */

type Log = Pick<ReplayAnswer, 'cases' | 'opening' | 'events'>;

const STATUSES = IncidentStatus.options;

/** A random log: some cases open at the start, events in time order (ties included). */
const logArb = fc
  .record({
    cases: fc.integer({ min: 1, max: 12 }),
    opening: fc.array(fc.tuple(fc.nat(11), fc.constantFrom(...STATUSES), fc.option(fc.nat(3), { nil: null })), { maxLength: 6 }),
    events: fc.array(fc.tuple(fc.nat(3_600_000), fc.nat(11), fc.constantFrom(...STATUSES), fc.option(fc.nat(3), { nil: null })), { maxLength: 60 }),
  })
  .map(({ cases, opening, events }): Log => {
    const open = new Map<number, [string, number | null]>();
    for (const [c, s, t] of opening) if (c < cases) open.set(c, [s, t]);
    const ev = events.filter(([, c]) => c < cases).sort((a, b) => a[0] - b[0]);
    return {
      cases: { id: [...Array(cases).keys()].map((i) => `c${i}`), number: Array(cases).fill(null), category: Array(cases).fill('E0102'), lon: Array(cases).fill(119.9), lat: Array(cases).fill(31.7), town: Array(cases).fill('t') },
      opening: { case: [...open.keys()], status: [...open.values()].map((v) => v[0] as never), team: [...open.values()].map((v) => v[1]) },
      events: { t: ev.map((e) => e[0]), case: ev.map((e) => e[1]), action: ev.map(() => null), status: ev.map((e) => e[2]), team: ev.map((e) => e[3]), actor: ev.map(() => null) },
    };
  });

/** The status of each case at t, read the slow way: its last event at or before t, else its opening. */
function naiveStatuses(log: Log, t: number): (string | null)[] {
  return log.cases.id.map((_, c) => {
    let s: string | null = null;
    log.opening.case.forEach((oc, k) => {
      if (oc === c) s = log.opening.status[k]!;
    });
    log.events.case.forEach((ec, i) => {
      if (ec === c && log.events.t[i]! <= t) s = log.events.status[i]!;
    });
    return s;
  });
}

const statusesOf = (s: { status: Int8Array }) => [...s.status].map(statusName);

describe('the replay state', () => {
  it('at any moment is the opening folded with the events up to it', () => {
    fc.assert(
      fc.property(logArb, fc.integer({ min: -1, max: 3_700_000 }), (log, t) => {
        const folded = foldStatesAt(log, t);
        expect(statusesOf(folded)).toEqual(naiveStatuses(log, t));
        const open = naiveStatuses(log, t).flatMap((s, i) => (s !== null && !TERMINAL_STATUSES.includes(s as never) ? [i] : []));
        expect(openCases(folded)).toEqual(open);
      }),
    );
  });

  it('is the same however the cursor stepped there, forward or backward', () => {
    fc.assert(
      fc.property(logArb, fc.array(fc.integer({ min: -10, max: 3_700_000 }), { minLength: 1, maxLength: 12 }), (log, seeks) => {
        const cursor = new ReplayCursor(log);
        for (const t of seeks) {
          cursor.seek(t);
          const folded = foldStatesAt(log, t);
          expect(cursor.states.status).toEqual(folded.status);
          expect(cursor.states.team).toEqual(folded.team);
          expect(cursor.position).toBe(log.events.t.filter((x) => x <= t).length);
        }
      }),
    );
  });

  it('lists what happens around a moment, newest first, and a case’s story, oldest first', () => {
    const log: Log['events'] = { t: [10, 20, 20, 35, 50], case: [0, 1, 0, 1, 0], action: [null, null, 'accept', 'accept', 'register'], status: ['reported', 'reported', 'accepted', 'accepted', 'registered'], team: [null, null, null, null, null], actor: [null, null, null, null, null] };
    expect(eventsAround({ events: log }, 35, 20)).toEqual([3, 2, 1]);
    expect(eventsAround({ events: log }, 5, 20)).toEqual([]);
    expect(storyOf({ events: log }, 0)).toEqual([0, 2, 4]);
  });
});

const track = (pts: [number, number, number, TeamStatus?][], breaks: number[] = []): DecodedTrack => ({
  team: 0,
  t: pts.map((p) => p[0]),
  lon: pts.map((p) => p[1]),
  lat: pts.map((p) => p[2]),
  statuses: pts.flatMap((p) => (p[3] ? [[p[0], p[3]] as [number, TeamStatus]] : [])),
  breaks: new Set(breaks),
});

describe('a crew on the replay', () => {
  it('moves on a straight line between its track points, at the pace the times give', () => {
    const tr = track([[0, 120, 31, 'available'], [60_000, 120.01, 31.02, 'en_route'], [120_000, 120.01, 31.02]]);
    const mid = teamPositionAt(tr, 30_000)!;
    expect([mid.lon, mid.lat, mid.status]).toEqual([expect.closeTo(120.005, 9), expect.closeTo(31.01, 9), 'available']);
    const q = teamPositionAt(tr, 15_000)!;
    expect(q.lon).toBeCloseTo(120.0025, 9);
    expect(q.lat).toBeCloseTo(31.005, 9);
    expect(teamPositionAt(tr, 60_000)).toEqual({ lon: 120.01, lat: 31.02, status: 'en_route' });
    expect(teamPositionAt(tr, 90_000)).toEqual({ lon: 120.01, lat: 31.02, status: 'en_route' });
    expect(teamPositionAt(tr, -1)).toBeNull();
    // Held a while past its last point, then gone (no longer reporting).
    expect(teamPositionAt(tr, 120_000 + 60_000)?.lon).toBe(120.01);
    expect(teamPositionAt(tr, 120_000 + 10 * 60_000)).toBeNull();
    // The trail ends where the crew is, and starts where it was a span ago.
    const trail = trailAt(tr, 90_000, 60_000);
    expect(trail.length).toBe(3);
    expect(trail.flat().map((v) => Number(v.toFixed(9)))).toEqual([120.005, 31.01, 120.01, 31.02, 120.01, 31.02]);
  });

  it('draws no line across a silence: held where last heard from, then gone, its trail starting again after it', () => {
    // Heard until 2 min, silent until 30 min, then somewhere else.
    const tr = track([[0, 120, 31, 'available'], [120_000, 120.01, 31], [1_800_000, 120.2, 31.1], [1_860_000, 120.21, 31.1]], [2]);
    expect(teamPositionAt(tr, 60_000)!.lon).toBeCloseTo(120.005, 9);
    expect(teamPositionAt(tr, 120_000 + 4 * 60_000)!.lon).toBe(120.01);
    expect(teamPositionAt(tr, 120_000 + 10 * 60_000)).toBeNull();
    expect(teamPositionAt(tr, 1_800_000)!.lon).toBe(120.2);
    const trail = trailAt(tr, 1_830_000, 60 * 60_000);
    expect(trail[0]).toEqual([120.2, 31.1]);
    expect(trail.every(([lon]) => lon >= 120.2)).toBe(true);
  });

  it('stays within the tolerance of every stored point once the track is thinned, its status changes kept', () => {
    const walk = fc.array(fc.tuple(fc.integer({ min: 1, max: 60 }).map((s) => s * 1000), fc.integer({ min: -300, max: 300 }), fc.integer({ min: -300, max: 300 }), fc.boolean()), { minLength: 1, maxLength: 300 });
    fc.assert(
      fc.property(walk, fc.constantFrom(5, 10, 30), (steps, tol) => {
        let at = 0;
        let x = 11_995_000;
        let y = 3_170_000;
        let status: TeamStatus = 'available';
        const pts: (TimedPoint & { status: TeamStatus })[] = [];
        for (const [dt, dx, dy, flip] of steps) {
          at += dt;
          x += dx;
          y += dy;
          if (flip) status = status === 'available' ? 'en_route' : 'available';
          pts.push({ at, lon: x / 1e5, lat: y / 1e5, status });
        }
        const pinned = new Set<number>();
        for (let i = 1; i < pts.length; i++) if (pts[i]!.status !== pts[i - 1]!.status) pinned.add(i);
        const kept = thinTrack(pts, tol, pinned);
        expect(kept[0]).toBe(0);
        expect(kept.at(-1)).toBe(pts.length - 1);
        for (const i of pinned) expect(kept).toContain(i);
        // Through the wire's coding, as the page reads it.
        const [decoded] = decodeTracks({
          tracks: [{ team: 0, t: deltaCode(kept.map((i) => pts[i]!.at / 1000)), x: deltaCode(kept.map((i) => Math.round(pts[i]!.lon * 1e5))), y: deltaCode(kept.map((i) => Math.round(pts[i]!.lat * 1e5))), statuses: [], breaks: [] }],
        });
        for (const p of pts) {
          const q = teamPositionAt(decoded!, p.at)!;
          expect(flatMetres(p, q)).toBeLessThanOrEqual(tol + 0.01);
        }
      }),
    );
  });

  it('keeps few points of a steady run along a road', () => {
    const pts = Array.from({ length: 500 }, (_, i) => ({ at: i * 5_000, lon: 119.95 + i * 5e-4, lat: 31.7 }));
    expect(thinTrack(pts, 10)).toEqual([0, 499]);
    // A stop from the 250th point to the 350th: the line from start to end would put it 1.4 km off.
    const stop = pts.map((p, i) => (i >= 250 && i < 350 ? { ...p, lon: pts[250]!.lon } : i >= 350 ? { ...p, lon: p.lon - 100 * 5e-4 } : p));
    expect(thinTrack(stop, 10)).toEqual([0, 250, 350, 499]);
  });
});

describe('the replay clock', () => {
  it('runs at its speed while playing, stops at the end, and plays again from the start', () => {
    let c = clockReducer(INITIAL_CLOCK, { type: 'load', end: 3_600_000 });
    expect(c).toMatchObject({ t: 0, playing: false, speed: 60 });
    c = clockReducer(c, { type: 'tick', realMs: 1000 });
    expect(c.t).toBe(0);
    c = clockReducer(clockReducer(c, { type: 'speed', speed: 300 }), { type: 'play' });
    c = clockReducer(c, { type: 'tick', realMs: 2000 });
    expect(c.t).toBe(600_000);
    c = clockReducer(c, { type: 'tick', realMs: 60_000 });
    expect(c).toMatchObject({ t: 3_600_000, playing: false });
    c = clockReducer(c, { type: 'play' });
    expect(c).toMatchObject({ t: 0, playing: true });
    expect(clockReducer(c, { type: 'seek', t: -5 }).t).toBe(0);
    expect(clockReducer(c, { type: 'seek', t: 9e9 }).t).toBe(3_600_000);
  });

  it('reads China time', () => {
    expect(chinaTime(Date.parse('2026-12-05T16:00:07Z'), true)).toBe('2026-12-06 00:00:07');
    expect(previousChinaDay(Date.parse('2026-12-06T15:59:00Z'))).toBe('2026-12-05');
    expect(previousChinaDay(Date.parse('2026-12-06T16:01:00Z'))).toBe('2026-12-06');
  });
});
