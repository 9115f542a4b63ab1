import type { Category, IncidentStatus, TimeLimit } from '../../shared/index.js';
import type { HistoricalIncident } from '../incident/intake.js';
import { SeededRandom } from '../seededRandom.js';
import type { SimContext } from './context.js';
import { MINUTE_MS, reportsInMinute, type SimModel, buildSimModel } from './model.js';
import { toReport } from './stream.js';

const MIN = MINUTE_MS;
const HOUR = 60 * MIN;

/** Rough elapsed hours a limit allows: working time stretches over nights and weekends. */
function elapsedHoursAllowed(limit: TimeLimit): number {
  switch (limit.kind) {
    case 'urgent_hours':
      return limit.amount;
    case 'working_hours':
      return limit.amount * 2.5;
    case 'working_days':
      return limit.amount * 30;
    case 'calendar_days':
      return limit.amount * 24;
  }
}

/**
 * The path one past case took through the workflow, with plausible delays: most are accepted,
 * registered, dispatched, handled within their limit (some late), verified and closed; a few are
 * rejected at intake, suspended, or sent back for rework once. Steps at or after `toMs` have not
 * happened yet, so recent cases are still open at some stage.
 */
export function simulateLifecycle(category: Category, reportedAt: number, toMs: number, rng: SeededRandom): { status: IncidentStatus; at: number }[] {
  const steps: { status: IncidentStatus; at: number }[] = [];
  let t = reportedAt;
  const step = (status: IncidentStatus, minMin: number, maxMin: number) => {
    t += Math.round(rng.range(minMin, maxMin) * MIN);
    steps.push({ status, at: t });
  };
  const fate = rng.float();
  if (fate < 0.03) {
    step('rejected', 5, 40);
  } else {
    step('accepted', 2, 25);
    step('registered', 3, 30);
    step('dispatched', 3, 40);
    if (fate < 0.05) {
      step('suspended', 60 * 24, 60 * 72);
    } else {
      step('handling', 10, 90);
      const allowed = elapsedHoursAllowed(category.timeLimit) * HOUR;
      // Median about half the limit; roughly one case in ten runs over.
      const handling = () => Math.max(10 * MIN, allowed * 0.45 * Math.exp(0.55 * rng.gaussian()));
      t += Math.round(handling());
      steps.push({ status: 'handled', at: t });
      if (rng.chance(0.06)) {
        step('handling', 30, 180);
        t += Math.round(handling() * 0.5);
        steps.push({ status: 'handled', at: t });
      }
      step('verified', 15, 150);
      step('closed', 5, 90);
    }
  }
  return steps.filter((s) => s.at < toMs);
}

/** Simulated past incidents for [fromMs, toMs), in time order, with the transitions each went through. */
export function generateHistory(ctx: SimContext | SimModel, seed: number, fromMs: number, toMs: number): HistoricalIncident[] {
  const model = 'rates' in ctx ? ctx : buildSimModel(ctx);
  const byCode = new Map(model.ctx.categories.map((c) => [c.code, c]));
  const out: HistoricalIncident[] = [];
  for (let minute = Math.floor(fromMs / MIN); minute * MIN < toMs; minute++) {
    const reports = reportsInMinute(model, seed, minute);
    reports.forEach((r, k) => {
      if (r.at < fromMs || r.at >= toMs) return;
      const life = SeededRandom.derive(seed, 'life', minute, k);
      out.push({
        report: toReport(r),
        transitions: simulateLifecycle(byCode.get(r.categoryCode)!, r.at, toMs, life).map((s) => ({
          status: s.status,
          at: new Date(s.at).toISOString(),
        })),
      });
    });
  }
  return out;
}
