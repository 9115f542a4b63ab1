import { describe, expect, it } from 'vitest';
import type { CityLayer } from '../../shared/index.js';
import { localDayOf, townCoverageDay } from '../../server/coverage/townDays.js';

const cell = (townCode: string, areaM2: number) =>
  ({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [] }, properties: { code: '', townCode, communityCode: '', responsibilityGridCode: '', landuse: 'residential', areaM2 } }) as unknown as CityLayer<'grid'>['features'][number];

describe('the towns\' daily coverage', () => {
  it('takes the local day in China time', () => {
    expect(localDayOf(Date.parse('2026-12-05T23:59:59+08:00'))).toEqual({ day: '2026-12-05', startMs: Date.parse('2026-12-05T00:00:00+08:00') });
    expect(localDayOf(Date.parse('2026-12-05T16:00:00Z')).day).toBe('2026-12-06');
  });

  it('gives each town the share of its cells patrolled that day, of its area under a camera, of its cells with an inspector', () => {
    const cells = [cell('B', 100), cell('A', 100), cell('A', 300), cell('A', 100), cell('B', 100)];
    const rows = townCoverageDay('2026-12-05', cells, (c) => c === 1 || c === 2 || c === 0, (c) => (c === 2 ? 0.5 : 0), (c) => c !== 3);
    expect(rows).toEqual([
      { day: '2026-12-05', townCode: 'A', patrolled: 0.667, underCamera: 0.3, withInspector: 0.667 },
      { day: '2026-12-05', townCode: 'B', patrolled: 0.5, underCamera: 0, withInspector: 1 },
    ]);
  });
});
