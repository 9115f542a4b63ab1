import { z } from 'zod';

/**
 * The `roads:speeds` frame: each road's current speed as a share of its free-flow speed, one byte a
 * road, for the roads whose byte changed (or all of them in a snapshot). Binary rather than JSON
 * because a city has thousands of road segments and the live picture only needs their colours.
 *
 * Layout, little-endian, version 1:
 *
 * | offset | type | field                                                               |
 * |--------|------|---------------------------------------------------------------------|
 * | 0      | u8   | formatVersion = 1                                                   |
 * | 1      | u8   | flags: 1 snapshot, 2 wide road indices                              |
 * | 2      | u16  | 0 (reserved)                                                        |
 * | 4      | u32  | count: roads in the frame                                           |
 * | 8      | u32  | seq: the speeds' version the bytes were read at                     |
 * | 12     | u32  | epochSec: when they were read, Unix seconds                         |
 * | 16     |      | roads: when wide, u32 indices ascending; else u16 steps (the first  |
 * |        |      | is its own value, each next one the step from the one before)       |
 * |        | u8   | ratio: current ÷ free-flow speed × 255, saturated at 1              |
 *
 * Road indices are positions in the city's roads layer (`city.layers.roads.features`), the order of
 * the server's road table, which both sides hold. Ratios above 1 (a feed reading above the limit)
 * are 1 on the wire: the map only tells how much slower than free-flow a road is.
 */
export const ROAD_SPEEDS_EVENT = 'roads:speeds';
export const SPEED_FRAME_VERSION = 1;
export const SPEED_FRAME_HEADER_BYTES = 16;
/** More roads than any city holds; bounds what a decoder allocates. */
export const MAX_FRAME_ROADS = 1 << 22;

const FLAG_SNAPSHOT = 1;
const FLAG_WIDE = 2;
const KNOWN_FLAGS = 3;

const Uint32 = z.number().int().min(0).max(0xffffffff);

export const SpeedFrameHeader = z
  .object({
    formatVersion: z.literal(SPEED_FRAME_VERSION),
    snapshot: z.boolean(),
    wideRoads: z.boolean(),
    count: z.number().int().min(0).max(MAX_FRAME_ROADS),
    seq: Uint32,
    epochSec: Uint32,
  })
  .strict();
export type SpeedFrameHeader = z.infer<typeof SpeedFrameHeader>;

export interface SpeedFrame {
  seq: number;
  /** When the speeds were read, epoch ms (whole seconds on the wire). */
  epochMs: number;
  snapshot: boolean;
  /** Road indices; decoded frames list them ascending. */
  roads: Uint32Array;
  /** Current ÷ free-flow speed of each road, 0–255 for 0–1 (see speedRatioToByte). */
  ratio: Uint8Array;
}

/** A speed ratio as its byte: 0–1 onto 0–255, clamped (NaN gives 0). */
export function speedRatioToByte(ratio: number): number {
  return ratio > 0 ? (ratio < 1 ? Math.round(ratio * 255) : 255) : 0;
}

export function byteToSpeedRatio(b: number): number {
  return b / 255;
}

export function speedFrameBytes(h: Pick<SpeedFrameHeader, 'count' | 'wideRoads'>): number {
  return SPEED_FRAME_HEADER_BYTES + h.count * ((h.wideRoads ? 4 : 2) + 1);
}

/** Encodes a frame. Roads in any order, each at most once; each ratio byte follows its road. */
export function encodeSpeedFrame(frame: SpeedFrame): ArrayBuffer {
  const { roads, ratio } = frame;
  const n = roads.length;
  if (n > MAX_FRAME_ROADS) throw new RangeError(`speed frame: ${n} roads is more than ${MAX_FRAME_ROADS}`);
  if (ratio.length !== n) throw new RangeError(`speed frame: ${ratio.length} ratios for ${n} roads`);
  const epochSec = Math.floor(frame.epochMs / 1000);
  if (!Uint32.safeParse(epochSec).success) throw new RangeError(`speed frame: epoch ${frame.epochMs} is out of range`);
  if (!Uint32.safeParse(frame.seq).success) throw new RangeError(`speed frame: seq ${frame.seq} is out of range`);

  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => roads[a]! - roads[b]!);
  let wide = false;
  for (let i = 0, prev = 0; i < n; i++) {
    const r = roads[order[i]!]!;
    if (i > 0 && r === prev) throw new RangeError(`speed frame: road ${r} is listed twice`);
    if (r - (i > 0 ? prev : 0) > 0xffff) wide = true;
    prev = r;
  }
  const buffer = new ArrayBuffer(speedFrameBytes({ count: n, wideRoads: wide }));
  const v = new DataView(buffer);
  v.setUint8(0, SPEED_FRAME_VERSION);
  v.setUint8(1, (frame.snapshot ? FLAG_SNAPSHOT : 0) | (wide ? FLAG_WIDE : 0));
  v.setUint16(2, 0, true);
  v.setUint32(4, n, true);
  v.setUint32(8, frame.seq, true);
  v.setUint32(12, epochSec, true);
  let o = SPEED_FRAME_HEADER_BYTES;
  for (let i = 0, prev = 0; i < n; i++) {
    const r = roads[order[i]!]!;
    if (wide) {
      v.setUint32(o, r, true);
      o += 4;
    } else {
      v.setUint16(o, r - prev, true);
      o += 2;
    }
    prev = r;
  }
  for (let i = 0; i < n; i++, o++) v.setUint8(o, ratio[order[i]!]!);
  return buffer;
}

function viewOf(data: ArrayBuffer | ArrayBufferView): DataView {
  return data instanceof ArrayBuffer ? new DataView(data) : new DataView(data.buffer, data.byteOffset, data.byteLength);
}

/** Reads and checks a frame's header; throws a RangeError on a frame this version cannot read. */
export function readSpeedFrameHeader(data: ArrayBuffer | ArrayBufferView): SpeedFrameHeader {
  const v = viewOf(data);
  if (v.byteLength < SPEED_FRAME_HEADER_BYTES) throw new RangeError(`speed frame: ${v.byteLength} bytes is shorter than its header`);
  const flags = v.getUint8(1);
  if ((flags & ~KNOWN_FLAGS) !== 0 || v.getUint16(2, true) !== 0) throw new RangeError('speed frame: unknown flags');
  const parsed = SpeedFrameHeader.safeParse({
    formatVersion: v.getUint8(0),
    snapshot: (flags & FLAG_SNAPSHOT) !== 0,
    wideRoads: (flags & FLAG_WIDE) !== 0,
    count: v.getUint32(4, true),
    seq: v.getUint32(8, true),
    epochSec: v.getUint32(12, true),
  });
  if (!parsed.success) throw new RangeError(`speed frame: bad header (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')})`);
  const h = parsed.data;
  if (v.byteLength !== speedFrameBytes(h)) throw new RangeError(`speed frame: ${v.byteLength} bytes, the header says ${speedFrameBytes(h)}`);
  return h;
}

/** Decodes a frame (an ArrayBuffer, or a view such as a Node Buffer at any offset). */
export function decodeSpeedFrame(data: ArrayBuffer | ArrayBufferView): SpeedFrame {
  const h = readSpeedFrameHeader(data);
  const v = viewOf(data);
  const n = h.count;
  const roads = new Uint32Array(n);
  let o = SPEED_FRAME_HEADER_BYTES;
  for (let i = 0, prev = 0; i < n; i++) {
    if (h.wideRoads) {
      roads[i] = v.getUint32(o, true);
      o += 4;
    } else {
      prev += v.getUint16(o, true);
      roads[i] = prev;
      o += 2;
    }
  }
  const ratio = new Uint8Array(n);
  for (let i = 0; i < n; i++, o++) ratio[i] = v.getUint8(o);
  // Ascending and distinct, as the encoder writes them: anything else is a corrupt frame.
  for (let i = 1; i < n; i++) {
    if (roads[i]! <= roads[i - 1]!) throw new RangeError('speed frame: road indices out of order');
  }
  return { seq: h.seq, epochMs: h.epochSec * 1000, snapshot: h.snapshot, roads, ratio };
}
