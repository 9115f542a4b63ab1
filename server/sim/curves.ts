import type { Curve, DayCurves } from './patterns.js';
import { hhmmToMinutes, MINUTES_PER_DAY } from './localTime.js';

/** A daily curve sampled once per minute: linear between its points, wrapping round midnight. */
export function sampleCurve(curve: Curve): Float64Array {
  const out = new Float64Array(MINUTES_PER_DAY);
  const pts = curve.map(([t, v]) => [hhmmToMinutes(t), v] as const);
  if (pts.length === 1) return out.fill(pts[0]![1]);
  for (let k = 0; k < pts.length; k++) {
    const [t0, v0] = pts[k]!;
    const [t1raw, v1] = pts[(k + 1) % pts.length]!;
    const t1 = k + 1 < pts.length ? t1raw : t1raw + MINUTES_PER_DAY;
    for (let t = t0; t < t1; t++) out[t % MINUTES_PER_DAY] = v0 + ((v1 - v0) * (t - t0)) / (t1 - t0);
  }
  return out;
}

/** Per-minute levels for a working day [0] and a rest day [1]. */
export function sampleDayCurves(c: DayCurves): [Float64Array, Float64Array] {
  const working = sampleCurve(c.working);
  const rest = sampleCurve(c.rest ?? c.working);
  for (let i = 0; i < rest.length; i++) rest[i]! *= c.restFactor;
  return [working, rest];
}
