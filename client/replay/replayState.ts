import { IncidentStatus, TERMINAL_STATUSES, type TeamStatus } from '../../shared/index.js';
import type { ReplayAnswer } from '../../shared/schema/replay.js';

/**
 * The replay's state at any moment, from the answer of `GET /api/replay`: each case's status and
 * crew (the opening folded with the events up to that moment) and each crew's position between its
 * kept track points. Pure, no DOM: the page, the tests and the browser test's checks read the same.
 * Times are milliseconds after the window's start, as in the answer.
 */

const STATUSES = IncidentStatus.options;
const NONE = -1;
const STATUS_INDEX = new Map(STATUSES.map((s, i) => [s, i]));
const TERMINAL = new Set(TERMINAL_STATUSES.map((s) => STATUS_INDEX.get(s)!));

/** A crew's track, decoded: times (ms after the window's start) and positions in degrees, oldest first. */
export interface DecodedTrack {
  team: number;
  t: number[];
  lon: number[];
  lat: number[];
  statuses: [number, TeamStatus][];
  /** Indices of the points after a silence: no line is drawn from the point before. */
  breaks: ReadonlySet<number>;
}

/** Undoes the delta coding of the answer's tracks (shared/schema/replay.ts). */
export function decodeTracks(answer: Pick<ReplayAnswer, 'tracks'>): DecodedTrack[] {
  const undelta = (d: readonly number[]) => {
    const out = new Array<number>(d.length);
    let v = 0;
    for (let i = 0; i < d.length; i++) out[i] = v += d[i]!;
    return out;
  };
  return answer.tracks.map((tr) => ({
    team: tr.team,
    t: undelta(tr.t).map((s) => s * 1000),
    lon: undelta(tr.x).map((x) => x / 1e5),
    lat: undelta(tr.y).map((y) => y / 1e5),
    statuses: tr.statuses,
    breaks: new Set(tr.breaks),
  }));
}

/** A track's last index with time ≤ t, -1 when t is before it. */
function lastAtOrBefore(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** A crew standing still is kept at least once a minute: past its last point by more than this, it is not shown. */
export const TRACK_HOLD_MS = 5 * 60_000;

/**
 * Where a crew was at `t`: on the straight line between the kept points around `t` (the server thins
 * a track so that this line stays within its tolerance of every stored point), its status the last
 * one at or before `t`; null before its first point or long after its last.
 */
export function teamPositionAt(track: DecodedTrack, t: number): { lon: number; lat: number; status: TeamStatus | null } | null {
  const i = lastAtOrBefore(track.t, t);
  if (i < 0) return null;
  // After its last point, or in a silence: held a while where it was last heard from, then gone.
  const heard = i + 1 < track.t.length && !track.breaks.has(i + 1);
  if (!heard && t - track.t[i]! > TRACK_HOLD_MS) return null;
  let lon = track.lon[i]!;
  let lat = track.lat[i]!;
  if (heard) {
    const f = (t - track.t[i]!) / (track.t[i + 1]! - track.t[i]!);
    lon += (track.lon[i + 1]! - lon) * f;
    lat += (track.lat[i + 1]! - lat) * f;
  }
  const s = lastAtOrBefore(track.statuses.map((x) => x[0]), t);
  return { lon, lat, status: s < 0 ? (track.statuses[0]?.[1] ?? null) : track.statuses[s]![1] };
}

/** The path a crew drove in (t − spanMs, t]: its kept points in between and its position at both ends. */
export function trailAt(track: DecodedTrack, t: number, spanMs: number): [number, number][] {
  const end = teamPositionAt(track, t);
  if (!end) return [];
  // Not back across a silence: the trail starts where the crew was heard from again.
  const last = lastAtOrBefore(track.t, t);
  let first = 0;
  for (const b of track.breaks) if (b <= last && b > first) first = b;
  const from = Math.max(t - spanMs, track.t[first]!);
  const start = teamPositionAt(track, from) ?? { lon: track.lon[first]!, lat: track.lat[first]! };
  const out: [number, number][] = [[start.lon, start.lat]];
  for (let i = lastAtOrBefore(track.t, from) + 1; i < track.t.length && track.t[i]! < t; i++) out.push([track.lon[i]!, track.lat[i]!]);
  out.push([end.lon, end.lat]);
  return out;
}

/** Each case's status (index into IncidentStatus, -1 not yet reported) and crew (-1 none) at a moment. */
export interface CaseStates {
  status: Int8Array;
  team: Int32Array;
}

/** The opening, before any event of the window. */
function openingStates(answer: Pick<ReplayAnswer, 'cases' | 'opening'>): CaseStates {
  const n = answer.cases.id.length;
  const status = new Int8Array(n).fill(NONE);
  const team = new Int32Array(n).fill(NONE);
  answer.opening.case.forEach((c, k) => {
    status[c] = STATUS_INDEX.get(answer.opening.status[k]!)!;
    team[c] = answer.opening.team[k] ?? NONE;
  });
  return { status, team };
}

/** The states at `t` by folding the opening with every event at or before `t`, from scratch. */
export function foldStatesAt(answer: Pick<ReplayAnswer, 'cases' | 'opening' | 'events'>, t: number): CaseStates {
  const s = openingStates(answer);
  const e = answer.events;
  for (let i = 0; i < e.t.length && e.t[i]! <= t; i++) {
    s.status[e.case[i]!] = STATUS_INDEX.get(e.status[i]!)!;
    s.team[e.case[i]!] = e.team[i] ?? NONE;
  }
  return s;
}

export const statusName = (i: number): IncidentStatus | null => (i < 0 ? null : STATUSES[i]!);
export const isOpenStatus = (i: number): boolean => i >= 0 && !TERMINAL.has(i);

/**
 * The replay's clock and case states, moved to any moment forward or backward without folding from
 * the start each time: forward applies the events passed, backward restores what each event found
 * (remembered once, at construction). A slider drag or a 300× play moves it by a few events a frame.
 */
export class ReplayCursor {
  readonly states: CaseStates;
  /** Events applied: those with index < applied. */
  private applied = 0;
  private readonly prevStatus: Int8Array;
  private readonly prevTeam: Int32Array;
  private readonly events: ReplayAnswer['events'];
  private readonly statusOf: Int8Array;

  constructor(answer: Pick<ReplayAnswer, 'cases' | 'opening' | 'events'>) {
    this.events = answer.events;
    this.states = openingStates(answer);
    const n = this.events.t.length;
    this.statusOf = Int8Array.from(this.events.status, (s) => STATUS_INDEX.get(s)!);
    this.prevStatus = new Int8Array(n);
    this.prevTeam = new Int32Array(n);
    // What each event found, by a fold over a copy.
    const s = openingStates(answer);
    for (let i = 0; i < n; i++) {
      const c = this.events.case[i]!;
      this.prevStatus[i] = s.status[c]!;
      this.prevTeam[i] = s.team[c]!;
      s.status[c] = this.statusOf[i]!;
      s.team[c] = this.events.team[i] ?? NONE;
    }
  }

  /** How many events are at or before the cursor's moment. */
  get position(): number {
    return this.applied;
  }

  /** Moves to moment `t`: afterwards exactly the events at or before `t` are applied. */
  seek(t: number): void {
    const e = this.events;
    while (this.applied < e.t.length && e.t[this.applied]! <= t) {
      const i = this.applied++;
      this.states.status[e.case[i]!] = this.statusOf[i]!;
      this.states.team[e.case[i]!] = e.team[i] ?? NONE;
    }
    while (this.applied > 0 && e.t[this.applied - 1]! > t) {
      const i = --this.applied;
      this.states.status[e.case[i]!] = this.prevStatus[i]!;
      this.states.team[e.case[i]!] = this.prevTeam[i]!;
    }
  }
}

/** The indices of the cases open (reported, not closed nor rejected) in a state. */
export function openCases(states: CaseStates): number[] {
  const out: number[] = [];
  for (let i = 0; i < states.status.length; i++) if (isOpenStatus(states.status[i]!)) out.push(i);
  return out;
}

/** The events in (t − spanMs, t], newest first: what is happening now. */
export function eventsAround(answer: Pick<ReplayAnswer, 'events'>, t: number, spanMs: number): number[] {
  const times = answer.events.t;
  const out: number[] = [];
  for (let i = lastAtOrBefore(times, t); i >= 0 && times[i]! > t - spanMs; i--) out.push(i);
  return out;
}

/** One case's events, oldest first: its story. */
export function storyOf(answer: Pick<ReplayAnswer, 'events'>, caseIndex: number): number[] {
  const out: number[] = [];
  answer.events.case.forEach((c, i) => {
    if (c === caseIndex) out.push(i);
  });
  return out;
}
