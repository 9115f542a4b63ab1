import { describe, expect, it } from 'vitest';
import { useStore, type OpenStore } from './records.js';

export function describeMetaRepository(open: OpenStore): void {
  describe('MetaRepository', () => {
    const store = useStore(open);

    it('keeps small facts by key: set replaces, keys are independent', async () => {
      const { meta } = store();
      expect(await meta.get('history.backfilled')).toBeUndefined();
      await meta.set('history.backfilled', '2026-11-01T00:00:00.000Z');
      await meta.set('city.version', '3');
      expect(await meta.get('history.backfilled')).toBe('2026-11-01T00:00:00.000Z');
      await meta.set('history.backfilled', '');
      expect(await meta.get('history.backfilled')).toBe('');
      expect(await meta.get('city.version')).toBe('3');
      expect(await meta.get('other')).toBeUndefined();
    });
  });
}
