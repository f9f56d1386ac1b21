import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logBetaInc, logGamma, logNegBinLower, logNegBinUpper, logPoissonLower, logPoissonUpper } from './count-tails.ts';

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

/** Exact Poisson pmf sums, for small means. */
function poissonUpperExact(x: number, m: number): number {
  let cdf = 0;
  let pmf = Math.exp(-m);
  for (let k = 0; k < x; k++) {
    cdf += pmf;
    pmf *= m / (k + 1);
  }
  return 1 - cdf;
}

function negBinPmf(k: number, m: number, r: number): number {
  const p = r / (r + m);
  return Math.exp(logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * Math.log(p) + k * Math.log1p(-p));
}

test('logGamma: factorials and Γ(1/2)', () => {
  close(logGamma(1), 0, 1e-12, 'Γ(1)');
  close(logGamma(5), Math.log(24), 1e-12, 'Γ(5)');
  close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-12, 'Γ(1/2)');
  close(logGamma(101), 363.73937555556347, 1e-12, 'Γ(101)');
});

test('incomplete beta: I_x(1, 1) = x, I_x(a, 1) = x^a, symmetry', () => {
  close(Math.exp(logBetaInc(0.3, 1, 1)), 0.3, 1e-12, 'uniform');
  close(Math.exp(logBetaInc(0.6, 3, 1)), 0.216, 1e-12, 'x^3');
  close(Math.exp(logBetaInc(0.25, 2.5, 4)) + Math.exp(logBetaInc(0.75, 4, 2.5)), 1, 1e-12, 'symmetry');
});

test('Poisson tails match direct sums, including the far tail', () => {
  for (const m of [0.1, 1, 3.7, 12]) {
    for (const x of [1, 2, 5, 10, 20]) {
      const exact = poissonUpperExact(x, m);
      if (exact > 1e-12) close(Math.exp(logPoissonUpper(x, m)), exact, 1e-9, `P(X≥${x}|${m})`);
      close(Math.exp(logPoissonLower(x - 1, m)), 1 - exact, 1e-9, `P(X≤${x - 1}|${m})`);
    }
  }
  close(logPoissonLower(0, 20), -20, 1e-12, 'P(X=0|20) = e^-20');
  // Far tail: P(X ≥ 60 | 5) ≈ pmf(60) (the next terms are 12× smaller each).
  const lnPmf60 = 60 * Math.log(5) - 5 - logGamma(61);
  assert.ok(logPoissonUpper(60, 5) > lnPmf60 && logPoissonUpper(60, 5) < lnPmf60 + 0.1);
  assert.equal(logPoissonUpper(0, 3), 0);
  assert.equal(logPoissonUpper(2, 0), -Infinity);
});

test('negative binomial tails match pmf sums and tend to the Poisson for a large shape', () => {
  for (const [m, r] of [[2, 0.5], [5, 3], [20, 10]] as const) {
    let cdf = 0;
    for (let k = 0; k <= 30; k++) {
      close(Math.exp(logNegBinUpper(k, m, r)), 1 - cdf, 1e-8, `NB P(X≥${k}|${m},${r})`);
      cdf += negBinPmf(k, m, r);
      close(Math.exp(logNegBinLower(k, m, r)), cdf, 1e-8, `NB P(X≤${k}|${m},${r})`);
    }
  }
  close(logNegBinUpper(15, 4, 1e9), logPoissonUpper(15, 4), 1e-9, 'Poisson limit');
  close(logNegBinUpper(15, 4, 1e5), logPoissonUpper(15, 4), 1e-3, 'near the Poisson limit');
  // Uncertainty about the rate fattens the tail: 15 when 4 were expected is far less surprising.
  assert.ok(logNegBinUpper(15, 4, 2) > logPoissonUpper(15, 4) + 5);
});
