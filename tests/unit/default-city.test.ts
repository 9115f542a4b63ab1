import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as turf from '@turf/turf';
import Flatbush from 'flatbush';
import { beforeAll, describe, expect, it } from 'vitest';
import { CityLayers, LAYER_NAMES, type City } from '../../shared/index.js';
import { loadCitySpec, loadDefaultCity } from '../../server/city/cityCache.js';
import { generateCity } from '../../server/city/synthetic/generateCity.js';
import { SeededRandom } from '../../server/seededRandom.js';

let city: City;
let json: string;
beforeAll(() => {
  city = generateCity(loadCitySpec(), 320412);
  json = JSON.stringify(city);
});

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
type Area = City['layers']['grid']['features'][number]['geometry'];
const outerRing = (g: Area) => (g.type === 'Polygon' ? g.coordinates[0]! : g.coordinates[0]![0]!);

describe('the default city', () => {
  it('validates every layer against its schema, and the metadata counts them', () => {
    for (const name of LAYER_NAMES) {
      const parsed = CityLayers[name].safeParse(city.layers[name]);
      expect(parsed.success, `${name}: ${parsed.error?.message.slice(0, 500)}`).toBe(true);
      expect(city.meta.layers.find((l) => l.name === name)?.featureCount).toBe(city.layers[name].features.length);
    }
    expect(city.meta.towns.map((t) => t.name.zh)).toEqual(expect.arrayContaining(['湖塘镇', '牛塘镇', '前黄镇', '经开区']));
    const [w, s, e, n] = city.meta.bbox;
    expect(w).toBeGreaterThan(119.8);
    expect(e).toBeLessThan(120.1);
    expect(s).toBeGreaterThan(31.6);
    expect(n).toBeLessThan(31.8);
  });

  it('has about 10,000 cells of about 100 m × 100 m, with structured unique codes', () => {
    const cells = city.layers.grid.features;
    expect(cells.length).toBeGreaterThanOrEqual(9000);
    expect(cells.length).toBeLessThanOrEqual(11000);
    const codes = new Set(cells.map((c) => c.properties.code));
    expect(codes.size).toBe(cells.length);
    const communities = new Set(city.layers.communities.features.map((c) => c.properties.code));
    const towns = new Set(city.meta.towns.map((t) => t.code));
    for (const c of cells) {
      expect(c.properties.code.startsWith(`320412`)).toBe(true);
      expect(c.properties.code.slice(0, 12)).toBe(c.properties.communityCode);
      expect(c.properties.communityCode.slice(0, 9)).toBe(c.properties.townCode);
      expect(communities.has(c.properties.communityCode)).toBe(true);
      expect(towns.has(c.properties.townCode)).toBe(true);
    }
    const areas = cells.map((c) => c.properties.areaM2).sort((a, b) => a - b);
    const median = areas[Math.floor(areas.length / 2)]!;
    expect(median).toBeGreaterThan(8000);
    expect(median).toBeLessThan(12000);
  });

  it('numbers cells west→east within a row and rows north→south inside each community', () => {
    const byCommunity = new Map<string, { seq: number; x: number; y: number }[]>();
    for (const c of city.layers.grid.features) {
      if (c.geometry.type !== 'Polygon' || c.geometry.coordinates[0]!.length !== 5) continue; // plain quads only
      const ring = c.geometry.coordinates[0]!;
      const x = ring.slice(0, 4).reduce((s, p) => s + p[0], 0) / 4;
      const y = ring.slice(0, 4).reduce((s, p) => s + p[1], 0) / 4;
      const list = byCommunity.get(c.properties.communityCode) ?? [];
      list.push({ seq: Number(c.properties.code.slice(12)), x, y });
      byCommunity.set(c.properties.communityCode, list);
    }
    let checked = 0;
    for (const list of byCommunity.values()) {
      list.sort((a, b) => a.seq - b.seq);
      for (let k = 1; k < list.length; k++) {
        const [a, b] = [list[k - 1]!, list[k]!];
        if (b.seq !== a.seq + 1) continue; // a shore cell (not a plain quad) lies between them
        // Either the next cell in the same row (further east) or the start of a row further south.
        const sameRow = Math.abs(a.y - b.y) < 0.0003;
        if (sameRow) expect(b.x).toBeGreaterThan(a.x);
        else expect(b.y).toBeLessThan(a.y);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('tiles the city: every sampled point inside a town lies in exactly one cell', () => {
    const cells = city.layers.grid.features;
    const index = new Flatbush(cells.length);
    for (const c of cells) {
      const [w, s, e, n] = turf.bbox(c);
      index.add(w, s, e, n);
    }
    index.finish();
    const rng = new SeededRandom(7);
    const [w, s, e, n] = city.meta.bbox;
    let inside = 0;
    for (let k = 0; k < 3000; k++) {
      const p: [number, number] = [rng.range(w, e), rng.range(s, n)];
      const inTown = city.layers.towns.features.some((t) => turf.booleanPointInPolygon(p, t));
      const hits = index.search(p[0], p[1], p[0], p[1]).filter((i) => turf.booleanPointInPolygon(p, cells[i]!));
      if (inTown) {
        inside++;
        expect(hits.length, `point ${p}`).toBe(1);
      } else {
        expect(hits.length, `point ${p}`).toBe(0);
      }
    }
    expect(inside).toBeGreaterThan(2000);
  });

  it('has irregular cells, not axis-aligned rectangles, and some cut by the lake shore', () => {
    const cells = city.layers.grid.features;
    const rectangular = cells.filter((c) => {
      const r = outerRing(c.geometry);
      return r.length === 5 && r[0]![0] === r[1]![0] && r[1]![1] === r[2]![1] && r[2]![0] === r[3]![0];
    });
    expect(rectangular.length / cells.length).toBeLessThan(0.2);
    const shore = cells.filter((c) => c.geometry.type === 'MultiPolygon' || outerRing(c.geometry).length !== 5);
    expect(shore.length).toBeGreaterThan(10);
  });

  it('has a connected road network when segments are joined at equal vertices', () => {
    const key = (p: number[]) => `${p[0]},${p[1]}`;
    const parent = new Map<string, string>();
    const find = (k: string): string => {
      let r = k;
      while (parent.get(r) !== r) r = parent.get(r)!;
      parent.set(k, r);
      return r;
    };
    for (const f of city.layers.roads.features) {
      const cs = f.geometry.coordinates;
      for (const p of cs) if (!parent.has(key(p))) parent.set(key(p), key(p));
      for (let i = 1; i < cs.length; i++) parent.set(find(key(cs[i]!)), find(key(cs[0]!)));
    }
    const sizes = new Map<string, number>();
    for (const k of parent.keys()) sizes.set(find(k), (sizes.get(find(k)) ?? 0) + 1);
    const largest = Math.max(...sizes.values());
    expect(largest / parent.size).toBeGreaterThanOrEqual(0.95);
    const classes = new Set(city.layers.roads.features.map((f) => f.properties.class));
    expect([...classes].sort()).toEqual(['arterial', 'expressway', 'local', 'secondary']);
    expect(city.layers.roads.features.some((f) => f.properties.oneway)).toBe(true);
    const named = city.layers.roads.features.filter((f) => f.properties.name);
    expect(named.length).toBeGreaterThan(100);
    for (const f of named) expect(f.properties.name!.en).toMatch(/^[A-Za-z' -]+$/);
  });

  it('places what incidents gather around', () => {
    const kinds = new Set(city.layers.pois.features.map((f) => f.properties.kind));
    for (const k of ['market', 'school', 'hospital', 'construction_site', 'material_yard', 'park', 'government', 'transit']) expect(kinds).toContain(k);
    expect(city.layers['vacant-lots'].features.length).toBeGreaterThanOrEqual(20);
    expect(city.layers.cameras.features.length).toBeGreaterThanOrEqual(100);
    expect(city.layers['team-bases'].features.length).toBeGreaterThanOrEqual(city.meta.towns.length * 3);
    expect(city.layers.water.features.map((f) => f.properties.kind)).toContain('lake');
    const lots = city.layers['vacant-lots'].features.map((f) => f.properties.areaM2);
    expect(Math.min(...lots)).toBeGreaterThan(2000);
  });

  it('is the same city byte for byte for the same seed, and another for another seed', () => {
    expect(sha(JSON.stringify(generateCity(loadCitySpec(), 320412)))).toBe(sha(json));
    expect(sha(JSON.stringify(generateCity(loadCitySpec(), 1)))).not.toBe(sha(json));
  });

  it('caches the generated city and reads it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-city-'));
    try {
      const first = loadDefaultCity({ cacheDir: dir, seed: 320412 });
      expect(first.fromCache).toBe(false);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const second = loadDefaultCity({ cacheDir: dir, seed: 320412 });
      expect(second.fromCache).toBe(true);
      expect(JSON.stringify(second.city)).toBe(json);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
