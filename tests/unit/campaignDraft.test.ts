import { describe, expect, it } from 'vitest';
import { Campaign, NewCampaign } from '../../shared/index.js';
import { blankDraft, changeOf, dayEndIso, dayStartIso, draftOf, newCampaignOf } from '../../client/campaign/campaignDraft.js';

/**
 * The campaign form's draft (client/campaign/campaignDraft.ts): China-time days to the API's instants
 * (a deadline day is included: its end is the next midnight), per cents to fractions, and a stored
 * campaign read back into the form and out again unchanged.
 */

const stored: Campaign = {
  id: 'weak-areas',
  name: { zh: '薄弱区域监督提升', en: 'Weak areas' },
  description: '公众举报占比较基线下降30%。',
  scope: { theme: null, categories: ['E0102'], area: { kind: 'towns', towns: ['320412100', '320412101'] } },
  target: { measure: { kind: 'source_share', sources: ['hotline_12345', 'citizen_app'] }, direction: 'down', value: null, change: -0.3 },
  // China midnights: 2026-10-01 00:00 +08:00 and 2026-11-01 00:00 +08:00.
  baseline: { since: '2026-09-30T16:00:00.000Z', until: '2026-10-31T16:00:00.000Z' },
  startAt: '2026-11-07T16:00:00.000Z',
  deadlineAt: '2027-09-30T16:00:00.000Z',
  unitCode: 'cgzf',
  status: 'active',
  closedAt: null,
  createdAt: '2026-12-01T00:00:00.000Z',
  createdBy: 'system',
  updatedAt: '2026-12-01T00:00:00.000Z',
  updatedBy: 'system',
};

describe('campaign draft', () => {
  it('maps China-time days to the instants the API keeps', () => {
    expect(dayStartIso('2026-12-07')).toBe('2026-12-06T16:00:00.000Z');
    expect(dayEndIso('2026-12-31')).toBe('2026-12-31T16:00:00.000Z');
  });

  it('reads a stored campaign into the form and writes it back unchanged', () => {
    const d = draftOf(stored);
    expect(d).toMatchObject({ start: '2026-11-08', deadline: '2027-09-30', baselineSince: '2026-10-01', baselineUntil: '2026-10-31', changePct: '-30', areaKind: 'towns', measure: 'source_share' });
    const back = changeOf(d);
    expect(back).toEqual({ name: stored.name, description: stored.description, scope: stored.scope, target: stored.target, baseline: stored.baseline, startAt: stored.startAt, deadlineAt: stored.deadlineAt, unitCode: stored.unitCode });
  });

  it('keeps a drawn area through an edit', () => {
    const ring: [number, number][] = [[119.9, 31.7], [120.0, 31.7], [120.0, 31.8], [119.9, 31.7]];
    const polygon = { type: 'Polygon' as const, coordinates: [ring] };
    const drawn: Campaign = { ...stored, scope: { ...stored.scope, area: { kind: 'polygon', polygon } } };
    expect(changeOf(draftOf(drawn)).scope!.area).toEqual({ kind: 'polygon', polygon });
  });

  it('makes a request the wire schema takes: a share typed in per cent, the English name from the Chinese when left empty', () => {
    const d = { ...blankDraft(Date.parse('2026-12-06T18:00:00Z'), 'huanwei'), nameZh: ' 占道经营整治 ', measure: 'source_share' as const, targetKind: 'value' as const, value: '25' };
    expect(d.start).toBe('2026-12-07');
    const body = NewCampaign.parse(newCampaignOf(d));
    expect(body.name).toEqual({ zh: '占道经营整治', en: '占道经营整治' });
    expect(body.target).toEqual({ measure: { kind: 'source_share', sources: ['hotline_12345', 'citizen_app'] }, direction: 'down', value: 0.25, change: null });
    expect(body.scope.area).toEqual({ kind: 'district' });
    expect(Date.parse(body.deadlineAt)).toBeGreaterThan(Date.parse(body.startAt));
    expect(Date.parse(body.baseline.until)).toBe(Date.parse(body.startAt));
  });

  it('leaves an empty target for the API to refuse', () => {
    const d = { ...blankDraft(Date.now(), 'huanwei'), nameZh: '整治', changePct: '' };
    expect(NewCampaign.safeParse(JSON.parse(JSON.stringify(newCampaignOf(d)))).success).toBe(false);
  });
});
