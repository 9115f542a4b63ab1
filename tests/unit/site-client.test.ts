import { describe, expect, it } from 'vitest';
import type { Site } from '../../shared/index.js';
import { siteRateClassByRank, siteRateClasses } from '../../client/layers/siteLayer.js';
import { changeOf, draftOf, editDraft } from '../../client/site/siteEdit.js';
import { siteIdOfPath, sitePath } from '../../client/routing.js';

const site: Site = {
  id: 'lot-7',
  kind: 'vacant_lot',
  name: { zh: '湖塘镇7号闲置地块', en: 'Hutang Vacant Lot 7' },
  geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] },
  owner: null,
  areaM2: 5000,
  status: 'idle',
  treatedAt: null,
  townCode: '320412100',
  updatedAt: '2026-12-01T00:00:00.000Z',
  updatedBy: 'system:default-city',
};

describe('the sites layer classes', () => {
  it('are by rank among the sites with incidents: the worst always on top, none apart, ties together', () => {
    expect(siteRateClasses([0, 2.5, 1.9, 1.8, 0.7, 0.38, 0.25, 0])).toEqual([0, 4, 3, 2, 1, 1, 1, 0]);
    // Twenty sites 1..20: the top two are the top tenth, the next three 10–25 %, the next five 25–50 %.
    const twenty = siteRateClasses(Array.from({ length: 20 }, (_, i) => 20 - i));
    expect(twenty).toEqual([4, 4, 3, 3, 3, 2, 2, 2, 2, 2, ...Array(10).fill(1)]);
    expect(siteRateClasses([3, 3, 1])).toEqual([4, 4, 1]);
    expect(siteRateClasses([0, 0])).toEqual([0, 0]);
  });

  it('by rank among a kind on a site page', () => {
    expect(siteRateClassByRank(1, 46, 2)).toBe(4);
    expect(siteRateClassByRank(6, 46, 2)).toBe(3);
    expect(siteRateClassByRank(40, 46, 0.1)).toBe(1);
    expect(siteRateClassByRank(1, 46, 0)).toBe(0);
  });
});

describe('the site form', () => {
  it('sends only what changed; a day as its midnight in China time', () => {
    let d = draftOf(site);
    expect(changeOf(site, d)).toBeNull();
    d = editDraft(d, { type: 'status', status: 'fenced' });
    expect(changeOf(site, d)).toEqual({ status: 'fenced' });
    d = editDraft(editDraft(d, { type: 'owner', owner: '  武进经开区管委会 ' }), { type: 'treatedDay', day: '2026-12-02' });
    expect(changeOf(site, d)).toEqual({ status: 'fenced', owner: '武进经开区管委会', treatedAt: '2026-12-02T00:00:00+08:00' });
    const treated: Site = { ...site, status: 'fenced', owner: '某公司', treatedAt: '2026-12-01T16:00:00.000Z' };
    // 16:00 UTC is the next day in China.
    expect(draftOf(treated)).toEqual({ status: 'fenced', owner: '某公司', treatedDay: '2026-12-02' });
    expect(changeOf(treated, editDraft(draftOf(treated), { type: 'owner', owner: '' }))).toEqual({ owner: null });
    expect(changeOf(treated, editDraft(draftOf(treated), { type: 'treatedDay', day: '' }))).toEqual({ treatedAt: null });
    expect(editDraft(d, { type: 'reset', site })).toEqual(draftOf(site));
  });
});

describe('the site page route', () => {
  it('matches /sites/<id> by prefix, and nothing else', () => {
    expect(siteIdOfPath(sitePath('lot-7'))).toBe('lot-7');
    expect(siteIdOfPath('/sites/yard-poi-12')).toBe('yard-poi-12');
    expect(siteIdOfPath('/sites/')).toBeNull();
    expect(siteIdOfPath('/sites/a/b')).toBeNull();
    expect(siteIdOfPath('/dispatch')).toBeNull();
    expect(siteIdOfPath('/sites/%E0%A4%A')).toBeNull();
  });
});
