import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../server/store/sqlite/sqliteStore.js';
import { TrackRecorder, trackPointsWorthKeeping, type TrackPoint } from '../../server/team/teamTrack.js';
import type { Team, TeamStatus } from '../../shared/index.js';
import { makeDataDir, removeDataDir } from '../support/server.js';

const T0 = Date.parse('2026-11-23T02:00:00Z');
/** About 1.1 m of latitude per 1e-5 degree. */
const team = (id: string, lat: number, status: TeamStatus = 'available'): Team => ({
  id, name: { zh: id, en: id }, department: 'huanwei', unitCode: 'huanwei', baseId: 'b', townCode: 't', categories: [], members: 4, status,
  position: { lon: 119.95, lat, at: new Date(T0).toISOString() }, shift: { start: '00:00', end: '24:00' },
});

describe('team tracks', () => {
  it('keep a point when a team moved 15 m, changed status, or stood for a minute; not for GPS jitter', () => {
    const last = new Map<string, TrackPoint>([['a', { teamId: 'a', at: T0, lon: 119.95, lat: 31.7, status: 'available' }]]);
    const at = T0 + 5_000;
    const kept = (t: Team, when = at) => trackPointsWorthKeeping([t], last, when).length;
    expect(kept(team('a', 31.7 + 5e-5))).toBe(0); // 5.6 m
    expect(kept(team('a', 31.7 + 2e-4))).toBe(1); // 22 m
    expect(kept(team('a', 31.7, 'en_route'))).toBe(1);
    expect(kept(team('a', 31.7), T0 + 60_000)).toBe(1);
    expect(kept(team('new', 31.7))).toBe(1);
    expect(trackPointsWorthKeeping([{ ...team('a', 31.7), position: null }], last, at)).toEqual([]);
  });

  describe('in SQLite', () => {
    let dir: string;
    let store: SqliteStore;
    beforeEach(() => {
      dir = makeDataDir();
      store = new SqliteStore(join(dir, 'gw.db'));
    });
    afterEach(async () => {
      await store.close();
      removeDataDir(dir);
    });

    it('records a tick at a time, reads a window oldest first, and prunes the old', async () => {
      const tracks = new TrackRecorder(store.teams);
      let lat = 31.7;
      for (let k = 0; k < 10; k++) {
        // Moves 22 m every other tick, stands still in between.
        if (k % 2 === 0) lat += 2e-4;
        await tracks.record([team('a', lat), team('b', 31.8)], T0 + k * 5_000);
      }
      const a = await tracks.track('a', T0, T0 + 60_000, 100);
      expect(a.map((p) => p.at)).toEqual([0, 2, 4, 6, 8].map((k) => T0 + k * 5_000));
      expect(a.at(-1)!.lat).toBeCloseTo(lat, 9);
      expect((await tracks.track('b', T0, T0 + 60_000, 100)).length).toBe(1);
      expect((await tracks.track('a', T0, T0 + 60_000, 2)).length).toBe(2);
      expect(await tracks.prune(T0 + 20_000)).toBe(3); // a's first two and b's one
      expect((await tracks.track('a', 0, T0 + 60_000, 100)).map((p) => p.at)).toEqual([4, 6, 8].map((k) => T0 + k * 5_000));
    });

    it('keeps reported fixes dated when the team was there, and the next tick judges from them', async () => {
      const tracks = new TrackRecorder(store.teams);
      const fixAt = (s: number, lat: number): TrackPoint => ({ teamId: 'a', at: T0 + s * 1000, lon: 119.95, lat, status: 'available' });
      // A gateway's batch, out of order: 2 s is jitter, 4 s moved 22 m.
      expect(await tracks.recordReported([fixAt(4, 31.7002), fixAt(0, 31.7), fixAt(2, 31.70001)])).toBe(2);
      // The tick finds the team where its last fix put it: nothing new until a minute has passed.
      expect(await tracks.record([team('a', 31.7002)], T0 + 5_000)).toBe(0);
      expect(await tracks.record([team('a', 31.7002)], T0 + 64_000)).toBe(1);
      // A fix from before the tick fills in history and does not become the point to judge from.
      expect(await tracks.recordReported([fixAt(30, 31.7003)])).toBe(1);
      expect(await tracks.record([team('a', 31.7002)], T0 + 70_000)).toBe(0);
      expect((await tracks.track('a', T0, T0 + 120_000, 100)).map((p) => (p.at - T0) / 1000)).toEqual([0, 4, 30, 64]);
    });
  });
});
