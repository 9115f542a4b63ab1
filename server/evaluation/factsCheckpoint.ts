import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { IncidentStatus, Satisfaction } from '../../shared/index.js';
import type { CaseFacts, Dispatch, Step, UnitStint } from './caseFacts.js';
import { FOLD_CODE } from './caseFacts.js';
import type { LoggedDelta } from '../store/store.js';

/**
 * The evaluation's facts as they stood at one event of the log, kept on disk so that a start folds
 * only the events after it: a million events take seconds to read and fold, the facts of 100,000
 * cases a fraction of that to read back. A checkpoint is trusted only when it was made by the same
 * fold (FOLD_VERSION) from the same log (the event at its seq is the one it recorded); otherwise the
 * start folds the whole log, as it always could.
 */

/** Bump when the encoding below changes. */
const CODEC = 3;

/**
 * The fold's own code, hashed: facts folded by other code are other facts, so a checkpoint of an
 * older fold is dropped by itself when the fold changes, with nobody to remember to bump a number.
 */
export const FOLD_VERSION = createHash('sha256')
  .update(`${CODEC}\n${FOLD_CODE}`)
  .digest('hex')
  .slice(0, 16);

/** A case's facts and the months the evaluation's index files it under (local month numbers, y × 12 + m). */
export interface CheckpointEntry {
  facts: CaseFacts;
  first: number;
  last: number;
}

/** Where a checkpoint stands in the log. */
export interface CheckpointMark {
  seq: number;
  /** A digest of the logged event at `seq`: the log the facts were folded from. */
  anchor: string;
}

export interface Checkpoint extends CheckpointMark {
  entries: CheckpointEntry[];
}

/** What identifies an event of the log (its delta as read back). */
export function anchorOf(d: LoggedDelta): string {
  return createHash('sha256').update(JSON.stringify(d)).digest('hex');
}

/** The file's header (JSON, after its length): which fold made it, where in the log it stands, and its strings. */
interface Header extends CheckpointMark {
  codec: number;
  fold: string;
  /** Every repeated string (codes, actors, statuses) once; the numbers refer to them by index. */
  strings: string[];
  /** The cases' ids, in the order of the facts. */
  ids: string[];
}

/** The facts encoded: all but strings as one run of numbers (null as NaN, booleans as 0 and 1, strings by index, −1 for none). */
export interface EncodedFacts {
  strings: string[];
  ids: string[];
  numbers: Float64Array;
}

/** A growing run of float64s. */
class Numbers {
  a = new Float64Array(1 << 20);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
}

const NONE = Number.NaN;
const bit = (b: boolean) => (b ? 1 : 0);
const num = (x: number | null) => (x === null ? NONE : x);
const orNull = (x: number) => (Number.isNaN(x) ? null : x);

/**
 * The facts as one run of float64s and a string table: read back without parsing (the numbers are a
 * view of the file), where JSON of the same facts takes most of a second to parse. Synchronous on
 * purpose: the facts change in place with each event folded, so they are written out before anything
 * else runs.
 */
export function encodeFacts(entries: readonly CheckpointEntry[]): EncodedFacts {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const s = (x: string | null): number => {
    if (x === null) return -1;
    let i = index.get(x);
    if (i === undefined) index.set(x, (i = strings.push(x) - 1));
    return i;
  };
  const out = new Numbers();
  const w = (...xs: number[]) => {
    for (const x of xs) out.push(x);
  };
  const step = (st: Step | null) => {
    if (st === null) w(0);
    else w(1, st.at, s(st.by), bit(st.onTime));
  };
  const ids: string[] = [];
  for (const { facts: f, first, last } of entries) {
    ids.push(f.id);
    w(first, last, f.seq, s(f.townCode), s(f.communityCode), s(f.gridCode), s(f.categoryCode), f.lon, f.lat, s(f.source), f.reportedAt, s(f.reportedBy));
    if (f.intake === null) w(0);
    else w(1, f.intake.at, s(f.intake.by), bit(f.intake.onTime), bit(f.intake.rejected));
    step(f.registered);
    w(num(f.closeDeadlineAt), num(f.closedAt), s(f.closureKind));
    step(f.close);
    w(f.suspensions.length);
    for (const x of f.suspensions) w(x.from, num(x.until));
    w(f.dispatches.length);
    for (const d of f.dispatches) w(d.at, s(d.by), bit(d.onTime), bit(d.fromRegistered), bit(d.misdirected));
    w(f.stints.length);
    for (const t of f.stints) w(s(t.unitCode), t.dispatchedAt, num(t.deadlineAt), num(t.handledAt), t.reworks, t.extensions, num(t.endedAt), bit(t.returned));
    w(f.confirms.length);
    for (const x of f.confirms) w(x.at, s(x.by), bit(x.onTime));
    w(f.verifications.length);
    for (const x of f.verifications) w(x.at, s(x.by), bit(x.onTime), bit(x.passed));
    if (f.callback === null) w(0);
    else w(1, bit(f.callback.reached), s(f.callback.satisfaction), f.callback.at);
    w(s(f.last.status), num(f.last.stageDeadlineAt), s(f.last.unitCode), num(f.last.deadlineAt));
  }
  return { strings, ids, numbers: out.a.subarray(0, out.n) };
}

/** A checkpoint file's bytes: the header's length, the header, padding to 8 bytes, the numbers. */
export function checkpointBytes(mark: CheckpointMark, facts: EncodedFacts): Buffer {
  const header: Header = { codec: CODEC, fold: FOLD_VERSION, seq: mark.seq, anchor: mark.anchor, strings: facts.strings, ids: facts.ids };
  const json = Buffer.from(JSON.stringify(header));
  const at = Math.ceil((4 + json.length) / 8) * 8;
  const out = Buffer.alloc(at + facts.numbers.byteLength);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  Buffer.from(facts.numbers.buffer, facts.numbers.byteOffset, facts.numbers.byteLength).copy(out, at);
  return out;
}

/** A checkpoint read back; null when it was made by another fold or encoding (or is not one). */
export function decodeCheckpoint(bytes: Buffer): Checkpoint | null {
  let header: Header;
  try {
    const length = bytes.readUInt32LE(0);
    header = JSON.parse(bytes.toString('utf8', 4, 4 + length)) as Header;
    if (header === null || typeof header !== 'object' || header.codec !== CODEC || header.fold !== FOLD_VERSION) return null;
    const at = Math.ceil((4 + length) / 8) * 8;
    if (!Array.isArray(header.strings) || !Array.isArray(header.ids) || (bytes.length - at) % 8 !== 0) return null;
    // A view where the file's bytes are aligned (a file read whole is); a copy where they are not.
    const aligned = (bytes.byteOffset + at) % 8 === 0;
    const numbers = aligned
      ? new Float64Array(bytes.buffer, bytes.byteOffset + at, (bytes.length - at) / 8)
      : new Float64Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + bytes.length));
    return { seq: header.seq, anchor: header.anchor, entries: decodeFacts(header.strings, header.ids, numbers) };
  } catch {
    return null;
  }
}

function decodeFacts(str: string[], ids: string[], a: Float64Array): CheckpointEntry[] {
  let i = 0;
  const r = () => a[i++]!;
  const s = (k: number) => (k < 0 ? null : str[k]!);
  const bool = () => r() === 1;
  // Object literals written field by field in the fold's own order: the same shapes as the fold's
  // objects (the aggregation reads them a million times), and the same JSON (the digest compares it).
  const step = (): Step | null => (r() === 0 ? null : { at: r(), by: s(r()), onTime: bool() });
  const entries: CheckpointEntry[] = new Array(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const first = r();
    const last = r();
    const seq = r();
    const townCode = s(r())!;
    const communityCode = s(r())!;
    const gridCode = s(r())!;
    const categoryCode = s(r())!;
    const lon = r();
    const lat = r();
    const source = s(r()) as CaseFacts['source'];
    const reportedAt = r();
    const reportedBy = s(r());
    const intake = r() === 0 ? null : { at: r(), by: s(r()), onTime: bool(), rejected: bool() };
    const registered = step();
    const closeDeadlineAt = orNull(r());
    const closedAt = orNull(r());
    const closureKind = s(r()) as CaseFacts['closureKind'];
    const close = step();
    const suspensions: CaseFacts['suspensions'] = [];
    for (let n = r(); n > 0; n--) suspensions.push({ from: r(), until: orNull(r()) });
    const dispatches: Dispatch[] = [];
    for (let n = r(); n > 0; n--) dispatches.push({ at: r(), by: s(r()), onTime: bool(), fromRegistered: bool(), misdirected: bool() });
    const stints: UnitStint[] = [];
    for (let n = r(); n > 0; n--) {
      stints.push({
        unitCode: s(r())!, dispatchedAt: r(), deadlineAt: orNull(r()), handledAt: orNull(r()), reworks: r(), extensions: r(), endedAt: orNull(r()), returned: bool(),
      });
    }
    const confirms: Step[] = [];
    for (let n = r(); n > 0; n--) confirms.push({ at: r(), by: s(r()), onTime: bool() });
    const verifications: CaseFacts['verifications'] = [];
    for (let n = r(); n > 0; n--) verifications.push({ at: r(), by: s(r()), onTime: bool(), passed: bool() });
    const callback = r() === 0 ? null : { reached: bool(), satisfaction: s(r()) as Satisfaction | null, at: r() };
    const last_ = { status: s(r()) as IncidentStatus, stageDeadlineAt: orNull(r()), unitCode: s(r()), deadlineAt: orNull(r()) };
    const facts: CaseFacts = {
      id: ids[k]!, seq, townCode, communityCode, gridCode, categoryCode, lon, lat, source, reportedAt, reportedBy, intake, registered, closeDeadlineAt, closedAt, closureKind, close,
      suspensions, dispatches, stints, confirms, verifications, callback, last: last_,
    };
    entries[k] = { facts, first, last };
  }
  if (i !== a.length) throw new Error('checkpoint: numbers left over');
  return entries;
}

/** The checkpoint kept at `path`; null when there is none or it cannot be used. */
export async function readCheckpoint(path: string): Promise<Checkpoint | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return null;
  }
  return decodeCheckpoint(bytes);
}

/** Writes a checkpoint whole or not at all: to a file beside it, then renamed over the old one. Returns its size. */
export async function writeCheckpoint(path: string, mark: CheckpointMark, facts: EncodedFacts): Promise<number> {
  const bytes = checkpointBytes(mark, facts);
  await mkdir(dirname(path), { recursive: true });
  const part = `${path}.${process.pid}.part`;
  try {
    await writeFile(part, bytes);
    await rename(part, path);
  } finally {
    await rm(part, { force: true });
  }
  return bytes.length;
}
