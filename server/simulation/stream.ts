import type { IncidentReport } from '../incident/intake.js';
import { MINUTE_MS, reportsInMinute, type SimModel, type SimReport } from './model.js';

export interface IncidentStream {
  /** The reports due in [previous call, untilMs), each with its reportedAt, in time order. */
  next(untilMs: number): (IncidentReport & { reportedAt: string })[];
}

export function toReport(r: SimReport): IncidentReport & { reportedAt: string } {
  return {
    categoryCode: r.categoryCode,
    lon: r.lon,
    lat: r.lat,
    source: r.source,
    description: r.description,
    reportedAt: new Date(r.at).toISOString(),
  };
}

/** The live stream from startMs on: pure, deterministic for a seed and a start. */
export function createIncidentStream(model: SimModel, seed: number, startMs: number): IncidentStream {
  let cursor = startMs;
  let minute = Math.floor(startMs / MINUTE_MS);
  let pending: SimReport[] = reportsInMinute(model, seed, minute).filter((r) => r.at >= startMs);
  return {
    next(untilMs) {
      const out: SimReport[] = [];
      while (cursor < untilMs) {
        const minuteEnd = (minute + 1) * MINUTE_MS;
        while (pending.length && pending[0]!.at < untilMs) out.push(pending.shift()!);
        if (untilMs < minuteEnd) {
          cursor = untilMs;
          break;
        }
        minute += 1;
        cursor = minuteEnd;
        pending = reportsInMinute(model, seed, minute);
      }
      return out.map(toReport);
    },
  };
}
