import type { SiteWeek } from '../../shared/index.js';

const WEEK_MS = 7 * 86_400_000;

/** The index of the week holding the treatment date, or -1 when it lies outside the weeks shown. */
export function weekOfTreatment(weeks: readonly SiteWeek[], treatedAt: string): number {
  const t = Date.parse(treatedAt);
  return weeks.findIndex((w) => t >= Date.parse(w.start) && t < Date.parse(w.start) + WEEK_MS);
}

/** The category classes seen in the weeks, the most incidents first: the order the chart stacks them. */
export function classesByWeight(weeks: readonly SiteWeek[]): string[] {
  const totals = new Map<string, number>();
  for (const w of weeks) for (const [k, n] of Object.entries(w.byClass)) totals.set(k, (totals.get(k) ?? 0) + n);
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
}
