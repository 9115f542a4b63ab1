import { describe, expect, it } from 'vitest';
import type { StoredShift, TrackPoint } from '../../server/store/store.js';
import { HOUR, MINUTE, sortedBy, T0, useStore, type OpenStore } from './records.js';

const point = (teamId: string, minute: number, over: Partial<TrackPoint> = {}): TrackPoint => ({
  teamId,
  at: T0 + minute * MINUTE,
  lon: 119.95 + minute * 1e-4,
  lat: 31.7 - minute * 1e-4,
  status: 'en_route',
  ...over,
});

export function describeTeamRepository(open: OpenStore): void {
  describe('TeamRepository', () => {
    const store = useStore(open);

    it('keeps edited shifts: put replaces, remove restores the default (false when there was none)', async () => {
      const { teams } = store();
      expect(await teams.shifts()).toEqual([]);
      const day: StoredShift = { teamId: 'team-1', shift: { start: '08:00', end: '17:30' }, updatedAt: T0, updatedBy: 'admin' };
      const night: StoredShift = { teamId: 'team-2', shift: { start: '22:00', end: '06:00' }, updatedAt: T0 + 1, updatedBy: '值班长 李强' };
      await teams.putShift(day);
      await teams.putShift(night);
      expect(sortedBy(await teams.shifts(), (s) => s.teamId)).toEqual([day, night]);
      const roundTheClock: StoredShift = { teamId: 'team-1', shift: { start: '00:00', end: '24:00' }, updatedAt: T0 + HOUR, updatedBy: 'admin-2' };
      await teams.putShift(roundTheClock);
      expect(sortedBy(await teams.shifts(), (s) => s.teamId)).toEqual([roundTheClock, night]);
      expect(await teams.removeShift('team-2')).toBe(true);
      expect(await teams.removeShift('team-2')).toBe(false);
      expect(await teams.removeShift('team-9')).toBe(false);
      expect(await teams.shifts()).toEqual([roundTheClock]);
    });

    it("gives every team's points in [since, until), team by team, each oldest first", async () => {
      const { teams } = store();
      await teams.appendTrack([point('team-2', 3), point('team-1', 1), point('team-2', 1), point('team-1', 0), point('team-1', 9)]);
      expect(await teams.tracksBetween(T0 + MINUTE, T0 + 5 * MINUTE)).toEqual([point('team-1', 1), point('team-2', 1), point('team-2', 3)]);
      expect(await teams.tracksBetween(T0 + HOUR, T0 + 2 * HOUR)).toEqual([]);
    });

    it("gives a team's track in [since, until), oldest first, at most limit points", async () => {
      const { teams } = store();
      await teams.appendTrack([]);
      // Written out of order and interleaved with another team.
      const mine = [0, 1, 2, 3, 4, 5].map((m) => point('team-1', m, { status: m < 3 ? 'en_route' : 'on_site' }));
      const theirs = [0, 2, 4].map((m) => point('team-2', m, { status: 'available' }));
      await teams.appendTrack([mine[3]!, theirs[0]!, mine[0]!, mine[5]!]);
      await teams.appendTrack([mine[1]!, theirs[2]!, mine[4]!, theirs[1]!, mine[2]!]);
      expect(await teams.track('team-1', T0, T0 + HOUR, 100)).toEqual(mine);
      expect(await teams.track('team-2', T0, T0 + HOUR, 100)).toEqual(theirs);
      expect(await teams.track('team-1', T0 + MINUTE, T0 + 4 * MINUTE, 100)).toEqual(mine.slice(1, 4));
      expect(await teams.track('team-1', T0, T0 + HOUR, 2)).toEqual(mine.slice(0, 2));
      expect(await teams.track('team-1', T0 + 2 * MINUTE, T0 + HOUR, 3)).toEqual(mine.slice(2, 5));
      expect(await teams.track('team-1', T0 + 6 * MINUTE, T0 + HOUR, 100)).toEqual([]);
      expect(await teams.track('team-9', T0, T0 + HOUR, 100)).toEqual([]);
    });

    it('prunes the points older than a time, every team, and says how many', async () => {
      const { teams } = store();
      const points = [0, 1, 2, 3].flatMap((m) => [point('team-1', m), point('team-2', m)]);
      await teams.appendTrack(points);
      expect(await teams.pruneTracks(T0 + 2 * MINUTE)).toBe(4);
      expect(await teams.track('team-1', 0, T0 + HOUR, 100)).toEqual([point('team-1', 2), point('team-1', 3)]);
      expect(await teams.track('team-2', 0, T0 + HOUR, 100)).toEqual([point('team-2', 2), point('team-2', 3)]);
      expect(await teams.pruneTracks(T0 + 2 * MINUTE)).toBe(0);
      expect(await teams.pruneTracks(T0 + HOUR)).toBe(4);
      expect(await teams.track('team-1', 0, T0 + HOUR, 100)).toEqual([]);
    });
  });
}
