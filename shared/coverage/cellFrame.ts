import { z } from 'zod';

/**
 * The `coverage:cells` frame: coverage values of a set of unit grid cells (those that changed, or all
 * of them in a snapshot) as one binary message of typed columns, not JSON per cell. The client hands
 * the columns to deck.gl as binary attributes.
 *
 * Layout, little-endian, version 1:
 *
 * | offset | type | field                                                                 |
 * |--------|------|-----------------------------------------------------------------------|
 * | 0      | u8   | formatVersion = 1                                                     |
 * | 1      | u8   | flags: 1 snapshot, 2 wide cell indices, 4 lastPatrolAt, 8 passes,     |
 * |        |      | 16 cameraShare, 32 score                                              |
 * | 2      | u16  | 0 (reserved)                                                          |
 * | 4      | u32  | count: cells in the frame                                             |
 * | 8      | u32  | seq: the coverage version the values were read at                     |
 * | 12     | u32  | epochSec: the frame epoch, Unix seconds                               |
 * | 16     |      | columns, each `count` long, widest first (so each is aligned):        |
 * |        | u32  | cells, when wide: the cell indices, ascending                         |
 * |        | i32  | lastPatrolAt: seconds relative to epochSec; -2³¹ never patrolled      |
 * |        | u16  | cells, when not wide: ascending indices delta-coded (the first is     |
 * |        |      | its own value, each next one the step from the one before)            |
 * |        | u16  | passes: passes in the window, saturated at 65,535                     |
 * |        | u8   | cameraShare: share of the cell's area a working camera sees, × 255    |
 * |        | u8   | score: blind-spot score in [0, 1], × 255                              |
 *
 * Cell indices are positions in the city's grid layer (`city.layers.grid.features`), which both
 * sides hold. Columns are optional, so the patrol engine, the camera coverage and the blind-spot
 * scores each send what they changed; a column that is absent leaves the client's values as they are.
 * Times are whole seconds: a frame is about 8 bytes a cell with every column (against ~110 for
 * `{gridCode, lastPatrolAt, cameraShare, score}` in JSON).
 */
export const COVERAGE_CELLS_EVENT = 'coverage:cells';
export const CELL_FRAME_VERSION = 1;
export const CELL_FRAME_HEADER_BYTES = 16;
/** The lastPatrolAt of a cell never patrolled, on the wire. */
export const NEVER_PATROLLED = -0x80000000;
/** More cells than any city's grid holds; bounds what a decoder allocates. */
export const MAX_FRAME_CELLS = 1 << 24;

const FLAG_SNAPSHOT = 1;
const FLAG_WIDE = 2;
const FLAG_LAST_PATROL = 4;
const FLAG_PASSES = 8;
const FLAG_CAMERA = 16;
const FLAG_SCORE = 32;
const KNOWN_FLAGS = 63;

const Uint32 = z.number().int().min(0).max(0xffffffff);

/** The header as read from a frame: what a client checks before it touches the columns. */
export const CellFrameHeader = z
  .object({
    formatVersion: z.literal(CELL_FRAME_VERSION),
    snapshot: z.boolean(),
    wideCells: z.boolean(),
    count: z.number().int().min(0).max(MAX_FRAME_CELLS),
    seq: Uint32,
    epochSec: Uint32,
    columns: z.object({ lastPatrolAt: z.boolean(), passes: z.boolean(), cameraShare: z.boolean(), score: z.boolean() }).strict(),
  })
  .strict();
export type CellFrameHeader = z.infer<typeof CellFrameHeader>;

export interface CellFrame {
  /** The coverage version the values were read at. */
  seq: number;
  /** The frame epoch, epoch ms (whole seconds on the wire). */
  epochMs: number;
  /** All cells (a snapshot) rather than the changed ones. */
  snapshot: boolean;
  /** Cell indices; decoded frames list them ascending. */
  cells: Uint32Array;
  /** Epoch ms of each cell's last patrol, NaN never; whole seconds on the wire. */
  lastPatrolAt?: Float64Array;
  /** Passes through each cell in the window. */
  passes?: Uint16Array;
  /** Share of each cell's area under a working camera, 0–255 for 0–1 (see unitToByte). */
  cameraShare?: Uint8Array;
  /** Blind-spot score of each cell, 0–255 for 0–1 (see unitToByte). */
  score?: Uint8Array;
}

/** A share or score in [0, 1] as a byte 0–255 (clamped; NaN gives 0). */
export function unitToByte(x: number): number {
  return x > 0 ? (x < 1 ? Math.round(x * 255) : 255) : 0;
}

export function byteToUnit(b: number): number {
  return b / 255;
}

function checkColumn(name: string, column: ArrayLike<number> | undefined, count: number): void {
  if (column && column.length !== count) throw new RangeError(`coverage frame: ${name} has ${column.length} values for ${count} cells`);
}

/** Encodes a frame into one ArrayBuffer. Cells in any order, each at most once; values follow their cell. */
export function encodeCellFrame(frame: CellFrame): ArrayBuffer {
  const { cells, lastPatrolAt, passes, cameraShare, score } = frame;
  const n = cells.length;
  if (n > MAX_FRAME_CELLS) throw new RangeError(`coverage frame: ${n} cells is more than ${MAX_FRAME_CELLS}`);
  checkColumn('lastPatrolAt', lastPatrolAt, n);
  checkColumn('passes', passes, n);
  checkColumn('cameraShare', cameraShare, n);
  checkColumn('score', score, n);
  const epochSec = Math.floor(frame.epochMs / 1000);
  if (!Uint32.safeParse(epochSec).success) throw new RangeError(`coverage frame: epoch ${frame.epochMs} is out of range`);
  if (!Uint32.safeParse(frame.seq).success) throw new RangeError(`coverage frame: seq ${frame.seq} is out of range`);

  // Ascending order, by a permutation when the caller's is not.
  let order: Uint32Array | null = null;
  for (let i = 1; i < n; i++) {
    if (cells[i]! <= cells[i - 1]!) {
      order = new Uint32Array(n);
      for (let j = 0; j < n; j++) order[j] = j;
      order.sort((a, b) => cells[a]! - cells[b]!);
      break;
    }
  }
  const at = (i: number) => (order ? order[i]! : i);
  let wide = false;
  for (let i = 0, prev = 0; i < n; i++) {
    const c = cells[at(i)]!;
    if (!Number.isInteger(c) || c < 0 || c > 0xffffffff) throw new RangeError(`coverage frame: ${c} is not a cell index`);
    if (i > 0 && c === prev) throw new RangeError(`coverage frame: cell ${c} is listed twice`);
    if (c - (i > 0 ? prev : 0) > 0xffff) wide = true;
    prev = c;
  }

  const bytes =
    CELL_FRAME_HEADER_BYTES + n * ((wide ? 4 : 2) + (lastPatrolAt ? 4 : 0) + (passes ? 2 : 0) + (cameraShare ? 1 : 0) + (score ? 1 : 0));
  const buffer = new ArrayBuffer(bytes);
  const v = new DataView(buffer);
  const flags =
    (frame.snapshot ? FLAG_SNAPSHOT : 0) |
    (wide ? FLAG_WIDE : 0) |
    (lastPatrolAt ? FLAG_LAST_PATROL : 0) |
    (passes ? FLAG_PASSES : 0) |
    (cameraShare ? FLAG_CAMERA : 0) |
    (score ? FLAG_SCORE : 0);
  v.setUint8(0, CELL_FRAME_VERSION);
  v.setUint8(1, flags);
  v.setUint16(2, 0, true);
  v.setUint32(4, n, true);
  v.setUint32(8, frame.seq, true);
  v.setUint32(12, epochSec, true);
  let o = CELL_FRAME_HEADER_BYTES;
  if (wide) {
    for (let i = 0; i < n; i++, o += 4) v.setUint32(o, cells[at(i)]!, true);
  }
  if (lastPatrolAt) {
    for (let i = 0; i < n; i++, o += 4) {
      const ms = lastPatrolAt[at(i)]!;
      let rel = NEVER_PATROLLED;
      if (!Number.isNaN(ms)) {
        rel = Math.floor(ms / 1000) - epochSec;
        if (!(rel > NEVER_PATROLLED && rel <= 0x7fffffff)) throw new RangeError(`coverage frame: lastPatrolAt ${ms} is too far from the epoch`);
      }
      v.setInt32(o, rel, true);
    }
  }
  if (!wide) {
    for (let i = 0, prev = 0; i < n; i++, o += 2) {
      const c = cells[at(i)]!;
      v.setUint16(o, c - prev, true);
      prev = c;
    }
  }
  if (passes) {
    for (let i = 0; i < n; i++, o += 2) v.setUint16(o, Math.min(0xffff, Math.max(0, passes[at(i)]!)), true);
  }
  if (cameraShare) {
    for (let i = 0; i < n; i++, o++) v.setUint8(o, cameraShare[at(i)]!);
  }
  if (score) {
    for (let i = 0; i < n; i++, o++) v.setUint8(o, score[at(i)]!);
  }
  return buffer;
}

function viewOf(data: ArrayBuffer | ArrayBufferView): DataView {
  return data instanceof ArrayBuffer ? new DataView(data) : new DataView(data.buffer, data.byteOffset, data.byteLength);
}

/** Reads and checks a frame's header; throws a RangeError on a frame this version cannot read. */
export function readCellFrameHeader(data: ArrayBuffer | ArrayBufferView): CellFrameHeader {
  const v = viewOf(data);
  if (v.byteLength < CELL_FRAME_HEADER_BYTES) throw new RangeError(`coverage frame: ${v.byteLength} bytes is shorter than its header`);
  const flags = v.getUint8(1);
  if ((flags & ~KNOWN_FLAGS) !== 0 || v.getUint16(2, true) !== 0) throw new RangeError('coverage frame: unknown flags');
  const parsed = CellFrameHeader.safeParse({
    formatVersion: v.getUint8(0),
    snapshot: (flags & FLAG_SNAPSHOT) !== 0,
    wideCells: (flags & FLAG_WIDE) !== 0,
    count: v.getUint32(4, true),
    seq: v.getUint32(8, true),
    epochSec: v.getUint32(12, true),
    columns: {
      lastPatrolAt: (flags & FLAG_LAST_PATROL) !== 0,
      passes: (flags & FLAG_PASSES) !== 0,
      cameraShare: (flags & FLAG_CAMERA) !== 0,
      score: (flags & FLAG_SCORE) !== 0,
    },
  });
  if (!parsed.success) throw new RangeError(`coverage frame: bad header (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')})`);
  const h = parsed.data;
  if (v.byteLength !== cellFrameBytes(h)) throw new RangeError(`coverage frame: ${v.byteLength} bytes, the header says ${cellFrameBytes(h)}`);
  return h;
}

/** The byte length of a frame with this header. */
export function cellFrameBytes(h: Pick<CellFrameHeader, 'count' | 'wideCells' | 'columns'>): number {
  const c = h.columns;
  return CELL_FRAME_HEADER_BYTES + h.count * ((h.wideCells ? 4 : 2) + (c.lastPatrolAt ? 4 : 0) + (c.passes ? 2 : 0) + (c.cameraShare ? 1 : 0) + (c.score ? 1 : 0));
}

/** Decodes a frame (an ArrayBuffer, or a view such as a Node Buffer at any offset). */
export function decodeCellFrame(data: ArrayBuffer | ArrayBufferView): CellFrame {
  const h = readCellFrameHeader(data);
  const v = viewOf(data);
  const n = h.count;
  const cells = new Uint32Array(n);
  let o = CELL_FRAME_HEADER_BYTES;
  if (h.wideCells) {
    for (let i = 0; i < n; i++, o += 4) cells[i] = v.getUint32(o, true);
  }
  const frame: CellFrame = { seq: h.seq, epochMs: h.epochSec * 1000, snapshot: h.snapshot, cells };
  if (h.columns.lastPatrolAt) {
    const at = new Float64Array(n);
    for (let i = 0; i < n; i++, o += 4) {
      const rel = v.getInt32(o, true);
      at[i] = rel === NEVER_PATROLLED ? NaN : (h.epochSec + rel) * 1000;
    }
    frame.lastPatrolAt = at;
  }
  if (!h.wideCells) {
    for (let i = 0, prev = 0; i < n; i++, o += 2) {
      prev += v.getUint16(o, true);
      cells[i] = prev;
    }
  }
  if (h.columns.passes) {
    const passes = new Uint16Array(n);
    for (let i = 0; i < n; i++, o += 2) passes[i] = v.getUint16(o, true);
    frame.passes = passes;
  }
  if (h.columns.cameraShare) {
    frame.cameraShare = new Uint8Array(n);
    for (let i = 0; i < n; i++, o++) frame.cameraShare[i] = v.getUint8(o);
  }
  if (h.columns.score) {
    frame.score = new Uint8Array(n);
    for (let i = 0; i < n; i++, o++) frame.score[i] = v.getUint8(o);
  }
  // Ascending and distinct, as the encoder writes them: anything else is a corrupt frame.
  for (let i = 1; i < n; i++) {
    if (cells[i]! <= cells[i - 1]!) throw new RangeError('coverage frame: cell indices out of order');
  }
  return frame;
}
