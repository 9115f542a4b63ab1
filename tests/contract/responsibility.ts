import { describe, expect, it } from 'vitest';
import type { StoredAssignment, StoredPerson } from '../../server/store/store.js';
import { HOUR, sortedBy, T0, useStore, type OpenStore } from './records.js';

const key = (a: StoredAssignment) => `${a.scope} ${a.code} ${a.role}`;

const person = (id: string, over: Partial<StoredPerson> = {}): StoredPerson => ({
  id,
  name: `监督员 ${id}`,
  role: 'inspector',
  username: null,
  updatedAt: T0,
  updatedBy: 'default roster',
  ...over,
});

const grid = (code: string, role: StoredAssignment['role'], personId: string | null, over: Partial<StoredAssignment> = {}): StoredAssignment => ({
  scope: 'grid',
  code,
  role,
  personId,
  updatedAt: T0,
  updatedBy: 'default roster',
  ...over,
});

export function describeResponsibilityRepository(open: OpenStore): void {
  describe('ResponsibilityRepository', () => {
    const store = useStore(open);

    it('keeps people by id: put adds or replaces, with accounts and who changed them', async () => {
      const { responsibility } = store();
      expect(await responsibility.people()).toEqual([]);
      const a = person('insp-0002');
      const b = person('wkr-0001', { name: '王伟', role: 'grid_worker' });
      const c = person('head-0001', { name: '李强', role: 'grid_head', username: 'lq' });
      await responsibility.putPeople([a, b]);
      await responsibility.putPeople([c]);
      await responsibility.putPeople([]);
      expect(sortedBy(await responsibility.people(), (p) => p.id)).toEqual([c, a, b]);
      const renamed = person('insp-0002', { name: '张敏', username: 'zhangmin', updatedAt: T0 + HOUR, updatedBy: 'admin' });
      await responsibility.putPeople([renamed]);
      expect(sortedBy(await responsibility.people(), (p) => p.id)).toEqual([c, renamed, b]);
    });

    it('keeps assignments by scope, code and role: put replaces, null is nobody, remove says how many there were', async () => {
      const { responsibility } = store();
      expect(await responsibility.assignments()).toEqual([]);
      const g1 = grid('320412100001-R01', 'inspector', 'insp-0001');
      const g1w = grid('320412100001-R01', 'grid_worker', 'wkr-0001');
      const g2 = grid('320412100001-R02', 'inspector', 'insp-0001');
      const cell = grid('320412100001001', 'inspector', null, { scope: 'cell', updatedAt: T0 + HOUR, updatedBy: 'admin' });
      await responsibility.putAssignments([g2, g1, cell, g1w]);
      expect(sortedBy(await responsibility.assignments(), key)).toEqual(sortedBy([cell, g1, g1w, g2], key));
      // The same code in the other scope is another assignment.
      const sameCodeAsGrid = grid('320412100001001', 'inspector', 'insp-0009');
      await responsibility.putAssignments([sameCodeAsGrid]);
      const moved = grid('320412100001-R01', 'inspector', 'insp-0003', { updatedAt: T0 + 2 * HOUR, updatedBy: 'admin' });
      await responsibility.putAssignments([moved]);
      expect(sortedBy(await responsibility.assignments(), key)).toEqual(sortedBy([cell, sameCodeAsGrid, moved, g1w, g2], key));
      expect(
        await responsibility.removeAssignments([
          { scope: 'cell', code: '320412100001001', role: 'inspector' },
          { scope: 'cell', code: '320412100001001', role: 'grid_head' },
          { scope: 'grid', code: '320412100001-R02', role: 'inspector' },
        ]),
      ).toBe(2);
      expect(await responsibility.removeAssignments([])).toBe(0);
      expect(sortedBy(await responsibility.assignments(), key)).toEqual(sortedBy([sameCodeAsGrid, moved, g1w], key));
    });

    it('writes people and assignments with a transaction, or nothing when it fails', async () => {
      const s = store();
      await expect(
        s.transaction(async (tx) => {
          await tx.responsibility.putPeople([person('insp-0001')]);
          await tx.responsibility.putAssignments([grid('320412100001-R01', 'inspector', 'insp-0001')]);
          throw new Error('refused after writing');
        }),
      ).rejects.toThrow('refused after writing');
      expect(await s.responsibility.people()).toEqual([]);
      expect(await s.responsibility.assignments()).toEqual([]);
      await s.transaction(async (tx) => {
        await tx.responsibility.putPeople([person('insp-0001')]);
        await tx.responsibility.putAssignments([grid('320412100001-R01', 'inspector', 'insp-0001')]);
      });
      expect(await s.responsibility.people()).toHaveLength(1);
      expect(await s.responsibility.assignments()).toHaveLength(1);
    });
  });
}
