/**
 * Per-key seasonal baseline: for each hour of week (168 slots) an exponentially weighted mean
 * and variance of a few quantities, learned online. The first updates of a slot average
 * (alpha = 1/n) so a new cell is usable after one week; after that alpha stays at `alphaMin`
 * so the baseline follows slow change. Read before you update: a window must be compared with
 * what was expected of it, not with itself.
 *
 * Memory: per key 168 × (2 × quantities) float32 + 168 uint16 (≈ 4.4 kB for 3 quantities).
 * Keys are never evicted (a quiet cell keeps its history); 20 000 H3 cells ≈ 90 MB.
 */
import { decodeFloat32, decodeUint16, encodeFloat32, encodeUint16 } from './typed-array-codec.ts';
export interface SeasonalBaselineOptions {
  /** Quantities tracked per slot. Required. */
  quantities: number;
  /** Smallest weight of a new observation once a slot has history, 0–1. @default 1/48 */
  alphaMin: number;
}

export const HOURS_PER_WEEK = 168;

/** The learned state, for processor snapshots (typed arrays as base64, see typed-array-codec). */
export interface SeasonalBaselineSnapshot {
  quantities: number;
  alphaMin: number;
  keys: [key: string, stats: string, n: string][];
}

interface KeyState {
  /** [slot][quantity][mean, variance] */
  stats: Float32Array;
  n: Uint16Array;
}

export class SeasonalBaseline {
  readonly quantities: number;
  readonly alphaMin: number;
  readonly #keys = new Map<string, KeyState>();

  constructor(opts: { quantities: number; alphaMin?: number }) {
    if (!(Number.isInteger(opts.quantities) && opts.quantities >= 1)) throw new RangeError(`quantities must be an integer ≥ 1, got ${opts.quantities}`);
    this.quantities = opts.quantities;
    this.alphaMin = opts.alphaMin ?? 1 / 48;
    if (!(this.alphaMin > 0 && this.alphaMin <= 1)) throw new RangeError(`alphaMin must be in (0, 1], got ${this.alphaMin}`);
  }

  get size(): number {
    return this.#keys.size;
  }

  /** Observations folded into a slot so far (0 = no baseline yet). */
  count(key: string, slot: number): number {
    return this.#keys.get(key)?.n[slot] ?? 0;
  }

  /** EW mean of quantity q in a slot; 0 when the slot has no history. */
  mean(key: string, slot: number, q: number): number {
    const s = this.#keys.get(key);
    return s ? s.stats[(slot * this.quantities + q) * 2]! : 0;
  }

  /** EW variance of quantity q in a slot; 0 when the slot has no history. */
  variance(key: string, slot: number, q: number): number {
    const s = this.#keys.get(key);
    return s ? s.stats[(slot * this.quantities + q) * 2 + 1]! : 0;
  }

  /**
   * One lookup for a whole slot: writes [mean, variance] of each quantity into `out` (zeros
   * without history) and returns the slot's observation count.
   */
  read(key: string, slot: number, out: Float64Array): number {
    const s = this.#keys.get(key);
    const q2 = this.quantities * 2;
    if (!s) {
      out.fill(0, 0, q2);
      return 0;
    }
    const base = slot * q2;
    for (let i = 0; i < q2; i++) out[i] = s.stats[base + i]!;
    return s.n[slot]!;
  }

  snapshot(): SeasonalBaselineSnapshot {
    return { quantities: this.quantities, alphaMin: this.alphaMin, keys: [...this.#keys].map(([k, s]) => [k, encodeFloat32(s.stats), encodeUint16(s.n)]) };
  }

  /** Replace the state with a snapshot of a baseline with the same shape; throws RangeError otherwise. */
  restore(snap: SeasonalBaselineSnapshot): void {
    if (snap.quantities !== this.quantities || snap.alphaMin !== this.alphaMin) {
      throw new RangeError(`baseline snapshot has quantities ${snap.quantities}, alphaMin ${snap.alphaMin}; this baseline ${this.quantities}, ${this.alphaMin}`);
    }
    const size = HOURS_PER_WEEK * this.quantities * 2;
    const keys = new Map<string, KeyState>();
    for (const [k, stats, n] of snap.keys) keys.set(k, { stats: decodeFloat32(stats, size, `baseline ${k}`), n: decodeUint16(n, HOURS_PER_WEEK, `baseline ${k}`) });
    this.#keys.clear();
    for (const [k, v] of keys) this.#keys.set(k, v);
  }

  /** Fold one observation of every quantity into a slot. */
  update(key: string, slot: number, values: ArrayLike<number>): void {
    let s = this.#keys.get(key);
    if (!s) {
      s = { stats: new Float32Array(HOURS_PER_WEEK * this.quantities * 2), n: new Uint16Array(HOURS_PER_WEEK) };
      this.#keys.set(key, s);
    }
    const n = Math.min(65_535, s.n[slot]! + 1);
    s.n[slot] = n;
    const alpha = Math.max(1 / n, this.alphaMin);
    for (let q = 0; q < this.quantities; q++) {
      const i = (slot * this.quantities + q) * 2;
      const delta = values[q]! - s.stats[i]!;
      s.stats[i] = s.stats[i]! + alpha * delta;
      // West's EW variance: with alpha = 1/n it is the population variance of the first n values.
      s.stats[i + 1] = (1 - alpha) * (s.stats[i + 1]! + alpha * delta * delta);
    }
  }
}

/** Ratio of an observed count to its expectation, +1 smoothed so empty cells stay finite. */
export function countRatio(observed: number, expected: number): number {
  return (observed + 1) / (expected + 1);
}

/**
 * z of an observed count against a baseline; the spread is floored at the Poisson sd
 * (√mean) and at 1 so a sparse cell's first extra trip is not a 10-sigma event. 0 without history.
 */
export function countZ(observed: number, mean: number, variance: number, n: number): number {
  if (n === 0) return 0;
  return (observed - mean) / Math.sqrt(Math.max(variance, mean, 1));
}
