// Station-level component: several channels deviating together.
//
// Input per channel is the level-shift component's signed standardised offset u_i (recent mean
// minus the seasonal expectation, in units of its normal variation). The component keeps an EW
// estimate of their correlation matrix and scores the Mahalanobis distance
//     q = uᵀ R⁻¹ u,   R = (1 − shrink) · corr + shrink · I,
// which under normal operation is ≈ χ² with k = number of live channels; the surprise is the
// equivalent |z| of P(χ²_k > q). Two channels each 4σ off give q = 32 → |z| ≈ 5.3, more than
// either alone (4); one channel 4σ off and the rest normal gives less than 4, so the station max
// (sensor-detector.ts) still uses the single-channel score there. Offsets that are normally
// correlated (a demand swing moving flow up and pressure down together) are discounted
// accordingly, which is what keeps the joint score from inflating ordinary coherent variation.
//
// The correlation starts as the identity weighted like `priorWeight` readings, forgets with weight
// `beta`, and is not updated while any offset exceeds `skipZ`, so faults do not teach it.

import { checkOption, fmt, type ComponentOutput } from '../../../core/component.ts';
import { logChiSquareTail, zFromLogTail } from '../../../core/tail.ts';

export interface JointDeviationOptions {
  /** Forgetting weight per reading of the correlation estimate, (0, 1]; default 1/2880 (≈ 2 days at 1/min). */
  beta: number;
  /** Weight of the identity prior, in readings; default 720. */
  priorWeight: number;
  /** Shrinkage of the correlation towards the identity, [0, 1); default 0.1. */
  shrink: number;
  /** Readings with a live offset a channel needs before it joins the joint score; default 240. */
  warmup: number;
  /** The correlation is not updated on readings where any |u| exceeds this; default 4. */
  skipZ: number;
}

export const DEFAULT_JOINT_DEVIATION: Readonly<JointDeviationOptions> = Object.freeze({
  beta: 1 / 2880,
  priorWeight: 720,
  shrink: 0.1,
  warmup: 240,
  skipZ: 4,
});

export function resolveJointDeviationOptions(opts: Partial<JointDeviationOptions> = {}): JointDeviationOptions {
  const o = { ...DEFAULT_JOINT_DEVIATION, ...opts };
  const c = 'jointDeviation';
  checkOption(c, 'beta', o.beta, 0, 1, false);
  checkOption(c, 'priorWeight', o.priorWeight, 1, 1e12);
  checkOption(c, 'shrink', o.shrink, 0, 0.999);
  checkOption(c, 'warmup', o.warmup, 0, 1e9);
  checkOption(c, 'skipZ', o.skipZ, 0, 1e6, false);
  return o;
}

/** Persisted state (JSON-safe); matrices are row-major `dims × dims`. */
export interface JointDeviationState {
  dims: number;
  cov: number[];
  pairN: number[];
  dimN: number[];
}

export class JointDeviation implements ComponentOutput {
  surprise = 0;
  readonly expected: number | null = null;
  /** Channels taking part in the latest score. */
  k = 0;
  private cap = 0;
  private dims = 0;
  private cov = new Float64Array(0);
  private pairN = new Float64Array(0);
  private dimN = new Float64Array(0);
  private idx = new Int32Array(0);
  private chol = new Float64Array(0);
  private y = new Float64Array(0);

  private top1 = -1;
  private top2 = -1;
  private u1 = 0;
  private u2 = 0;

  /** @param names channel names by index, owned (and grown) by the station */
  constructor(
    private readonly o: JointDeviationOptions,
    private readonly names: readonly string[],
  ) {}

  /** Makes room for `dims` channels; new channels start uncorrelated with the rest. */
  grow(dims: number): void {
    if (dims <= this.dims) return;
    if (dims > this.cap) {
      const cap = Math.max(dims, this.cap * 2, 4);
      const cov = new Float64Array(cap * cap);
      const pairN = new Float64Array(cap * cap);
      for (let i = 0; i < this.dims; i++) {
        for (let j = 0; j < this.dims; j++) {
          cov[i * cap + j] = this.cov[i * this.cap + j]!;
          pairN[i * cap + j] = this.pairN[i * this.cap + j]!;
        }
      }
      const dimN = new Float64Array(cap);
      dimN.set(this.dimN.subarray(0, this.dims));
      this.cov = cov;
      this.pairN = pairN;
      this.dimN = dimN;
      this.idx = new Int32Array(cap);
      this.chol = new Float64Array(cap * cap);
      this.y = new Float64Array(cap);

      this.cap = cap;
    }
    for (let i = this.dims; i < dims; i++) this.cov[i * this.cap + i] = 1;
    this.dims = dims;
  }

  /**
   * Scores the offsets `u[i]` of the channels with `live[i] = 1` (others are ignored), then
   * learns from them. `u` and `live` have at least `grow`n entries.
   */
  update(u: Float64Array, live: Uint8Array, _ts: number): this {
    const o = this.o;
    const cap = this.cap;
    const idx = this.idx;
    let n = 0;
    let k = 0;
    let maxAbs = 0;
    for (let i = 0; i < this.dims; i++) {
      if (live[i] !== 1) continue;
      idx[n++] = i;
      const a = u[i]! < 0 ? -u[i]! : u[i]!;
      if (a > maxAbs) maxAbs = a;
    }
    // Live channels past their joint warm-up are moved to the front of idx[0..k).
    for (let a = 0; a < n; a++) {
      const i = idx[a]!;
      if (this.dimN[i]! >= o.warmup) {
        idx[a] = idx[k]!;
        idx[k++] = i;
      }
    }
    this.k = k;
    this.surprise = k >= 2 ? this.score(u, k) : 0;
    if (k < 2) this.top1 = this.top2 = -1;

    if (maxAbs <= o.skipZ) {
      for (let a = 0; a < n; a++) {
        const i = idx[a]!;
        this.dimN[i] = this.dimN[i]! + 1;
        for (let b = 0; b <= a; b++) {
          const j = idx[b]!;
          const p = i * cap + j;
          const cnt = this.pairN[p]! + 1;
          const w = Math.max(o.beta, 1 / (o.priorWeight + cnt));
          const c = this.cov[p]! + w * (u[i]! * u[j]! - this.cov[p]!);
          this.cov[p] = c;
          this.cov[j * cap + i] = c;
          this.pairN[p] = cnt;
          this.pairN[j * cap + i] = cnt;
        }
      }
    }
    return this;
  }

  /** Equivalent |z| of uᵀR⁻¹u over idx[0..k); also records the two strongest contributors. */
  private score(u: Float64Array, k: number): number {
    const { shrink } = this.o;
    const cap = this.cap;
    const idx = this.idx;
    const L = this.chol; // k×k lower triangle, stride k
    const y = this.y;
    for (let a = 0; a < k; a++) {
      const i = idx[a]!;
      for (let b = 0; b <= a; b++) {
        const j = idx[b]!;
        let r: number;
        if (a === b) r = 1;
        else {
          const den = Math.sqrt(this.cov[i * cap + i]! * this.cov[j * cap + j]!);
          r = den > 0 ? ((1 - shrink) * this.cov[i * cap + j]!) / den : 0;
        }
        let s = r;
        for (let c = 0; c < b; c++) s -= L[a * k + c]! * L[b * k + c]!;
        if (a === b) L[a * k + a] = Math.sqrt(s > 1e-12 ? s : 1e-12);
        else L[a * k + b] = s / L[b * k + b]!;
      }
    }
    let q = 0;
    for (let a = 0; a < k; a++) {
      let s = u[idx[a]!]!;
      for (let c = 0; c < a; c++) s -= L[a * k + c]! * y[c]!;
      y[a] = s / L[a * k + a]!;
      q += y[a]! * y[a]!;
    }
    // w = R⁻¹u by back-substitution (in place in y); channel a contributes u_a·w_a to q.
    for (let a = k - 1; a >= 0; a--) {
      let s = y[a]!;
      for (let c = a + 1; c < k; c++) s -= L[c * k + a]! * y[c]!;
      y[a] = s / L[a * k + a]!;
    }
    let best1 = -Infinity;
    let best2 = -Infinity;
    this.top1 = this.top2 = -1;
    for (let a = 0; a < k; a++) {
      const i = idx[a]!;
      const contrib = u[i]! * y[a]!;
      if (contrib > best1) {
        best2 = best1;
        this.top2 = this.top1;
        best1 = contrib;
        this.top1 = i;
      } else if (contrib > best2) {
        best2 = contrib;
        this.top2 = i;
      }
    }
    this.u1 = this.top1 >= 0 ? u[this.top1]! : 0;
    this.u2 = this.top2 >= 0 ? u[this.top2]! : 0;
    return zFromLogTail(logChiSquareTail(q, k));
  }

  /** Driver feature name, e.g. `pressure+flow` (`~` is taken by the relation component): the two strongest contributors, in channel order (stable for grouping). */
  get feature(): string {
    if (this.top1 < 0 || this.top2 < 0) return 'joint';
    const [a, b] = this.top1 < this.top2 ? [this.top1, this.top2] : [this.top2, this.top1];
    return `${this.names[a]}+${this.names[b]}`;
  }

  get reason(): string {
    if (this.top1 < 0 || this.top2 < 0) return 'fewer than two channels with a learned baseline';
    const sig = (x: number) => `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x))}σ`;
    return `${this.names[this.top1]} ${sig(this.u1)} and ${this.names[this.top2]} ${sig(this.u2)} off their usual levels together (joint over ${this.k} channels)`;
  }

  snapshot(): JointDeviationState {
    const d = this.dims;
    const cov: number[] = [];
    const pairN: number[] = [];
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        cov.push(this.cov[i * this.cap + j]!);
        pairN.push(this.pairN[i * this.cap + j]!);
      }
    }
    return { dims: d, cov, pairN, dimN: Array.from(this.dimN.subarray(0, d)) };
  }

  /** Restores a snapshot; the caller checks the array lengths against `dims`. */
  restore(s: JointDeviationState): void {
    this.dims = 0;
    this.grow(s.dims);
    for (let i = 0; i < s.dims; i++) {
      for (let j = 0; j < s.dims; j++) {
        this.cov[i * this.cap + j] = s.cov[i * s.dims + j]!;
        this.pairN[i * this.cap + j] = s.pairN[i * s.dims + j]!;
      }
      this.dimN[i] = s.dimN[i]!;
    }
    this.surprise = 0;
    this.k = 0;
    this.top1 = this.top2 = -1;
  }
}

export function createJointDeviation(names: readonly string[], opts: Partial<JointDeviationOptions> = {}): JointDeviation {
  return new JointDeviation(resolveJointDeviationOptions(opts), names);
}
