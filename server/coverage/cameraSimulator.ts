import type { Logger } from '../log.js';
import { SeededRandom } from '../seededRandom.js';
import type { CameraLiveness } from './cameraLiveness.js';

/**
 * The simulated cameras' heartbeats, while no gateway has ever reported: every camera beats every
 * half minute, except during its outages. Each camera has a small chance per hour of going quiet for
 * 10 to 60 minutes (a seeded process per camera: the same seed gives the same outages); the liveness
 * notices like it would a real one, once the silent time has passed. The simulator stands down for
 * good at a gateway's first report.
 */

export interface OutageOptions {
  /** Chance per hour that a camera goes quiet. @default 0.02 (about seven outages an hour over 342 cameras) */
  chancePerHour?: number;
  /** Shortest outage, in minutes. @default 10 */
  minMinutes?: number;
  /** Longest outage, in minutes. @default 60 */
  maxMinutes?: number;
}

const HOUR_MS = 3_600_000;

/**
 * When each camera is out, drawn lazily from one seeded stream per camera: outages start as a
 * Poisson process from `startAt` and last uniformly between the shortest and the longest. Pure; the
 * times it is asked about must not go backwards.
 */
export class CameraOutages {
  private readonly rngs: SeededRandom[];
  private readonly from: Float64Array;
  private readonly until: Float64Array;
  private readonly ratePerMs: number;
  private readonly minMs: number;
  private readonly maxMs: number;

  constructor(
    readonly cameraIds: readonly string[],
    seed: number,
    startAt: number,
    opts: OutageOptions = {},
  ) {
    const p = opts.chancePerHour ?? 0.02;
    if (!(p >= 0 && p < 1)) throw new RangeError('chancePerHour must be in [0, 1)');
    this.ratePerMs = -Math.log(1 - p) / HOUR_MS;
    this.minMs = (opts.minMinutes ?? 10) * 60_000;
    this.maxMs = (opts.maxMinutes ?? 60) * 60_000;
    if (!(this.minMs > 0 && this.maxMs >= this.minMs)) throw new RangeError('outages need 0 < minMinutes <= maxMinutes');
    this.rngs = cameraIds.map((id) => SeededRandom.derive(seed, 'camera-outages', id));
    this.from = new Float64Array(cameraIds.length);
    this.until = new Float64Array(cameraIds.length);
    for (let i = 0; i < cameraIds.length; i++) this.draw(i, startAt);
  }

  /** Whether camera `i` is out at time `t`. */
  isOut(i: number, t: number): boolean {
    while (t >= this.until[i]!) this.draw(i, this.until[i]!);
    return t >= this.from[i]!;
  }

  /** The ids of the cameras that are not out at time `t`. */
  upAt(t: number): string[] {
    return this.cameraIds.filter((_, i) => !this.isOut(i, t));
  }

  /** The next outage of camera `i` after time `after`. */
  private draw(i: number, after: number): void {
    const rng = this.rngs[i]!;
    const wait = this.ratePerMs > 0 ? -Math.log(1 - rng.float()) / this.ratePerMs : Infinity;
    this.from[i] = after + wait;
    this.until[i] = this.from[i]! + rng.range(this.minMs, this.maxMs);
  }
}

export interface RunningCameraSimulator {
  stop(): void;
  stats(): { beats: number; outNow: number; stoodDown: boolean };
}

/**
 * Sends the simulated cameras' heartbeats into the liveness (as a gateway would, through the same
 * `heartbeat`), at once and then every `heartbeatMs` (30 s, or a third of the silent time when that
 * is shorter). Outages run on simulated time (`speed` times the clock).
 */
export function startCameraSimulator(opts: {
  liveness: Pick<CameraLiveness, 'heartbeat' | 'heartbeatsFrom' | 'silentAfterMs'>;
  cameraIds: readonly string[];
  seed: number;
  speed: number;
  outages?: OutageOptions;
  heartbeatMs?: number;
  now?: () => number;
  log?: Pick<Logger, 'info'>;
}): RunningCameraSimulator {
  const now = opts.now ?? Date.now;
  const realStart = now();
  const outages = new CameraOutages(opts.cameraIds, opts.seed, realStart, opts.outages);
  const every = opts.heartbeatMs ?? Math.max(100, Math.min(30_000, Math.floor(opts.liveness.silentAfterMs / 3)));
  let beats = 0;
  let outNow = 0;
  let stoodDown = false;
  const tick = () => {
    if (stoodDown) return;
    if (opts.liveness.heartbeatsFrom === 'gateway') {
      stoodDown = true;
      clearInterval(timer);
      opts.log?.info('a camera gateway reports: simulated camera heartbeats stopped');
      return;
    }
    const t = now();
    const up = outages.upAt(realStart + (t - realStart) * opts.speed);
    outNow = opts.cameraIds.length - up.length;
    if (up.length === 0) return;
    opts.liveness.heartbeat(
      up.map((id) => ({ id, at: t })),
      'simulator',
    );
    beats += up.length;
  };
  const timer = setInterval(tick, every);
  timer.unref();
  tick();
  opts.log?.info({ cameras: opts.cameraIds.length, everyMs: every }, 'camera simulator started');
  return {
    stop: () => clearInterval(timer),
    stats: () => ({ beats, outNow, stoodDown }),
  };
}
