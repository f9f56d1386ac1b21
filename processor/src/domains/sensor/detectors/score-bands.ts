// How the detector's components share the 0–100 score.
//
// Two kinds of evidence, two bands:
//   - state evidence (a reading off its expected level, a broken relation, a persistent regime
//     change) says "something is wrong now" and keeps saying so while it lasts. It is reported in
//     [0, onsetFloor): unchanged up to the alarm threshold `alarm` (so every alarm decision at
//     70 is exactly what the component's own calibration gives), then compressed linearly so
//     that certainty (100) lands just below onsetFloor;
//   - onset evidence (onset-novelty.ts: behaviour more extreme than anything in the recent
//     history) says "a new episode starts here" and is reported once, in [onsetFloor, 100].
// A consumer that alarms at 70 sees every state alarm and every onset; one that wants only the
// start of each episode (a paging policy, or NAB-style scoring that rewards the first detection
// and charges every later one outside the anomaly) thresholds at onsetFloor and above.
//
// The regime component's offsets are autocorrelated and heavy-tailed (an average compared with a
// learnt spread), so they are not Gaussian |z|: `regimeAt70` is the offset, in spreads, that
// reaches the alarm threshold.

import { checkOption } from '../../../core/component.ts';
import { surpriseToScore } from '../../../core/score-scale.ts';

export interface ScoreBandsOptions {
  /** Alarm threshold below which state scores are unchanged; default 70. */
  alarm: number;
  /** Lowest onset score (state scores stay below it), (alarm, 100); default 90. */
  onsetFloor: number;
  /** Regime offset, in its learnt spreads, that scores `alarm`; default 7. */
  regimeAt70: number;
}

export const DEFAULT_SCORE_BANDS: Readonly<ScoreBandsOptions> = Object.freeze({ alarm: 70, onsetFloor: 90, regimeAt70: 7 });

export interface ScoreBands {
  /** The alarm threshold (0–100) below which state scores are unchanged. */
  readonly alarm: number;
  /** A state score (0–100 from its own calibration) placed in [0, onsetFloor). */
  state(score: number): number;
  /** Regime offset (spreads) → 0–100 before banding: `alarm` at regimeAt70, log-logistic k = 4. */
  regimeScore(offset: number): number;
  /** Onset record ratio (> 1) → score in [onsetFloor, 100). */
  onset(ratio: number): number;
}

export function createScoreBands(opts: Partial<ScoreBandsOptions> = {}): ScoreBands {
  const o = { ...DEFAULT_SCORE_BANDS, ...opts };
  checkOption('scoreBands', 'alarm', o.alarm, 0, 100, false);
  checkOption('scoreBands', 'onsetFloor', o.onsetFloor, o.alarm, 100, false);
  checkOption('scoreBands', 'regimeAt70', o.regimeAt70, 0, 1e6, false);
  const { alarm, onsetFloor } = o;
  const squeeze = (onsetFloor - 1e-6 - alarm) / (100 - alarm);
  // score = 100 / (1 + (z0/z)^4) reaches `alarm` at regimeAt70.
  const z0 = o.regimeAt70 / Math.pow(alarm / (100 - alarm), 1 / 4);
  return {
    alarm,
    state: (s) => (s <= alarm ? s : alarm + (s - alarm) * squeeze),
    regimeScore: (z) => surpriseToScore(z, z0, 4),
    onset: (r) => (r > 1 ? onsetFloor + (100 - onsetFloor) * (1 - 1 / r) : 0),
  };
}
