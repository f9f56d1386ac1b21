// A subheading's running robust distribution: the last `capacity` values in a ring, with their
// median and MAD. A bounded window (not an all-time estimate) so a price level that moves — a
// harvest, a tariff — moves the norm, and so the state is a fixed size whatever the volume.
// Exact and deterministic: a snapshot keeps the ring itself, so restore changes nothing.

/** MAD → standard deviation of a normal distribution. */
const MAD_TO_SD = 1.4826;

export interface RobustRingSnapshot {
  /** Values ever added (the ring holds the last min(n, capacity)). */
  n: number;
  /** Oldest first. */
  values: number[];
}

export class RobustRing {
  readonly #buf: Float64Array;
  /** The held values in ascending order, kept on every add (O(capacity) moves instead of two sorts per question). */
  readonly #sorted: Float64Array;
  #n = 0;

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError('capacity must be an integer ≥ 1');
    this.#buf = new Float64Array(capacity);
    this.#sorted = new Float64Array(capacity);
  }

  get n(): number {
    return this.#n;
  }

  /** Values held now. */
  get size(): number {
    return Math.min(this.#n, this.capacity);
  }

  add(v: number): void {
    const k = this.size;
    const sorted = this.#sorted;
    let len = k;
    if (k === this.capacity) {
      // Drop the value this add overwrites from the sorted copy.
      const i = lowerBound(sorted, len, this.#buf[this.#n % this.capacity]!);
      sorted.copyWithin(i, i + 1, len);
      len--;
    }
    const j = upperBound(sorted, len, v);
    sorted.copyWithin(j + 1, j, len);
    sorted[j] = v;
    this.#buf[this.#n % this.capacity] = v;
    this.#n++;
  }

  /** Median of the values held (NaN when empty). */
  median(): number {
    const k = this.size;
    if (k === 0) return NaN;
    const mid = k >> 1;
    return k % 2 === 1 ? this.#sorted[mid]! : (this.#sorted[mid - 1]! + this.#sorted[mid]!) / 2;
  }

  /** Median and MAD of the values held (NaN when empty). */
  stats(): { median: number; mad: number } {
    const k = this.size;
    if (k === 0) return { median: NaN, mad: NaN };
    const median = this.median();
    // The absolute deviations are two ascending runs, outwards from the median: merge them up to
    // the middle rank instead of sorting them.
    const s = this.#sorted;
    let lo = upperBound(s, k, median) - 1;
    let hi = lo + 1;
    const want = k >> 1;
    let prev = NaN;
    let cur = NaN;
    for (let r = 0; r <= want; r++) {
      const dl = lo >= 0 ? median - s[lo]! : Infinity;
      const dh = hi < k ? s[hi]! - median : Infinity;
      prev = cur;
      if (dl <= dh) {
        cur = Math.abs(s[lo]! - median);
        lo--;
      } else {
        cur = Math.abs(s[hi]! - median);
        hi++;
      }
    }
    return { median, mad: k % 2 === 1 ? cur : (prev + cur) / 2 };
  }

  /**
   * Robust z of `v`: (v − median) / (1.4826 · MAD), the MAD floored at `minScale` (values that
   * are all alike must not make every new value infinitely unusual); 0 before `minCount` values.
   */
  z(v: number, minCount: number, minScale: number): number {
    if (this.size < minCount) return 0;
    const { median, mad } = this.stats();
    return (v - median) / (MAD_TO_SD * Math.max(mad, minScale));
  }

  snapshot(): RobustRingSnapshot {
    const k = this.size;
    const values: number[] = [];
    const start = this.#n > this.capacity ? this.#n % this.capacity : 0;
    for (let i = 0; i < k; i++) values.push(this.#buf[(start + i) % this.capacity]!);
    return { n: this.#n, values };
  }

  static restore(capacity: number, s: RobustRingSnapshot): RobustRing {
    const r = new RobustRing(capacity);
    // Re-adding oldest first lands every value where it was, modulo the new origin: the
    // median and MAD depend on the held values only, and later adds evict the same oldest one.
    const keep = s.values.slice(-capacity);
    for (const v of keep) r.add(v);
    r.#n = Math.max(s.n, keep.length);
    // Positions: after restore the next write must evict the oldest held value.
    if (r.#n > capacity) {
      const ordered = Float64Array.from(keep);
      const start = r.#n % capacity;
      for (let i = 0; i < keep.length; i++) r.#buf[(start + i) % capacity] = ordered[i]!;
    }
    return r;
  }

  /** Bytes this ring takes (for the key budget). */
  get bytes(): number {
    return 64 + this.capacity * 8;
  }
}

/** First index in s[0, len) whose value is ≥ v. */
function lowerBound(s: Float64Array, len: number, v: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in s[0, len) whose value is > v. */
function upperBound(s: Float64Array, len: number, v: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
