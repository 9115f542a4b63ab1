import type { CampaignMeasureKind, CampaignState } from '../../shared/index.js';

/** A measure's value as a leader reads it: cases a week to a tenth, shares in per cent, the index to three places. */
export function formatMeasure(kind: CampaignMeasureKind, v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  switch (kind) {
    case 'case_count':
      return v.toFixed(1);
    case 'source_share':
      return `${(v * 100).toFixed(1)}%`;
    case 'open_cases':
      return String(Math.round(v));
    case 'congestion_index':
      return v.toFixed(3);
  }
}

/** The bar's width in per cent of the way from baseline to target (none measured: empty). */
export function barPercent(fraction: number | null): number {
  return fraction === null ? 0 : Math.round(fraction * 100);
}

/** Whether a state calls for a leader's attention (the warning colour). */
export function isWarning(state: CampaignState): boolean {
  return state === 'behind' || state === 'missed';
}

/** A date in China time, YYYY-MM-DD. */
export function chinaDate(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}
