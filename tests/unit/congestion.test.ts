import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONGESTION_LEVELS,
  congestionLevelOf,
  decodeSpeedFrame,
  encodeSpeedFrame,
  LEVEL_OF_RATIO_BYTE,
  readSpeedFrameHeader,
  SPEED_FRAME_HEADER_BYTES,
  speedRatioToByte,
  type RoadClass,
  type SpeedFrame,
} from '../../shared/index.js';
import {
  areaIndex,
  backfillSlots,
  levelTotals,
  lineMidpoint,
  roadMeasures,
  roadsInArea,
  SLOT_MS,
  slotOf,
  slotStartMs,
  type RoadMeasures,
} from '../../server/traffic/congestion.js';
import { CongestionService } from '../../server/traffic/congestionService.js';
import type { CongestionRepository, CongestionSlotRow } from '../../server/store/store.js';
import { RoadSpeedStore } from '../../client/traffic/roadSpeedStore.js';
import { buildRoadGeometry, CONGESTION_COLOURS, RoadColours } from '../../client/layers/congestionLayer.js';

/** Roads built by hand: `lengthM` metres each, free-flow `freeKph`, of a class. */
function roads(rows: [lengthM: number, freeKph: number, cls: RoadClass][]): RoadMeasures {
  return {
    count: rows.length,
    lengthM: Float64Array.from(rows, (r) => r[0]),
    freeKph: Float32Array.from(rows, (r) => r[1]),
    classes: rows.map((r) => r[2]),
  };
}

describe('congestion levels', () => {
  it('bands a road by its current ÷ free-flow speed, a road on a bound in the freer level', () => {
    // An arterial of 60 km/h free-flow at 50, 42, 35, 30, 25, 18, 12 km/h.
    const kph = [50, 42, 35, 30, 25, 18, 12];
    expect(kph.map((v) => congestionLevelOf(v / 60))).toEqual(['free', 'free', 'slow', 'slow', 'congested', 'congested', 'severe']);
    expect([1, 0.7, 0.6999, 0.5, 0.4999, 0.3, 0.2999, 0].map(congestionLevelOf)).toEqual([
      'free', 'free', 'slow', 'slow', 'congested', 'congested', 'severe', 'severe',
    ]);
  });

  it('gives the map the level of every ratio byte as the server would', () => {
    for (let b = 0; b < 256; b++) expect(CONGESTION_LEVELS[LEVEL_OF_RATIO_BYTE[b]!]).toBe(congestionLevelOf(b / 255));
    // A byte rounds the ratio: a road just above a bound may show one level off, never more.
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (r) => {
        expect(Math.abs(LEVEL_OF_RATIO_BYTE[speedRatioToByte(r)]! - CONGESTION_LEVELS.indexOf(congestionLevelOf(r)))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('counts roads and kilometres per level', () => {
    const r = roads([[1000, 60, 'arterial'], [500, 60, 'arterial'], [2000, 80, 'expressway'], [250, 30, 'local']]);
    expect(levelTotals([1, 0.6, 0.4, 0.1], r)).toEqual({
      free: { roads: 1, km: 1 },
      slow: { roads: 1, km: 0.5 },
      congested: { roads: 1, km: 2 },
      severe: { roads: 1, km: 0.3 },
    });
    // Faster than free-flow (a feed reading over the limit) counts as free, not as "more than free".
    expect(levelTotals([1.4, 1, 1, 1], r).free.roads).toBe(4);
  });
});

describe('an area\'s congestion index', () => {
  it('is weighted free-flow time ÷ weighted current time over its roads', () => {
    // Arterial 1 km at 60 km/h (w 3): t0 = 3·1000/60 = 50; at half speed t = 100.
    // Local 1 km at 30 km/h (w 1):    t0 = 1000/30 = 33.33; free, t = 33.33.
    // Index = 83.33 / 133.33 = 0.625 (the unweighted mean of ratios would say 0.75).
    const r = roads([[1000, 60, 'arterial'], [1000, 30, 'local']]);
    expect(areaIndex([0.5, 1], r)).toBeCloseTo(0.625, 6);
    // The same, as the members of an area among other roads.
    const more = roads([[5000, 80, 'expressway'], [1000, 60, 'arterial'], [1000, 30, 'local']]);
    expect(areaIndex([0.1, 0.5, 1], more, [1, 2])).toBeCloseTo(0.625, 6);
  });

  it('is the road\'s own ratio for one road, 1 for none, and never 0 for a closed road', () => {
    const r = roads([[700, 50, 'secondary'], [300, 50, 'local']]);
    expect(areaIndex([0.42, 1], r, [0])).toBeCloseTo(0.42, 6);
    expect(areaIndex([0.42, 1], r, [])).toBe(1);
    expect(areaIndex([0, 1], r)).toBeGreaterThan(0);
    // Uniform slowing gives that ratio whatever the weights.
    fc.assert(
      fc.property(fc.double({ min: 0.02, max: 1, noNaN: true }), (f) => {
        expect(areaIndex([f, f], r)).toBeCloseTo(f, 9);
      }),
    );
  });

  it('takes a road into the area its midpoint lies in', () => {
    // An L-shaped road: 300 m east then 100 m north; its midpoint is 200 m east of the start.
    const line = [[120, 31.7], [120 + 300 / 94_770, 31.7], [120 + 300 / 94_770, 31.7 + 100 / 111_195]];
    const [lon, lat] = lineMidpoint(line);
    expect((lon - 120) * 94_770).toBeCloseTo(200, 0);
    expect(lat).toBeCloseTo(31.7, 9);
    const box = (w: number, e: number) => ({ type: 'Polygon' as const, coordinates: [[[w, 31.69], [e, 31.69], [e, 31.71], [w, 31.71], [w, 31.69]]] });
    const features = [{ geometry: { coordinates: line } }];
    expect(Array.from(roadsInArea(features, box(120.0015, 120.01)))).toEqual([0]);
    expect(Array.from(roadsInArea(features, box(120.0025, 120.01)))).toEqual([]);
  });
});

describe('5-minute slots', () => {
  it('counts slots from the epoch', () => {
    const t = Date.UTC(2026, 11, 6, 1, 7, 30);
    expect(slotStartMs(slotOf(t))).toBe(Date.UTC(2026, 11, 6, 1, 5));
    expect(slotOf(slotStartMs(123_456))).toBe(123_456);
    expect(SLOT_MS).toBe(300_000);
  });

  it('back-fills the missing slots from a model evaluated at each slot\'s start', () => {
    const r = roads([[1000, 60, 'arterial'], [1000, 60, 'arterial']]);
    const areas = [{ code: 'a', roads: [0] }, { code: 'b', roads: [1] }];
    // A model slowing road 0 in slot 101 only.
    const asked: number[] = [];
    const model = (ms: number) => {
      asked.push(ms);
      return ms === slotStartMs(101) ? [0.25, 1] : [1, 1];
    };
    const rows = backfillSlots({ fromSlot: 100, toSlot: 104, have: new Set([102]), factorsAt: model, roads: r, areas });
    expect(asked).toEqual([100, 101, 103].map(slotStartMs));
    expect(rows).toEqual([
      { area: 'a', slot: 100, index: 1 }, { area: 'b', slot: 100, index: 1 },
      { area: 'a', slot: 101, index: 0.25 }, { area: 'b', slot: 101, index: 1 },
      { area: 'a', slot: 103, index: 1 }, { area: 'b', slot: 103, index: 1 },
    ]);
  });
});

/** A store of slots in memory: what the repository keeps, for the service's tests. */
function memoryRepository(): CongestionRepository & { rows: Map<string, CongestionSlotRow> } {
  const rows = new Map<string, CongestionSlotRow>();
  const sorted = () => [...rows.values()].sort((a, b) => a.area.localeCompare(b.area) || a.slot - b.slot);
  return {
    rows,
    async put(list) {
      for (const r of list) rows.set(`${r.area}/${r.slot}`, { ...r });
    },
    async between(from, to, areas) {
      return sorted().filter((r) => r.slot >= from && r.slot < to && (!areas || areas.includes(r.area)));
    },
    async slotsStored(from, to) {
      return [...new Set(sorted().filter((r) => r.slot >= from && r.slot < to).map((r) => r.slot))].sort((a, b) => a - b);
    },
    async prune(before) {
      let n = 0;
      for (const [k, r] of rows) if (r.slot < before && rows.delete(k)) n++;
      return n;
    },
  };
}

describe('the congestion service', () => {
  // Two towns side by side, each with one east–west road; the centre holds the western one.
  const square = (w: number, e: number) => ({
    type: 'Polygon' as const,
    coordinates: [[[w, 31.6], [e, 31.6], [e, 31.8], [w, 31.8], [w, 31.6]]] as [number, number][][],
  });
  const road = (w: number, e: number, id: string) => ({
    type: 'Feature' as const,
    properties: { id, name: null, class: 'arterial' as const, speedKph: 60, oneway: false, lanes: 2 },
    geometry: { type: 'LineString' as const, coordinates: [[w, 31.7], [e, 31.7]] as [number, number][] },
  });
  const town = (code: string, w: number, e: number) => ({
    type: 'Feature' as const,
    properties: { code, name: { zh: code, en: code }, kind: 'town' as const },
    geometry: square(w, e),
  });
  const centre = { type: 'Feature' as const, properties: { code: 'centre', name: { zh: '中心', en: 'Centre' } }, geometry: square(119.9, 119.95) };
  const opts = (factors: Float32Array, store: CongestionRepository) => ({
    roads: [road(119.91, 119.92, 'r0'), road(120.01, 120.02, 'r1')] as never,
    towns: [town('100', 119.8, 120), town('101', 120, 120.2)] as never,
    centre,
    factorsAt: () => factors.slice(),
    store,
  });

  it('frames only the roads whose byte changed, each frame one seq on, and a snapshot at that seq', () => {
    const factors = Float32Array.from([1, 1]);
    const svc = new CongestionService(opts(factors, memoryRepository()), 1_000_000);
    expect(svc.areas.map((a) => [a.code, Array.from(a.roads)])).toEqual([['centre', [0]], ['100', [0]], ['101', [1]]]);
    expect(svc.takeFrame(1_001_000)).toBeNull();
    factors[1] = 0.2;
    const f = decodeSpeedFrame(svc.takeFrame(1_002_000)!);
    expect(f).toMatchObject({ seq: 1, snapshot: false, epochMs: 1_002_000 });
    expect(Array.from(f.roads)).toEqual([1]);
    expect(Array.from(f.ratio)).toEqual([speedRatioToByte(0.2)]);
    expect(svc.takeFrame(1_003_000)).toBeNull();
    const s = decodeSpeedFrame(svc.snapshotFrame());
    expect(s).toMatchObject({ seq: 1, snapshot: true });
    expect(Array.from(s.ratio)).toEqual([255, speedRatioToByte(0.2)]);
  });

  it('records each slot once, back-fills what is missing, and answers today against last week', async () => {
    const store = memoryRepository();
    const factors = Float32Array.from([0.5, 1]);
    // 2026-12-06 10:02 local (02:02 UTC).
    const now = Date.UTC(2026, 11, 6, 2, 2);
    const svc = new CongestionService(opts(factors, store), now);
    expect(await svc.recordSlot(now)).toBe(true);
    expect(await svc.recordSlot(now + 60_000)).toBe(false);
    // The model of the past: road 0 at 0.8 everywhere.
    const written = await svc.backfill(now, 8, () => [0.8, 1]);
    expect(written).toBe(3 * 8 * 288);
    expect(await svc.backfill(now, 8, () => [0.8, 1])).toBe(0);
    const sum = await svc.summary(now);
    const c = sum.areas.find((a) => a.kind === 'centre')!;
    expect(c).toMatchObject({ code: 'centre', index: 0.5, level: 'slow', lastWeekNow: 0.8, roads: 1 });
    // Local midnight to 10:00 back-filled (120 slots), and the slot recorded now.
    expect(c.today).toHaveLength(121);
    expect(c.today.at(-1)).toEqual({ at: new Date(slotStartMs(slotOf(now))).toISOString(), index: 0.5 });
    expect(c.lastWeek).toHaveLength(288);
    expect(c.lastWeek[0]!.at).toBe('2026-11-28T16:00:00.000Z');
    expect(sum.levels.slow.roads).toBe(1);
    expect(sum.areas.find((a) => a.code === '101')!.index).toBe(1);
    // Past 15 days the slots go.
    expect(await svc.prune(now + 16 * 86_400_000)).toBe(3 * (8 * 288 + 1));
    expect(store.rows.size).toBe(0);
  });
});

describe('the roads:speeds frame', () => {
  const frames = fc
    .uniqueArray(fc.integer({ min: 0, max: 300_000 }), { maxLength: 200 })
    .chain((roads) =>
      fc.record({
        roads: fc.constant(Uint32Array.from(roads)),
        ratio: fc.uint8Array({ minLength: roads.length, maxLength: roads.length }),
        seq: fc.integer({ min: 0, max: 0xffffffff }),
        epochMs: fc.integer({ min: 0, max: 0xffffffff }).map((s) => s * 1000),
        snapshot: fc.boolean(),
      }),
    );

  it('round-trips any set of roads, ascending on the way out', () => {
    fc.assert(
      fc.property(frames, (f: SpeedFrame) => {
        const back = decodeSpeedFrame(encodeSpeedFrame(f));
        const order = Array.from(f.roads.keys()).sort((a, b) => f.roads[a]! - f.roads[b]!);
        expect(back).toEqual({ seq: f.seq, epochMs: f.epochMs, snapshot: f.snapshot, roads: Uint32Array.from(order, (i) => f.roads[i]!), ratio: Uint8Array.from(order, (i) => f.ratio[i]!) });
      }),
    );
  });

  it('is 3 bytes a road with delta-coded indices, 5 when steps pass 65,535', () => {
    const all = Uint32Array.from({ length: 2279 }, (_, i) => i);
    const snapshot = encodeSpeedFrame({ seq: 1, epochMs: 0, snapshot: true, roads: all, ratio: new Uint8Array(2279) });
    expect(snapshot.byteLength).toBe(SPEED_FRAME_HEADER_BYTES + 3 * 2279);
    const wide = encodeSpeedFrame({ seq: 1, epochMs: 0, snapshot: false, roads: Uint32Array.from([3, 70_000]), ratio: new Uint8Array(2) });
    expect(readSpeedFrameHeader(wide)).toMatchObject({ wideRoads: true, count: 2 });
    expect(wide.byteLength).toBe(SPEED_FRAME_HEADER_BYTES + 5 * 2);
  });

  it('refuses a frame it cannot read', () => {
    const good = encodeSpeedFrame({ seq: 1, epochMs: 0, snapshot: false, roads: Uint32Array.from([1, 2]), ratio: Uint8Array.from([1, 2]) });
    expect(() => decodeSpeedFrame(good.slice(0, good.byteLength - 1))).toThrow(RangeError);
    const badVersion = good.slice(0);
    new DataView(badVersion).setUint8(0, 9);
    expect(() => decodeSpeedFrame(badVersion)).toThrow(RangeError);
    expect(() => encodeSpeedFrame({ seq: 1, epochMs: 0, snapshot: false, roads: Uint32Array.from([4, 4]), ratio: new Uint8Array(2) })).toThrow(/twice/);
  });
});

describe('the page\'s road speeds', () => {
  const frame = (seq: number, roads: number[], ratio: number[], snapshot = false): SpeedFrame => ({ seq, epochMs: 0, snapshot, roads: Uint32Array.from(roads), ratio: Uint8Array.from(ratio) });

  it('applies frames in seq order after a snapshot, drops stale ones, and asks again on a gap', () => {
    const store = new RoadSpeedStore();
    expect(store.take(frame(6, [1], [10]))).toBe('held');
    expect(store.loadSnapshot(frame(5, [0, 1, 2], [255, 255, 255], true))).toBe(true);
    expect(Array.from(store.ratio)).toEqual([255, 10, 255]);
    expect(store.takeChanged()).toBe('all');
    expect(store.take(frame(6, [2], [1]))).toBe('stale');
    expect(store.take(frame(7, [2], [20]))).toBe('applied');
    expect(Array.from(store.takeChanged() as Uint32Array)).toEqual([2]);
    expect(store.take(frame(9, [0], [30]))).toBe('gap');
    expect(store.needsSnapshot).toBe(true);
    expect(store.loadSnapshot(frame(8, [0, 1, 2], [255, 255, 255], true))).toBe(true);
    expect(Array.from(store.ratio)).toEqual([30, 255, 255]);
    expect(store.seq).toBe(9);
  });

  it('repaints only the roads a frame carried, in the level\'s colour', () => {
    const line = (x: number) => ({ type: 'Feature' as const, properties: { id: `r${x}`, name: null, class: 'local' as const, speedKph: 30, oneway: false, lanes: 1 }, geometry: { type: 'LineString' as const, coordinates: [[x, 0], [x + 1, 0], [x + 2, 0]] as [number, number][] } });
    const colours = new RoadColours(buildRoadGeometry([line(0), line(10)] as never));
    const store = new RoadSpeedStore();
    store.loadSnapshot(frame(1, [0, 1], [255, 255], true));
    colours.paint(store, 'dark');
    expect(colours.levelCounts()).toEqual([2, 0, 0, 0]);
    const v = colours.version;
    store.take(frame(2, [1], [speedRatioToByte(0.1)]));
    colours.paint(store, 'dark');
    expect(colours.version).toBe(v + 1);
    expect(Array.from(colours.levels)).toEqual([0, 3]);
    expect(Array.from(colours.colours.subarray(12, 16))).toEqual(CONGESTION_COLOURS.dark[3]);
    expect(Array.from(colours.colours.subarray(20, 24))).toEqual(CONGESTION_COLOURS.dark[3]);
    colours.paint(store, 'dark');
    expect(colours.version).toBe(v + 1);
  });
});

/**
 * The fixture as files (tests/fixtures/congestion/): five roads and two areas a GIS user can open,
 * each road with its current speed; out/congestion.json is what the analytics answer. Hand check:
 * west = (3·1000/60 + 500/30) ÷ (3·1000/30 + 500/30) = 66.67 ÷ 116.67 = 0.571;
 * east = (4·2000/80 + 2·800/50 + 300/30) ÷ (4·2000/16 + 2·800/20 + 300/30) = 142 ÷ 590 = 0.241.
 * `REGEN=1` rewrites the out file when a change is intended.
 */
describe('the congestion fixture', () => {
  const dir = join(import.meta.dirname, '..', 'fixtures', 'congestion');
  const read = (p: string) => JSON.parse(readFileSync(join(dir, p), 'utf8')) as {
    features: { properties: Record<string, unknown>; geometry: { type: 'Polygon' | 'LineString'; coordinates: never } }[];
  };

  it('gives the levels and the areas\' index the out file holds', () => {
    const roadsIn = read('in/roads.geojson').features as unknown as {
      properties: { id: string; class: RoadClass; speedKph: number; currentKph: number };
      geometry: { coordinates: [number, number][] };
    }[];
    const areasIn = read('in/areas.geojson').features;
    const measures = roadMeasures(roadsIn);
    const factors = roadsIn.map((r) => r.properties.currentKph / r.properties.speedKph);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    const answer = {
      levels: levelTotals(factors, measures),
      areas: areasIn.map((a) => {
        const members = roadsInArea(roadsIn, a.geometry as never);
        return { code: a.properties.code, roads: Array.from(members, (i) => roadsIn[i]!.properties.id), index: round(areaIndex(factors, measures, members)) };
      }),
    };
    const out = join(dir, 'out', 'congestion.json');
    if (process.env.REGEN === '1') writeFileSync(out, JSON.stringify(answer, null, 1) + '\n');
    expect(answer).toEqual(JSON.parse(readFileSync(out, 'utf8')));
    expect(answer.areas.map((a) => a.index)).toEqual([0.571, 0.241]);
    // The input is read, never changed.
    expect(read('in/roads.geojson')).toEqual({ type: 'FeatureCollection', features: roadsIn });
  });
});
