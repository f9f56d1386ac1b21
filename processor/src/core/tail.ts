// Tail probabilities in log space, and their conversion to an equivalent two-sided |z|.
//
// Components whose natural statistic is not a z (a run length, a Mahalanobis distance) turn it
// into ln P(tail) and then into the |z| with the same two-sided Gaussian tail, so every
// component speaks the same unit. Everything works on logarithms because the interesting
// probabilities (1e-12 and below) are where plain doubles lose all precision.

const LN_SQRT_PI = 0.5 * Math.log(Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const SQRT1_2 = Math.SQRT1_2;
/** Largest surprise reported; keeps state and JSON finite when P underflows to 0. */
export const MAX_SURPRISE = 1e6;

/**
 * ln erfc(y) for y ≥ 0 (Numerical Recipes `erfcc` Chebyshev fit, relative error < 1.2e-7
 * everywhere, evaluated in log space so it never underflows).
 */
export function logErfc(y: number): number {
  if (y < 0) return Math.log(2 - Math.exp(logErfc(-y)));
  const t = 1 / (1 + 0.5 * y);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - y * y + poly;
}

/** ln P(|Z| > z) for a standard normal Z, z ≥ 0. */
export function logTwoSidedNormalTail(z: number): number {
  return logErfc(z * SQRT1_2);
}

/**
 * The z ≥ 0 with P(|Z| > z) = exp(lnP): the equivalent two-sided Gaussian surprise of an
 * event of log-probability lnP. Monotone decreasing in lnP; 0 for lnP ≥ 0.
 */
export function zFromLogTail(lnP: number): number {
  if (!(lnP < 0)) return 0;
  if (lnP === -Infinity) return MAX_SURPRISE;
  const L = -lnP;
  // Asymptotic start (P ≈ sqrt(2/π) e^{-z²/2} / z), then Newton on the concave ln erfc, which
  // converges monotonically from above after the first step.
  const a = 2 * L - Math.log(2 * L) + Math.log(2 / Math.PI);
  let z = a > 0.25 ? Math.sqrt(a) : 0.5;
  for (let i = 0; i < 30; i++) {
    const le = logErfc(z * SQRT1_2);
    const g = le - lnP;
    const dg = -SQRT_2_OVER_PI * Math.exp(-0.5 * z * z - le);
    const next = z - g / dg;
    const clamped = next > 0 ? next : 0.5 * z;
    if (Math.abs(clamped - z) <= 1e-12 * (1 + z)) return clamped > MAX_SURPRISE ? MAX_SURPRISE : clamped;
    z = clamped;
  }
  return z > MAX_SURPRISE ? MAX_SURPRISE : z;
}

/** ln(e^a + e^b) without overflow. */
function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/**
 * ln P(X > q) for X ~ χ² with `dof` degrees of freedom (integer ≥ 1), exact closed forms:
 * even dof: e^{-x} Σ_{j<dof/2} x^j / j!; odd dof: erfc(√x) + e^{-x} Σ_j x^{j+½} / Γ(j+3/2),
 * with x = q/2. Cost is O(dof), which is the number of channels of one station.
 */
export function logChiSquareTail(q: number, dof: number): number {
  if (!(q > 0)) return 0;
  const x = 0.5 * q;
  const lnx = Math.log(x);
  if (dof % 2 === 0) {
    let acc = -Infinity;
    let lnTerm = 0; // ln(x^0 / 0!)
    for (let j = 0; j < dof / 2; j++) {
      if (j > 0) lnTerm += lnx - Math.log(j);
      acc = logAdd(acc, lnTerm);
    }
    return Math.min(0, acc - x);
  }
  let acc = logErfc(Math.sqrt(x));
  let lnGamma = LN_SQRT_PI - Math.LN2; // ln Γ(3/2)
  for (let j = 0; j < (dof - 1) / 2; j++) {
    if (j > 0) lnGamma += Math.log(j + 0.5);
    acc = logAdd(acc, (j + 0.5) * lnx - x - lnGamma);
  }
  return Math.min(0, acc);
}
