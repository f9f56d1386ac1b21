/**
 * An exponentially weighted histogram on a fixed grid: robust online quantiles (median, IQR)
 * of a quantity whose range is known, in O(buckets) per query and O(1) per update, exactly
 * reproducible from its state. Values outside [lo, hi) land in the edge buckets.
 *
 * Decay without touching every bucket: weights are stored scaled by a growth factor that
 * grows by 1/(1 − alpha) per update; quantiles are ratios, where the factor cancels.
 */
export interface EwHistogramState {
  lo: number;
  hi: number;
  buckets: number;
  alpha: number;
  growth: number;
  total: number;
  n: number;
  weights: number[];
}

const RESCALE_AT = 1e120;

export class EwHistogram {
  readonly lo: number;
  readonly hi: number;
  readonly alpha: number;
  readonly #w: Float64Array;
  readonly #width: number;
  #growth = 1;
  #total = 0;
  #n = 0;

  /** `alpha`: weight of the newest value once the histogram is full (memory ≈ 1/alpha values). */
  constructor(lo: number, hi: number, buckets: number, alpha: number) {
    if (!(hi > lo) || !(buckets >= 2) || !(alpha > 0 && alpha < 1)) throw new RangeError(`EwHistogram(${lo}, ${hi}, ${buckets}, ${alpha}): need lo < hi, ≥ 2 buckets, 0 < alpha < 1`);
    this.lo = lo;
    this.hi = hi;
    this.alpha = alpha;
    this.#w = new Float64Array(buckets);
    this.#width = (hi - lo) / buckets;
  }

  /** Values added so far (not decayed). */
  get count(): number {
    return this.#n;
  }

  add(x: number, weight = 1): void {
    if (!Number.isFinite(x) || !(weight > 0)) return;
    this.#n++;
    let g = this.#growth / (1 - this.alpha);
    if (g > RESCALE_AT) {
      for (let i = 0; i < this.#w.length; i++) this.#w[i] = this.#w[i]! / g;
      this.#total /= g;
      g = 1;
    }
    this.#growth = g;
    const i = Math.min(this.#w.length - 1, Math.max(0, Math.floor((x - this.lo) / this.#width)));
    this.#w[i] = this.#w[i]! + weight * g;
    this.#total += weight * g;
  }

  /** The q-quantile (0 < q < 1), linear within a bucket; NaN when empty. */
  quantile(q: number): number {
    if (!(this.#total > 0)) return NaN;
    const target = q * this.#total;
    let acc = 0;
    for (let i = 0; i < this.#w.length; i++) {
      const w = this.#w[i]!;
      if (acc + w >= target && w > 0) return this.lo + (i + (target - acc) / w) * this.#width;
      acc += w;
    }
    return this.hi;
  }

  /** Median and a robust sd (IQR / 1.349) in one pass. */
  centre(): { median: number; sd: number } {
    const q1 = this.quantile(0.25);
    return { median: this.quantile(0.5), sd: (this.quantile(0.75) - q1) / 1.349 };
  }

  captureState(): EwHistogramState {
    return { lo: this.lo, hi: this.hi, buckets: this.#w.length, alpha: this.alpha, growth: this.#growth, total: this.#total, n: this.#n, weights: Array.from(this.#w) };
  }

  restoreState(s: EwHistogramState): void {
    if (s.lo !== this.lo || s.hi !== this.hi || s.buckets !== this.#w.length || s.alpha !== this.alpha) throw new RangeError('EwHistogram state has another grid or alpha');
    this.#w.set(s.weights);
    this.#growth = s.growth;
    this.#total = s.total;
    this.#n = s.n;
  }
}
