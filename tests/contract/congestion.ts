import { describe, expect, it } from 'vitest';
import type { CongestionSlotRow } from '../../server/store/store.js';
import { useStore, type OpenStore } from './records.js';

const row = (area: string, slot: number, index: number): CongestionSlotRow => ({ area, slot, index });

export function describeCongestionRepository(open: OpenStore): void {
  describe('CongestionRepository', () => {
    const store = useStore(open);

    it('keeps each area\'s index per slot, replaces a slot stored again, and prunes the old ones', async () => {
      const { congestion } = store();
      await congestion.put([]);
      await congestion.put([row('centre', 5_900_001, 0.61), row('320412100', 5_900_000, 0.9), row('centre', 5_900_000, 0.5), row('centre', 5_900_002, 0.7)]);
      expect(await congestion.between(5_900_000, 5_900_002)).toEqual([row('320412100', 5_900_000, 0.9), row('centre', 5_900_000, 0.5), row('centre', 5_900_001, 0.61)]);
      expect(await congestion.between(5_900_000, 5_900_003, ['centre'])).toHaveLength(3);
      await congestion.put([row('centre', 5_900_000, 0.45)]);
      expect((await congestion.between(5_900_000, 5_900_001, ['centre']))[0]!.index).toBe(0.45);
      expect(await congestion.slotsStored(5_900_000, 5_900_010)).toEqual([5_900_000, 5_900_001, 5_900_002]);
      expect(await congestion.prune(5_900_001)).toBe(2);
      expect(await congestion.slotsStored(0, 6_000_000)).toEqual([5_900_001, 5_900_002]);
    });
  });
}
