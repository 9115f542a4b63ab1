import { describe, expect, it } from 'vitest';
import type { StoredCampaign } from '../../server/store/store.js';
import { useStore, type OpenStore } from './records.js';

const campaign = (id: string, over: Partial<StoredCampaign> = {}): StoredCampaign => ({
  id,
  name: { zh: `${id}专项整治`, en: `Campaign ${id}` },
  description: '主干道两侧暴露垃圾\n周均数下降50%',
  scope: { theme: 'main_road_garbage', categories: ['E0102'], area: { kind: 'towns', towns: ['320412100'] } },
  target: { measure: { kind: 'case_count' }, direction: 'down', value: null, change: -0.5 },
  baseline: { since: '2026-10-01T16:00:00.000Z', until: '2026-11-30T16:00:00.000Z' },
  startAt: 1_796_000_000_000,
  deadlineAt: 1_806_000_000_000,
  unitCode: 'huanwei',
  status: 'active',
  closedAt: null,
  createdAt: 1_795_000_000_000,
  createdBy: 'leader',
  updatedAt: 1_795_000_000_000,
  updatedBy: 'leader',
  ...over,
});

export function describeCampaignRepository(open: OpenStore): void {
  describe('CampaignRepository', () => {
    const store = useStore(open);

    it('keeps campaigns by id, by start then id, replacing one put again, as they were put', async () => {
      const { campaigns } = store();
      expect(await campaigns.all()).toEqual([]);
      await campaigns.put(campaign('b', { startAt: 2 }));
      await campaigns.put(campaign('a', { startAt: 2, target: { measure: { kind: 'source_share', sources: ['hotline_12345'] }, direction: 'down', value: 0.2, change: null } }));
      await campaigns.put(campaign('c', { startAt: 1, scope: { theme: null, categories: [], area: { kind: 'polygon', polygon: { type: 'Polygon', coordinates: [[[120, 31], [120.1, 31], [120.1, 31.1], [120, 31]]] } } } }));
      expect((await campaigns.all()).map((c) => c.id)).toEqual(['c', 'a', 'b']);
      const closed = campaign('b', { startAt: 2, status: 'closed', closedAt: 1_797_000_000_000, updatedAt: 1_797_000_000_000, updatedBy: 'admin' });
      await campaigns.put(closed);
      expect(await campaigns.get('b')).toEqual(closed);
      expect(await campaigns.get('a')).toEqual(campaign('a', { startAt: 2, target: { measure: { kind: 'source_share', sources: ['hotline_12345'] }, direction: 'down', value: 0.2, change: null } }));
      expect(await campaigns.get('z')).toBeUndefined();
    });

    it('refuses a status it does not know', async () => {
      const { campaigns } = store();
      await expect(campaigns.put(campaign('a', { status: 'paused' as never }))).rejects.toThrow();
      expect(await campaigns.all()).toEqual([]);
    });

    it("keeps a campaign's measures by span, replaces one kept again, and drops them all at once", async () => {
      const { campaigns } = store();
      await campaigns.put(campaign('a'));
      await campaigns.put(campaign('b'));
      await campaigns.putMeasures([
        { campaignId: 'a', since: 20, until: 30, value: 4 },
        { campaignId: 'a', since: 10, until: 20, value: 2.5 },
        { campaignId: 'b', since: 10, until: 20, value: 7 },
      ]);
      await campaigns.putMeasures([{ campaignId: 'a', since: 10, until: 20, value: 3 }]);
      expect(await campaigns.measures('a')).toEqual([
        { campaignId: 'a', since: 10, until: 20, value: 3 },
        { campaignId: 'a', since: 20, until: 30, value: 4 },
      ]);
      expect(await campaigns.dropMeasures('a')).toBe(2);
      expect(await campaigns.measures('a')).toEqual([]);
      expect(await campaigns.measures('b')).toHaveLength(1);
    });
  });
}
