// Point-anomaly component: how far a reading falls from the channel's recent level, in units of
// the channel's own robust noise scale.
//
// - level: EWMA of the values (prediction for the next reading = current level);
// - scale: EW mean absolute deviation of the one-step residuals × √(π/2) (= σ for Gaussian noise),
//   floored so near-constant series do not produce huge z from tiny wiggles;
// - surprise = |value − level| / scale.
// Residuals are winsorised at `clip` scales before they update the level and the scale, so an
// outlier neither drags the level nor inflates the scale enough to hide the next one. A run of
// `relearnAfter` same-side outliers is a genuine step, so the level jumps to the new value instead
// of crawling towards it (the level-shift component is the one that judges sustained shifts).

import { checkOption, fmt, type ComponentOutput } from './component.ts';

const MAD_TO_SIGMA = Math.sqrt(Math.PI / 2);

export interface EwmaResidualOptions {
  /** Level smoothing weight per reading, (0, 1]; default 0.2 (≈ 5-reading memory). */
  alpha: number;
  /** Scale smoothing weight per reading, (0, 1]; default 0.01 (≈ 100-reading memory). */
  scaleBeta: number;
  /** Readings before any surprise is reported (scale is learning); default 30. */
  warmup: number;
  /** Residuals are winsorised at this many scales before updating level and scale; default 3.5. */
  clip: number;
  /** Consecutive same-side residuals beyond `clip` after which the level jumps to the value; default 5. */
  relearnAfter: number;
  /** Scale floor as a fraction of |level| (dimensionless); default 1e-4. */
  relFloor: number;
  /** Absolute scale floor, in channel units; default 1e-9. */
  absFloor: number;
}

export const DEFAULT_EWMA_RESIDUAL: Readonly<EwmaResidualOptions> = Object.freeze({
  alpha: 0.2,
  scaleBeta: 0.01,
  warmup: 30,
  clip: 3.5,
  relearnAfter: 5,
  relFloor: 1e-4,
  absFloor: 1e-9,
});

export function resolveEwmaResidualOptions(opts: Partial<EwmaResidualOptions> = {}): EwmaResidualOptions {
  const o = { ...DEFAULT_EWMA_RESIDUAL, ...opts };
  const c = 'ewmaResidual';
  checkOption(c, 'alpha', o.alpha, 0, 1, false);
  checkOption(c, 'scaleBeta', o.scaleBeta, 0, 1, false);
  checkOption(c, 'warmup', o.warmup, 1, 1e9);
  checkOption(c, 'clip', o.clip, 0, 1e6, false);
  checkOption(c, 'relearnAfter', o.relearnAfter, 1, 1e9);
  checkOption(c, 'relFloor', o.relFloor, 0, 1);
  checkOption(c, 'absFloor', o.absFloor, 0, 1e300);
  return o;
}

/** Persisted state of one channel (JSON-safe: finite numbers only). */
export interface EwmaResidualState {
  n: number;
  level: number;
  mad: number;
  /** Smallest non-zero step seen between consecutive values (0 = none yet): the channel's resolution. */
  quantum: number;
  prev: number;
  /** Signed count of consecutive residuals beyond the clip (+ above, − below). */
  outRun: number;
}

export class EwmaResidual implements ComponentOutput {
  surprise = 0;
  expected: number | null = null;
  /** Signed residual / scale of the latest reading (0 during warm-up). */
  z = 0;
  private value = 0;
  private n = 0;
  private level = 0;
  private mad = 0;
  private quantum = 0;
  private prev = 0;
  private outRun = 0;

  constructor(private readonly o: EwmaResidualOptions) {}

  update(value: number, _ts: number): this {
    const o = this.o;
    this.value = value;
    if (this.n === 0) {
      this.level = value;
      this.prev = value;
      this.n = 1;
      this.surprise = 0;
      this.z = 0;
      this.expected = null;
      return this;
    }
    const level = this.level;
    const res = value - level;
    const absLevel = level < 0 ? -level : level;
    let sigma = MAD_TO_SIGMA * this.mad;
    const floor = Math.max(o.absFloor, o.relFloor * absLevel, this.quantum);
    if (sigma < floor) sigma = floor;
    const warm = this.n >= o.warmup;
    this.expected = level;
    this.z = warm ? res / sigma : 0;
    this.surprise = this.z < 0 ? -this.z : this.z;

    let used = res;
    if (warm) {
      const c = o.clip * sigma;
      if (res > c || res < -c) {
        used = res > 0 ? c : -c;
        this.outRun = res > 0 ? (this.outRun > 0 ? this.outRun + 1 : 1) : this.outRun < 0 ? this.outRun - 1 : -1;
      } else {
        this.outRun = 0;
      }
    }
    if (this.outRun >= o.relearnAfter || -this.outRun >= o.relearnAfter) {
      this.level = value;
      this.outRun = 0;
    } else {
      const a = Math.max(o.alpha, 1 / (this.n + 1));
      this.level = level + a * used;
    }
    const b = Math.max(o.scaleBeta, 1 / this.n);
    this.mad += b * ((used < 0 ? -used : used) - this.mad);

    const step = value > this.prev ? value - this.prev : this.prev - value;
    if (step > 0 && (this.quantum === 0 || step < this.quantum)) this.quantum = step;
    this.prev = value;
    this.n++;
    return this;
  }

  get reason(): string {
    if (this.expected === null || this.surprise === 0) return 'no deviation from the recent level';
    const side = this.z > 0 ? 'above' : 'below';
    return `${fmt(this.value)} is ${fmt(this.surprise)}σ ${side} the recent level ${fmt(this.expected)}`;
  }

  snapshot(): EwmaResidualState {
    return { n: this.n, level: this.level, mad: this.mad, quantum: this.quantum, prev: this.prev, outRun: this.outRun };
  }

  restore(s: EwmaResidualState): void {
    this.n = s.n;
    this.level = s.level;
    this.mad = s.mad;
    this.quantum = s.quantum;
    this.prev = s.prev;
    this.outRun = s.outRun;
    this.surprise = 0;
    this.z = 0;
    this.expected = null;
  }
}

export function createEwmaResidual(opts: Partial<EwmaResidualOptions> = {}): EwmaResidual {
  return new EwmaResidual(resolveEwmaResidualOptions(opts));
}
