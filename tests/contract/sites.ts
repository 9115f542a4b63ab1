import { describe, expect, it } from 'vitest';
import type { StoredSite } from '../../server/store/store.js';
import { useStore, type OpenStore } from './records.js';

const site = (id: string, over: Partial<StoredSite> = {}): StoredSite => ({
  id,
  kind: 'vacant_lot',
  name: { zh: `${id}号闲置地块`, en: `Vacant Lot ${id}` },
  geometry: { type: 'Polygon', coordinates: [[[119.95, 31.7], [119.951, 31.7], [119.951, 31.701], [119.95, 31.7]]] },
  owner: null,
  areaM2: 4200,
  status: 'idle',
  treatedAt: null,
  townCode: '320412100',
  updatedAt: 1_796_000_000_000,
  updatedBy: 'system:default-city',
  ...over,
});

export function describeSiteRepository(open: OpenStore): void {
  describe('SiteRepository', () => {
    const store = useStore(open);

    it('keeps sites by id, replacing one put again, and gives them back as they were put', async () => {
      const { sites } = store();
      expect(await sites.all()).toEqual([]);
      await sites.put([site('lot-2'), site('lot-1', { kind: 'material_yard', owner: '某公司' })]);
      expect((await sites.all()).map((s) => s.id)).toEqual(['lot-1', 'lot-2']);
      const fenced = site('lot-2', { status: 'fenced', treatedAt: 1_796_100_000_000, owner: '湖塘镇', updatedBy: 'admin', updatedAt: 1_796_100_000_001 });
      await sites.put([fenced]);
      expect(await sites.get('lot-2')).toEqual(fenced);
      expect(await sites.get('lot-9')).toBeUndefined();
    });

    it('puts all or none: a site the store refuses leaves the others unwritten', async () => {
      const { sites } = store();
      await expect(sites.put([site('lot-1'), site('lot-2', { status: 'paved' as never })])).rejects.toThrow();
      expect(await sites.all()).toEqual([]);
    });

    it('reads a site\'s audit trail, oldest first, and only its own', async () => {
      const { sites, audit } = store();
      const entry = (objectId: string, at: number, to: string) => ({ at, actor: 'admin', role: 'admin' as const, action: 'site.update', objectType: 'site', objectId, detail: { changes: { status: { from: 'idle', to } } } });
      await audit.append(entry('lot-1', 1, 'fenced'));
      await audit.append(entry('lot-2', 2, 'greened'));
      await audit.append({ ...entry('lot-1', 3, 'x'), objectType: 'user' });
      await audit.append(entry('lot-1', 4, 'greened'));
      expect(await sites.auditTrail('lot-1')).toEqual([
        { at: 1, actor: 'admin', action: 'site.update', detail: { changes: { status: { from: 'idle', to: 'fenced' } } } },
        { at: 4, actor: 'admin', action: 'site.update', detail: { changes: { status: { from: 'idle', to: 'greened' } } } },
      ]);
      expect(await sites.auditTrail('lot-3')).toEqual([]);
    });
  });
}
