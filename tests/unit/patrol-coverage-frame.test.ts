import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  byteToUnit,
  CELL_FRAME_HEADER_BYTES,
  decodeCellFrame,
  encodeCellFrame,
  readCellFrameHeader,
  unitToByte,
  type CellFrame,
} from '../../shared/index.js';

const EPOCH = Date.parse('2026-11-23T08:00:00+08:00');
const SECONDS_68_YEARS = 2 ** 31 - 1;

/** A frame as the decoder gives it back: cells ascending, columns following them, times in whole seconds. */
function normalized(f: CellFrame): CellFrame {
  const order = [...f.cells.keys()].sort((a, b) => f.cells[a]! - f.cells[b]!);
  const pick = <T extends Float64Array | Uint16Array | Uint8Array>(col: T | undefined, make: (n: number) => T) => {
    if (!col) return undefined;
    const out = make(order.length);
    order.forEach((i, j) => (out[j] = col[i]!));
    return out;
  };
  const epochSec = Math.floor(f.epochMs / 1000);
  const out: CellFrame = { seq: f.seq, epochMs: epochSec * 1000, snapshot: f.snapshot, cells: Uint32Array.from(order.map((i) => f.cells[i]!)) };
  const at = pick(f.lastPatrolAt, (n) => new Float64Array(n));
  if (at) out.lastPatrolAt = at.map((ms) => (Number.isNaN(ms) ? NaN : Math.floor(ms / 1000) * 1000));
  const passes = pick(f.passes, (n) => new Uint16Array(n));
  if (passes) out.passes = passes;
  const camera = pick(f.cameraShare, (n) => new Uint8Array(n));
  if (camera) out.cameraShare = camera;
  const score = pick(f.score, (n) => new Uint8Array(n));
  if (score) out.score = score;
  return out;
}

const frameArb = fc
  .record({
    seq: fc.integer({ min: 0, max: 0xffffffff }),
    epochSec: fc.integer({ min: 0, max: 0xffffffff }),
    snapshot: fc.boolean(),
    // Small indices (delta-coded as u16) or any up to 2^32 - 1 (wide).
    cells: fc.oneof(
      fc.uniqueArray(fc.integer({ min: 0, max: 20_000 }), { maxLength: 300 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 50 }),
    ),
    columns: fc.record({ lastPatrolAt: fc.boolean(), passes: fc.boolean(), cameraShare: fc.boolean(), score: fc.boolean() }),
    seed: fc.array(fc.tuple(fc.integer({ min: -SECONDS_68_YEARS + 1, max: SECONDS_68_YEARS }), fc.integer({ min: 0, max: 999 }), fc.boolean(), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })), { minLength: 300, maxLength: 300 }),
  })
  .map(({ seq, epochSec, snapshot, cells, columns, seed }) => {
    const n = cells.length;
    const f: CellFrame = { seq, epochMs: epochSec * 1000 + 123, snapshot, cells: Uint32Array.from(cells) };
    // Times that land within the i32 range of seconds around the epoch.
    if (columns.lastPatrolAt) f.lastPatrolAt = Float64Array.from({ length: n }, (_, i) => (seed[i]![2] ? NaN : (epochSec + seed[i]![0]) * 1000 + seed[i]![1]));
    if (columns.passes) f.passes = Uint16Array.from({ length: n }, (_, i) => seed[i]![3]);
    if (columns.cameraShare) f.cameraShare = Uint8Array.from({ length: n }, (_, i) => seed[i]![4]);
    if (columns.score) f.score = Uint8Array.from({ length: n }, (_, i) => seed[i]![5]);
    return f;
  });

describe('the coverage:cells frame', () => {
  it('round-trips any frame: cells in ascending order, times to the second', () => {
    fc.assert(
      fc.property(frameArb, (f) => {
        const buf = encodeCellFrame(f);
        expect(decodeCellFrame(buf)).toEqual(normalized(f));
        // The same bytes from a Node Buffer at an odd offset, as a socket may hand them over.
        const copy = Buffer.alloc(buf.byteLength + 3);
        copy.set(new Uint8Array(buf), 3);
        expect(decodeCellFrame(copy.subarray(3))).toEqual(normalized(f));
      }),
      { numRuns: 300 },
    );
  });

  it('reads its header against the schema, and sizes the frame from it', () => {
    const f: CellFrame = {
      seq: 42,
      epochMs: EPOCH,
      snapshot: false,
      cells: Uint32Array.from([7, 3, 70_000 + 3]),
      lastPatrolAt: Float64Array.from([EPOCH - 90_000, NaN, EPOCH + 1500]),
      score: Uint8Array.from([unitToByte(0.5), 0, 255]),
    };
    const buf = encodeCellFrame(f);
    const h = readCellFrameHeader(buf);
    expect(h).toEqual({
      formatVersion: 1,
      snapshot: false,
      wideCells: true, // 70,003 - 7 does not fit a u16 step
      count: 3,
      seq: 42,
      epochSec: EPOCH / 1000,
      columns: { lastPatrolAt: true, passes: false, cameraShare: false, score: true },
    });
    expect(buf.byteLength).toBe(CELL_FRAME_HEADER_BYTES + 3 * (4 + 4 + 1));
    const back = decodeCellFrame(buf);
    expect([...back.cells]).toEqual([3, 7, 70_003]);
    expect([...back.lastPatrolAt!]).toEqual([NaN, EPOCH - 90_000, EPOCH + 1000]);
    expect(byteToUnit(back.score![1]!)).toBeCloseTo(0.5, 2);
    expect(back.passes).toBeUndefined();
  });

  it('refuses what it cannot read', () => {
    const good = encodeCellFrame({ seq: 1, epochMs: EPOCH, snapshot: true, cells: Uint32Array.from([1, 2]), passes: Uint16Array.from([3, 4]) });
    const bytes = () => new Uint8Array(good.slice(0));
    const bad = (edit: (b: Uint8Array) => Uint8Array) => () => decodeCellFrame(edit(bytes()));
    expect(bad((b) => b.subarray(0, 10))).toThrow(/header/);
    expect(bad((b) => b.subarray(0, b.length - 1))).toThrow(/bytes/);
    expect(bad((b) => ((b[0] = 2), b))).toThrow(/header/);
    expect(bad((b) => ((b[1] = b[1]! | 128), b))).toThrow(/flags/);
    // The second step is 0: the same cell twice.
    expect(bad((b) => ((b[CELL_FRAME_HEADER_BYTES + 2] = 0), b))).toThrow(/order/);
    expect(() => encodeCellFrame({ seq: 1, epochMs: EPOCH, snapshot: false, cells: Uint32Array.from([5, 5]) })).toThrow(/twice/);
    expect(() => encodeCellFrame({ seq: 1, epochMs: EPOCH, snapshot: false, cells: Uint32Array.from([5]), score: new Uint8Array(2) })).toThrow(/values/);
    expect(() => encodeCellFrame({ seq: -1, epochMs: EPOCH, snapshot: false, cells: new Uint32Array(0) })).toThrow(/seq/);
  });

  it('is about 10 bytes a cell with every column, against about 100 for JSON', () => {
    const n = 1000;
    const cells = Uint32Array.from({ length: n }, (_, i) => i * 7);
    const buf = encodeCellFrame({
      seq: 1,
      epochMs: EPOCH,
      snapshot: false,
      cells,
      lastPatrolAt: Float64Array.from({ length: n }, (_, i) => EPOCH - i * 60_000),
      passes: new Uint16Array(n).fill(3),
      cameraShare: new Uint8Array(n).fill(unitToByte(0.25)),
      score: new Uint8Array(n).fill(unitToByte(0.8)),
    });
    expect(buf.byteLength).toBe(16 + n * 10);
    expect(unitToByte(-1)).toBe(0);
    expect(unitToByte(NaN)).toBe(0);
    expect(unitToByte(2)).toBe(255);
  });
});
