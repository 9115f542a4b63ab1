/**
 * The density layers' incidents as one binary frame of typed columns (`GET /api/incidents/points`
 * with `Accept: application/octet-stream`), eight bytes a point, the form deck.gl and the client's
 * aggregations take without parsing: at 90 days the JSON of the same columns is megabytes of digits
 * to print and parse. Positions are quantized over the frame's bounds to 1/65535 of their span (under
 * a metre over a district) and times to `tStepS` seconds (two minutes over 90 days): finer than a
 * density map can show. The filters (theme, categories, sources, town) are applied by the server, and
 * the H3 counts are the server's too (`GET /api/hotspots?res=h3-8`, from the indices stored at ingest).
 *
 * | bytes          | what                                                                     |
 * |----------------|--------------------------------------------------------------------------|
 * | 4              | u32 length of the header in bytes (H)                                     |
 * | H, padded to 4 | UTF-8 JSON header: window, since, count, bounds [w, s, e, n], tStepS      |
 * | 2·n            | u16 lon, 0 = west, 65535 = east                                           |
 * | 2·n            | u16 lat, 0 = south, 65535 = north                                         |
 * | 2·n            | u16 time since `since`, in steps of `tStepS` seconds                      |
 * | 2·n, padded    | u16 the unit grid cell's index in the grid layer (65535 none)             |
 *
 * No Node or DOM imports: the server encodes, the client and the tests decode.
 */

export interface PointColumnsHeader {
  window: string;
  /** The window's start, ISO; `t` counts from it. */
  since: string;
  count: number;
  /** [west, south, east, north] the positions are quantized over. */
  bounds: [number, number, number, number];
  /** Seconds per step of `t`. */
  tStepS: number;
}

export interface PointColumnsFrame extends PointColumnsHeader {
  lon: Float32Array;
  lat: Float32Array;
  /** Seconds since `since` (a multiple of tStepS). */
  t: Uint32Array;
  /** The unit grid cell's index, -1 none. */
  cell: Int32Array;
}

/** The most cells a frame can index (u16, one value kept for "none"). */
export const POINT_FRAME_MAX_CELLS = 65535;
const NO_CELL = 0xffff;
const pad4 = (n: number) => (n + 3) & ~3;

/** The time step that fits a window of `seconds` in u16. */
export function pointTimeStep(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 65535));
}

export function encodePointColumns(frame: PointColumnsFrame): ArrayBuffer {
  const { lon, lat, t, cell, ...header } = frame;
  const n = header.count;
  for (const [name, col] of Object.entries({ lon, lat, t, cell })) if (col.length !== n) throw new Error(`column ${name} has ${col.length} values for ${n} points`);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const buf = new ArrayBuffer(4 + pad4(json.length) + 6 * n + pad4(2 * n));
  new DataView(buf).setUint32(0, json.length, true);
  new Uint8Array(buf, 4, json.length).set(json);
  const at = 4 + pad4(json.length);
  const [w, s, e, nn] = header.bounds;
  const q = (x: number, lo: number, hi: number) => (hi > lo ? Math.round(((Math.min(hi, Math.max(lo, x)) - lo) / (hi - lo)) * 65535) : 0);
  const qlon = new Uint16Array(buf, at, n);
  const qlat = new Uint16Array(buf, at + 2 * n, n);
  const qt = new Uint16Array(buf, at + 4 * n, n);
  const qcell = new Uint16Array(buf, at + 6 * n, n);
  for (let i = 0; i < n; i++) {
    qlon[i] = q(lon[i]!, w, e);
    qlat[i] = q(lat[i]!, s, nn);
    qt[i] = Math.min(65535, Math.round(t[i]! / header.tStepS));
    const c = cell[i]!;
    if (c >= POINT_FRAME_MAX_CELLS) throw new Error(`cell ${c} is past what a frame can index`);
    qcell[i] = c < 0 ? NO_CELL : c;
  }
  return buf;
}

/** The frame's columns, positions and times restored to degrees and seconds; throws on a frame too short for what it says. */
export function decodePointColumns(buf: ArrayBuffer): PointColumnsFrame {
  if (buf.byteLength < 4) throw new Error('not a point frame: too short');
  const headerBytes = new DataView(buf).getUint32(0, true);
  if (4 + headerBytes > buf.byteLength) throw new Error('not a point frame: header past the end');
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, headerBytes))) as PointColumnsHeader;
  const n = header.count;
  const at = 4 + pad4(headerBytes);
  if (at + 8 * n > buf.byteLength) throw new Error(`not a point frame: ${n} points do not fit`);
  const [w, s, e, nn] = header.bounds;
  const qlon = new Uint16Array(buf, at, n);
  const qlat = new Uint16Array(buf, at + 2 * n, n);
  const qt = new Uint16Array(buf, at + 4 * n, n);
  const qcell = new Uint16Array(buf, at + 6 * n, n);
  const lon = new Float32Array(n);
  const lat = new Float32Array(n);
  const t = new Uint32Array(n);
  const cell = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    lon[i] = w + (qlon[i]! / 65535) * (e - w);
    lat[i] = s + (qlat[i]! / 65535) * (nn - s);
    t[i] = qt[i]! * header.tStepS;
    cell[i] = qcell[i] === NO_CELL ? -1 : qcell[i]!;
  }
  return { ...header, lon, lat, t, cell };
}
