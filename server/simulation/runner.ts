import type { IncidentIntake } from '../incident/intake.js';
import type { Logger } from '../log.js';
import type { SimContext } from './context.js';
import { buildSimModel, type SimModel } from './model.js';
import { createIncidentStream } from './stream.js';

const TICK_MS = 250;

export interface RunningSimulator {
  stop(): void;
  stats(): { emitted: number; failed: number; simTime: number };
}

/**
 * Drives the live stream: a simulated clock runs at `speed` × real time from now, and each report
 * that falls due is handed to the incident service like any other source's. Reports are stamped on
 * receipt (as a field device's would be), so a sped-up clock never produces reports "from the future".
 * Failures are counted and logged, never thrown: the simulator must not take the server down.
 */
export function startSimulator(opts: {
  intake: Pick<IncidentIntake, 'report'>;
  ctx: SimContext | SimModel;
  seed: number;
  speed: number;
  log?: Pick<Logger, 'info' | 'warn'>;
  now?: () => number;
}): RunningSimulator {
  const now = opts.now ?? Date.now;
  const model = 'rates' in opts.ctx ? opts.ctx : buildSimModel(opts.ctx);
  const realStart = now();
  const stream = createIncidentStream(model, opts.seed, realStart);
  let emitted = 0;
  let failed = 0;
  let simTime = realStart;
  const timer = setInterval(() => {
    simTime = realStart + (now() - realStart) * opts.speed;
    for (const report of stream.next(simTime)) {
      emitted += 1;
      const { reportedAt: _stampedOnReceipt, ...live } = report;
      opts.intake.report(live).catch((err: unknown) => {
        failed += 1;
        if (failed <= 10 || failed % 1000 === 0) opts.log?.warn({ err, failed }, 'simulated report refused');
      });
    }
  }, TICK_MS);
  timer.unref();
  opts.log?.info({ seed: opts.seed, speed: opts.speed }, 'simulator started');
  return {
    stop: () => clearInterval(timer),
    stats: () => ({ emitted, failed, simTime }),
  };
}
