import { describe, expect, it } from 'vitest';
import { createGroupCommitter } from '../../server/store/groupCommit.js';

describe('group commit', () => {
  it('commits concurrent submissions together, in order, and answers each caller', async () => {
    const batches: number[][] = [];
    const gc = createGroupCommitter<number, string>(async (items) => {
      batches.push(items);
      return items.map((i) => `ok${i}`);
    });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => gc.submit(i)));
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => `ok${i}`));
    expect(batches.flat()).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(batches.length).toBeLessThan(5);
  });

  it('never runs two batches at once and respects the batch limit', async () => {
    let running = 0;
    let maxRunning = 0;
    const sizes: number[] = [];
    const gc = createGroupCommitter<number, number>(async (items) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      sizes.push(items.length);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return items;
    }, 7);
    await Promise.all(Array.from({ length: 50 }, (_, i) => gc.submit(i)));
    expect(maxRunning).toBe(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(7);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(50);
  });

  it('rejects every caller of a failed batch and recovers for the next', async () => {
    let fail = true;
    const gc = createGroupCommitter<number, number>(async (items) => {
      if (fail) throw new Error('disk full');
      return items;
    });
    const failed = await Promise.allSettled([gc.submit(1), gc.submit(2)]);
    expect(failed.every((r) => r.status === 'rejected')).toBe(true);
    fail = false;
    expect(await gc.submit(3)).toBe(3);
  });
});
