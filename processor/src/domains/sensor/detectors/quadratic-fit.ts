// Exponentially weighted least-squares fit of y ≈ θ₀ + θ₁ t + θ₂ t², t = (x − c) / s, kept as
// running moments so each reading costs O(1) and no history is stored. x and y are centred and
// scaled (c, s from the first `centerAfter` readings, then re-centred whenever the regressor's
// range has moved) so the 3×3 normal equations stay well conditioned.

/** Persisted state of a fit (JSON-safe). */
export interface QuadraticFitState {
  n: number;
  /** Welford mean/M2 of x and y during centring, then the centre and scale. */
  cx: number;
  sx: number;
  cy: number;
  sy: number;
  /** EW moments: [w, t, t², t³, t⁴, y, ty, t²y, y²] (t, y centred and scaled). */
  mom: number[];
}

export class QuadraticFit {
  /** Leverage φᵀA⁻¹φ of the latest prediction: large far outside the range the fit has seen. */
  h = 0;
  n = 0;
  cx = 0;
  sx = 0;
  cy = 0;
  sy = 0;
  readonly mom = new Float64Array(9);

  /**
   * @param centerAfter readings used to fix the initial centring and scaling
   * @param beta forgetting weight per learnt reading
   */
  constructor(
    private readonly centerAfter: number,
    private readonly beta: number,
  ) {}

  /** Counts a reading; while the centring is being learnt it consumes it and returns true. */
  centring(x: number, y: number): boolean {
    this.n++;
    if (this.n > this.centerAfter) return false;
    // Welford: cx/cy hold the means, sx/sy the sums of squared deviations until fixed.
    const dx = x - this.cx;
    this.cx += dx / this.n;
    this.sx += dx * (x - this.cx);
    const dy = y - this.cy;
    this.cy += dy / this.n;
    this.sy += dy * (y - this.cy);
    if (this.n === this.centerAfter) {
      this.sx = Math.sqrt(this.sx / (this.n - 1)) || Math.abs(this.cx) * 1e-6 || 1;
      this.sy = Math.sqrt(this.sy / (this.n - 1)) || Math.abs(this.cy) * 1e-6 || 1;
    }
    return true;
  }

  /** Weighted variance of the (scaled) target over the fit's memory. */
  varY(): number {
    const m = this.mom;
    const mean = m[5]! / m[0]!;
    return m[8]! / m[0]! - mean * mean;
  }

  /** Weighted LS prediction at t (scaled units): 3×3 normal equations with a tiny ridge. */
  predict(t: number): number {
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

  /** Adds a reading to the exponentially weighted moments of the fit. */
  learn(t: number, yy: number): void {
    const mom = this.mom;
    const keep = 1 - this.beta;
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

  snapshot(): QuadraticFitState {
    return { n: this.n, cx: this.cx, sx: this.sx, cy: this.cy, sy: this.sy, mom: Array.from(this.mom) };
  }

  restore(s: QuadraticFitState): void {
    this.n = s.n;
    this.cx = s.cx;
    this.sx = s.sx;
    this.cy = s.cy;
    this.sy = s.sy;
    this.mom.set(s.mom);
    this.h = 0;
  }
}
