// Tail probabilities of counts, in log space: Poisson and negative binomial (a Poisson whose
// rate is itself uncertain, Gamma-distributed). Demand scoring compares a cell's pickups with
// an expectation learned from a few weeks of history, so the rate is never known exactly and
// the counts are small: a z on raw counts would make the first extra trip in a quiet cell a
// 10-sigma event, while these tails give it its true, modest surprise.
//
// Everything returns ln P so the far tails (1e-12 and below, where alarms live) keep their
// precision; tail.ts turns ln P into the equivalent |z| every Vigía score speaks.

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error < 1e-13). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-15;
const TINY = 1e-300;

/** Continued fraction of the incomplete beta (modified Lentz), for x < (a+1)/(a+b+2). */
function betaCf(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** ln I_x(a, b), the regularized incomplete beta, a, b > 0, 0 ≤ x ≤ 1. */
export function logBetaInc(x: number, a: number, b: number): number {
  if (x <= 0) return -Infinity;
  if (x >= 1) return 0;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return lnFront + Math.log(betaCf(a, b, x)) - Math.log(a);
  // Upper part by symmetry: I_x(a, b) = 1 − I_{1−x}(b, a).
  const other = Math.exp(lnFront + Math.log(betaCf(b, a, 1 - x)) - Math.log(b));
  return Math.log1p(-Math.min(other, 1));
}

/** ln P(a, x), the regularized lower incomplete gamma, a > 0, x ≥ 0. */
export function logGammaIncLower(a: number, x: number): number {
  if (x <= 0) return -Infinity;
  const lnFront = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    // Series: P = e^{-x} x^a / Γ(a+1) Σ x^n / ((a+1)…(a+n)).
    let sum = 1 / a;
    let term = 1 / a;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * EPS) break;
    }
    return lnFront + Math.log(sum);
  }
  return Math.log1p(-Math.min(1, Math.exp(logGammaIncUpperCf(a, x, lnFront))));
}

/** ln Q(a, x) = ln(1 − P(a, x)), the regularized upper incomplete gamma. */
export function logGammaIncUpper(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnFront = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) return Math.log1p(-Math.min(1, Math.exp(logGammaIncLower(a, x))));
  return logGammaIncUpperCf(a, x, lnFront);
}

function logGammaIncUpperCf(a: number, x: number, lnFront: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return lnFront + Math.log(h);
}

/** ln P(X ≥ x) for X ~ Poisson(mean). */
export function logPoissonUpper(x: number, mean: number): number {
  if (x <= 0) return 0;
  if (!(mean > 0)) return -Infinity;
  return logGammaIncLower(x, mean);
}

/** ln P(X ≤ x) for X ~ Poisson(mean). */
export function logPoissonLower(x: number, mean: number): number {
  if (x < 0) return -Infinity;
  if (!(mean > 0)) return 0;
  return logGammaIncUpper(Math.floor(x) + 1, mean);
}

/** Above this shape the negative binomial is a Poisson to double precision for our counts. */
const POISSON_SHAPE = 1e7;

/**
 * ln P(X ≥ x) for X negative binomial with the given mean and shape r (a Poisson whose rate is
 * Gamma(r, r/mean): variance mean + mean²/r). r = ∞ is the Poisson.
 */
export function logNegBinUpper(x: number, mean: number, shape: number): number {
  if (x <= 0) return 0;
  if (!(mean > 0)) return -Infinity;
  if (!(shape < POISSON_SHAPE)) return logPoissonUpper(x, mean);
  // P(X ≥ x) = I_{1−p}(x, r) with p = r / (r + mean).
  return logBetaInc(mean / (shape + mean), Math.ceil(x), shape);
}

/** ln P(X ≤ x) for X negative binomial (see logNegBinUpper). */
export function logNegBinLower(x: number, mean: number, shape: number): number {
  if (x < 0) return -Infinity;
  if (!(mean > 0)) return 0;
  if (!(shape < POISSON_SHAPE)) return logPoissonLower(x, mean);
  // P(X ≤ x) = I_p(r, x + 1).
  return logBetaInc(shape / (shape + mean), shape, Math.floor(x) + 1);
}
