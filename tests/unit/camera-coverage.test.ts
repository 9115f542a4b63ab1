import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadDefaultCity } from '../../server/city/cityCache.js';
import { CameraCoverage, cameraSector, camerasOfLayer, unionArea, type CameraSpec } from '../../server/coverage/cameraCoverage.js';
import { CameraLiveness, type CameraChange } from '../../server/coverage/cameraLiveness.js';
import { CameraOutages, startCameraSimulator } from '../../server/coverage/cameraSimulator.js';
import type { City } from '../../shared/index.js';
import { DEFAULT_CENTER, layoutMesh } from '../fixtures/syntheticGrid.js';
import { SHARED_CITY_CACHE } from '../support/server.js';

type Cell = Feature<Polygon | MultiPolygon>;

/** The independent answer: turf's sector (or circle), turf.intersect with the cell, turf.union of the pieces, turf.area. */
function turfSector(c: CameraSpec): Feature<Polygon> {
  return c.fovDeg >= 360
    ? turf.circle([c.lon, c.lat], c.rangeM / 1000, { steps: 720 })
    : turf.sector([c.lon, c.lat], c.rangeM / 1000, c.headingDeg - c.fovDeg / 2, c.headingDeg + c.fovDeg / 2, { steps: 256 });
}
function turfShare(cell: Cell, sectors: Feature<Polygon>[]): number {
  const pieces = sectors.map((s) => turf.intersect(turf.featureCollection<Polygon | MultiPolygon>([cell, s]))).filter((p) => p !== null);
  if (pieces.length === 0) return 0;
  const union = pieces.length === 1 ? pieces[0]! : turf.union(turf.featureCollection(pieces));
  return union ? turf.area(union) / turf.area(cell) : 0;
}

/** A point `m` metres from (lon, lat) towards `bearing`. */
function offset(lon: number, lat: number, m: number, bearing: number): [number, number] {
  return turf.destination([lon, lat], m / 1000, bearing).geometry.coordinates as [number, number];
}
const camera = (id: string, at: readonly [number, number], headingDeg: number, fovDeg: number, rangeM: number): CameraSpec => ({
  id,
  lon: at[0],
  lat: at[1],
  headingDeg,
  fovDeg,
  rangeM,
});
/** A square cell of `sideM` metres with its south-west corner at (lon, lat). */
function squareCell(lon: number, lat: number, sideM: number): Cell {
  const [lonE] = offset(lon, lat, sideM, 90);
  const [, latN] = offset(lon, lat, sideM, 0);
  return turf.polygon([[[lon, lat], [lonE, lat], [lonE, latN], [lon, latN], [lon, lat]]]);
}

describe('a camera sector', () => {
  it('runs from heading − fov/2 to heading + fov/2 out to the range, closed and counter-clockwise', () => {
    const cam = camera('c', DEFAULT_CENTER, 350, 70, 150);
    const ring = cameraSector(cam).coordinates[0]!;
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(ring[0]).toEqual([cam.lon, cam.lat]);
    expect(turf.booleanClockwise(ring)).toBe(false);
    for (const p of ring.slice(1, -1)) {
      expect(turf.distance([cam.lon, cam.lat], p) * 1000).toBeCloseTo(150, 0);
      // Bearings within 315°..25°, i.e. within 35° of the heading either way.
      const off = ((turf.bearing([cam.lon, cam.lat], p) - 350 + 540) % 360) - 180;
      expect(Math.abs(off)).toBeLessThanOrEqual(35 + 1e-6);
    }
    // Within 0.05 % of the true sector's area (2° steps).
    const area = turf.area(turf.polygon([ring]));
    expect(Math.abs(area / ((Math.PI * 150 ** 2 * 70) / 360) - 1)).toBeLessThan(5e-4);
  });

  it('is a circle for a 360° PTZ camera, without the camera as a vertex', () => {
    const cam = camera('ptz', DEFAULT_CENTER, 17, 360, 200);
    const ring = cameraSector(cam).coordinates[0]!;
    expect(turf.booleanClockwise(ring)).toBe(false);
    for (const p of ring) expect(turf.distance([cam.lon, cam.lat], p) * 1000).toBeCloseTo(200, 0);
    expect(Math.abs(turf.area(turf.polygon([ring])) / (Math.PI * 200 ** 2) - 1)).toBeLessThan(5e-4);
  });

  it('splits no wider sector wrongly: 270° sees three quarters of a circle', () => {
    const ring = cameraSector(camera('w', DEFAULT_CENTER, 0, 270, 100)).coordinates[0]!;
    expect(Math.abs(turf.area(turf.polygon([ring])) / ((Math.PI * 100 ** 2 * 3) / 4) - 1)).toBeLessThan(5e-4);
  });
});

describe('the union of areas', () => {
  it('counts overlaps once and holes out', () => {
    const sq = (x: number, y: number, s: number) => Float64Array.from([x, y, x + s, y, x + s, y + s, x, y + s]);
    expect(unionArea([[sq(0, 0, 10)]])).toBeCloseTo(100, 9);
    expect(unionArea([[sq(0, 0, 10)], [sq(5, 5, 10)]])).toBeCloseTo(175, 9);
    expect(unionArea([[sq(0, 0, 10)], [sq(0, 0, 10)], [sq(2, 2, 3)]])).toBeCloseTo(100, 9);
    // A square with a square hole, and a square over the hole's half.
    expect(unionArea([[sq(0, 0, 10), sq(2, 2, 4)], [sq(2, 2, 2)]])).toBeCloseTo(100 - 16 + 4, 9);
    // A diamond over a square: their crossings are slab boundaries.
    const diamond = Float64Array.from([5, -2, 12, 5, 5, 12, -2, 5]);
    const expected = turf.area(turf.union(turf.featureCollection([turf.polygon([[[0, 0], [1e-4, 0], [1e-4, 1e-4], [0, 1e-4], [0, 0]]]), turf.polygon([[[5e-5, -2e-5], [1.2e-4, 5e-5], [5e-5, 1.2e-4], [-2e-5, 5e-5], [5e-5, -2e-5]]])]))!);
    const squareArea = turf.area(turf.polygon([[[0, 0], [1e-4, 0], [1e-4, 1e-4], [0, 1e-4], [0, 0]]]));
    expect(unionArea([[sq(0, 0, 10)], [diamond]]) / 100).toBeCloseTo(expected / squareArea, 4);
  });
});

describe('camera coverage of the default city', () => {
  let city: City;
  let cells: Cell[];
  let cams: CameraSpec[];
  let coverage: CameraCoverage;
  beforeAll(() => {
    city = loadDefaultCity({ cacheDir: SHARED_CITY_CACHE, seed: 320412 }).city;
    cells = city.layers.grid.features as Cell[];
    cams = camerasOfLayer(city.layers.cameras.features);
    coverage = new CameraCoverage(city.layers.grid.features, cams);
  });

  it('precomputes every camera once and reaches a share of the cells', () => {
    expect(coverage.stats.cameras).toBe(cams.length);
    expect(coverage.stats.cells).toBe(cells.length);
    expect(coverage.stats.cellsTouched).toBeGreaterThan(1000);
    expect(coverage.stats.pieces).toBeGreaterThanOrEqual(coverage.stats.cellsTouched);
    const seen = coverage.shares.filter((s) => s > 0).length;
    expect(seen).toBe(coverage.stats.cellsTouched);
    for (const s of coverage.shares) expect(s >= 0 && s <= 1).toBe(true);
  });

  it("gives the shares turf's intersection and union of the same sectors give (within 1 %), overlaps included", () => {
    const sectors = new Map(cams.map((c) => [c.id, turfSector(c)]));
    const camerasAt = new Map<number, string[]>();
    for (const c of cams) for (const k of coverage.cellsOf(c.id)) camerasAt.set(k, [...(camerasAt.get(k) ?? []), c.id]);
    const touched = [...camerasAt.keys()].sort((a, b) => a - b);
    const overlapped = touched.filter((k) => camerasAt.get(k)!.length >= 2);
    expect(overlapped.length).toBeGreaterThan(50);
    // Every 25th touched cell, every 8th cell seen by two cameras or more, and some nobody sees.
    const sample = new Set([...touched.filter((_, i) => i % 25 === 0), ...overlapped.filter((_, i) => i % 8 === 0)]);
    let worst = 0;
    for (const k of sample) {
      // The reference unions the sectors of every camera whose box is near, not only those the engine found.
      const near = cams.filter((c) => turf.distance([c.lon, c.lat], turf.centroid(cells[k]!)) * 1000 < c.rangeM + 150);
      const expected = turfShare(cells[k]!, near.map((c) => sectors.get(c.id)!));
      worst = Math.max(worst, Math.abs(coverage.shares[k]! - expected));
      expect(coverage.shares[k]!, `cell ${k}`).toBeCloseTo(expected, 2);
    }
    expect(worst).toBeLessThan(0.01);
    for (let k = 0; k < cells.length; k += 97) if (!camerasAt.has(k)) expect(coverage.shares[k]).toBe(0);
  });

  it('takes a camera down and back: exactly its cells change, and come back to the same bits', () => {
    // A camera one of whose cells another camera sees whole: that cell must not change.
    const whole = new Map<number, string>();
    for (const c of cams) {
      const p = coverage.piecesOf(c.id);
      p.cells.forEach((k, i) => {
        if (p.shares[i] === 1) whole.set(k, c.id);
      });
    }
    const seers = new Map<number, number>();
    for (const c of cams) for (const k of coverage.cellsOf(c.id)) seers.set(k, (seers.get(k) ?? 0) + 1);
    // ... and another cell only it sees: that one must.
    const pick = cams.find(
      (c) => coverage.cellsOf(c.id).some((k) => whole.has(k) && whole.get(k) !== c.id) && coverage.cellsOf(c.id).some((k) => seers.get(k) === 1),
    );
    expect(pick).toBeDefined();
    const id = pick!.id;
    const mine = new Set(coverage.cellsOf(id));
    const before = coverage.shares.slice();

    const down = coverage.setLive([id], false);
    expect(coverage.isLive(id)).toBe(false);
    expect(down.cells.length).toBeGreaterThan(0);
    const after = coverage.shares.slice();
    for (let k = 0; k < cells.length; k++) {
      const changed = after[k] !== before[k];
      if (!mine.has(k)) expect(changed, `cell ${k} is not the camera's`).toBe(false);
    }
    expect([...down.cells]).toEqual([...mine].filter((k) => after[k] !== before[k]));
    down.cells.forEach((k, i) => {
      expect(down.shares[i]).toBe(after[k]);
      expect(after[k]!).toBeLessThan(before[k]!);
    });
    const kept = [...mine].find((k) => whole.has(k) && whole.get(k) !== id)!;
    expect(down.cells).not.toContain(kept);
    expect(after[kept]).toBe(1);
    for (const k of mine) if (seers.get(k) === 1) expect(after[k]).toBe(0);
    // Down again: nothing.
    expect(coverage.setLive([id], false).cells.length).toBe(0);

    const up = coverage.setLive([id], true);
    expect([...up.cells]).toEqual([...down.cells]);
    expect(Array.from(coverage.shares)).toEqual(Array.from(before));
    up.cells.forEach((k, i) => expect(up.shares[i]).toBe(before[k]));
  });

  it('refuses an unknown camera before changing anything', () => {
    const before = coverage.shares.slice();
    expect(() => coverage.setLive([cams[0]!.id, 'no-such-camera'], false)).toThrow(/unknown camera/);
    expect(coverage.isLive(cams[0]!.id)).toBe(true);
    expect(Array.from(coverage.shares)).toEqual(Array.from(before));
  });

  it('falls to zero with every camera down and comes back whole', () => {
    const before = coverage.shares.slice();
    const ids = coverage.cameraIds;
    const down = coverage.setLive(ids, false);
    expect(down.cells.length).toBe(coverage.stats.cellsTouched);
    expect(coverage.shares.every((s) => s === 0)).toBe(true);
    coverage.setLive(ids, true);
    expect(Array.from(coverage.shares)).toEqual(Array.from(before));
  });
});

describe('camera coverage of constructed cells', () => {
  // 50 m quads, jittered; A is concave (an L), B has a hole (b inside it), C is in two parts.
  const mesh = layoutMesh(
    [
      'xxxxxxxxxxxxxxxxxxxx',
      'xxxxxxxxxxxxxxxxxxxx',
      'xxAAxBBBxCxxxxxxxxxx',
      'xxAxxBbBxxxCxxxxxxxx',
      'xxAxxBBBxCxxxxxxxxxx',
      'xxxxxxxxxxxxxxxxxxxx',
      'xxxxxxxxxxxxxxxxxxxx',
    ].map((row, j) => [...row].map((ch, i) => (ch === 'x' ? String.fromCharCode(0x4e00 + j * 20 + i) : ch)).join('')),
    { spacingM: 50, jitter: 0.2, seed: 7 },
  );
  const cells = mesh.cells as Cell[];
  const corner = (i: number, j: number) => mesh.vertexAt(i, j);

  it('matches turf on concave cells, a cell with a hole and a cell in two parts, with overlapping cameras', () => {
    const cams = [
      camera('a', corner(3, 4), 200, 80, 140),
      camera('b', corner(7, 3), 300, 120, 110),
      camera('ptz', corner(10, 4), 0, 360, 90),
      camera('wide', corner(6, 2), 45, 250, 80),
    ];
    const cov = new CameraCoverage(cells, cams);
    const sectors = cams.map(turfSector);
    let compared = 0;
    for (const label of ['A', 'B', 'b', 'C']) {
      const k = mesh.cellOfLabel.get(label)!;
      expect(cov.shares[k]!).toBeGreaterThan(0);
    }
    for (let k = 0; k < cells.length; k++) {
      expect(cov.shares[k]!, `cell ${k}`).toBeCloseTo(turfShare(cells[k]!, sectors), 2);
      compared++;
    }
    expect(compared).toBe(cells.length);
  });

  it('does not count overlapping cameras twice', () => {
    const cell = squareCell(DEFAULT_CENTER[0], DEFAULT_CENTER[1], 100);
    const inside = offset(DEFAULT_CENTER[0], DEFAULT_CENTER[1], 50 * Math.SQRT2, 45); // the middle
    const one = new CameraCoverage([cell], [camera('one', inside, 90, 60, 80)]);
    const twice = new CameraCoverage([cell], [camera('one', inside, 90, 60, 80), camera('same', inside, 90, 60, 80)]);
    expect(twice.shares[0]).toBe(one.shares[0]);
    // Two big circles over the whole cell: 1, not 2.
    const both = new CameraCoverage([cell], [camera('p1', inside, 0, 360, 500), camera('p2', inside, 90, 360, 400)]);
    expect(both.shares[0]).toBe(1);
    // Half-overlapping sectors: as turf's union.
    const cams = [camera('e', inside, 90, 90, 70), camera('ne', inside, 45, 90, 70)];
    const half = new CameraCoverage([cell], cams);
    const expected = turfShare(cell, cams.map(turfSector));
    expect(half.shares[0]!).toBeCloseTo(expected, 3);
    const alone = half.piecesOf('e').shares[0]! + half.piecesOf('ne').shares[0]!;
    expect(half.shares[0]!).toBeLessThan(alone - 0.05);
    // One down: the other alone.
    half.setLive(['ne'], false);
    expect(half.shares[0]).toBeCloseTo(half.piecesOf('e').shares[0]!, 6);
    expect(half.camerasSeeing(0)).toEqual(['e']);
  });

  it('sees all round with a 360° PTZ camera, whatever its heading', () => {
    const mid = corner(10, 4);
    const a = new CameraCoverage(cells, [camera('ptz', mid, 0, 360, 90)]);
    const b = new CameraCoverage(cells, [camera('ptz', mid, 123, 360, 90)]);
    const seen = (cov: CameraCoverage) => cells.reduce((sum, c, k) => sum + cov.shares[k]! * turf.area(c), 0);
    expect(seen(a) / (Math.PI * 90 ** 2)).toBeCloseTo(1, 2);
    for (let k = 0; k < cells.length; k++) expect(Math.abs(a.shares[k]! - b.shares[k]!)).toBeLessThan(1e-3);
    // The quads around the camera are inside the circle's 90 m: seen whole (all but C, in three parts).
    expect(a.cellsOf('ptz').length).toBeGreaterThanOrEqual(9);
    expect(a.shares.filter((s) => s === 1).length).toBeGreaterThanOrEqual(3);
  });

  it('spreads a long sector over the many cells it crosses, its area all accounted for', () => {
    const cam = camera('long', corner(1, 1), 60, 40, 700);
    const cov = new CameraCoverage(cells, [cam]);
    // The mesh is 1,000 m × 350 m: the sector runs out of it, so compare cell by cell with turf.
    const sector = turfSector(cam);
    const crossed = cov.cellsOf('long');
    expect(crossed.length).toBeGreaterThan(20);
    let seenArea = 0;
    let turfArea = 0;
    for (const k of crossed) {
      const expected = turfShare(cells[k]!, [sector]);
      expect(cov.shares[k]!, `cell ${k}`).toBeCloseTo(expected, 2);
      seenArea += cov.shares[k]! * turf.area(cells[k]!);
      turfArea += expected * turf.area(cells[k]!);
    }
    expect(seenArea / turfArea).toBeCloseTo(1, 3);
    // Cells it does not reach: nothing, and turf agrees.
    for (let k = 0; k < cells.length; k++) if (!crossed.includes(k)) expect(turfShare(cells[k]!, [sector])).toBeLessThan(1e-6);
  });
});

describe('camera liveness', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const cell = squareCell(DEFAULT_CENTER[0], DEFAULT_CENTER[1], 100);
  const mid = offset(DEFAULT_CENTER[0], DEFAULT_CENTER[1], 50 * Math.SQRT2, 45);
  const build = () => new CameraCoverage([cell], [camera('x', mid, 0, 360, 30), camera('y', mid, 90, 90, 120)]);

  it('drops a camera silent past the silent time at once, and brings it back on a heartbeat', () => {
    let now = 1_000_000;
    const cov = build();
    const full = cov.shares[0]!;
    const live = new CameraLiveness(cov, { silentAfterMs: 60_000, now: () => now });
    const changes: CameraChange[] = [];
    live.onChange((c) => changes.push(c));
    expect(live.nextDeadline()).toBe(1_060_000);
    now += 30_000;
    expect(live.heartbeat([{ id: 'x' }]).unknown).toEqual([]);
    expect(live.heartbeatsFrom).toBe('gateway');
    now = 1_060_000;
    expect(live.expire()).toBeNull(); // exactly the silent time: not longer
    now += 1;
    const down = live.expire()!;
    expect(down.camerasDown).toEqual(['y']);
    expect(changes).toEqual([down]);
    expect([...down.changedCells.cells]).toEqual([0]);
    expect(cov.shares[0]!).toBeLessThan(full);
    expect(live.statuses()).toEqual([
      { id: 'x', live: true, lastHeartbeatAt: 1_030_000, silentSince: null },
      { id: 'y', live: false, lastHeartbeatAt: null, silentSince: 1_060_000 },
    ]);
    // A heartbeat dated before the silent time ended does not bring it back; a fresh one does.
    live.heartbeat([{ id: 'y', at: now - 70_000 }]);
    expect(cov.isLive('y')).toBe(false);
    live.heartbeat([{ id: 'y', at: now + 999_999 }]); // from the future: counts as now
    expect(cov.isLive('y')).toBe(true);
    expect(changes.at(-1)!.camerasUp).toEqual(['y']);
    expect(cov.shares[0]).toBe(full);
    expect(live.statuses()[1]).toEqual({ id: 'y', live: true, lastHeartbeatAt: now, silentSince: null });
  });

  it('takes a report all or nothing', () => {
    const now = 5_000;
    const cov = build();
    const live = new CameraLiveness(cov, { silentAfterMs: 1000, now: () => now });
    expect(live.heartbeat([{ id: 'x' }, { id: 'nope' }, { id: 'nope' }]).unknown).toEqual(['nope']);
    expect(live.statuses()[0]!.lastHeartbeatAt).toBeNull();
    expect(live.heartbeatsFrom).toBe('none');
  });

  it("ignores the simulator's heartbeats once a gateway has reported", () => {
    let now = 0;
    const live = new CameraLiveness(build(), { silentAfterMs: 1000, now: () => now });
    expect(live.heartbeat([{ id: 'x' }], 'simulator').ignored).toBe(false);
    expect(live.heartbeatsFrom).toBe('simulator');
    now = 10;
    live.heartbeat([{ id: 'y' }], 'gateway');
    now = 20;
    expect(live.heartbeat([{ id: 'x' }], 'simulator').ignored).toBe(true);
    expect(live.statuses()[0]!.lastHeartbeatAt).toBe(0);
  });

  it('watches the clock: the timer takes a camera out as soon as its time has passed', () => {
    vi.useFakeTimers({ now: 0 });
    const cov = build();
    const live = new CameraLiveness(cov, { silentAfterMs: 5000 });
    const changes: CameraChange[] = [];
    live.onChange((c) => changes.push(c));
    live.start();
    vi.advanceTimersByTime(3000);
    live.heartbeat([{ id: 'x' }]);
    vi.advanceTimersByTime(2001);
    expect(changes.map((c) => c.camerasDown)).toEqual([['y']]);
    expect(changes[0]!.at).toBeLessThanOrEqual(5002);
    vi.advanceTimersByTime(3001);
    expect(changes.map((c) => c.camerasDown)).toEqual([['y'], ['x']]);
    expect(cov.shares[0]).toBe(0);
    // Back, then quiet again.
    live.heartbeat([{ id: 'x' }, { id: 'y' }]);
    vi.advanceTimersByTime(5001);
    expect(changes.at(-1)!.camerasDown).toEqual(['x', 'y']);
    live.stop();
  });

  it('keeps other listeners going when one throws, and logs it', () => {
    let now = 0;
    const errors: unknown[] = [];
    const live = new CameraLiveness(build(), { silentAfterMs: 10, now: () => now, log: { error: (o: unknown) => errors.push(o) } as never });
    const heard: string[][] = [];
    live.onChange(() => {
      throw new Error('boom');
    });
    live.onChange((c) => heard.push(c.camerasDown));
    now = 11;
    live.expire();
    expect(heard).toEqual([['x', 'y']]);
    expect(errors).toHaveLength(1);
  });
});

describe('the camera simulator', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const ids = Array.from({ length: 250 }, (_, i) => `cam-${i + 1}`);

  it('draws the same outages from the same seed: a few cameras out at a time, each for 10 to 60 minutes', () => {
    const a = new CameraOutages(ids, 42, 0);
    const b = new CameraOutages(ids, 42, 0);
    const c = new CameraOutages(ids, 43, 0);
    let outTotal = 0;
    let differs = false;
    const spans = new Map<number, number>();
    const since = new Map<number, number>();
    const step = 60_000;
    const days = 4;
    for (let t = 0; t < days * 86_400_000; t += step) {
      const upA = a.upAt(t);
      expect(b.upAt(t)).toEqual(upA);
      if (c.upAt(t).length !== upA.length) differs = true;
      outTotal += ids.length - upA.length;
      for (let i = 0; i < ids.length; i++) {
        const out = a.isOut(i, t);
        if (out && !since.has(i)) since.set(i, t);
        if (!out && since.has(i)) {
          spans.set(spans.size, t - since.get(i)!);
          since.delete(i);
        }
      }
    }
    expect(differs).toBe(true);
    // 2 % an hour, 35 minutes on average: about 1.2 % of the cameras out at any time.
    const meanOut = outTotal / ((days * 86_400_000) / step) / ids.length;
    expect(meanOut).toBeGreaterThan(0.006);
    expect(meanOut).toBeLessThan(0.02);
    expect(spans.size).toBeGreaterThan(100);
    // (Now and then the next outage starts within the minute the last ended: one longer span.)
    const lengths = [...spans.values()];
    for (const ms of lengths) expect(ms).toBeGreaterThanOrEqual(10 * 60_000 - step);
    expect(lengths.filter((ms) => ms <= 60 * 60_000 + step).length / lengths.length).toBeGreaterThan(0.99);
  });

  it('beats for the cameras that are up, lets an outage go silent, and stands down when a gateway reports', () => {
    vi.useFakeTimers({ now: 0 });
    // 50 cameras, each in its own 100 m cell along a street.
    const starts = ids.slice(0, 50).map((_, i) => offset(DEFAULT_CENTER[0], DEFAULT_CENTER[1], 100 * i, 90));
    const specs = ids.slice(0, 50).map((id, i) => camera(id, offset(starts[i]![0], starts[i]![1], 50 * Math.SQRT2, 45), 0, 90, 40));
    const cov = new CameraCoverage(
      starts.map(([lon, lat]) => squareCell(lon, lat, 100)),
      specs,
    );
    const live = new CameraLiveness(cov, { silentAfterMs: 300_000 });
    const down: string[] = [];
    live.onChange((c) => down.push(...c.camerasDown));
    live.start();
    // A chance of 50 % an hour: some go out within the first hours.
    const sim = startCameraSimulator({ liveness: live, cameraIds: specs.map((s) => s.id), seed: 9, speed: 1, outages: { chancePerHour: 0.5 } });
    expect(live.heartbeatsFrom).toBe('simulator');
    vi.advanceTimersByTime(3 * 3_600_000);
    expect(down.length).toBeGreaterThan(0);
    // 360 rounds of 50 cameras, less those out (about 30 % of the time at this rate).
    expect(sim.stats().beats).toBeGreaterThan(50 * 360 * 0.5);
    expect(sim.stats().beats).toBeLessThan(50 * 361);
    live.heartbeat([{ id: specs[0]!.id }]);
    vi.advanceTimersByTime(60_000);
    expect(sim.stats().stoodDown).toBe(true);
    // Nobody but the gateway beats now: the others go silent.
    vi.advanceTimersByTime(300_001);
    expect(live.statuses().filter((s) => s.live).map((s) => s.id)).toEqual([]);
    sim.stop();
    live.stop();
  });
});
