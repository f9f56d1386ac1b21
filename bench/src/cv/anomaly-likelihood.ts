// Numenta's anomaly likelihood, as a causal post-processor of a score series (an experiment run
// by `bench cv --calibrate likelihood`, not yet part of the detector). Source: numenta/nupic
// `src/nupic/algorithms/anomaly_likelihood.py` (AnomalyLikelihood.anomalyProbability,
// _filterLikelihoods) and NAB's numenta detector (`computeLogLikelihood`): the raw score is
// averaged over a short window, a Gaussian is fitted to the history of those averages, the
// likelihood is 1 − its two-sided tail probability, a run of red likelihoods is reported red
// once, and the reported score is the log-likelihood, which spreads the last nines over [0, 1].
// What transfers: the result is a tail probability under a model fitted online to this series'
// own scores, so a threshold means the same rarity on every series.
import { logErfc } from '../../../processor/src/core/tail.ts';

export interface LikelihoodOptions {
  /** Raw scores averaged (Numenta: averagingWindow 10). */
  averaging: number;
  /** Averages kept to fit the Gaussian (Numenta: historicWindowSize 8640). */
  history: number;
  /** Readings before any likelihood (Numenta: learningPeriod 288 + estimationSamples 100). */
  learning: number;
  /** Variance floor of the averages, on scores in [0, 1] (Numenta: 1.5e-5 … 3e-4). */
  minVariance: number;
}

export const NUMENTA_LIKELIHOOD: Readonly<LikelihoodOptions> = Object.freeze({ averaging: 10, history: 8640, learning: 388, minVariance: 3e-4 });

const RED = 1e-5;
const YELLOW = 1e-3;

/** Scores 0–100 in, log-likelihood scores 0–100 out, causally (row t uses rows ≤ t). */
export function anomalyLikelihood(scores: ArrayLike<number>, o: LikelihoodOptions = NUMENTA_LIKELIHOOD): Float64Array {
  const out = new Float64Array(scores.length);
  const win = new Float64Array(o.averaging);
  const hist = new Float64Array(o.history);
  let winSum = 0;
  let sum = 0;
  let sum2 = 0;
  let prevTail = 1;
  for (let i = 0; i < scores.length; i++) {
    const s = Math.min(1, Math.max(0, scores[i]! / 100));
    winSum += s - win[i % o.averaging]!;
    win[i % o.averaging] = s;
    const avg = winSum / Math.min(i + 1, o.averaging);
    const n = Math.min(i, o.history);
    let tail = 0.5;
    if (i >= o.learning && n > 1) {
      const mean = sum / n;
      const variance = Math.max(o.minVariance, sum2 / n - mean * mean);
      const z = Math.abs(avg - mean) / Math.sqrt(variance);
      tail = 0.5 * Math.exp(logErfc(z / Math.SQRT2));
      // Only the first of consecutive red likelihoods stays red.
      if (tail <= RED && prevTail <= RED) {
        prevTail = tail;
        tail = YELLOW;
      } else prevTail = tail;
    }
    const old = hist[i % o.history]!;
    if (i >= o.history) {
      sum -= old;
      sum2 -= old * old;
    }
    hist[i % o.history] = avg;
    sum += avg;
    sum2 += avg * avg;
    const likelihood = 1 - tail;
    out[i] = Math.min(100, Math.max(0, (100 * Math.log(1.0000000001 - likelihood)) / Math.log(1.0000000001 - 0.9999999999)));
  }
  return out;
}
