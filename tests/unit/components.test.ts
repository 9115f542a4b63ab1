import * as turf from '@turf/turf';
import fc from 'fast-check';
import Flatbush from 'flatbush';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_LAYER_DEFAULTS, COMPONENT_STATE_COLOURS, inDrawingOrder, resolveComponentLayerProps } from '../../client/layers/componentLayer.js';
import { loadCatalog } from '../../server/catalog/loadCatalog.js';
import { loadCitySpec } from '../../server/city/cityCache.js';
import { generateCity } from '../../server/city/synthetic/generateCity.js';
import { GridIndex } from '../../server/grid/gridIndex.js';
import { COMPONENT_MATCH_RADIUS_M, ComponentMatcher, type ComponentMatch } from '../../server/unit/componentMatch.js';
import { ComponentState, type City, type CityLayer } from '../../shared/index.js';

type Component = CityLayer<'components'>['features'][number];

let city: City;
let components: Component[];
const catalog = loadCatalog();
beforeAll(() => {
  city = generateCity(loadCitySpec(), 320412);
  components = city.layers.components.features;
});

const countBy = <T>(items: readonly T[], key: (t: T) => string) => {
  const m = new Map<string, number>();
  for (const t of items) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
  return m;
};

describe('the component inventory of the default city', () => {
  it('codes every component with 16 unique digits: district, its category’s class and sub-class, a serial', () => {
    expect(components.length).toBeGreaterThan(0);
    expect(new Set(components.map((c) => c.properties.code)).size).toBe(components.length);
    for (const c of components) {
      const p = c.properties;
      const category = catalog.byCode(p.categoryCode)!;
      expect(category, p.categoryCode).toBeDefined();
      expect(category.family).toBe('component');
      expect(p.code).toMatch(/^\d{16}$/);
      expect(p.code.slice(0, 6)).toBe(city.meta.districtCode);
      expect(p.code.slice(6, 8)).toBe(category.classCode);
      expect(p.code.slice(8, 10)).toBe(category.subclassCode);
      expect(p.ownerUnit).toBe(category.department);
    }
    // Serials run 1, 2, 3, … within each category.
    const serials = new Map<string, number[]>();
    for (const c of components) serials.set(c.properties.categoryCode, [...(serials.get(c.properties.categoryCode) ?? []), Number(c.properties.code.slice(10))]);
    for (const [category, list] of serials) expect(list.sort((a, b) => a - b), category).toEqual(list.map((_, k) => k + 1));
  });

  it('places every component inside the grid cell and town it names', () => {
    const grid = new GridIndex(city.layers.grid.features);
    const cells = city.layers.grid.features;
    for (const c of components) {
      const cell = cells[grid.locate(...(c.geometry.coordinates as [number, number]))];
      expect(cell?.properties.code, c.properties.code).toBe(c.properties.gridCode);
      expect(cell!.properties.townCode).toBe(c.properties.townCode);
    }
    // Every town has its share.
    expect(countBy(components, (c) => c.properties.townCode).size).toBe(city.meta.towns.length);
  });

  it('has plausible counts per category and mostly intact components', () => {
    const n = countBy(components, (c) => c.properties.categoryCode);
    expect(components.length).toBeGreaterThan(3000);
    expect(components.length).toBeLessThan(8000);
    // Manhole covers of every utility, by the hundred.
    for (const cover of ['C0101', 'C0102', 'C0103', 'C0104', 'C0105', 'C0106', 'C0111']) expect(n.get(cover), cover).toBeGreaterThan(150);
    // Street lights outnumber any one kind of cover; bins are everywhere people gather.
    expect(n.get('C0118')!).toBeGreaterThan(Math.max(...['C0101', 'C0102', 'C0105', 'C0106', 'C0111'].map((c) => n.get(c)!)));
    expect(n.get('C0305')!).toBeGreaterThan(300);
    // One surveillance camera per camera of the camera layer; two shelters per transit stop.
    expect(n.get('C0602')).toBe(city.layers.cameras.features.length);
    expect(n.get('C0203')).toBe(2 * city.layers.pois.features.filter((p) => p.properties.kind === 'transit').length);
    expect(n.get('C0503')).toBe(city.layers['vacant-lots'].features.length);
    expect(n.get('C0301')!).toBeGreaterThan(40);
    expect(n.get('C0310')!).toBeGreaterThanOrEqual(city.meta.towns.length);
    // What is not a point is not generated.
    for (const area of ['C0216', 'C0405', 'C0501', 'C0502']) expect(n.has(area), area).toBe(false);

    const states = countBy(components, (c) => c.properties.state);
    expect(states.get('intact')! / components.length).toBeGreaterThan(0.88);
    for (const s of ['damaged', 'missing', 'removed'] as const) {
      expect(states.get(s), s).toBeGreaterThan(0);
      expect(states.get(s)! / components.length, s).toBeLessThan(0.07);
    }
    // Only what can be carried off goes missing (covers, grates, signs, bins, planters).
    const missing = new Set(components.filter((c) => c.properties.state === 'missing').map((c) => c.properties.categoryCode));
    for (const code of missing) expect(['C0101', 'C0102', 'C0103', 'C0104', 'C0105', 'C0106', 'C0111', 'C0209', 'C0305', 'C0404']).toContain(code);
  });

  it('puts manhole covers and street lights on or beside a road (within 16 m of its centre line: half an expressway and its pavement)', () => {
    const roads = city.layers.roads.features;
    const index = new Flatbush(roads.length);
    for (const r of roads) {
      const [w, s, e, n] = turf.bbox(r);
      index.add(w, s, e, n);
    }
    index.finish();
    const pad = 0.0003; // about 30 m
    const sample = components.filter((c) => /^C01(01|02|05|11|18)$/.test(c.properties.categoryCode)).filter((_, k) => k % 7 === 0);
    expect(sample.length).toBeGreaterThan(200);
    for (const c of sample) {
      const [x, y] = c.geometry.coordinates;
      const near = index.search(x - pad, y - pad, x + pad, y + pad).map((i) => turf.pointToLineDistance(c.geometry.coordinates, roads[i]!, { units: 'meters' }));
      expect(Math.min(Infinity, ...near), c.properties.code).toBeLessThan(16);
    }
  });

  it('is the same inventory for the same seed, and another for another seed', () => {
    const again = generateCity(loadCitySpec(), 320412).layers.components;
    expect(JSON.stringify(again)).toBe(JSON.stringify(city.layers.components));
    const other = generateCity(loadCitySpec(), 1).layers.components;
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(city.layers.components));
    expect(city.meta.layers.find((l) => l.name === 'components')?.featureCount).toBe(components.length);
  });
});

describe('matching a component case to its component', () => {
  /** The reference: every component of the category, measured with turf, nearest first, then the lowest code. */
  function bruteForce(categoryCode: string, lon: number, lat: number, radius: number): ComponentMatch | null {
    let best: ComponentMatch | null = null;
    for (const c of components) {
      if (c.properties.categoryCode !== categoryCode || c.properties.state === 'removed') continue;
      const d = turf.distance([lon, lat], c.geometry.coordinates, { units: 'meters' });
      if (d > radius) continue;
      if (!best || d < best.distanceMeters || (d === best.distanceMeters && c.properties.code < best.code)) {
        best = { code: c.properties.code, categoryCode, ownerUnit: c.properties.ownerUnit, distanceMeters: d };
      }
    }
    return best;
  }

  it('finds what a brute-force turf scan of the layer finds, near components and anywhere', () => {
    const matcher = new ComponentMatcher(components);
    const categories = [...new Set(components.map((c) => c.properties.categoryCode))].sort();
    const [w, s, e, n] = city.meta.bbox;
    const nearComponent = fc.record({
      at: fc.integer({ min: 0, max: components.length - 1 }),
      bearing: fc.double({ min: -180, max: 180, noNaN: true }),
      metres: fc.double({ min: 0, max: 60, noNaN: true }),
      // Mostly the component's own category; now and then another one.
      otherCategory: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.constantFrom(...categories), weight: 1 }),
      radius: fc.oneof(fc.constant(COMPONENT_MATCH_RADIUS_M), fc.double({ min: 0, max: 120, noNaN: true })),
    });
    let matched = 0;
    fc.assert(
      fc.property(nearComponent, ({ at, bearing, metres, otherCategory, radius }) => {
        const c = components[at]!;
        const [lon, lat] = turf.destination(c.geometry.coordinates, metres, bearing, { units: 'meters' }).geometry.coordinates as [number, number];
        const category = otherCategory ?? c.properties.categoryCode;
        const found = matcher.nearest(category, lon, lat, radius);
        expect(found).toEqual(bruteForce(category, lon, lat, radius));
        if (found) matched++;
      }),
      { numRuns: 400, seed: 20261123 },
    );
    // The property is about matches, not only about finding nothing.
    expect(matched).toBeGreaterThan(120);
    const anywhere = fc.record({
      lon: fc.double({ min: w, max: e, noNaN: true }),
      lat: fc.double({ min: s, max: n, noNaN: true }),
      category: fc.constantFrom(...categories),
      radius: fc.double({ min: 0, max: 400, noNaN: true }),
    });
    fc.assert(
      fc.property(anywhere, ({ lon, lat, category, radius }) => {
        expect(matcher.nearest(category, lon, lat, radius)).toEqual(bruteForce(category, lon, lat, radius));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('takes the nearest of its own category within 30 m by default, never a removed one, and nothing for an unknown category', () => {
    const matcher = new ComponentMatcher(components);
    const cover = components.find((c) => c.properties.categoryCode === 'C0101' && c.properties.state === 'intact')!;
    const [lon, lat] = turf.destination(cover.geometry.coordinates, 5, 90, { units: 'meters' }).geometry.coordinates as [number, number];
    const match = matcher.nearest('C0101', lon, lat)!;
    expect(match).toEqual(bruteForce('C0101', lon, lat, 30));
    expect(match.distanceMeters).toBeLessThanOrEqual(5 + 1e-6);
    expect(match.ownerUnit).toBe('gongshui');
    const removed = components.find((c) => c.properties.state === 'removed')!;
    const [rl, ra] = removed.geometry.coordinates;
    expect(matcher.nearest(removed.properties.categoryCode, rl, ra, 0)).toBeNull();
    expect(matcher.nearest('E0102', rl, ra)).toBeNull();
    expect(matcher.nearest('C0101', 0, 0)).toBeNull();
  });
});

describe('the components layer on the map', () => {
  it('fills and bounds its props in one place, and draws what needs repair on top', () => {
    const p = resolveComponentLayerProps({ data: null, zoom: 17, theme: 'dark', radiusPixels: 100, alertScale: 0 });
    expect(p).toMatchObject({ visible: true, minZoom: COMPONENT_LAYER_DEFAULTS.minZoom.value, radiusPixels: 20, alertScale: 1 });
    const ordered = inDrawingOrder(components);
    expect(ordered.length).toBe(components.length);
    const firstAlert = ordered.findIndex((c) => c.properties.state === 'damaged' || c.properties.state === 'missing');
    expect(ordered.slice(firstAlert).every((c) => c.properties.state === 'damaged' || c.properties.state === 'missing')).toBe(true);
    expect(inDrawingOrder(components)).toBe(ordered); // computed once per layer data
    // Every state has its own colour in both looks; damaged and missing are opaque, removed faint.
    for (const theme of ['dark', 'light'] as const) {
      const colours = COMPONENT_STATE_COLOURS[theme];
      expect(new Set(ComponentState.options.map((s) => colours[s].join())).size).toBe(4);
      expect(colours.damaged[3]).toBe(255);
      expect(colours.missing[3]).toBe(255);
      expect(colours.removed[3]).toBeLessThan(colours.intact[3]);
    }
  });
});
