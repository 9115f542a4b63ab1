import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/index.js';
import type { NewAuditEntry } from '../../server/store/authStore.js';
import { iso, MINUTE, T0, useStore, type OpenStore } from './records.js';

const entry = (k: number, over: Partial<NewAuditEntry> = {}): NewAuditEntry => ({
  at: T0 + k * MINUTE,
  actor: `admin-${k}`,
  role: 'admin',
  action: 'user.update',
  objectType: 'user',
  objectId: String(k),
  ...over,
});

/** The entry as read back, without its id. */
const asRead = (e: NewAuditEntry): Omit<AuditEntry, 'id'> => ({
  at: iso(e.at),
  actor: e.actor,
  role: e.role,
  action: e.action,
  objectType: e.objectType,
  objectId: e.objectId,
  detail: e.detail ?? null,
  address: e.address ?? null,
});

const withoutId = ({ id: _id, ...rest }: AuditEntry) => ({ ...rest, detail: rest.detail ?? null });

export function describeAuditRepository(open: OpenStore): void {
  describe('AuditRepository', () => {
    const store = useStore(open);

    it('reads the entries back newest first, as written', async () => {
      const { audit } = store();
      expect(await audit.read(10)).toEqual([]);
      const written = [
        entry(1, { detail: { from: { role: 'field' }, to: { role: 'leader' }, note: '调岗 "x"' }, address: '10.0.0.7' }),
        entry(2, { role: 'system', actor: 'system', action: 'history.backfill', objectType: 'store', objectId: 'incidents', detail: 12345 }),
        entry(3),
        entry(4, { detail: ['a', 1, null, true] }),
      ];
      for (const e of written) await audit.append(e);
      const read = await audit.read(10);
      expect(read.map(withoutId)).toEqual([...written].reverse().map(asRead));
      const ids = read.map((e) => e.id);
      expect(ids.every((id) => Number.isInteger(id))).toBe(true);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('pages back by id: entries before an id, newest first, without loss or repeat', async () => {
      const { audit } = store();
      for (let k = 1; k <= 7; k++) await audit.append(entry(k));
      const all = await audit.read(100);
      expect(all.map((e) => e.objectId)).toEqual(['7', '6', '5', '4', '3', '2', '1']);
      expect(await audit.read(3)).toEqual(all.slice(0, 3));
      for (const limit of [1, 2, 3]) {
        const paged: AuditEntry[] = [];
        for (let page = await audit.read(limit); page.length > 0; page = await audit.read(limit, page[page.length - 1]!.id)) {
          expect(page.length).toBeLessThanOrEqual(limit);
          paged.push(...page);
        }
        expect(paged).toEqual(all);
      }
      expect(await audit.read(100, all[2]!.id)).toEqual(all.slice(3));
      expect(await audit.read(100, all[all.length - 1]!.id)).toEqual([]);
    });

    it('is append-only: later entries never change the earlier ones', async () => {
      const { audit } = store();
      await audit.append(entry(1, { detail: { n: 1 } }));
      await audit.append(entry(2));
      const before = await audit.read(10);
      await audit.append(entry(3, { objectId: '1', detail: { n: 2 } }));
      const after = await audit.read(10);
      expect(after.slice(1)).toEqual(before);
      expect(after[0]!.id).toBeGreaterThan(before[0]!.id);
    });
  });
}
