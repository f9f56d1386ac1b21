// Maps a detector's unbounded surprise to the 0–100 score every Vigía detector speaks.
//
// All online sensor components express their surprise as an *equivalent two-sided Gaussian
// |z|*: the |z| whose tail probability P(|Z| > z) matches how unlikely the observation is under
// the component's model of normal behaviour. That common currency is what lets the station
// score be a plain max over components (see sensor-detector.ts).
//
// The map is a log-logistic curve, score = 100 / (1 + (z0 / z)^k):
//   - monotone increasing, 0 at z = 0, 50 at z = z0, → 100 as z → ∞;
//   - k sets how sharply it rises around z0 (higher k = a crisper threshold).
// With the defaults (z0 = 4.5, k = 4) the severity bands of contracts/severity.ts sit at
//   minor ≥ 70 ⇔ z ≥ 5.56, major ≥ 85 ⇔ z ≥ 6.94, critical ≥ 95 ⇔ z ≥ 9.40,
// so ordinary Gaussian noise (|z| ≤ 4 on almost every reading: P(|Z| > 4) ≈ 6e-5) scores ≤ 38
// and stays well below 70 (P(|Z| > 5.56) ≈ 3e-8 per test), while a clear fault saturates.

/** Parameters of the surprise → score curve. */
export interface ScoreScaleOptions {
  /** Surprise (equivalent |z|) that maps to a score of 50; default 4.5. */
  z0: number;
  /** Steepness exponent of the curve (dimensionless, > 0); default 4. */
  k: number;
}

export const DEFAULT_SCORE_SCALE: Readonly<ScoreScaleOptions> = Object.freeze({ z0: 4.5, k: 4 });

export class ScoreScaleOptionsError extends Error {
  override name = 'ScoreScaleOptionsError';
  constructor(
    readonly option: keyof ScoreScaleOptions,
    readonly value: unknown,
  ) {
    super(`score scale option ${option} must be a finite number > 0, got ${String(value)}`);
  }
}

/** A surprise → score map with fixed parameters, plus its inverse. */
export interface ScoreScale {
  readonly options: Readonly<ScoreScaleOptions>;
  /** Score 0–100 for a surprise (equivalent |z|, ≥ 0). */
  toScore(surprise: number): number;
  /** The surprise at which `toScore` reaches `score` (0 < score < 100). */
  toSurprise(score: number): number;
}

export function createScoreScale(opts: Partial<ScoreScaleOptions> = {}): ScoreScale {
  const options: ScoreScaleOptions = { ...DEFAULT_SCORE_SCALE, ...opts };
  for (const key of ['z0', 'k'] as const) {
    const v = options[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new ScoreScaleOptionsError(key, v);
  }
  const { z0, k } = options;
  return {
    options: Object.freeze(options),
    toScore: (surprise) => surpriseToScore(surprise, z0, k),
    toSurprise: (score) => {
      if (score <= 0) return 0;
      if (score >= 100) return Infinity;
      return z0 * Math.pow(score / (100 - score), 1 / k);
    },
  };
}

/** score = 100 / (1 + (z0/z)^k); NaN or ≤ 0 surprise scores 0. */
export function surpriseToScore(surprise: number, z0: number = DEFAULT_SCORE_SCALE.z0, k: number = DEFAULT_SCORE_SCALE.k): number {
  if (!(surprise > 0)) return 0;
  if (surprise === Infinity) return 100;
  const score = 100 / (1 + Math.pow(z0 / surprise, k));
  return score > 100 ? 100 : score;
}
