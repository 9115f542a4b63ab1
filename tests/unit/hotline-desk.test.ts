import { describe, expect, it } from 'vitest';
import { NewIncident, type Category, type Incident, type Place } from '../../shared/index.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import {
  boxAround,
  deskReducer,
  EMPTY_DESK,
  matchCategories,
  missingFields,
  moveActive,
  nearbyCases,
  nearbyKey,
  nearbyQuery,
  reportOf,
  saveGate,
  withinRadius,
  type DeskAction,
} from '../../client/hotline/hotlineDesk.js';

const catalog = loadCatalog().categories;
const garbage = catalog.find((c) => c.code === 'E0102')!;
const road: Place = { kind: 'road', id: 'road:湖塘路', name: { zh: '湖塘路', en: 'Hutang Road' }, lon: 119.9564768, lat: 31.7210842, bbox: [119.89, 31.72, 120.01, 31.73] };
const run = (...actions: DeskAction[]) => actions.reduce(deskReducer, EMPTY_DESK);

/** An open case `dNorthM` metres north of the road's middle. */
function caseAt(id: string, dNorthM: number, status: Incident['status'] = 'registered'): Incident {
  return { id, lon: road.lon, lat: road.lat + dNorthM / 111_195, status, reportedAt: `2026-11-23T0${id.length % 9}:00:00.000Z` } as Incident;
}

const filled = run(
  { type: 'callerName', value: ' 李女士 ' },
  { type: 'callerPhone', value: '138 0000 1111' },
  { type: 'nature', nature: 'complaint' },
  { type: 'placePicked', place: road, label: '湖塘路' },
  { type: 'categoryPicked', category: garbage, label: 'E0102 暴露垃圾' },
  { type: 'description', value: '  路边垃圾三天没人清 ' },
);

describe('the 12345 desk’s state', () => {
  it('takes a picked place’s point, moved by the map afterwards', () => {
    expect(filled.point).toEqual([road.lon, road.lat]);
    expect(filled.placeQuery).toBe('湖塘路');
    const moved = deskReducer(filled, { type: 'pointMoved', lon: 119.957, lat: 31.7212 });
    expect(moved.point).toEqual([119.957, 31.7212]);
    expect(moved.place).toBe(road);
    expect(filled.point).toEqual([road.lon, road.lat]);
  });

  it('says what is missing: the phone (not the name), the place and the category', () => {
    expect(missingFields(EMPTY_DESK)).toEqual(['callerPhone', 'place', 'category']);
    expect(missingFields(run({ type: 'callerPhone', value: 'abc' }))).toContain('callerPhone');
    expect(missingFields(filled)).toEqual([]);
    expect(saveGate(EMPTY_DESK)).toBe('incomplete');
  });

  it('waits for the nearby check of the current point and category before filing, and drops answers for an old point', () => {
    const key = nearbyKey(filled)!;
    expect(key).toBe(`E0102@${road.lon.toFixed(5)},${road.lat.toFixed(5)}`);
    expect(saveGate(filled)).toBe('check');
    const loading = deskReducer(filled, { type: 'nearbyLoading', key });
    expect(saveGate(loading)).toBe('check');
    const none = deskReducer(loading, { type: 'nearbyLoaded', key, cases: [] });
    expect(saveGate(none)).toBe('file');
    // An answer for a spot the operator has since left is not taken.
    const stale = deskReducer(loading, { type: 'nearbyLoaded', key: 'E0102@0.00000,0.00000', cases: [] });
    expect(stale.nearby.state).toBe('loading');
    // Moving the pin makes the check stale again.
    expect(saveGate(deskReducer(none, { type: 'pointMoved', lon: 119.96, lat: 31.722 }))).toBe('check');
    // A failed check does not stop the call.
    expect(saveGate(deskReducer(loading, { type: 'nearbyFailed', key, message: 'x' }))).toBe('file');
  });

  it('asks the operator to review open cases nearby, until they choose to file anyway (for that point and category only)', () => {
    const key = nearbyKey(filled)!;
    const cases = withinRadius([caseAt('a', 50)], road.lon, road.lat);
    const found = deskReducer(filled, { type: 'nearbyLoaded', key, cases });
    expect(nearbyCases(found)).toHaveLength(1);
    expect(saveGate(found)).toBe('review');
    const anyway = deskReducer(found, { type: 'fileAnyway' });
    expect(saveGate(anyway)).toBe('file');
    const otherCategory = deskReducer(anyway, { type: 'categoryPicked', category: catalog.find((c) => c.code === 'E0104')!, label: 'E0104' });
    expect(saveGate(otherCategory)).toBe('check');
    expect(nearbyCases(otherCategory)).toEqual([]);
  });

  it('posts a 12345 report with the caller, the nature and the trimmed description', () => {
    const report = reportOf(filled);
    expect(report).toEqual({
      categoryCode: 'E0102',
      lon: road.lon,
      lat: road.lat,
      source: 'hotline_12345',
      callNature: 'complaint',
      description: '路边垃圾三天没人清',
      reporter: { name: '李女士', phone: '138 0000 1111' },
    });
    expect(NewIncident.safeParse(report).success).toBe(true);
    const anonymous = reportOf(deskReducer(deskReducer(filled, { type: 'callerName', value: '' }), { type: 'description', value: ' ' }));
    expect(anonymous.reporter).toEqual({ phone: '138 0000 1111' });
    expect(anonymous.description).toBeUndefined();
    expect(() => reportOf(EMPTY_DESK)).toThrow();
  });

  it('clears the form once saved, keeping the saved case on screen until the next edit', () => {
    const saving = deskReducer(filled, { type: 'saving', joining: null });
    expect(saveGate(saving)).toBe('busy');
    const saved = deskReducer(saving, { type: 'saved', incident: caseAt('new', 0), joined: null });
    expect(saved).toMatchObject({ callerName: '', callerPhone: '', point: null, categoryCode: null, save: { state: 'saved', joinError: null } });
    expect(deskReducer(saved, { type: 'callerPhone', value: '1' }).save.state).toBe('editing');
    expect(deskReducer(saved, { type: 'nextCall' })).toEqual(EMPTY_DESK);
    const failed = deskReducer(saving, { type: 'saveFailed', message: 'no' });
    expect(failed).toMatchObject({ callerPhone: '138 0000 1111', save: { state: 'failed' } });
  });
});

describe('open cases nearby', () => {
  it('are looked for in the box around the circle, open states and the category only', () => {
    const [w, s, e, n] = boxAround(road.lon, road.lat, 200);
    expect(n - road.lat).toBeCloseTo(200 / 111_195, 6);
    expect(e - road.lon).toBeGreaterThan(n - road.lat);
    expect(w).toBeLessThan(road.lon);
    expect(s).toBeLessThan(road.lat);
    const url = new URL(nearbyQuery('E0102', road.lon, road.lat), 'http://x');
    expect(url.pathname).toBe('/api/incidents');
    expect(url.searchParams.get('status')).toBe('reported,accepted,registered,dispatched,handling');
    expect(url.searchParams.get('category')).toBe('E0102');
    expect(url.searchParams.get('bbox')!.split(',').map(Number)).toEqual([w, s, e, n]);
  });

  it('are those within 200 m and still open, nearest first', () => {
    const found = withinRadius([caseAt('far', 250), caseAt('b', 120), caseAt('a', 30), caseAt('closed', 10, 'closed'), caseAt('handled', 10, 'handled')], road.lon, road.lat);
    expect(found.map((c) => c.incident.id)).toEqual(['a', 'b']);
    expect(found[0]!.distanceM).toBeCloseTo(30, 0);
  });
});

describe('the category picker', () => {
  it('finds categories by code prefix, then by name, then by class, in catalog order', () => {
    expect(matchCategories(catalog, 'e0102')[0]!.code).toBe('E0102');
    expect(matchCategories(catalog, 'E01').every((c: Category) => c.code.startsWith('E01'))).toBe(true);
    const garbageNames = matchCategories(catalog, '垃圾', 50);
    expect(garbageNames.length).toBeGreaterThan(1);
    expect(garbageNames.every((c) => c.name.zh.includes('垃圾') || c.className.zh.includes('垃圾'))).toBe(true);
    expect(matchCategories(catalog, 'manhole', 50).some((c) => c.code === 'C0101')).toBe(true);
    expect(matchCategories(catalog, 'zzz')).toEqual([]);
    expect(matchCategories(catalog, '', 5)).toHaveLength(5);
  });
});

describe('a result list moved with the keys', () => {
  it('wraps round, and starts at the top going down or the bottom going up', () => {
    expect(moveActive(-1, 3, 1)).toBe(0);
    expect(moveActive(-1, 3, -1)).toBe(2);
    expect(moveActive(2, 3, 1)).toBe(0);
    expect(moveActive(0, 3, -1)).toBe(2);
    expect(moveActive(0, 0, 1)).toBe(-1);
  });
});
