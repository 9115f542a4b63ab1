/**
 * The standard normal tail, to full double precision, so the p-values of Gi* and Mann–Kendall agree
 * with R's `pnorm(lower.tail = FALSE)` far out in the tail, where the 99 % class is decided and where
 * a textbook 1e-7 approximation would reorder the smallest p-values that Benjamini–Hochberg sorts.
 *
 * W. J. Cody's rational Chebyshev approximations (ACM TOMS Algorithm 715), with the coefficients and
 * the split of e^(−y²/2) that R's nmath/pnorm.c uses; a few multiplications a call, which matters for
 * 100,000 cells in under 20 ms.
 */

const A = [2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356, 0.06568233791820745];
const B = [47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673];
const C = [
  0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002, 2494.5375852903726, 6848.190450536283,
  11602.65143764735, 9842.714838383978, 1.0765576773720192e-8,
];
const D = [
  22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761, 18615.571640885097, 34900.95272114598,
  38912.00328609327, 19685.429676859992,
];
const P = [0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934, 0.000029112874951168793, 0.023073441764940174];
const Q = [1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824, 0.00007297515550839662];
const ONE_OVER_SQRT_2PI = 0.3989422804014327;
const SQRT_32 = Math.sqrt(32);

/** e^(−y²/2) · factor, with y² split so the rounding of y² is not multiplied up far in the tail. */
function gaussianTimes(y: number, factor: number): number {
  const ySplit = Math.trunc(y * 16) / 16;
  const del = (y - ySplit) * (y + ySplit);
  return Math.exp(-ySplit * ySplit * 0.5) * Math.exp(-del * 0.5) * factor;
}

/** P(Z > y) for y ≥ 0.67448975 (beyond the central branch). */
function upperTailBeyondCentre(y: number): number {
  if (y <= SQRT_32) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]!) * y;
      den = (den + D[i]!) * y;
    }
    return gaussianTimes(y, (num + C[7]!) / (den + D[7]!));
  }
  if (y > 38.5) return 0;
  const ysq = 1 / (y * y);
  let num = P[5]! * ysq;
  let den = ysq;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]!) * ysq;
    den = (den + Q[i]!) * ysq;
  }
  const t = (ysq * (num + P[4]!)) / (den + Q[4]!);
  return gaussianTimes(y, (ONE_OVER_SQRT_2PI - t) / y);
}

/** Φ(x) − 1/2 for |x| ≤ 0.67448975. */
function centralHalf(x: number): number {
  const xsq = x * x;
  let num = A[4]! * xsq;
  let den = xsq;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]!) * xsq;
    den = (den + B[i]!) * xsq;
  }
  return (x * (num + A[3]!)) / (den + B[3]!);
}

/** P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const y = Math.abs(z);
  if (y <= 0.67448975) return 0.5 - centralHalf(z);
  const tail = upperTailBeyondCentre(y);
  return z > 0 ? tail : 1 - tail;
}

/** Two-sided p-value of a standard normal score, 2 · P(Z > |z|), as R's `2 * pnorm(-abs(z))`. */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const y = Math.abs(z);
  if (y <= 0.67448975) return 1 - 2 * centralHalf(y);
  return 2 * upperTailBeyondCentre(y);
}
