// Stuck-sensor component: a channel that keeps repeating exactly the same value.
//
// Exact repeats are modelled as a two-state Markov chain learned from the channel's own history:
//   pStart = P(repeat | previous reading changed),  pCont = P(repeat | previous reading repeated).
// A run of r repeats then has probability pStart · pCont^(r−1), and the surprise is the equivalent
// |z| of that probability. So a noisy float channel (repeats almost never) is flagged after a few
// repeats, a coarsely quantised one only after a long run, and a channel that is normally
// constant (pCont ≈ 1) never; learning pCont separately keeps clustered repeats (a quantised
// value sitting on a daily peak) from looking like a fault.
// A run is learnt only after it ends and at most `learnCap` repeats of it, so a stuck episode
// cannot teach the model that stuck is normal while it lasts, and a past one teaches little.
// A channel that has hardly ever changed, or normally repeats on most readings (coarse
// quantisation: its runs cluster in ways a two-state chain does not capture), is not "normally
// noisy" and is never flagged.
// Probabilities are floored at `pFloor`, a prior that keeps a history without any repeats from
// making the first few repeats look impossible.

import { checkOption, fmt, type ComponentOutput } from '../../../core/component.ts';
import { zFromLogTail } from '../../../core/tail.ts';

export interface FlatlineOptions {
  /** Consecutive repeats (readings equal to the previous one) before a run can be surprising; default 4. */
  minRun: number;
  /** Smallest repeat probability assumed, (0, 1); default 0.01. */
  pFloor: number;
  /** Forgetting weight of the repeat statistics per observed transition, (0, 1]; default 0.001 (≈ 1000 readings). */
  rateGamma: number;
  /** Prior strength (pseudo-transitions) pulling pCont towards pStart while few runs were seen; default 20. */
  contPrior: number;
  /** Readings before any surprise is reported; default 60. */
  warmup: number;
  /** Longest run learnt in full; longer runs count as censored at this many repeats; default 8. */
  learnCap: number;
  /** Changes (decayed count) a channel must have shown to count as normally varying; default 20. */
  minChanges: number;
  /** A channel whose readings normally repeat more often than this share is not "noisy" and never flagged, [0, 1]; default 0.5. */
  maxRepeatShare: number;
}

export const DEFAULT_FLATLINE: Readonly<FlatlineOptions> = Object.freeze({
  minRun: 4,
  pFloor: 0.01,
  rateGamma: 0.001,
  contPrior: 20,
  warmup: 60,
  learnCap: 8,
  minChanges: 20,
  maxRepeatShare: 0.5,
});

export function resolveFlatlineOptions(opts: Partial<FlatlineOptions> = {}): FlatlineOptions {
  const o = { ...DEFAULT_FLATLINE, ...opts };
  const c = 'flatline';
  checkOption(c, 'minRun', o.minRun, 1, 1e9);
  checkOption(c, 'pFloor', o.pFloor, 0, 1, false);
  checkOption(c, 'rateGamma', o.rateGamma, 0, 1, false);
  checkOption(c, 'contPrior', o.contPrior, 0, 1e9);
  checkOption(c, 'warmup', o.warmup, 1, 1e9);
  checkOption(c, 'learnCap', o.learnCap, 1, 1e9);
  checkOption(c, 'minChanges', o.minChanges, 0, 1e9);
  checkOption(c, 'maxRepeatShare', o.maxRepeatShare, 0, 1);
  return o;
}

/** Persisted state of one channel (JSON-safe). */
export interface FlatlineState {
  n: number;
  last: number;
  run: number;
  /** Decayed counts of transitions after a change, and how many of those were repeats. */
  startTrials: number;
  startRepeats: number;
  /** Decayed counts of transitions after a repeat, and how many of those were repeats. */
  contTrials: number;
  contRepeats: number;
}

export class Flatline implements ComponentOutput {
  surprise = 0;
  readonly expected: number | null = null;
  private n = 0;
  private last = 0;
  private run = 0;
  private startTrials = 0;
  private startRepeats = 0;
  private contTrials = 0;
  private contRepeats = 0;

  constructor(private readonly o: FlatlineOptions) {}

  /** Current run of exact repeats of the latest value. */
  get runLength(): number {
    return this.run;
  }

  update(value: number, _ts: number): this {
    const o = this.o;
    if (this.n === 0) {
      this.last = value;
      this.n = 1;
      this.surprise = 0;
      return this;
    }
    if (value === this.last) {
      this.run++;
    } else {
      this.learnRun();
      this.run = 0;
    }
    this.last = value;
    this.n++;

    if (this.run < o.minRun || this.n <= o.warmup || this.startTrials < o.minChanges) {
      this.surprise = 0;
      return this;
    }
    const repeatShare = (this.startRepeats + this.contRepeats) / (this.startTrials + this.contTrials);
    if (repeatShare > o.maxRepeatShare) {
      this.surprise = 0;
      return this;
    }
    const pStart = this.repeatStartProbability();
    let pCont = (this.contRepeats + o.contPrior * pStart) / (this.contTrials + o.contPrior);
    if (pCont < o.pFloor) pCont = o.pFloor;
    this.surprise = zFromLogTail(Math.log(pStart) + (this.run - 1) * Math.log(pCont));
    return this;
  }

  /**
   * Learns from the run that just ended (r repeats, r = 0 when the value simply changed again).
   * Runs are learnt only once they end, so a stuck episode cannot teach the model while it lasts;
   * a run longer than learnCap counts as censored (learnCap repeats, no end seen), which keeps
   * pCont unbiased for channels whose runs are normally long and limits what one past stuck
   * episode can teach.
   */
  private learnRun(): void {
    const o = this.o;
    const keep = 1 - o.rateGamma;
    const r = this.run;
    this.startTrials = this.startTrials * keep + 1;
    this.startRepeats = this.startRepeats * keep + (r > 0 ? 1 : 0);
    if (r === 0) return;
    const censored = r > o.learnCap;
    const repeats = censored ? o.learnCap : r - 1;
    const trials = censored ? o.learnCap : r;
    const decay = Math.pow(keep, trials);
    this.contTrials = this.contTrials * decay + trials;
    this.contRepeats = this.contRepeats * decay + repeats;
  }

  /** Learned P(repeat | previous reading changed), floored at pFloor. */
  repeatStartProbability(): number {
    const p = (this.startRepeats + 0.5) / (this.startTrials + 1);
    return p < this.o.pFloor ? this.o.pFloor : p;
  }

  get reason(): string {
    if (this.run === 0) return 'value changing normally';
    const pct = this.repeatStartProbability() * 100;
    return `value ${fmt(this.last)} unchanged for ${this.run + 1} readings (normally repeats on ${fmt(pct)}% of readings)`;
  }

  snapshot(): FlatlineState {
    return {
      n: this.n,
      last: this.last,
      run: this.run,
      startTrials: this.startTrials,
      startRepeats: this.startRepeats,
      contTrials: this.contTrials,
      contRepeats: this.contRepeats,
    };
  }

  restore(s: FlatlineState): void {
    this.n = s.n;
    this.last = s.last;
    this.run = s.run;
    this.startTrials = s.startTrials;
    this.startRepeats = s.startRepeats;
    this.contTrials = s.contTrials;
    this.contRepeats = s.contRepeats;
    this.surprise = 0;
  }
}

export function createFlatline(opts: Partial<FlatlineOptions> = {}): Flatline {
  return new Flatline(resolveFlatlineOptions(opts));
}
