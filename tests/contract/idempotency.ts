import { describe, expect, it } from 'vitest';
import type { StoredAnswer } from '../../server/store/store.js';
import { MINUTE, T0, useStore, type OpenStore } from './records.js';

const answer = (principal: string, key: string, over: Partial<StoredAnswer> = {}): StoredAnswer => ({
  principal,
  key,
  request: 'POST /api/cases/inc-1/actions',
  status: 200,
  body: JSON.stringify({ seq: 7, note: '已受理' }),
  at: T0,
  ...over,
});

export function describeIdempotencyRepository(open: OpenStore): void {
  describe('IdempotencyRepository', () => {
    const store = useStore(open);

    it('keeps the first answer for a key: a second is ignored', async () => {
      const { idempotency } = store();
      expect(await idempotency.get('user:1', 'k-1')).toBeUndefined();
      const first = answer('user:1', 'k-1');
      await idempotency.put(first);
      expect(await idempotency.get('user:1', 'k-1')).toEqual(first);
      await idempotency.put(answer('user:1', 'k-1', { status: 409, body: '{"error":"version_conflict"}', at: T0 + MINUTE, request: 'POST /api/cases/inc-2/actions' }));
      expect(await idempotency.get('user:1', 'k-1')).toEqual(first);
    });

    it('keys answers by principal and key together', async () => {
      const { idempotency } = store();
      const mine = answer('user:1', 'k-1');
      const theirs = answer('token:tok_1', 'k-1', { status: 201, body: '{}' });
      const other = answer('user:1', 'k-2', { status: 422, body: '' });
      for (const a of [mine, theirs, other]) await idempotency.put(a);
      expect(await idempotency.get('user:1', 'k-1')).toEqual(mine);
      expect(await idempotency.get('token:tok_1', 'k-1')).toEqual(theirs);
      expect(await idempotency.get('user:1', 'k-2')).toEqual(other);
      expect(await idempotency.get('token:tok_1', 'k-2')).toBeUndefined();
    });

    it('prunes the answers older than a time and says how many', async () => {
      const { idempotency } = store();
      const old = [answer('u', 'a', { at: T0 }), answer('u', 'b', { at: T0 + MINUTE }), answer('v', 'a', { at: T0 + 2 * MINUTE })];
      const recent = answer('u', 'c', { at: T0 + 10 * MINUTE });
      for (const a of [...old, recent]) await idempotency.put(a);
      expect(await idempotency.prune(T0 + 5 * MINUTE)).toBe(3);
      for (const a of old) expect(await idempotency.get(a.principal, a.key)).toBeUndefined();
      expect(await idempotency.get('u', 'c')).toEqual(recent);
      expect(await idempotency.prune(T0 + 5 * MINUTE)).toBe(0);
      // A pruned key takes a new first answer.
      const again = answer('u', 'a', { at: T0 + 20 * MINUTE, status: 201 });
      await idempotency.put(again);
      expect(await idempotency.get('u', 'a')).toEqual(again);
    });
  });
}
