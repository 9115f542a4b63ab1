import { describe, expect, it, vi } from 'vitest';
import { decodeCellFrame, encodeCellFrame, type CellFrame, type CameraAlertMessage, type CityLayer, type CoverageAlertMessage } from '../../shared/index.js';
import { CoverageFeed } from '../../client/coverage/coverageFeed.js';
import { CoverageStore, MAX_HELD_FRAMES } from '../../client/coverage/coverageStore.js';
import { buildCellGeometry, CellClassColours, type Rgba } from '../../client/coverage/cellClassColours.js';
import { blindSpotClass, cameraShareClass, countClasses } from '../../client/coverage/cellClasses.js';
import { patrolAgeClass, patrolAgeClassOf } from '../../client/coverage/patrolAge.js';
import { dashedRing } from '../../client/layers/cameraLayer.js';
import { CoverageLayers } from '../../client/map/coverageLayers.js';
import { applyCameraAlert, applyPatrolAlert, CLEARED_SHOWN_MS, standingPatrolAlerts } from '../../client/coverage/patrolAlerts.js';

/**
 * The client's coverage of the grid cells (issue 13): the seq rule of `coverage:cells` frames over a
 * snapshot (in order applied, at or below dropped, a gap or a reconnect reads the snapshot again),
 * the feed that reads the snapshot, and the patrol-age colours painted per vertex for deck.gl.
 */

const NOW = Date.UTC(2026, 11, 8, 10, 0, 0);
const H = 3_600_000;
const CELLS = 10;

/** A snapshot of CELLS cells at `seq`: cell i last patrolled i hours ago (the last one never). */
function snapshot(seq: number): CellFrame {
  const cells = Uint32Array.from({ length: CELLS }, (_, i) => i);
  const lastPatrolAt = Float64Array.from(cells, (i) => (i === CELLS - 1 ? NaN : NOW - i * H));
  return decodeCellFrame(
    encodeCellFrame({ seq, epochMs: NOW, snapshot: true, cells, lastPatrolAt, passes: Uint16Array.from(cells, (i) => i), cameraShare: new Uint8Array(CELLS) }),
  );
}

/** A frame at `seq` that marks `cells` patrolled at `at`, through the real codec. */
function frame(seq: number, cells: number[], at = NOW): CellFrame {
  return decodeCellFrame(
    encodeCellFrame({
      seq,
      epochMs: NOW,
      snapshot: false,
      cells: Uint32Array.from(cells),
      lastPatrolAt: Float64Array.from(cells, () => at),
      passes: Uint16Array.from(cells, () => 7),
    }),
  );
}

describe('the coverage store', () => {
  it('applies frames that follow the snapshot in order, and drops those the snapshot already has', () => {
    const store = new CoverageStore();
    expect(store.needsSnapshot).toBe(true);
    expect(store.loadSnapshot(snapshot(5), NOW)).toBe(true);
    expect(store.seq).toBe(5);
    expect(store.cellCount).toBe(CELLS);
    expect(store.takeChanged()).toBe('all');
    expect(Number.isNaN(store.lastPatrolAt[CELLS - 1]!)).toBe(true);

    expect(store.take(frame(5, [9]))).toBe('stale');
    expect(Number.isNaN(store.lastPatrolAt[9]!)).toBe(true);
    expect(store.take(frame(6, [9, 3]))).toBe('applied');
    expect(store.take(frame(7, [1]))).toBe('applied');
    expect(store.seq).toBe(7);
    expect(store.lastPatrolAt[9]).toBe(NOW);
    expect(store.passes[3]).toBe(7);
    // Only the cells that changed are repainted, each once, ascending.
    expect(Array.from(store.takeChanged() as Uint32Array)).toEqual([1, 3, 9]);
    expect(Array.from(store.takeChanged() as Uint32Array)).toEqual([]);
    // A column a frame does not carry keeps its values.
    expect(store.cameraShare[9]).toBe(0);
    expect(store.counts).toMatchObject({ snapshots: 1, applied: 2, stale: 1, gaps: 0 });
  });

  it('on a gap holds the frame and asks for the snapshot, then applies what follows the new snapshot', () => {
    const store = new CoverageStore();
    store.loadSnapshot(snapshot(1), NOW);
    expect(store.take(frame(2, [0]))).toBe('applied');
    expect(store.take(frame(4, [4]))).toBe('gap');
    expect(store.needsSnapshot).toBe(true);
    expect(store.lastPatrolAt[4]).toBe(NOW - 4 * H);
    // While the snapshot is read, frames wait for it.
    expect(store.take(frame(5, [5]))).toBe('held');
    expect(store.take(frame(6, [6]))).toBe('held');
    // The snapshot was read at 4: 4 is in it, 5 and 6 follow.
    expect(store.loadSnapshot(snapshot(4), NOW)).toBe(true);
    expect(store.seq).toBe(6);
    expect(store.needsSnapshot).toBe(false);
    expect(store.lastPatrolAt[5]).toBe(NOW);
    expect(store.lastPatrolAt[6]).toBe(NOW);
    // Frame 4's own value is the snapshot's (the snapshot is the truth at 4).
    expect(store.lastPatrolAt[4]).toBe(NOW - 4 * H);
  });

  it('answers false when the frames held have a gap after the snapshot, and keeps them for the next one', () => {
    const store = new CoverageStore();
    store.take(frame(3, [3]));
    store.take(frame(5, [5]));
    expect(store.loadSnapshot(snapshot(2), NOW)).toBe(false);
    expect(store.seq).toBe(3);
    expect(store.needsSnapshot).toBe(true);
    expect(store.loadSnapshot(snapshot(4), NOW)).toBe(true);
    expect(store.seq).toBe(5);
    expect(store.lastPatrolAt[5]).toBe(NOW);
  });

  it('after a reconnect holds every frame until a fresh snapshot, even one that seems to follow', () => {
    const store = new CoverageStore();
    store.loadSnapshot(snapshot(10), NOW);
    store.resync();
    // Frame 11 may be the next one, or frames may have been missed while the socket was down: the
    // store cannot tell, so it waits for the snapshot.
    expect(store.take(frame(11, [2]))).toBe('held');
    expect(store.needsSnapshot).toBe(true);
    expect(store.lastPatrolAt[2]).toBe(NOW - 2 * H);
    expect(store.loadSnapshot(snapshot(12), NOW)).toBe(true);
    expect(store.seq).toBe(12);
    // 11 was older than the snapshot: dropped, not applied over it.
    expect(store.lastPatrolAt[2]).toBe(NOW - 2 * H);
  });

  it('holds at most MAX_HELD_FRAMES frames while it waits', () => {
    const store = new CoverageStore();
    for (let s = 1; s <= MAX_HELD_FRAMES + 10; s++) store.take(frame(s, [s % CELLS]));
    expect(store.loadSnapshot(snapshot(10), NOW)).toBe(true);
    expect(store.seq).toBe(MAX_HELD_FRAMES + 10);
  });

  it('reckons the server clock from the snapshot', () => {
    const store = new CoverageStore();
    store.loadSnapshot(snapshot(1), NOW - 90_000);
    expect(store.serverNow(NOW - 90_000)).toBe(NOW);
  });
});

describe('the coverage feed', () => {
  function setup(opts: { fail?: number } = {}) {
    const store = new CoverageStore();
    let served = 0;
    let seq = 3;
    let failures = opts.fail ?? 0;
    const fetchSnapshot = vi.fn(async () => {
      if (failures > 0) {
        failures -= 1;
        throw Object.assign(new Error('down'), { status: 503 });
      }
      served += 1;
      return encodeCellFrame(snapshot(seq));
    });
    const onChange = vi.fn();
    const log = vi.fn();
    const feed = new CoverageFeed(store, { fetchSnapshot, onChange, log, backoff: { baseMs: 5, maxMs: 5 }, now: () => NOW });
    return { store, feed, fetchSnapshot, onChange, log, setSeq: (s: number) => (seq = s), served: () => served };
  }
  const flush = () => new Promise((r) => setTimeout(r, 0));
  const bytes = (f: CellFrame) => encodeCellFrame(f);

  it('reads the snapshot once connected and shown, applies frames, and reads it again on a gap', async () => {
    const { store, feed, fetchSnapshot, onChange, setSeq } = setup();
    feed.setEnabled(true);
    expect(fetchSnapshot).not.toHaveBeenCalled();
    feed.connected();
    await flush();
    expect(fetchSnapshot).toHaveBeenCalledTimes(1);
    expect(store.seq).toBe(3);
    feed.frame(bytes(frame(4, [1])));
    expect(store.seq).toBe(4);
    expect(onChange).toHaveBeenCalledTimes(2);
    // 5 went missing.
    setSeq(6);
    feed.frame(bytes(frame(6, [2])));
    expect(store.needsSnapshot).toBe(true);
    await flush();
    expect(fetchSnapshot).toHaveBeenCalledTimes(2);
    expect(store.seq).toBe(6);
    expect(feed.timing.frames).toBe(2);
  });

  it('reads the snapshot again after every reconnect, and again after one that came during a read', async () => {
    const { store, feed, fetchSnapshot, setSeq } = setup();
    feed.setEnabled(true);
    feed.connected();
    await flush();
    setSeq(9);
    feed.connected();
    // A second connect while that read is under way: its answer may be older than the new connection.
    feed.connected();
    await flush();
    await flush();
    expect(fetchSnapshot).toHaveBeenCalledTimes(3);
    expect(store.seq).toBe(9);
    expect(store.needsSnapshot).toBe(false);
  });

  it('ignores frames and reads nothing while the page shows no coverage', async () => {
    const { store, feed, fetchSnapshot } = setup();
    feed.connected();
    feed.frame(bytes(frame(4, [1])));
    await flush();
    expect(fetchSnapshot).not.toHaveBeenCalled();
    expect(store.seq).toBeNull();
    feed.setEnabled(true);
    await flush();
    expect(store.seq).toBe(3);
    feed.setEnabled(false);
    expect(store.needsSnapshot).toBe(true);
  });

  it('retries a failed read with backoff, and stops on a 401', async () => {
    const { store, feed, fetchSnapshot } = setup({ fail: 2 });
    feed.setEnabled(true);
    feed.connected();
    await vi.waitFor(() => expect(store.seq).toBe(3));
    expect(fetchSnapshot).toHaveBeenCalledTimes(3);

    const onUnauthenticated = vi.fn();
    const refused = new CoverageFeed(new CoverageStore(), {
      fetchSnapshot: async () => {
        throw Object.assign(new Error('no'), { status: 401 });
      },
      onChange: () => {},
      onUnauthenticated,
      log: () => {},
      backoff: { baseMs: 1, maxMs: 1 },
    });
    refused.setEnabled(true);
    refused.connected();
    await flush();
    await new Promise((r) => setTimeout(r, 20));
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it('reads the snapshot again after a frame it cannot decode', async () => {
    const { feed, fetchSnapshot, log } = setup();
    feed.setEnabled(true);
    feed.connected();
    await flush();
    feed.frame(new Uint8Array([9, 9, 9]).buffer);
    await flush();
    expect(log).toHaveBeenCalled();
    expect(fetchSnapshot).toHaveBeenCalledTimes(2);
  });
});

type GridCell = CityLayer<'grid'>['features'][number];
const square = (x: number, y: number): [number, number][] => [
  [x, y],
  [x + 1, y],
  [x + 1, y + 1],
  [x, y + 1],
  [x, y],
];
const props = (code: string) => ({ code, townCode: 't', communityCode: 'c', responsibilityGridCode: 'r', landuse: 'residential', areaM2: 1 });

describe('time since patrol', () => {
  it('puts a last patrol in its class: < 2 h, 2–8 h, 8–24 h, more than a day or never', () => {
    expect(patrolAgeClass(NOW, NOW)).toBe(0);
    expect(patrolAgeClass(NOW - 2 * H + 1, NOW)).toBe(0);
    expect(patrolAgeClass(NOW - 2 * H, NOW)).toBe(1);
    expect(patrolAgeClass(NOW - 8 * H, NOW)).toBe(2);
    expect(patrolAgeClass(NOW - 24 * H + 1, NOW)).toBe(2);
    expect(patrolAgeClass(NOW - 24 * H, NOW)).toBe(3);
    expect(patrolAgeClass(NaN, NOW)).toBe(3);
    expect(countClasses(patrolAgeClassOf({ lastPatrolAt: Float64Array.from([NOW, NOW - 3 * H, NOW - 9 * H, NaN, NOW - 30 * H]) }, NOW), 5, 4)).toEqual([1, 1, 1, 2]);
  });

  it('paints every vertex of a cell (each part of a multipolygon) and only the cells asked', () => {
    const cells = [
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(0, 0)] }, properties: props('a') },
      { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[square(1, 0)], [square(3, 0)]] }, properties: props('b') },
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(2, 0)] }, properties: props('c') },
    ] as unknown as GridCell[];
    const g = buildCellGeometry(cells);
    expect(g.length).toBe(4);
    expect(Array.from(g.startIndices)).toEqual([0, 5, 10, 15, 20]);
    expect(Array.from(g.rowCell)).toEqual([0, 1, 1, 2]);
    expect(Array.from(g.cellVertexStart)).toEqual([0, 5, 15, 20]);
    expect(Array.from(g.positions.subarray(20, 22))).toEqual([3, 0]);

    const palette: Rgba[] = [
      [0, 0, 0, 1],
      [0, 0, 0, 2],
      [0, 0, 0, 3],
      [0, 0, 0, 4],
    ];
    const colours = new CellClassColours(g, palette);
    const store = { lastPatrolAt: Float64Array.from([NOW, NaN, NOW - 10 * H]) };
    expect(colours.paint(patrolAgeClassOf(store, NOW), 3, 'all')).toBe(true);
    const alphaOfVertex = (v: number) => colours.colours[4 * v + 3];
    expect([0, 4].map(alphaOfVertex)).toEqual([1, 1]);
    expect([5, 9, 10, 14].map(alphaOfVertex)).toEqual([4, 4, 4, 4]);
    expect([15, 19].map(alphaOfVertex)).toEqual([3, 3]);
    expect(colours.classCounts).toEqual([1, 0, 1, 1]);
    const version = colours.version;

    // The blind cell is patrolled: only its ten vertices change.
    store.lastPatrolAt[1] = NOW;
    const before = colours.colours.slice();
    expect(colours.paint(patrolAgeClassOf(store, NOW), 3, [1])).toBe(true);
    expect(colours.version).toBe(version + 1);
    const changed = [...colours.colours.keys()].filter((i) => colours.colours[i] !== before[i]).map((i) => Math.floor(i / 4));
    expect(new Set(changed)).toEqual(new Set([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]));
    expect(colours.classCounts).toEqual([2, 0, 1, 0]);
    // Nothing changed: no new version, so deck.gl is handed nothing new.
    expect(colours.paint(patrolAgeClassOf(store, NOW), 3, 'all')).toBe(false);
    expect(colours.version).toBe(version + 1);
    // Time passes: a full repaint moves cells on.
    expect(colours.paint(patrolAgeClassOf(store, NOW + 3 * H), 3, 'all')).toBe(true);
    expect(colours.classCounts).toEqual([0, 2, 1, 0]);
  });
});

describe('the blind-spot and camera-share classes', () => {
  it('leave the low scores and unseen cells undrawn, and class the rest at their bounds', () => {
    const byte = (x: number) => Math.round(x * 255);
    expect([0, 0.29, 0.3, 0.49, 0.5, 0.69, 0.7, 1].map((x) => blindSpotClass(byte(x)))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect([0, 1 / 255, 0.29, 0.3, 0.69, 0.7, 1].map((x) => cameraShareClass(byte(x)))).toEqual([0, 1, 1, 2, 2, 3, 3]);
  });
});

describe('a silent camera\'s dashed edge', () => {
  it('is cut into equal dashes covering half the ring, each on the ring', () => {
    const ring = square(0, 0);
    const dashes = dashedRing(ring, 8);
    expect(dashes).toHaveLength(8);
    const len = (p: [number, number][]) => p.slice(1).reduce((s, q, i) => s + Math.hypot(q[0] - p[i]![0], q[1] - p[i]![1]), 0);
    // At latitude 0 the scale is 1: the perimeter is 4, the dashes half of it.
    for (const d of dashes) expect(len(d)).toBeCloseTo(0.25, 9);
    for (const d of dashes) for (const [x, y] of d) expect(x === 0 || x === 1 || y === 0 || y === 1).toBe(true);
    // The first dash starts at the ring's start; the second starts after a gap as long as a dash.
    expect(dashes[0]![0]).toEqual([0, 0]);
    expect(dashes[1]![0]).toEqual([0.5, 0]);
  });
});

describe('the three coverage maps over one grid', () => {
  const cells = [0, 1, 2].map((i) => ({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [square(i, 0)] }, properties: props(`g${i}`) })) as unknown as GridCell[];
  // The store reckons "now" from this machine's clock and the snapshot's epoch.
  const T = Date.now();
  const full = (store: CoverageStore) =>
    store.take(
      { seq: 1, epochMs: T, snapshot: true, cells: Uint32Array.from([0, 1, 2]), lastPatrolAt: Float64Array.from([T, NaN, T - 10 * H]), passes: new Uint16Array(3), cameraShare: Uint8Array.from([0, 60, 255]), score: Uint8Array.from([0, 200, 100]) },
      T,
    );

  it('paints the maps shown from the cells changed once, and a map hidden while cells changed in full when shown again', () => {
    const store = new CoverageStore();
    full(store);
    const maps = new CoverageLayers(buildCellGeometry(cells));
    const shown = { patrol: true, blindSpots: true, cameraShare: false };
    maps.paint(store, 'dark', 0, shown);
    expect([...maps.colours.patrol.classes]).toEqual([0, 3, 2]);
    expect([...maps.colours.blindSpots.classes]).toEqual([blindSpotClass(0), blindSpotClass(200), blindSpotClass(100)]);
    // Not shown: not painted, and no layer for it.
    expect([...maps.colours.cameraShare.classes]).toEqual([255, 255, 255]);
    expect(maps.layers(shown, {}).map((l) => l.id)).toEqual(['patrol-age', 'blind-spots']);

    // A frame patrols cell 1 and lowers its score: both maps shown take it, from the one list of changes.
    store.take({ seq: 2, epochMs: T, snapshot: false, cells: Uint32Array.from([1]), lastPatrolAt: Float64Array.from([T]), passes: Uint16Array.from([1]), cameraShare: Uint8Array.from([255]), score: Uint8Array.from([0]) }, T);
    maps.paint(store, 'dark', 0, shown);
    expect(maps.colours.patrol.classes[1]).toBe(0);
    expect(maps.colours.blindSpots.classes[1]).toBe(0);
    // The camera map, shown now, is painted whole, with the change it missed.
    maps.paint(store, 'dark', 0, { ...shown, cameraShare: true });
    expect([...maps.colours.cameraShare.classes]).toEqual([0, 3, 3]);
  });

  it('draws no blind-spot map before the server sends scores', () => {
    const store = new CoverageStore();
    store.take({ seq: 1, epochMs: NOW, snapshot: true, cells: Uint32Array.from([0, 1, 2]), lastPatrolAt: new Float64Array(3).fill(NaN), passes: new Uint16Array(3), cameraShare: new Uint8Array(3) }, NOW);
    const maps = new CoverageLayers(buildCellGeometry(cells));
    const shown = { patrol: false, blindSpots: true, cameraShare: false };
    maps.paint(store, 'dark', 0, shown);
    expect(maps.layers(shown, {})).toEqual([]);
  });
});

describe("the towns' patrol alerts on a page", () => {
  const alert = (townCode: string, state: 'raised' | 'cleared', overdueCells: number): CoverageAlertMessage => ({ townCode, state, overdueCells, cells: 100, worstGrids: [], at: new Date(NOW).toISOString() });

  it('keeps each town once, the most behind first; a cleared town shows so for ten minutes, then goes', () => {
    let shown = standingPatrolAlerts([], [alert('a', 'raised', 20), alert('b', 'raised', 40)], NOW);
    expect(shown.map((a) => a.townCode)).toEqual(['b', 'a']);
    shown = applyPatrolAlert(shown, alert('c', 'raised', 30), NOW);
    expect(shown.map((a) => a.townCode)).toEqual(['b', 'c', 'a']);
    shown = applyPatrolAlert(shown, alert('b', 'cleared', 5), NOW);
    expect(shown.map((a) => [a.townCode, a.state])).toEqual([['c', 'raised'], ['a', 'raised'], ['b', 'cleared']]);
    // A reconnect: the standing list replaces the raised ones; the recent "cleared" line stays.
    shown = standingPatrolAlerts(shown, [alert('a', 'raised', 25)], NOW + 60_000);
    expect(shown.map((a) => [a.townCode, a.state])).toEqual([['a', 'raised'], ['b', 'cleared']]);
    shown = applyPatrolAlert(shown, alert('d', 'raised', 50), NOW + CLEARED_SHOWN_MS + 1);
    expect(shown.map((a) => a.townCode)).toEqual(['d', 'a']);
  });
});

describe('the camera alert line', () => {
  it('takes the counts of each change and keeps the newest silent cameras in front, dropping those heard from again', () => {
    const msg = (down: string[], up: string[], silent: number): CameraAlertMessage => ({ down, up, silent, cameras: 342, cells: 3, at: new Date(NOW).toISOString() });
    let s = applyCameraAlert({ silent: 0, cameras: 342, lastDown: [], at: null }, msg(['c1', 'c2'], [], 2));
    expect(s).toMatchObject({ silent: 2, lastDown: ['c1', 'c2'] });
    s = applyCameraAlert(s, msg(['c3'], ['c1'], 2));
    expect(s.lastDown).toEqual(['c3', 'c2']);
    s = applyCameraAlert(s, msg([], ['c2', 'c3'], 0));
    expect(s).toMatchObject({ silent: 0, lastDown: [] });
  });
});
