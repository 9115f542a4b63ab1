import type { CampaignProgress, CampaignTarget, CampaignWeek } from '../../shared/index.js';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

/** What progress needs of a campaign, times in epoch ms. */
export interface CampaignPlan {
  target: CampaignTarget;
  baseline: { since: number; until: number };
  startAt: number;
  deadlineAt: number;
  closedAt: number | null;
}

/**
 * The campaign's measure over a span [since, until): cases per 7 days, a share, the mean index, or
 * (open cases) the count at `until`. Null when there is nothing to measure it from.
 */
export type Measure = (since: number, until: number) => number | null;

/** Rounding noise of the scaled counts must not turn a met target into a missed one. */
const EPSILON = 1e-9;

/**
 * A campaign's progress as of `now`, and its weekly series from the start. Judged as of the
 * deadline once it has passed (or the close, if earlier): a campaign ends with met or missed. Pure.
 *
 * - the baseline is the measure over the baseline span; the target the absolute value, or the
 *   baseline moved by the change;
 * - the current value is the measure over the 7 days before the moment judged (a rolling week: a
 *   week that has just begun says little);
 * - the expected value is the straight path from the baseline at the start to the target at the
 *   deadline; at or better than it is on track, worse is behind.
 */
export function campaignProgress(plan: CampaignPlan, measure: Measure, now: number): { progress: CampaignProgress; series: CampaignWeek[] } {
  const asOf = Math.min(now, plan.deadlineAt, plan.closedAt ?? Infinity);
  const { target: t } = plan;
  const baseline = measure(plan.baseline.since, plan.baseline.until);
  const target = t.value !== null ? t.value : baseline === null ? null : baseline * (1 + t.change!);
  const current = measure(asOf - WEEK_MS, asOf);
  const expectedAt = (at: number): number | null => {
    if (baseline === null || target === null) return null;
    const span = plan.deadlineAt - plan.startAt;
    const f = span <= 0 ? 1 : Math.min(1, Math.max(0, (at - plan.startAt) / span));
    return baseline + (target - baseline) * f;
  };
  const better = (a: number, b: number) => (t.direction === 'down' ? a <= b + EPSILON : a >= b - EPSILON);
  const expected = expectedAt(asOf);

  // Ended: past its deadline, or closed (a recount in the very millisecond of the close is no less final).
  const ended = asOf < now || (plan.closedAt !== null && plan.closedAt <= now);
  let state: CampaignProgress['state'];
  if (baseline === null || target === null || current === null) state = 'no_data';
  else if (ended) state = better(current, target) ? 'met' : 'missed';
  else if (better(current, target)) state = 'met';
  else state = better(current, expected!) ? 'on_track' : 'behind';

  let fraction: number | null = null;
  if (baseline !== null && target !== null && current !== null) {
    fraction = Math.abs(baseline - target) < EPSILON ? (better(current, target) ? 1 : 0) : Math.min(1, Math.max(0, (baseline - current) / (baseline - target)));
  }

  const series: CampaignWeek[] = [];
  for (let s = plan.startAt; s < asOf; s += WEEK_MS) {
    const e = Math.min(s + WEEK_MS, asOf);
    // A week only hours old says nothing yet (no report in its first hour scales to none a week).
    series.push({ start: iso(s), end: iso(e), partial: e - s < WEEK_MS, value: e - s < DAY_MS ? null : measure(s, e), expected: expectedAt(e) });
  }
  return { progress: { asOf: iso(asOf), baseline, target, current, expected, fraction, state }, series };
}

const iso = (ms: number) => new Date(ms).toISOString();
