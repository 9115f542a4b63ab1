/**
 * The hours inspectors patrol, in local minutes (China time): 08:30–11:30 and 14:30–17:30 — the rest
 * of the day is desk work, meals, and the night. A cell's patrol is late by these hours, not by the
 * clock: a shop street last seen at 17:00 is not four hours late at 21:00, nor at 08:00 the next day.
 * (A city with night patrols would add its stretches here.)
 */
export const PATROL_STRETCHES: readonly (readonly [number, number])[] = [
  [8 * 60 + 30, 11 * 60 + 30],
  [14 * 60 + 30, 17 * 60 + 30],
];

const LOCAL_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

/** Patrol hours between two instants (epoch ms): the overlap of [fromMs, toMs) with the stretches. */
export function patrolHoursBetween(fromMs: number, toMs: number): number {
  if (!(toMs > fromMs)) return 0;
  let ms = 0;
  const firstDay = Math.floor((fromMs + LOCAL_OFFSET_MS) / DAY_MS);
  const lastDay = Math.floor((toMs + LOCAL_OFFSET_MS) / DAY_MS);
  for (let day = firstDay; day <= lastDay; day++) {
    const base = day * DAY_MS - LOCAL_OFFSET_MS;
    for (const [a, b] of PATROL_STRETCHES) {
      const s = Math.max(fromMs, base + a * MIN_MS);
      const e = Math.min(toMs, base + b * MIN_MS);
      if (e > s) ms += e - s;
    }
  }
  return ms / 3_600_000;
}
