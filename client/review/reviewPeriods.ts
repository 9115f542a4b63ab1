/**
 * The periods a leader picks on the review (China time, UTC+8): this month and the ones before, this
 * quarter and the ones before; and the ids of the periods before one, for the trend charts.
 */
const LOCAL_OFFSET_MS = 8 * 3_600_000;

/** `2026-11` of an instant, in China time. */
export function monthIdOf(ms: number): string {
  const d = new Date(ms + LOCAL_OFFSET_MS);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month `n` months before `id` (negative: after). */
export function monthBefore(id: string, n = 1): string {
  const [y, m] = id.split('-').map(Number) as [number, number];
  const k = y * 12 + (m - 1) - n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

/** `2026-Q4` of an instant, in China time. */
export function quarterIdOf(ms: number): string {
  const d = new Date(ms + LOCAL_OFFSET_MS);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** The periods offered, newest first: the last six months and the last two quarters. */
export function reviewPeriods(now: number): { id: string; kind: 'month' | 'quarter' }[] {
  const month = monthIdOf(now);
  const quarter = quarterIdOf(now);
  const [qy, qn] = [Number(quarter.slice(0, 4)), Number(quarter.slice(6))];
  const previousQuarter = qn === 1 ? `${qy - 1}-Q4` : `${qy}-Q${qn - 1}`;
  return [
    ...Array.from({ length: 6 }, (_, i) => ({ id: monthBefore(month, i), kind: 'month' as const })),
    { id: quarter, kind: 'quarter' as const },
    { id: previousQuarter, kind: 'quarter' as const },
  ];
}

/** A period's name as a reader says it: 2026年11月, 2026年第4季度. */
export function periodLabel(id: string, zh: boolean): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(id);
  if (q) return zh ? `${q[1]}年第${q[2]}季度` : `Q${q[2]} ${q[1]}`;
  const m = /^(\d{4})-(\d{2})$/.exec(id);
  if (m) return zh ? `${m[1]}年${Number(m[2])}月` : `${m[1]}-${m[2]}`;
  return id;
}

/**
 * The rank change from the previous period, as a reader takes it: positive is up (a smaller rank
 * number); null when either rank is missing.
 */
export function rankChange(rank: number | null, previousRank: number | null | undefined): number | null {
  return rank === null || previousRank === null || previousRank === undefined ? null : previousRank - rank;
}
