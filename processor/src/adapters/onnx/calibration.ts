import type { ScoreCalibration } from '../../../../contracts/index.ts';

/**
 * A model's raw score → 0–100, from the card's calibration. The same arithmetic in the same
 * order as models/vigia_models/calibration.py, so Python and TypeScript agree to the last bit;
 * the parity test holds both to it.
 */
export interface ClusterCalibration {
  readonly probabilities: readonly number[];
  readonly quantiles: readonly number[];
  readonly anchorPercentiles: readonly number[];
  readonly anchorScores: readonly number[];
  readonly rawCeiling: number;
}

/** One calibration per cluster, indexed by cluster id. */
export function clusterCalibrations(cal: ScoreCalibration): ClusterCalibration[] {
  return cal.clusters.map((c) => ({
    probabilities: cal.probabilities,
    quantiles: c.quantiles,
    anchorPercentiles: cal.anchors.percentiles,
    anchorScores: cal.anchors.scores,
    rawCeiling: cal.rawCeiling,
  }));
}

/** Where `raw` falls among the cluster's training raw scores, 0–1 (piecewise-linear). */
export function percentileOf(raw: number, quantiles: readonly number[], probabilities: readonly number[]): number {
  if (raw < quantiles[0]!) return 0;
  const i = lastAtOrBelow(quantiles, raw);
  if (i >= quantiles.length - 1) return 1;
  const q0 = quantiles[i]!;
  const q1 = quantiles[i + 1]!;
  const p0 = probabilities[i]!;
  const p1 = probabilities[i + 1]!;
  return p0 + ((p1 - p0) * (raw - q0)) / (q1 - q0);
}

/** 0–100: through the anchors by percentile; above the training maximum, on to 100 at rawCeiling. */
export function calibratedScore(raw: number, c: ClusterCalibration): number {
  const top = c.quantiles[c.quantiles.length - 1]!;
  const lastScore = c.anchorScores[c.anchorScores.length - 1]!;
  if (raw > top) {
    if (c.rawCeiling <= top) return 100;
    const frac = Math.min(1, (raw - top) / (c.rawCeiling - top));
    return lastScore + (100 - lastScore) * frac;
  }
  const p = percentileOf(raw, c.quantiles, c.probabilities);
  const j = Math.min(lastAtOrBelow(c.anchorPercentiles, p), c.anchorPercentiles.length - 2);
  const a0 = c.anchorPercentiles[j]!;
  const a1 = c.anchorPercentiles[j + 1]!;
  const s0 = c.anchorScores[j]!;
  const s1 = c.anchorScores[j + 1]!;
  return s0 + ((s1 - s0) * (p - a0)) / (a1 - a0);
}

/** Index of the last element ≤ x, −1 when none (binary search, as on the Python side). */
function lastAtOrBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
