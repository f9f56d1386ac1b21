// Cross-channel component: one channel's value against what another channel of the same station
// implies, e.g. outlet pressure against flow (pressure falls with the square of the flow through
// the pipe). Demand and weather move both channels together, so the *relation* stays put while
// each channel wanders: a drift, a leak or a spike that breaks it stands out long before it is
// visible in either channel alone.
//
// Model: y ≈ θ₀ + θ₁ t + θ₂ t², t = (x − c) / s, an exponentially weighted least-squares fit
// (memory ≈ 1/beta readings, quadratic-fit.ts). The prediction for a reading uses the fit
// *before* that reading (causal); its residual is divided by √(1 + leverage) so extrapolation
// beyond the range seen so far is not mistaken for a fault. On that residual r:
//   point surprise     = |r| / σr           (σr: EW mean |r| × √(π/2), winsorised),
//   sustained surprise = |m| / scale(m)     (m: EWMA of winsorised r, memory ≈ 1/alpha),
// and the pair's surprise is the larger. A pair only counts once it explains most of the target's
// variance (R² ≥ minR2) and leaves a residual close to white noise (structure ≤ maxStructure:
// pressure from flow qualifies, flow from pressure — a square root — or anything against the
// weather-driven temperature does not).
// Readings that look faulty (|r| beyond `clip` σr, or sustained surprise ≥ freezeZ) do not update
// the fit, for at most `maxFreeze` readings in a row, after which a changed relation is relearnt.

import { checkOption, fmt, type ComponentOutput } from '../../../core/component.ts';
import { QuadraticFit, type QuadraticFitState } from './quadratic-fit.ts';

const MAD_TO_SIGMA = Math.sqrt(Math.PI / 2);
/** Weight of the short residual average that confirms a sustained offset is still there. */
const FAST_ALPHA = 0.3;

export interface RelationOptions {
  /** Forgetting weight per reading of the fit, (0, 1]; default 1/2880 (≈ 2 days at 1/min). */
  beta: number;
  /** Readings used to fix the centring and scaling of x and y; default 60. */
  centerAfter: number;
  /** Readings after centring before the sustained residual starts (the fit should have seen a full day); default 1320. */
  warmup: number;
  /** Readings the sustained residual's spread learns before the pair reports; default 120. */
  mWarmup: number;
  /** Smallest share of the target's variance the regressor must explain (long run), [0, 1); default 0.98. */
  minR2: number;
  /** Smoothing weight per reading of the residual scale, (0, 1]; default 0.02 (short: the residual spread changes with the operating point). */
  scaleBeta: number;
  /** Smoothing weight per reading of the sustained residual m, (0, 1]; default 1/30. */
  alpha: number;
  /** Smoothing weight per reading of m's spread, (0, 1]; default 1/1440. */
  mScaleBeta: number;
  /** Residuals are winsorised at this many σr (and |m| at this many of its scales); default 4. */
  clip: number;
  /** The fit is not updated while the sustained surprise is at least this; default 4. */
  freezeZ: number;
  /** Longest run of skipped fit updates before the fit learns again, readings; default 720. */
  maxFreeze: number;
  /** Weight of the fit's own uncertainty (leverage) in the residual's spread, ≥ 0; default 1. */
  leverageInflation: number;
  /**
   * Largest `structure` (long-run spread of the sustained residual over what white noise gives)
   * for a pair to count: above it the curve misses part of the relation and its slow misfit
   * would raise false alarms; default 2.5.
   */
  maxStructure: number;
}

export const DEFAULT_RELATION: Readonly<RelationOptions> = Object.freeze({
  beta: 1 / 2880,
  centerAfter: 60,
  warmup: 1320,
  mWarmup: 120,
  minR2: 0.98,
  scaleBeta: 0.02,
  alpha: 1 / 30,
  mScaleBeta: 1 / 1440,
  clip: 4,
  freezeZ: 4,
  maxFreeze: 720,
  leverageInflation: 1,
  maxStructure: 2.5,
});

export function resolveRelationOptions(opts: Partial<RelationOptions> = {}): RelationOptions {
  const o = { ...DEFAULT_RELATION, ...opts };
  const c = 'relation';
  checkOption(c, 'beta', o.beta, 0, 1, false);
  checkOption(c, 'centerAfter', o.centerAfter, 2, 1e9);
  checkOption(c, 'warmup', o.warmup, 1, 1e9);
  checkOption(c, 'mWarmup', o.mWarmup, 1, 1e9);
  checkOption(c, 'minR2', o.minR2, 0, 0.999999);
  checkOption(c, 'scaleBeta', o.scaleBeta, 0, 1, false);
  checkOption(c, 'alpha', o.alpha, 0, 1, false);
  checkOption(c, 'mScaleBeta', o.mScaleBeta, 0, 1, false);
  checkOption(c, 'clip', o.clip, 0, 1e6, false);
  checkOption(c, 'freezeZ', o.freezeZ, 0, 1e6, false);
  checkOption(c, 'maxFreeze', o.maxFreeze, 0, 1e12);
  checkOption(c, 'leverageInflation', o.leverageInflation, 0, 1e12);
  checkOption(c, 'maxStructure', o.maxStructure, 0, 1e12, false);
  return o;
}

/** Persisted state of one (target, regressor) pair (JSON-safe). */
export interface RelationState extends QuadraticFitState {
  target: string;
  regressor: string;
  mad: number;
  m: number;
  fast: number;
  madLong: number;
  madM: number;
  fitted: number;
  frozen: number;
}

export class Relation implements ComponentOutput {
  surprise = 0;
  expected: number | null = null;
  /** Whether the latest reading was scored with a fit that explains the target well enough. */
  live = false;
  /** Share of the target's variance the fit explains (long-run residual spread). */
  r2 = 0;
  /**
   * Spread of the sustained residual relative to what white noise would give (≈ 1 when the fit
   * captures the relation, larger when misfit leaves slow structure); lower is a better relation.
   */
  structure = Infinity;
  private sustained = false;
  private value = 0;
  private xValue = 0;
  private readonly fit: QuadraticFit;
  private mad = 0;
  private m = 0;
  private fast = 0;
  private madLong = 0;
  private madM = 0;
  /** Readings scored since the pair went live (for the warm-up of m's spread). */
  private fitted = 0;
  private frozen = 0;
  private r = 0;

  constructor(
    private readonly o: RelationOptions,
    /** Channel whose value is predicted. */
    readonly target: string,
    /** Channel it is predicted from. */
    readonly regressor: string,
  ) {
    this.fit = new QuadraticFit(o.centerAfter, o.beta);
  }

  /** Scores target value `y` against regressor value `x` of the same reading, then learns. */
  update(y: number, x: number): this {
    const o = this.o;
    this.value = y;
    this.xValue = x;
    this.live = false;
    this.surprise = 0;
    this.expected = null;
    const fit = this.fit;
    if (fit.centring(x, y)) return this;
    const t = (x - fit.cx) / fit.sx;
    const yy = (y - fit.cy) / fit.sy;
    const pred = fit.mom[0]! > 0 && fit.n > o.centerAfter + 10 ? fit.predict(t) : Number.NaN;
    if (pred !== pred) {
      fit.learn(t, yy);
      return this;
    }
    // Standardise by the prediction's own uncertainty: far outside the range the fit has seen
    // (high leverage h) a large residual is extrapolation, not evidence of a fault.
    const r = (yy - pred) / Math.sqrt(1 + o.leverageInflation * fit.h);
    this.r = r;
    this.expected = fit.cy + fit.sy * pred;
    const k = fit.n - o.centerAfter;
    const sigma = Math.max(MAD_TO_SIGMA * this.mad, 1e-9);
    const c = o.clip * sigma;
    // The residual spread itself is learnt unclipped for the first 60 fitted readings.
    const rc = k <= 60 ? r : r > c ? c : r < -c ? -c : r;
    const absRc = rc < 0 ? -rc : rc;
    // Outliers stay out of the fit (and out of every spread) from early on: a fault during
    // warm-up must not be learnt, and a long one must not teach the relation that it is noise.
    let faulty = (r > c || r < -c) && k > 60;

    const varY = fit.varY();
    const sdLong = MAD_TO_SIGMA * this.madLong;
    this.r2 = varY > 0 ? 1 - (sdLong * sdLong) / varY : 0;
    const wn = sigma * Math.sqrt(o.alpha / (2 - o.alpha));
    const gated = k > o.warmup && this.r2 >= o.minR2;
    let absM = 0;
    if (gated) {
      this.fitted++;
      this.m = this.fitted === 1 ? rc : this.m + Math.max(o.alpha, 1 / this.fitted) * (rc - this.m);
      this.fast = this.fitted === 1 ? rc : this.fast + FAST_ALPHA * (rc - this.fast);
      absM = this.m < 0 ? -this.m : this.m;
      if (this.fitted > o.mWarmup) {
        let scaleM = MAD_TO_SIGMA * this.madM;
        if (scaleM < wn) scaleM = wn;
        const point = (r < 0 ? -r : r) / sigma;
        // Sustained evidence counts only while the last few residuals still agree with it, so it
        // stops as soon as a fault ends instead of decaying over 1/alpha readings.
        const agree = this.m > 0 ? this.fast : -this.fast;
        const ongoing = agree > 0 ? agree : 0;
        const sus = (absM < ongoing ? absM : ongoing) / scaleM;
        if (sus >= o.freezeZ) faulty = true;
        // Long-run spread of m over what white noise gives: ≈ 1 when the curve captures the relation.
        this.structure = this.madM / (this.madLong * Math.sqrt(o.alpha / (2 - o.alpha)));
        if (this.structure <= o.maxStructure) {
          this.live = true;
          this.sustained = sus > point;
          this.surprise = sus > point ? sus : point;
        }
      }
    } else {
      this.fitted = 0;
      this.m = 0;
      this.structure = Infinity;
    }

    if (faulty && this.frozen < o.maxFreeze) {
      this.frozen++;
      return this;
    }
    this.frozen = 0;
    this.mad += Math.max(o.scaleBeta, 1 / k) * (absRc - this.mad);
    this.madLong += Math.max(o.mScaleBeta, 1 / k) * (absRc - this.madLong);
    if (gated) {
      if (this.fitted <= o.mWarmup) {
        // Warm-up: mean |m|, never below what white noise gives × 3 (m is autocorrelated).
        this.madM = Math.max((3 * wn) / MAD_TO_SIGMA, this.fitted === 1 ? absM : this.madM + (absM - this.madM) / this.fitted);
      } else {
        const scaleM = Math.max(MAD_TO_SIGMA * this.madM, wn);
        const cm = o.clip * scaleM;
        this.madM += o.mScaleBeta * ((absM < cm ? absM : cm) - this.madM);
      }
    }
    fit.learn(t, yy);
    return this;
  }

  get reason(): string {
    if (!this.live || this.expected === null) return `relation to ${this.regressor} still learning`;
    const side = this.r > 0 ? 'above' : 'below';
    const how = this.sustained ? 'persistently ' : '';
    return `${this.target} ${fmt(this.value)} ${how}${side} the ${fmt(this.expected)} that ${this.regressor} ${fmt(this.xValue)} implies (${fmt(this.surprise)}σ)`;
  }

  snapshot(): RelationState {
    return {
      target: this.target,
      regressor: this.regressor,
      ...this.fit.snapshot(),
      mad: this.mad,
      m: this.m,
      fast: this.fast,
      madLong: this.madLong,
      madM: this.madM,
      fitted: this.fitted,
      frozen: this.frozen,
    };
  }

  restore(s: RelationState): void {
    this.fit.restore(s);
    this.mad = s.mad;
    this.m = s.m;
    this.fast = s.fast;
    this.madLong = s.madLong;
    this.madM = s.madM;
    this.fitted = s.fitted;
    this.frozen = s.frozen;
    this.surprise = 0;
    this.live = false;
    this.expected = null;
  }
}

export function createRelation(target: string, regressor: string, opts: Partial<RelationOptions> = {}): Relation {
  return new Relation(resolveRelationOptions(opts), target, regressor);
}
