// Persistent-state component: the channel's recent mean against a slowly learnt reference level,
// in units of how far that offset normally wanders. It stays high for as long as a changed regime
// lasts (a valve half closed, a flow that dropped), which a point test or an onset detector does
// not: they fire once and then learn the new level.
//
// - reference r: EWMA of the values with a long memory (≈ 1/refBeta readings), not updated while
//   the offset is surprising (so a fault is not learnt as the new normal), for at most `maxFreeze`
//   readings in a row, after which a lasting change is accepted and learnt;
// - recent mean m: EWMA with memory ≈ 1/alpha readings (averages the noise down);
// - spread: EW mean |m − r| learnt on unsurprising readings (long memory), floored at what white
//   noise alone gives (σ·√(α/(2−α)), σ from successive differences), so a channel whose level
//   normally wanders gets a wide band and a steady one a narrow band;
// - surprise = |m − r| / spread.
// Learning needs `warmup` readings before anything is reported.

import { checkOption, fmt, type ComponentOutput } from '../../../core/component.ts';

const MAD_TO_SIGMA = Math.sqrt(Math.PI / 2);
const DIFF_MAD_TO_SIGMA = MAD_TO_SIGMA / Math.SQRT2;

export interface RegimeOffsetOptions {
  /** Smoothing weight per reading of the recent mean, (0, 1]; default 1/20. */
  alpha: number;
  /** Smoothing weight per reading of the reference level, (0, 1]; default 1/600. */
  refBeta: number;
  /** Smoothing weight per reading of the offset's normal spread, (0, 1]; default 1/600. */
  spreadBeta: number;
  /** Smoothing weight per reading of the noise σ (successive differences), (0, 1]; default 0.01. */
  noiseBeta: number;
  /** Readings before any surprise is reported (the spread must have seen ordinary wandering); default 600. */
  warmup: number;
  /** Reference and spread do not learn while the surprise is at least this; default 4. */
  freezeZ: number;
  /** Longest run of frozen readings before a lasting change is accepted as the new reference; default 1200. */
  maxFreeze: number;
  /** Surprise below which the channel counts as calm (start of a possible step); default 2. */
  calmZ: number;
  /** Readings from calm to beyond freezeZ for a change to count as a step (and freeze the reference); default 60. */
  stepReadings: number;
  /** Offsets are winsorised at this many spreads when learning the spread; default 4. */
  clip: number;
  /** Spread floor as a fraction of |reference| (dimensionless); default 1e-5. */
  relFloor: number;
}

export const DEFAULT_REGIME_OFFSET: Readonly<RegimeOffsetOptions> = Object.freeze({
  alpha: 1 / 20,
  refBeta: 1 / 600,
  spreadBeta: 1 / 600,
  noiseBeta: 0.01,
  warmup: 600,
  freezeZ: 4,
  maxFreeze: 1200,
  calmZ: 2,
  stepReadings: 60,
  clip: 4,
  relFloor: 1e-5,
});

export function resolveRegimeOffsetOptions(opts: Partial<RegimeOffsetOptions> = {}): RegimeOffsetOptions {
  const o = { ...DEFAULT_REGIME_OFFSET, ...opts };
  const c = 'regimeOffset';
  checkOption(c, 'alpha', o.alpha, 0, 1, false);
  checkOption(c, 'refBeta', o.refBeta, 0, 1, false);
  checkOption(c, 'spreadBeta', o.spreadBeta, 0, 1, false);
  checkOption(c, 'noiseBeta', o.noiseBeta, 0, 1, false);
  checkOption(c, 'warmup', o.warmup, 1, 1e9);
  checkOption(c, 'freezeZ', o.freezeZ, 0, 1e6, false);
  checkOption(c, 'maxFreeze', o.maxFreeze, 0, 1e12);
  checkOption(c, 'calmZ', o.calmZ, 0, 1e6);
  checkOption(c, 'stepReadings', o.stepReadings, 0, 1e12);
  checkOption(c, 'clip', o.clip, 0, 1e6, false);
  checkOption(c, 'relFloor', o.relFloor, 0, 1);
  return o;
}

/** Persisted state of one channel (JSON-safe). */
export interface RegimeOffsetState {
  n: number;
  last: number;
  noiseMad: number;
  mean: number;
  ref: number;
  spread: number;
  frozen: number;
  calmAgo: number;
}

export class RegimeOffset implements ComponentOutput {
  surprise = 0;
  expected: number | null = null;
  /** Signed offset / spread of the latest reading (0 during warm-up). */
  u = 0;
  private n = 0;
  private last = 0;
  private noiseMad = 0;
  private mean = 0;
  private ref = 0;
  private spread = 0;
  private frozen = 0;
  private calmAgo = 0;

  constructor(private readonly o: RegimeOffsetOptions) {}

  update(value: number): this {
    const o = this.o;
    if (this.n === 0) {
      this.n = 1;
      this.last = value;
      this.mean = value;
      this.ref = value;
      this.surprise = 0;
      this.u = 0;
      this.expected = null;
      return this;
    }
    const n = this.n;
    const d = value - this.last;
    this.noiseMad += Math.max(o.noiseBeta, 1 / n) * ((d < 0 ? -d : d) - this.noiseMad);
    this.last = value;
    this.mean += Math.max(o.alpha, 1 / (n + 1)) * (value - this.mean);
    this.n = n + 1;

    const off = this.mean - this.ref;
    const absRef = this.ref < 0 ? -this.ref : this.ref;
    const wn = DIFF_MAD_TO_SIGMA * this.noiseMad * Math.sqrt(o.alpha / (2 - o.alpha));
    let scale = MAD_TO_SIGMA * this.spread;
    if (scale < wn) scale = wn;
    const floor = Math.max(o.relFloor * absRef, 1e-12);
    if (scale < floor) scale = floor;
    const warm = n >= o.warmup;
    this.u = warm ? off / scale : 0;
    this.surprise = this.u < 0 ? -this.u : this.u;
    this.expected = warm ? this.ref : null;

    if (this.surprise < o.calmZ) this.calmAgo = 0;
    else this.calmAgo++;
    // Only an abrupt change (calm → beyond freezeZ within stepReadings) freezes the reference: a
    // gradual drift is followed (and its spread learnt), so slow weather- or demand-driven level
    // changes do not hold an alarm for hours.
    if (warm && this.surprise >= o.freezeZ && (this.frozen > 0 || this.calmAgo <= o.stepReadings)) {
      if (++this.frozen <= o.maxFreeze) return this;
      // The change outlasted maxFreeze: it is the new normal. Start the reference there, so the
      // alarm ends now instead of fading over the reference's memory.
      this.ref = this.mean;
      this.frozen = 0;
      return this;
    }
    this.frozen = 0;
    // Reference: plain mean during warm-up, then a long EWMA.
    this.ref += Math.max(o.refBeta, 1 / (n + 1)) * (value - this.ref);
    const a = off < 0 ? -off : off;
    const lim = warm ? o.clip * scale : Infinity;
    this.spread += Math.max(o.spreadBeta, 1 / n) * ((a < lim ? a : lim) - this.spread);
    return this;
  }

  get reason(): string {
    if (this.expected === null) return 'reference level still learning';
    const side = this.u > 0 ? 'above' : 'below';
    return `recent mean ${fmt(this.mean)} persistently ${side} the reference ${fmt(this.expected)} (${fmt(this.surprise)}× its usual offset)`;
  }

  snapshot(): RegimeOffsetState {
    return { n: this.n, last: this.last, noiseMad: this.noiseMad, mean: this.mean, ref: this.ref, spread: this.spread, frozen: this.frozen, calmAgo: this.calmAgo };
  }

  restore(s: RegimeOffsetState): void {
    this.n = s.n;
    this.last = s.last;
    this.noiseMad = s.noiseMad;
    this.mean = s.mean;
    this.ref = s.ref;
    this.spread = s.spread;
    this.frozen = s.frozen;
    this.calmAgo = s.calmAgo;
    this.surprise = 0;
    this.u = 0;
    this.expected = null;
  }
}

export function createRegimeOffset(opts: Partial<RegimeOffsetOptions> = {}): RegimeOffset {
  return new RegimeOffset(resolveRegimeOffsetOptions(opts));
}
