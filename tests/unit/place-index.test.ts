import { describe, expect, it } from 'vitest';
import { Place, PlaceQuery } from '../../shared/index.js';
import { GridIndex } from '../../server/grid/gridIndex.js';
import { buildPlaceIndex, roadMiddle } from '../../server/place/placeIndex.js';
import { cityWithTeams } from '../support/cityWithTeams.js';

const { city } = cityWithTeams();
const index = buildPlaceIndex(city);
const names = (q: string, limit?: number) => index.search(q, limit).map((p) => `${p.kind}:${p.name.zh}`);
const inBox = (p: { lon: number; lat: number }, [w, s, e, n]: readonly number[]) => p.lon >= w! && p.lon <= e! && p.lat >= s! && p.lat <= n!;

describe('place search over the default city', () => {
  it('finds a road first by its full name and by a prefix, with its middle on the road and its extent', () => {
    const [road] = index.search('湖塘路');
    expect(road).toMatchObject({ kind: 'road', id: 'road:湖塘路', name: { zh: '湖塘路', en: 'Hutang Road' } });
    expect(Place.parse(road)).toEqual(road);
    // Its middle is a point of one of its segments, inside its box.
    const segments = city.layers.roads.features.filter((f) => f.properties.name?.zh === '湖塘路');
    const onRoad = segments.some((f) =>
      f.geometry.coordinates.slice(1).some((b, i) => {
        const a = f.geometry.coordinates[i]!;
        const cross = (b[0] - a[0]) * (road!.lat - a[1]) - (b[1] - a[1]) * (road!.lon - a[0]);
        const within = Math.min(a[0], b[0]) - 1e-7 <= road!.lon && road!.lon <= Math.max(a[0], b[0]) + 1e-7;
        return within && Math.abs(cross) < 1e-9;
      }),
    );
    expect(onRoad).toBe(true);
    expect(inBox(road!, road!.bbox!)).toBe(true);
    const [w, s, e, n] = road!.bbox!;
    for (const f of segments) for (const [lon, lat] of f.geometry.coordinates) expect(inBox({ lon: lon!, lat: lat! }, [w, s, e, n])).toBe(true);

    expect(names('延政中')[0]).toBe('road:延政中大道');
    expect(names('武进大')[0]).toBe('road:武进大道');
    // A prefix several names share: the shortest first, a road before a town of the same length.
    expect(names('湖塘').slice(0, 2)).toEqual(['road:湖塘路', 'town:湖塘镇']);
  });

  it('puts exact and prefix matches of the Chinese name before substrings', () => {
    const found = names('人民', 20);
    expect(found[0]).toBe('road:人民路');
    // Names containing 人民 elsewhere (the towns' governments and hospitals) follow.
    expect(found.indexOf('poi:湖塘镇人民政府')).toBeGreaterThan(found.indexOf('poi:人民路青洋站'));
  });

  it('finds the roads an address or a crossing names', () => {
    expect(names('湖塘路88号')[0]).toBe('road:湖塘路');
    // The longer name that the query holds wins over a shorter one it also holds.
    expect(names('阳湖东路与人民路交叉口').slice(0, 2)).toEqual(['road:阳湖东路', 'road:人民路']);
  });

  it('finds points of interest by a part of their name', () => {
    const found = index.search('农贸', 50);
    expect(found.length).toBeGreaterThan(5);
    expect(found.every((p) => p.kind === 'poi' && p.name.zh.includes('农贸'))).toBe(true);
    const market = found.find((p) => p.name.zh === '湖塘中心农贸市场')!;
    expect(market).toMatchObject({ townCode: '320412100', context: { zh: '湖塘镇' } });
    expect(market.bbox).toBeUndefined();
  });

  it('finds unit grid cells by a code prefix of at least 6 digits, towns and communities before cells', () => {
    const cell = city.layers.grid.features[1234]!.properties;
    const exact = index.search(cell.code);
    expect(exact[0]).toMatchObject({ kind: 'grid', code: cell.code, townCode: cell.townCode });
    expect(inBox(exact[0]!, exact[0]!.bbox!)).toBe(true);

    const prefix = cell.code.slice(0, 13);
    const cells = index.search(prefix, 50);
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every((p) => p.kind === 'grid' && p.code!.startsWith(prefix))).toBe(true);
    const codes = cells.map((p) => p.code!);
    expect(codes).toEqual([...codes].sort());

    const town = index.search(cell.townCode, 20);
    expect(town[0]).toMatchObject({ kind: 'town', code: cell.townCode });
    expect(town[1]!.kind).toBe('community');
    // A community's code: the community, then its cells in code order.
    const ofCommunity = index.search(cell.communityCode, 5);
    expect(ofCommunity[0]).toMatchObject({ kind: 'community', code: cell.communityCode });
    expect(ofCommunity.slice(1).every((p) => p.kind === 'grid' && p.code!.startsWith(cell.communityCode))).toBe(true);
    expect(ofCommunity[1]!.context!.zh).toMatch(/^\S+ \S+$/);
    // The district's 6 digits match (its towns and communities outrank the cells); fewer digits match no code.
    expect(index.search('320412', 50)).toHaveLength(50);
    expect(index.search('32041', 50)).toEqual([]);
  });

  it('finds English names whatever their case', () => {
    expect(index.search('hutang road')[0]).toMatchObject({ kind: 'road', name: { zh: '湖塘路' } });
    expect(index.search('HUTANG')[0]).toMatchObject({ kind: 'town', name: { zh: '湖塘镇' } });
    expect(index.search('Ge Lake')[0]).toMatchObject({ kind: 'water', name: { zh: '滆湖' } });
    expect(index.search('sanitation', 50).every((p) => p.kind === 'team_base')).toBe(true);
  });

  it('finds Chinese names by their pinyin initials and by their whole pinyin', () => {
    expect(names('htl')[0]).toBe('road:湖塘路');
    expect(names('HT').slice(0, 2)).toEqual(['road:湖塘路', 'town:湖塘镇']);
    // 长 of 长虹路 is cháng, not zhǎng.
    expect(names('chl')[0]).toBe('road:长虹路');
    expect(names('renminlu')[0]).toBe('road:人民路');
  });

  it('also finds towns, communities, water, team bases and vacant lots', () => {
    const community = city.layers.communities.features[0]!.properties;
    expect(index.search(community.name.zh)[0]).toMatchObject({ kind: 'community', code: community.code });
    expect(names('滆湖').slice(0, 2)).toEqual(['water:滆湖', 'road:滆湖路']);
    expect(names('湖塘环卫所')[0]).toBe('team_base:湖塘环卫所');
    expect(index.search('lot-3')[0]).toMatchObject({ kind: 'vacant_lot', code: 'lot-3' });
  });

  it('honours the limit, 10 by default and never more than 50', () => {
    expect(index.search('路')).toHaveLength(10);
    expect(index.search('路', 3)).toHaveLength(3);
    expect(index.search('320412', 500)).toHaveLength(50);
    expect(index.search('路', 0)).toHaveLength(1);
  });

  it('finds nothing for nonsense or an empty query', () => {
    expect(index.search('xyzzy')).toEqual([]);
    expect(index.search('不存在的地方名称')).toEqual([]);
    expect(index.search('   ')).toEqual([]);
    expect(index.search('999999')).toEqual([]);
  });

  it('answers every query within a millisecond or so', () => {
    const queries = ['湖塘', '人民路', 'ht', 'hutang', '320412', '3204121000', '农贸市场', 'road', 'x'];
    const started = performance.now();
    for (let i = 0; i < 20; i++) for (const q of queries) index.search(q, 50);
    expect((performance.now() - started) / (20 * queries.length)).toBeLessThan(5);
  });
});

describe('places where a report can be filed', () => {
  it('give every road a point inside a unit grid cell when the index knows the cells (the middle of one lies off every cell)', () => {
    const grid = new GridIndex(city.layers.grid.features);
    const isInside = (lon: number, lat: number) => grid.locate(lon, lat) >= 0;
    const withCells = buildPlaceIndex(city, { isInside });
    const roads = [...new Set(city.layers.roads.features.flatMap((f) => (f.properties.name ? [f.properties.name.zh] : [])))];
    const outsideBefore = roads.filter((name) => !isInside(index.search(name)[0]!.lon, index.search(name)[0]!.lat));
    expect(outsideBefore.length).toBeGreaterThan(0);
    for (const name of roads) {
      const [road] = withCells.search(name);
      expect(road!.name.zh).toBe(name);
      expect(isInside(road!.lon, road!.lat), name).toBe(true);
    }
  });
});

describe('a road’s middle', () => {
  it('is half its length along its segments, across a gap', () => {
    const { point, bbox } = roadMiddle([
      [
        [0, 0],
        [0.001, 0],
      ],
      [
        [0.002, 0],
        [0.005, 0],
      ],
    ]);
    // 1 + 3 units of length: the middle is 1 unit into the second segment.
    expect(point[0]).toBeCloseTo(0.003, 9);
    expect(point[1]).toBe(0);
    expect(bbox).toEqual([0, 0, 0.005, 0]);
  });
});

describe('the place query', () => {
  it('is trimmed, 1 to 100 characters, with a limit of 1 to 50 (10 by default)', () => {
    expect(PlaceQuery.parse({ q: '  湖塘 ' })).toEqual({ q: '湖塘', limit: 10 });
    expect(PlaceQuery.parse({ q: 'a', limit: '50' }).limit).toBe(50);
    for (const bad of [{}, { q: '' }, { q: '   ' }, { q: 'x'.repeat(101) }, { q: 'a', limit: '51' }, { q: 'a', limit: '0' }, { q: 'a\u0000' }, { q: 'a', other: '1' }]) {
      expect(PlaceQuery.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(PlaceQuery.safeParse({ q: 'x'.repeat(100) }).success).toBe(true);
  });
});
