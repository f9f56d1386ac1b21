// Cross-channel component: one channel's value against what another channel of the same station
// implies, e.g. outlet pressure against flow (pressure falls with the square of the flow through
// the pipe). Demand and weather move both channels together, so the *relation* stays put while
// each channel wanders: a drift, a leak or a spike that breaks it stands out long before it is
// visible in either channel alone.
//
// Model: y ≈ θ₀ + θ₁ t + θ₂ t², t = (x − c) / s, an exponentially weighted least-squares fit
// (memory ≈ 1/beta readings) kept as running moments and solved each reading; c, s (and the
// same for y) are frozen after `centerAfter` readings so the moments stay well conditioned.
// The prediction for a reading uses the fit *before* that reading (causal). On the residual r:
//   point surprise     = |r| / σr           (σr: EW mean |r| × √(π/2), winsorised),
//   sustained surprise = |m| / scale(m)     (m: EWMA of winsorised r, memory ≈ 1/alpha),
// and the pair's surprise is the larger. A pair only counts once it explains most of the target's
// variance (R² ≥ minR2) and leaves a residual close to white noise (structure ≤ maxStructure:
// pressure from flow qualifies, flow from pressure — a square root — or anything against the
// weather-driven temperature does not).
// Readings that look faulty (|r| beyond `clip` σr, or sustained surprise ≥ freezeZ) do not update
// the fit, for at most `maxFreeze` readings in a row, after which a changed relation is relearnt.

import { checkOption, fmt, type ComponentOutput } from './component.ts';

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
  /** Smallest share of the target's variance the regressor must explain, [0, 1); default 0.9. */
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
  minR2: 0.9,
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
export interface RelationState {
  target: string;
  regressor: string;
  n: number;
  /** Welford mean/M2 of x and y during centring, then the frozen centre and scale. */
  cx: number;
  sx: number;
  cy: number;
  sy: number;
  /** EW moments: [w, t, t², t³, t⁴, y, ty, t²y, y²] (t, y centred and scaled). */
  mom: number[];
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
  /** Share of the target's variance the fit explains (latest). */
  r2 = 0;
  /**
   * Spread of the sustained residual relative to what white noise would give (≈ 1 when the fit
   * captures the relation, larger when misfit leaves slow structure); lower is a better relation.
   */
  structure = Infinity;
  private sustained = false;
  private value = 0;
  private xValue = 0;
  private n = 0;
  private cx = 0;
  private sx = 0;
  private cy = 0;
  private sy = 0;
  private readonly mom = new Float64Array(9);
  private mad = 0;
  private m = 0;
  private fast = 0;
  private madLong = 0;
  private madM = 0;
  /** Readings scored since the pair went live (for the warm-up of m's spread). */
  private fitted = 0;
  private frozen = 0;
  private r = 0;
  private h = 0;

  constructor(
    private readonly o: RelationOptions,
    /** Channel whose value is predicted. */
    readonly target: string,
    /** Channel it is predicted from. */
    readonly regressor: string,
  ) {}

  /** Scores target value `y` against regressor value `x` of the same reading, then learns. */
  update(y: number, x: number): this {
    const o = this.o;
    this.value = y;
    this.xValue = x;
    this.live = false;
    this.surprise = 0;
    this.expected = null;
    this.n++;
    if (this.n <= o.centerAfter) {
      // Welford: cx/cy hold the means, sx/sy the sums of squared deviations until frozen.
      const dx = x - this.cx;
      this.cx += dx / this.n;
      this.sx += dx * (x - this.cx);
      const dy = y - this.cy;
      this.cy += dy / this.n;
      this.sy += dy * (y - this.cy);
      if (this.n === o.centerAfter) {
        this.sx = Math.sqrt(this.sx / (this.n - 1)) || Math.abs(this.cx) * 1e-6 || 1;
        this.sy = Math.sqrt(this.sy / (this.n - 1)) || Math.abs(this.cy) * 1e-6 || 1;
      }
      return this;
    }
    const t = (x - this.cx) / this.sx;
    const yy = (y - this.cy) / this.sy;
    const mom = this.mom;
    const w = mom[0]!;
    let r = 0;
    let raw = 0;
    let sigma = 0;
    let fit = false;
    if (w > 0 && this.n > o.centerAfter + 10) {
      const pred = this.predict(t);
      if (pred === pred) {
        fit = true;
        // Standardise by the prediction's own uncertainty: far outside the range the fit has
        // seen (high leverage h) a large residual is extrapolation, not evidence of a fault.
        raw = yy - pred;
        r = raw / Math.sqrt(1 + o.leverageInflation * this.h);
        this.expected = this.cy + this.sy * pred;
        sigma = Math.max(MAD_TO_SIGMA * this.mad, 1e-9);
      }
    }
    this.r = r;
    let skip = false;
    if (fit) {
      const warm = this.n > o.centerAfter + o.warmup;
      const c = o.clip * sigma;
      const rc = r > c ? c : r < -c ? -c : r;
      // Outliers stay out of the fit from early on (a fault during warm-up must not be learnt).
      if ((r > c || r < -c) && this.n > o.centerAfter + 60) skip = true;
      this.mad += Math.max(o.scaleBeta, 1 / (this.n - o.centerAfter)) * ((rc < 0 ? -rc : rc) - this.mad);
      // R² from the fit's residual spread against the target's own spread.
      const meanY = mom[5]! / w;
      const varY = mom[8]! / w - meanY * meanY;
      this.r2 = varY > 0 ? 1 - (sigma * sigma) / varY : 0;
      if (warm && this.r2 >= o.minR2) {
        this.fitted++;
        const a = Math.max(o.alpha, 1 / this.fitted);
        this.m = this.fitted === 1 ? rc : this.m + a * (rc - this.m);
        if (this.fitted === 1) {
          this.fast = rc;
          this.madLong = this.mad;
        }
        const wn = sigma * Math.sqrt(o.alpha / (2 - o.alpha));
        let scaleM = MAD_TO_SIGMA * this.madM;
        if (scaleM < wn) scaleM = wn;
        const absM = this.m < 0 ? -this.m : this.m;
        // Long-run ratio (both spreads forget over ≈ 1/mScaleBeta readings), so the choice of
        // direction it drives is stable.
        this.madLong += o.mScaleBeta * ((rc < 0 ? -rc : rc) - this.madLong);
        this.structure = this.madM / (this.madLong * Math.sqrt(o.alpha / (2 - o.alpha)));
        const point = (r < 0 ? -r : r) / sigma;
        // Sustained evidence counts only while the last few residuals still agree with it, so it
        // stops as soon as a fault ends instead of decaying over 1/alpha readings.
        this.fast += FAST_ALPHA * (rc - this.fast);
        const agree = this.m > 0 ? this.fast : -this.fast;
        const ongoing = agree > 0 ? 2 * agree : 0;
        const sus = (absM < ongoing ? absM : ongoing) / scaleM;
        if (this.fitted <= o.mWarmup) {
          this.madM = Math.max((3 * wn) / MAD_TO_SIGMA, this.fitted === 1 ? absM : this.madM + (absM - this.madM) / this.fitted);
        } else {
          const cm = o.clip * scaleM;
          this.madM += o.mScaleBeta * ((absM < cm ? absM : cm) - this.madM);
          if (sus >= o.freezeZ) skip = true;
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
    }
    if (skip && this.frozen < o.maxFreeze) {
      this.frozen++;
      return this;
    }
    this.frozen = 0;
    const keep = 1 - o.beta;
    const t2 = t * t;
    mom[0] = mom[0]! * keep + 1;
    mom[1] = mom[1]! * keep + t;
    mom[2] = mom[2]! * keep + t2;
    mom[3] = mom[3]! * keep + t2 * t;
    mom[4] = mom[4]! * keep + t2 * t2;
    mom[5] = mom[5]! * keep + yy;
    mom[6] = mom[6]! * keep + t * yy;
    mom[7] = mom[7]! * keep + t2 * yy;
    mom[8] = mom[8]! * keep + yy * yy;
    this.recentre();
    return this;
  }

  /**
   * Keeps t ≈ standardised as the regressor's range moves (the first readings may have been a
   * calm night): when the weighted mean or spread of t has wandered, re-expresses the moments in
   * a new centring t' = a·t + b (binomial expansion), which leaves the fit itself unchanged.
   */
  private recentre(): void {
    const m = this.mom;
    const w = m[0]!;
    const mean = m[1]! / w;
    const v = m[2]! / w - mean * mean;
    if (!(v > 0) || (mean < 0.5 && mean > -0.5 && v < 4 && v > 0.25)) return;
    const sd = Math.sqrt(v);
    const a = 1 / sd;
    const b = -mean / sd;
    const s1 = m[1]!;
    const s2 = m[2]!;
    const s3 = m[3]!;
    const s4 = m[4]!;
    m[1] = a * s1 + b * w;
    m[2] = a * a * s2 + 2 * a * b * s1 + b * b * w;
    m[3] = a * a * a * s3 + 3 * a * a * b * s2 + 3 * a * b * b * s1 + b * b * b * w;
    m[4] = a ** 4 * s4 + 4 * a ** 3 * b * s3 + 6 * a * a * b * b * s2 + 4 * a * b ** 3 * s1 + b ** 4 * w;
    const ty = m[6]!;
    m[6] = a * ty + b * m[5]!;
    m[7] = a * a * m[7]! + 2 * a * b * ty + b * b * m[5]!;
    this.cx += this.sx * mean;
    this.sx *= sd;
  }

  /** Weighted LS prediction at t (scaled units): 3×3 normal equations with a tiny ridge. */
  private predict(t: number): number {
    const m = this.mom;
    const w = m[0]!;
    const ridge = 1e-9 * w;
    const a00 = w;
    const a01 = m[1]!;
    const a02 = m[2]!;
    const a11 = m[2]! + ridge;
    const a12 = m[3]!;
    const a22 = m[4]! + ridge;
    const b0 = m[5]!;
    const b1 = m[6]!;
    const b2 = m[7]!;
    // Cholesky of the symmetric positive definite 3×3 matrix.
    const l00 = Math.sqrt(a00);
    const l10 = a01 / l00;
    const l20 = a02 / l00;
    const d11 = a11 - l10 * l10;
    if (!(d11 > 0)) return Number.NaN;
    const l11 = Math.sqrt(d11);
    const l21 = (a12 - l20 * l10) / l11;
    const d22 = a22 - l20 * l20 - l21 * l21;
    if (!(d22 > 0)) return Number.NaN;
    const l22 = Math.sqrt(d22);
    const z0 = b0 / l00;
    const z1 = (b1 - l10 * z0) / l11;
    const z2 = (b2 - l20 * z0 - l21 * z1) / l22;
    const th2 = z2 / l22;
    const th1 = (z1 - l21 * th2) / l11;
    const th0 = (z0 - l10 * th1 - l20 * th2) / l00;
    // Leverage h = φᵀA⁻¹φ with φ = (1, t, t²): |L⁻¹φ|².
    const v0 = 1 / l00;
    const v1 = (t - l10 * v0) / l11;
    const v2 = (t * t - l20 * v0 - l21 * v1) / l22;
    this.h = v0 * v0 + v1 * v1 + v2 * v2;
    return th0 + th1 * t + th2 * t * t;
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
      n: this.n,
      cx: this.cx,
      sx: this.sx,
      cy: this.cy,
      sy: this.sy,
      mom: Array.from(this.mom),
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
    this.n = s.n;
    this.cx = s.cx;
    this.sx = s.sx;
    this.cy = s.cy;
    this.sy = s.sy;
    this.mom.set(s.mom);
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
