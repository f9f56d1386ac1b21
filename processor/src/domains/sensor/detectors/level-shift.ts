// Sustained-shift component: slow drift or a step that the point component's EWMA level absorbs.
//
// Baseline = a seasonal profile in event time: the period (default 24 h) is cut into `bins` bins;
// each bin holds an EW average over past periods of the channel's value in that bin, and the
// expectation at time t interpolates linearly between the two nearest bin centres. The profile
// learns only from *completed* bin visits (causal), and from values winsorised at `clip` noise
// scales, so a daily cycle becomes part of the expectation instead of an alarm.
//
// Statistic = m, an EWMA (memory ≈ 1/alpha readings) of the winsorised deseasonalised residual
// d = value − expected. Its normal spread is learned as an EW mean |m| (winsorised, long memory),
// floored at what white noise alone would give, so surprise = |m| / scale measures how unusual the
// recent mean offset is compared with ordinary day-to-day variation. A drift of a few σ over hours
// moves m by many of its own scales long before the drift ends.
//
// A bin visit whose mean surprise was already ≥ `freezeZ` is folded into the profile with only
// `freezeFactor` of the usual weight, so a fault lasting hours is not learnt as tomorrow's normal.
// Nothing is reported until every bin was visited once and `warmup` further readings were seen.

import { checkOption, fmt, type ComponentOutput } from '../../../core/component.ts';

const MAD_TO_SIGMA = Math.sqrt(Math.PI / 2);
const DIFF_MAD_TO_SIGMA = MAD_TO_SIGMA / Math.SQRT2;

export interface LevelShiftOptions {
  /** Seasonal period in event time, ms; default 86 400 000 (24 h). */
  periodMs: number;
  /** Profile bins per period (integer ≥ 2); default 48 (30-minute bins for a day). */
  bins: number;
  /** Weight of each new period's bin mean in the profile, (0, 1]; default 0.3. */
  seasonAlpha: number;
  /** Smoothing weight per reading of the residual mean m, (0, 1]; default 1/30. */
  alpha: number;
  /** Smoothing weight per reading of m's normal spread, (0, 1]; default 1/1440. */
  scaleBeta: number;
  /** During warm-up m's spread is the mean |m|, but at least this multiple of the white-noise spread; default 3. */
  scaleInit: number;
  /** Residuals are winsorised at this many noise σ (and |m| at this many of its scales); default 4. */
  clip: number;
  /** Smoothing weight per reading of the noise σ estimate (from successive differences); default 0.01. */
  noiseBeta: number;
  /** Readings after the profile is complete before any surprise is reported; default 120. */
  warmup: number;
  /** A bin visit with mean surprise ≥ this is treated as faulty when folded into the profile; default 4. */
  freezeZ: number;
  /** Fraction of `seasonAlpha` used to fold a faulty visit, [0, 1]; default 0.1. */
  freezeFactor: number;
  /** Scale floor as a fraction of |expected| (dimensionless); default 1e-5. */
  relFloor: number;
  /** Absolute scale floor, in channel units; default 1e-9. */
  absFloor: number;
}

export const DEFAULT_LEVEL_SHIFT: Readonly<LevelShiftOptions> = Object.freeze({
  periodMs: 86_400_000,
  bins: 48,
  seasonAlpha: 0.3,
  alpha: 1 / 30,
  scaleBeta: 1 / 1440,
  scaleInit: 3,
  clip: 4,
  noiseBeta: 0.01,
  warmup: 120,
  freezeZ: 4,
  freezeFactor: 0.1,
  relFloor: 1e-5,
  absFloor: 1e-9,
});

export function resolveLevelShiftOptions(opts: Partial<LevelShiftOptions> = {}): LevelShiftOptions {
  const o = { ...DEFAULT_LEVEL_SHIFT, ...opts };
  const c = 'levelShift';
  checkOption(c, 'periodMs', o.periodMs, 1, 1e15);
  checkOption(c, 'bins', o.bins, 2, 1e6);
  if (!Number.isInteger(o.bins)) checkOption(c, 'bins (an integer)', NaN, 2, 1e6);
  checkOption(c, 'seasonAlpha', o.seasonAlpha, 0, 1, false);
  checkOption(c, 'alpha', o.alpha, 0, 1, false);
  checkOption(c, 'scaleBeta', o.scaleBeta, 0, 1, false);
  checkOption(c, 'scaleInit', o.scaleInit, 0, 1e6, false);
  checkOption(c, 'clip', o.clip, 0, 1e6, false);
  checkOption(c, 'noiseBeta', o.noiseBeta, 0, 1, false);
  checkOption(c, 'warmup', o.warmup, 1, 1e9);
  checkOption(c, 'freezeZ', o.freezeZ, 0, 1e6, false);
  checkOption(c, 'freezeFactor', o.freezeFactor, 0, 1);
  checkOption(c, 'relFloor', o.relFloor, 0, 1);
  checkOption(c, 'absFloor', o.absFloor, 0, 1e300);
  return o;
}

/** Persisted state of one channel (JSON-safe). */
export interface LevelShiftState {
  n: number;
  lastX: number;
  noiseMad: number;
  fastLevel: number;
  profile: number[];
  /** Completed visits per bin (capped), 0 = bin not seen yet. */
  visits: number[];
  visitBin: number;
  visitSumD: number;
  visitCountD: number;
  visitSumRaw: number;
  visitCountRaw: number;
  visitSumU: number;
  m: number;
  madM: number;
  readyN: number;
}

export class LevelShift implements ComponentOutput {
  surprise = 0;
  expected: number | null = null;
  /** Signed m / scale of the latest reading (0 while not ready): input of the joint component. */
  u = 0;
  /** Whether the latest reading had a seasonal expectation (the profile covers its time). */
  ready = false;
  /** Whether `u` and `surprise` are live (ready and past warm-up). */
  warm = false;
  private n = 0;
  private lastX = 0;
  private noiseMad = 0;
  private fastLevel = 0;
  private readonly profile: Float64Array;
  private readonly visits: Uint32Array;
  private visitBin = -1;
  private visitSumD = 0;
  private visitCountD = 0;
  private visitSumRaw = 0;
  private visitCountRaw = 0;
  private visitSumU = 0;
  private m = 0;
  private madM = 0;
  private readyN = 0;
  private readonly binMs: number;

  constructor(private readonly o: LevelShiftOptions) {
    this.profile = new Float64Array(o.bins);
    this.visits = new Uint32Array(o.bins);
    this.binMs = o.periodMs / o.bins;
  }

  update(value: number, ts: number): this {
    const o = this.o;
    const bins = o.bins;
    let phase = ts % o.periodMs;
    if (phase < 0) phase += o.periodMs;
    const pos = phase / this.binMs;
    let bin = Math.floor(pos);
    if (bin >= bins) bin = bins - 1;
    if (bin !== this.visitBin) this.fold(bin);

    // Noise σ from successive differences (insensitive to the slow seasonal level).
    let sigmaN = DIFF_MAD_TO_SIGMA * this.noiseMad;
    const absV = value < 0 ? -value : value;
    const floor = Math.max(o.absFloor, o.relFloor * absV);
    if (sigmaN < floor) sigmaN = floor;
    const cN = o.clip * sigmaN;
    if (this.n === 0) {
      this.fastLevel = value;
    } else {
      const diff = value - this.lastX;
      const ad = diff < 0 ? -diff : diff;
      const lim = this.n > 10 ? cN * Math.SQRT2 : Infinity;
      this.noiseMad += Math.max(o.noiseBeta, 1 / this.n) * ((ad < lim ? ad : lim) - this.noiseMad);
      const r = value - this.fastLevel;
      this.fastLevel += 0.2 * (r > cN ? cN : r < -cN ? -cN : r);
    }
    this.lastX = value;
    this.n++;

    const phi = pos - 0.5;
    let i0 = Math.floor(phi);
    const frac = phi - i0;
    if (i0 < 0) i0 += bins;
    const i1 = i0 + 1 === bins ? 0 : i0 + 1;
    if (this.visits[i0] === 0 || this.visits[i1] === 0) {
      const r = value - this.fastLevel;
      this.visitSumRaw += this.fastLevel + (r > cN ? cN : r < -cN ? -cN : r);
      this.visitCountRaw++;
      this.ready = false;
      this.warm = false;
      this.surprise = 0;
      this.u = 0;
      this.expected = null;
      return this;
    }

    const expected = this.profile[i0]! * (1 - frac) + this.profile[i1]! * frac;
    const d = value - expected;
    const dc = d > cN ? cN : d < -cN ? -cN : d;
    this.visitSumD += dc;
    this.visitCountD++;
    const wn = sigmaN * Math.sqrt(o.alpha / (2 - o.alpha));
    this.readyN++;
    if (this.readyN === 1) {
      this.m = dc;
      this.madM = (o.scaleInit * wn) / MAD_TO_SIGMA;
    } else {
      this.m += Math.max(o.alpha, 1 / this.readyN) * (dc - this.m);
    }
    let scale = MAD_TO_SIGMA * this.madM;
    if (scale < wn) scale = wn;
    if (scale < floor) scale = floor;
    const m = this.m;
    const absM = m < 0 ? -m : m;
    const cM = o.clip * scale;
    if (this.readyN <= o.warmup) {
      // Warm-up: plain mean of |m|, never below the conservative start; a channel whose level
      // is already far from yesterday's (weather) starts with a spread that says so.
      const init = (o.scaleInit * wn) / MAD_TO_SIGMA;
      this.madM = Math.max(init, this.readyN === 1 ? absM : this.madM + (absM - this.madM) / this.readyN);
    } else {
      this.madM += o.scaleBeta * ((absM < cM ? absM : cM) - this.madM);
    }

    this.ready = true;
    this.expected = expected;
    const warm = this.readyN > o.warmup;
    this.warm = warm;
    this.u = warm ? m / scale : 0;
    this.surprise = warm ? absM / scale : 0;
    this.visitSumU += this.surprise;
    return this;
  }

  /** Folds the finished visit into its bin, then starts a visit of `bin`. */
  private fold(bin: number): void {
    const b = this.visitBin;
    if (b >= 0) {
      const o = this.o;
      const seen = this.visits[b]! > 0;
      if (!seen && this.visitCountRaw > 0) {
        this.profile[b] = this.visitSumRaw / this.visitCountRaw;
        this.visits[b] = 1;
      } else if (seen && (this.visitCountD > 0 || this.visitCountRaw > 0)) {
        const faulty = this.visitCountD > 0 && this.visitSumU / this.visitCountD >= o.freezeZ;
        const w = faulty ? o.seasonAlpha * o.freezeFactor : o.seasonAlpha;
        const delta =
          this.visitCountD > 0 ? this.visitSumD / this.visitCountD : this.visitSumRaw / this.visitCountRaw - this.profile[b]!;
        this.profile[b] = this.profile[b]! + w * delta;
        if (this.visits[b]! < 1e9) this.visits[b] = this.visits[b]! + 1;
      }
    }
    this.visitBin = bin;
    this.visitSumD = 0;
    this.visitCountD = 0;
    this.visitSumRaw = 0;
    this.visitCountRaw = 0;
    this.visitSumU = 0;
  }

  get reason(): string {
    if (!this.ready || this.expected === null) return 'seasonal profile still learning';
    const side = this.m > 0 ? 'above' : 'below';
    return `recent values ${fmt(Math.abs(this.m))} ${side} the usual ${fmt(this.expected)} for this time of period (${fmt(this.surprise)}σ of normal variation)`;
  }

  snapshot(): LevelShiftState {
    return {
      n: this.n,
      lastX: this.lastX,
      noiseMad: this.noiseMad,
      fastLevel: this.fastLevel,
      profile: Array.from(this.profile),
      visits: Array.from(this.visits),
      visitBin: this.visitBin,
      visitSumD: this.visitSumD,
      visitCountD: this.visitCountD,
      visitSumRaw: this.visitSumRaw,
      visitCountRaw: this.visitCountRaw,
      visitSumU: this.visitSumU,
      m: this.m,
      madM: this.madM,
      readyN: this.readyN,
    };
  }

  /** Restores a snapshot; the caller checks that `profile` has `bins` entries. */
  restore(s: LevelShiftState): void {
    this.n = s.n;
    this.lastX = s.lastX;
    this.noiseMad = s.noiseMad;
    this.fastLevel = s.fastLevel;
    this.profile.set(s.profile);
    this.visits.set(s.visits);
    this.visitBin = s.visitBin;
    this.visitSumD = s.visitSumD;
    this.visitCountD = s.visitCountD;
    this.visitSumRaw = s.visitSumRaw;
    this.visitCountRaw = s.visitCountRaw;
    this.visitSumU = s.visitSumU;
    this.m = s.m;
    this.madM = s.madM;
    this.readyN = s.readyN;
    this.surprise = 0;
    this.u = 0;
    this.ready = false;
    this.warm = false;
    this.expected = null;
  }
}

export function createLevelShift(opts: Partial<LevelShiftOptions> = {}): LevelShift {
  return new LevelShift(resolveLevelShiftOptions(opts));
}
