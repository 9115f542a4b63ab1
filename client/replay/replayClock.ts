/**
 * The replay's clock as pure updaters (a reducer): where on the timeline it stands, whether it plays
 * and how fast. The page's animation frame only reports how much real time went by.
 */

/** Replay seconds per real second. */
export const SPEEDS = [1, 10, 60, 300] as const;
export type Speed = (typeof SPEEDS)[number];

export interface ClockState {
  /** Milliseconds after the window's start. */
  t: number;
  /** The window's length, ms: the clock stops there. */
  end: number;
  playing: boolean;
  speed: Speed;
}

export type ClockAction =
  | { type: 'load'; end: number; t?: number }
  | { type: 'seek'; t: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'speed'; speed: Speed }
  | { type: 'tick'; realMs: number };

const clamp = (t: number, end: number) => Math.min(end, Math.max(0, t));

export function clockReducer(s: ClockState, a: ClockAction): ClockState {
  switch (a.type) {
    case 'load':
      return { ...s, end: a.end, t: clamp(a.t ?? 0, a.end), playing: false };
    case 'seek':
      return { ...s, t: clamp(a.t, s.end) };
    case 'play':
      // Played to the end: play again from the start.
      return { ...s, playing: true, t: s.t >= s.end ? 0 : s.t };
    case 'pause':
      return { ...s, playing: false };
    case 'speed':
      return { ...s, speed: a.speed };
    case 'tick': {
      if (!s.playing) return s;
      const t = clamp(s.t + a.realMs * s.speed, s.end);
      return { ...s, t, playing: t < s.end };
    }
  }
}

export const INITIAL_CLOCK: ClockState = { t: 0, end: 0, playing: false, speed: 60 };

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** A moment as China time, `HH:MM:SS` (and the date before it when `withDay`). */
export function chinaTime(epochMs: number, withDay = false): string {
  const iso = new Date(epochMs + CHINA_OFFSET_MS).toISOString();
  return withDay ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(11, 19);
}

/** The local day (China time) before the one holding `epochMs`: the last whole day to replay. */
export function previousChinaDay(epochMs: number): string {
  return new Date(epochMs + CHINA_OFFSET_MS - 86_400_000).toISOString().slice(0, 10);
}
