// Stuck-sensor component: a channel that keeps repeating exactly the same value.
//
// Exact repeats are modelled as a two-state Markov chain learned from the channel's own history:
//   pStart = P(repeat | previous reading changed),  pCont = P(repeat | previous reading repeated).
// A run of r repeats then has probability pStart · pCont^(r−1), and the surprise is the equivalent
// |z| of that probability. So a noisy float channel (repeats almost never) is flagged after a few
// repeats, a coarsely quantised one only after a long run, and a channel that is normally
// constant (pCont ≈ 1) never; learning pCont separately keeps clustered repeats (a quantised
// value sitting on a daily peak) from looking like a fault.
// Runs of `minRun` or more are excluded from learning, so a stuck episode cannot teach the model
// that stuck is normal. Probabilities are floored at `pFloor`, a prior that keeps a short history
// without any repeats from making the first few repeats look impossible.

import { checkOption, fmt, type ComponentOutput } from './component.ts';
import { zFromLogTail } from './tail.ts';

export interface FlatlineOptions {
  /** Consecutive repeats (readings equal to the previous one) before a run can be surprising; default 4. */
  minRun: number;
  /** Smallest repeat probability assumed, (0, 1); default 0.01. */
  pFloor: number;
  /** Forgetting weight of the repeat statistics per observed transition, (0, 1]; default 0.001 (≈ 1000 readings). */
  rateGamma: number;
  /** Prior strength (pseudo-transitions) pulling pCont towards pStart while few runs were seen; default 5. */
  contPrior: number;
  /** Readings before any surprise is reported; default 60. */
  warmup: number;
}

export const DEFAULT_FLATLINE: Readonly<FlatlineOptions> = Object.freeze({
  minRun: 4,
  pFloor: 0.01,
  rateGamma: 0.001,
  contPrior: 5,
  warmup: 60,
});

export function resolveFlatlineOptions(opts: Partial<FlatlineOptions> = {}): FlatlineOptions {
  const o = { ...DEFAULT_FLATLINE, ...opts };
  const c = 'flatline';
  checkOption(c, 'minRun', o.minRun, 1, 1e9);
  checkOption(c, 'pFloor', o.pFloor, 0, 1, false);
  checkOption(c, 'rateGamma', o.rateGamma, 0, 1, false);
  checkOption(c, 'contPrior', o.contPrior, 0, 1e9);
  checkOption(c, 'warmup', o.warmup, 1, 1e9);
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

    if (this.run < o.minRun || this.n <= o.warmup) {
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
   * Learns from the transitions of the run that just ended. Runs are learnt only once they end,
   * and only when shorter than minRun, so the start of a stuck episode never teaches pCont.
   */
  private learnRun(): void {
    const keep = 1 - this.o.rateGamma;
    const r = this.run;
    if (r === 0) {
      this.startTrials = this.startTrials * keep + 1;
      this.startRepeats *= keep;
      return;
    }
    if (r >= this.o.minRun) return;
    this.startTrials = this.startTrials * keep + 1;
    this.startRepeats = this.startRepeats * keep + 1;
    // r transitions after a repeat: r − 1 repeats, then the change that ended the run.
    const decay = Math.pow(keep, r);
    this.contTrials = this.contTrials * decay + r;
    this.contRepeats = this.contRepeats * decay + (r - 1);
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
