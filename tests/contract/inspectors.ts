import { describe, expect, it } from 'vitest';
import type { InspectorTrackPoint } from '../../server/store/store.js';
import { HOUR, MINUTE, T0, useStore, type OpenStore } from './records.js';

const point = (username: string, minute: number, over: Partial<InspectorTrackPoint> = {}): InspectorTrackPoint => ({
  username,
  at: T0 + minute * MINUTE,
  lon: 119.95 + minute * 1e-4,
  lat: 31.7 - minute * 1e-4,
  ...over,
});

export function describeInspectorRepository(open: OpenStore): void {
  describe('InspectorRepository', () => {
    const store = useStore(open);

    it("gives an inspector's track in [since, until), oldest first, at most limit points", async () => {
      const { inspectors } = store();
      await inspectors.appendTrack([]);
      // Written out of order (a phone's buffer arriving late) and interleaved with another inspector.
      const mine = [0, 1, 2, 3, 4, 5].map((m) => point('zhang.wei', m));
      const theirs = [0, 2, 4].map((m) => point('li.na', m));
      await inspectors.appendTrack([mine[3]!, theirs[0]!, mine[0]!, mine[5]!]);
      await inspectors.appendTrack([mine[1]!, theirs[2]!, mine[4]!, theirs[1]!, mine[2]!]);
      expect(await inspectors.track('zhang.wei', T0, T0 + HOUR, 100)).toEqual(mine);
      expect(await inspectors.track('li.na', T0, T0 + HOUR, 100)).toEqual(theirs);
      expect(await inspectors.track('zhang.wei', T0 + MINUTE, T0 + 4 * MINUTE, 100)).toEqual(mine.slice(1, 4));
      expect(await inspectors.track('zhang.wei', T0, T0 + HOUR, 2)).toEqual(mine.slice(0, 2));
      expect(await inspectors.track('zhang.wei', T0 + 6 * MINUTE, T0 + HOUR, 100)).toEqual([]);
      expect(await inspectors.track('nobody', T0, T0 + HOUR, 100)).toEqual([]);
    });

    it('gives every inspector\'s points in [since, until), inspector by inspector, each oldest first', async () => {
      const { inspectors } = store();
      await inspectors.appendTrack([point('zhang.wei', 3), point('li.na', 1), point('zhang.wei', 1), point('li.na', 0), point('zhang.wei', 9)]);
      expect(await inspectors.tracksBetween(T0 + MINUTE, T0 + 5 * MINUTE)).toEqual([point('li.na', 1), point('zhang.wei', 1), point('zhang.wei', 3)]);
      expect(await inspectors.tracksBetween(T0 + HOUR, T0 + 2 * HOUR)).toEqual([]);
    });

    it('keeps one point per inspector and millisecond: a re-sent fix replaces its own point', async () => {
      const { inspectors } = store();
      await inspectors.appendTrack([point('zhang.wei', 0), point('li.na', 0)]);
      const corrected = point('zhang.wei', 0, { lon: 119.96, lat: 31.71 });
      await inspectors.appendTrack([corrected]);
      expect(await inspectors.track('zhang.wei', T0, T0 + HOUR, 100)).toEqual([corrected]);
      expect(await inspectors.track('li.na', T0, T0 + HOUR, 100)).toEqual([point('li.na', 0)]);
    });

    it('prunes the points older than a time, every inspector, and says how many', async () => {
      const { inspectors } = store();
      await inspectors.appendTrack([0, 1, 2, 3].flatMap((m) => [point('zhang.wei', m), point('li.na', m)]));
      expect(await inspectors.pruneTracks(T0 + 2 * MINUTE)).toBe(4);
      expect(await inspectors.track('zhang.wei', 0, T0 + HOUR, 100)).toEqual([point('zhang.wei', 2), point('zhang.wei', 3)]);
      expect(await inspectors.pruneTracks(T0 + 2 * MINUTE)).toBe(0);
      expect(await inspectors.pruneTracks(T0 + HOUR)).toBe(4);
      expect(await inspectors.track('li.na', 0, T0 + HOUR, 100)).toEqual([]);
    });

    it('writes nothing of a transaction that rolls back', async () => {
      const s = store();
      await expect(
        s.transaction(async (tx) => {
          await tx.inspectors.appendTrack([point('zhang.wei', 0)]);
          throw new Error('refused after the write');
        }),
      ).rejects.toThrow('refused after the write');
      expect(await s.inspectors.track('zhang.wei', 0, T0 + HOUR, 100)).toEqual([]);
    });
  });
}
